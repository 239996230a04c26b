#include "data/file.h"

#include <sys/stat.h>

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

}  // namespace nn
