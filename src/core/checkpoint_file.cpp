// Checkpoints on disk: an atomic save (temporary file, fsync, rename) and a bounded load.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/checkpoint.h"

namespace nn {

namespace {

// The tables before the data are a few KB for any model here; a file much larger than its data
// cannot be a checkpoint of this model, and is refused before being read into memory.
constexpr std::size_t kMaxTableBytes = std::size_t(16) << 20;

std::string errno_text(const std::string& action, const std::string& path) {
  return "cannot " + action + " '" + path + "': " + std::strerror(errno);
}

bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd, p, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    p += written;
    n -= std::size_t(written);
  }
  return true;
}

// Returns an error message, empty on success.
std::string read_all(int fd, std::uint8_t* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t got = ::read(fd, p, n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_text("read", path);
    if (got == 0) return "'" + path + "' became shorter while it was being read";
    p += got;
    n -= std::size_t(got);
  }
  return {};
}

std::string parent_dir(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status checkpoint_save_file(const std::string& path, const ModelArch& arch,
                                      const ParamStore& params, const OptimizerState& optim) {
  std::vector<std::uint8_t> bytes = checkpoint_save(arch, params, optim);
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return {errno_text("create a temporary file next to", path)};
  std::string error;
  if (!write_all(fd, bytes.data(), bytes.size())) error = errno_text("write", tmp);
  else if (::fsync(fd) != 0) error = errno_text("sync", tmp);
  if (::close(fd) != 0 && error.empty()) error = errno_text("close", tmp);
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = errno_text("rename " + tmp + " to", path);
  if (!error.empty()) {
    ::unlink(tmp.c_str());
    return {error};
  }
  // Syncing the folder makes the rename itself survive a power cut. Not every file system can
  // open a folder (Emscripten's cannot); the data is safe in the file already, so that is no error.
  int dir = ::open(parent_dir(path).c_str(), O_RDONLY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

Status checkpoint_load_file(const std::string& path, const ModelArch& arch,
                                      ParamStore& params, OptimizerState& optim) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return {errno_text("open", path)};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    std::string error = errno_text("read the size of", path);
    ::close(fd);
    return {error};
  }
  auto size = std::uint64_t(st.st_size);
  std::uint64_t limit = (params.value.size() + optim.moments.size()) * sizeof(float) + kMaxTableBytes;
  if (size > limit) {
    ::close(fd);
    return {"'" + path + "' is " + std::to_string(size) + " bytes, too large to be a checkpoint of this model"};
  }
  std::vector<std::uint8_t> bytes(size);
  std::string error = read_all(fd, bytes.data(), bytes.size(), path);
  ::close(fd);
  if (!error.empty()) return {error};
  Status status = checkpoint_load(bytes, arch, params, optim);
  if (!status.ok()) status.error = "'" + path + "': " + status.error;
  return status;
}

}  // namespace nn
