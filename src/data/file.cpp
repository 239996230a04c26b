#include "data/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nn {

Status read_file(const std::string& path, std::vector<std::uint8_t>& out, std::size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::failure("cannot open %s: %s", path.c_str(), std::strerror(errno));
  // A regular file says its size up front: one too large is refused before a byte is read. The
  // loop below still counts, for pipes and for files that grow while they are read.
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && std::uint64_t(st.st_size) > max_bytes) {
    std::fclose(f);
    return Status::failure("%s has %llu bytes, more than the limit of %zu MB", path.c_str(),
                           static_cast<unsigned long long>(st.st_size), max_bytes >> 20);
  }
  std::vector<std::uint8_t> bytes;
  std::uint8_t chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (bytes.size() + n > max_bytes) {
      std::fclose(f);
      return Status::failure("%s has more than the limit of %zu MB", path.c_str(), max_bytes >> 20);
    }
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return Status::failure("cannot read %s", path.c_str());
  out.swap(bytes);
  return Status::success();
}

Status write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::string temporary = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) return Status::failure("cannot create a file next to %s: %s", path.c_str(), std::strerror(errno));
  const std::uint8_t* p = bytes.data();
  std::size_t left = bytes.size();
  int error = 0;
  while (left > 0 && !error) {
    ssize_t written = ::write(fd, p, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) error = written < 0 ? errno : EIO;
    else p += written, left -= std::size_t(written);
  }
  if (!error && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && !error) error = errno;
  if (!error && ::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error) {
    ::unlink(temporary.c_str());
    return Status::failure("cannot write %s: %s", path.c_str(), std::strerror(error));
  }
  return Status::success();
}

}  // namespace nn
