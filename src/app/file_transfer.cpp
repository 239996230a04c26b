#include "app/file_transfer.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>

#include "data/file.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace nn {

namespace {

constexpr std::size_t kMaxOpenedBytes = 256u << 20;

// Files arrive from JavaScript callbacks and SDL events, outside any panel: they wait here.
std::mutex& queue_mutex() {
  static std::mutex m;
  return m;
}
std::deque<OpenedFile>& queue() {
  static std::deque<OpenedFile> q;
  return q;
}
std::map<std::string, float>& in_flight() {  // purpose -> fraction downloaded
  static std::map<std::string, float> m;
  return m;
}

void enqueue(OpenedFile file) {
  std::lock_guard<std::mutex> lock(queue_mutex());
  in_flight().erase(file.purpose);
  queue().push_back(std::move(file));
}

}  // namespace

#if defined(__EMSCRIPTEN__)

EM_JS(void, js_download, (const char* name, const std::uint8_t* data, int size), {
  // slice() copies out of the shared wasm memory: Blobs cannot be made from shared buffers.
  const blob = new Blob([HEAPU8.slice(data, data + size)], {type: 'application/octet-stream'});
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = UTF8ToString(name);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
});

EM_JS(void, js_open_file, (const char* purpose, const char* accept, int max_bytes), {
  const tag = UTF8ToString(purpose);
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = UTF8ToString(accept);
  input.onchange = async () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > max_bytes) {
      Module.nnlabRejectFile(tag, file.name, `${file.name} is too large (${file.size} bytes)`);
      return;
    }
    Module.nnlabDeliverFile(tag, file.name, new Uint8Array(await file.arrayBuffer()));
  };
  input.click();
});

EM_JS(void, js_fetch, (const char* purpose, const char* url), {
  const tag = UTF8ToString(purpose);
  const path = UTF8ToString(url);
  (async () => {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const total = Number(response.headers.get('Content-Length')) || 0;
    let loaded = 0;
    const counted = response.body.pipeThrough(new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.length;
        if (total) Module.ccall('nnlab_file_progress', null, ['string', 'number'], [tag, loaded / total]);
        controller.enqueue(chunk);
      },
    }));
    const stream = path.endsWith('.gz') ? counted.pipeThrough(new DecompressionStream('gzip')) : counted;
    return new Uint8Array(await new Response(stream).arrayBuffer());
  })().then((bytes) => Module.nnlabDeliverFile(tag, path, bytes),
            (error) => Module.nnlabRejectFile(tag, path, `could not load ${path}: ${error.message || error}`));
});

extern "C" EMSCRIPTEN_KEEPALIVE void nnlab_file_progress(const char* purpose, float fraction) {
  std::lock_guard<std::mutex> lock(queue_mutex());
  in_flight()[purpose] = fraction;
}

// JavaScript hands over a file: the bytes are copied into wasm memory, then queued here.
extern "C" EMSCRIPTEN_KEEPALIVE void nnlab_file_opened(const char* purpose, const char* name, std::uint8_t* data, int size) {
  OpenedFile file{purpose, name, std::vector<std::uint8_t>(data, data + size), {}};
  std::free(data);
  enqueue(std::move(file));
}

extern "C" EMSCRIPTEN_KEEPALIVE void nnlab_file_rejected(const char* purpose, const char* name, const char* error) {
  enqueue(OpenedFile{purpose, name, {}, error});
}

Status file_save(const std::string& filename, const std::vector<std::uint8_t>& bytes, std::string& where) {
  js_download(filename.c_str(), bytes.data(), int(bytes.size()));
  where = "downloaded as " + filename;
  return Status::success();
}

void file_request_open(const std::string& purpose, const char* accept, const std::string&) {
  js_open_file(purpose.c_str(), accept, int(kMaxOpenedBytes));
}

void file_fetch(const std::string& purpose, const std::string& url, const std::string&) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex());
    in_flight()[purpose] = 0.0f;
  }
  js_fetch(purpose.c_str(), url.c_str());
}

#else

Status file_save(const std::string& filename, const std::vector<std::uint8_t>& bytes, std::string& where) {
  if (Status status = write_file_atomic(filename, bytes); !status.ok()) return status;
  where = "saved to " + filename;
  return Status::success();
}

void file_request_open(const std::string& purpose, const char*, const std::string& desktop_path) {
  OpenedFile file{purpose, desktop_path, {}, {}};
  Status status = read_file(desktop_path, file.bytes, kMaxOpenedBytes);
  if (!status.ok()) file.error = status.error;
  enqueue(std::move(file));
}

void file_fetch(const std::string& purpose, const std::string&, const std::string& desktop_path) {
  // Local files read fast enough that a background thread would only add complexity.
  file_request_open(purpose, "", desktop_path);
}

#endif

void file_dropped(const std::string& name, std::vector<std::uint8_t> bytes, std::string error) {
  enqueue(OpenedFile{"drop", name, std::move(bytes), std::move(error)});
}

bool file_progress(const std::string& purpose, float& fraction) {
  std::lock_guard<std::mutex> lock(queue_mutex());
  auto it = in_flight().find(purpose);
  if (it == in_flight().end()) return false;
  fraction = it->second;
  return true;
}

bool file_take_opened(const std::string& purpose, OpenedFile& out) {
  std::lock_guard<std::mutex> lock(queue_mutex());
  for (auto it = queue().begin(); it != queue().end(); ++it) {
    if (it->purpose != purpose) continue;
    out = std::move(*it);
    queue().erase(it);
    return true;
  }
  return false;
}

}  // namespace nn
