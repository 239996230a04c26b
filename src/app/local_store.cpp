#include "app/local_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>

#include "data/file.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace nn {

namespace {

struct Store {
  bool ready = false;
  std::string error;
  std::string dir;
  long written = 0;         // writes (and removals) made so far, numbered from 1
  long durable = 0;         // every write up to this number is in IndexedDB or on disk
  bool syncing = false;     // a copy to IndexedDB is running...
  long sync_covers = 0;     // ...and holds the writes up to this number
  // Writes made while a copy runs, applied when it ends (nullopt: a removal). Changing files
  // under a running copy could make it miss one, or fail on a file that vanished.
  std::map<std::string, std::optional<std::vector<std::uint8_t>>> waiting;
};
Store& store() {
  static Store s;
  return s;
}

std::string path_of(const std::string& name) { return store().dir + "/" + name; }

Status write_now(const std::string& name, const std::vector<std::uint8_t>& bytes) {
#if defined(__EMSCRIPTEN__)
  // Emscripten 3.1.6's FS.rename over an existing file keeps the replaced file in its lookup table,
  // contents and all: every save of the GAN would leak 13 MB. So the new file gets a name of its
  // own, the old one is removed, and the new one renamed into its place, all within this call,
  // which no copy to IndexedDB can interrupt: copies run between frames, and never while a write
  // is due (they wait in Store::waiting).
  const std::string path = path_of(name), next = path + ".next";
  if (Status status = write_file_atomic(next, bytes); !status.ok()) return status;
  ::unlink(path.c_str());
  if (::rename(next.c_str(), path.c_str()) != 0) return Status::failure("cannot write %s: %s", path.c_str(), std::strerror(errno));
  return Status::success();
#else
  return write_file_atomic(path_of(name), bytes);
#endif
}

void remove_now(const std::string& name) { ::unlink(path_of(name).c_str()); }

#if defined(__EMSCRIPTEN__)

constexpr const char* kBrowserDir = "/persist";

EM_JS(void, js_store_mount, (const char* dir), {
  const done = (error) => Module.ccall('nnlab_store_synced', null, ['number', 'string'], [1, error]);
  try {
    FS.mkdir(UTF8ToString(dir));
    FS.mount(IDBFS, {}, UTF8ToString(dir));
  } catch (error) {
    done(String(error.message || error));
    return;
  }
  FS.syncfs(true, (error) => done(error ? String(error.message || error) : ""));
});

EM_JS(void, js_store_sync, (), {
  FS.syncfs(false, (error) =>
    Module.ccall('nnlab_store_synced', null, ['number', 'string'], [0, error ? String(error.message || error) : ""]));
});

void start_sync() {
  Store& s = store();
  s.syncing = true;
  s.sync_covers = s.written;
  js_store_sync();
}

#else

void start_sync() { store().durable = store().written; }

// mkdir -p: every folder on the way, those that exist already included.
bool make_dirs(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
    if (slash == std::string::npos) return true;
  }
}

std::string desktop_dir() {
  if (const char* dir = std::getenv("NNLAB_SAVE_DIR"); dir && *dir) return dir;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::string(data) + "/nnlab";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/nnlab";
  return "nnlab-saved";
}

#endif

}  // namespace

#if defined(__EMSCRIPTEN__)

// IndexedDB answered: `mounted` 1 for the first read at startup, 0 for a copy of the writes.
extern "C" EMSCRIPTEN_KEEPALIVE void nnlab_store_synced(int mounted, const char* error) {
  Store& s = store();
  if (mounted) {
    s.ready = true;
    if (*error) s.error = std::string("this browser keeps nothing for the lab (IndexedDB: ") + error + ")";
    return;
  }
  s.syncing = false;
  if (*error) s.error = std::string("could not save in this browser: ") + error;
  else s.durable = s.sync_covers;
  if (s.waiting.empty()) return;
  for (auto& [name, bytes] : s.waiting) {
    if (!bytes) remove_now(name);
    else if (Status status = write_now(name, *bytes); !status.ok()) s.error = status.error;
  }
  s.waiting.clear();
  start_sync();
}

void store_open() {
  store().dir = kBrowserDir;
  js_store_mount(kBrowserDir);
}

std::string store_where() { return "this browser"; }

#else

void store_open() {
  Store& s = store();
  s.dir = desktop_dir();
  s.ready = true;
  if (!make_dirs(s.dir)) {
    const int error = errno;
    s.error = "cannot create the folder " + s.dir + ": " + std::strerror(error);
  }
}

std::string store_where() { return store().dir; }

#endif

bool store_ready() { return store().ready; }

std::string store_error() { return store().error; }

long store_durable() { return store().durable; }

Status store_write(const std::string& name, std::vector<std::uint8_t> bytes, long& write_number) {
  Store& s = store();
  if (!s.ready) return Status::failure("the saved files are not open yet");
  write_number = ++s.written;
  if (s.syncing) {
    s.waiting[name] = std::move(bytes);
    return Status::success();
  }
  Status status = write_now(name, bytes);
  if (status.ok()) start_sync();
  return status;
}

bool store_read(const std::string& name, std::vector<std::uint8_t>& out, std::size_t max_bytes, Status& status) {
  Store& s = store();
  status = Status::success();
  if (auto it = s.waiting.find(name); it != s.waiting.end()) {
    if (!it->second) return false;
    out = *it->second;
    return true;
  }
  struct stat st;
  if (!s.ready || ::stat(path_of(name).c_str(), &st) != 0) return false;
  status = read_file(path_of(name), out, max_bytes);
  return true;
}

void store_remove(const std::string& name) {
  Store& s = store();
  if (!s.ready) return;
  ++s.written;
  if (s.syncing) {
    s.waiting[name] = std::nullopt;
    return;
  }
  remove_now(name);
  start_sync();
}

}  // namespace nn
