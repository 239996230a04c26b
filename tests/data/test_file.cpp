// Whole-file reads: the size limit holds before anything is read, and errors name the file.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "data/file.h"

TEST_CASE("read_file refuses a file over its limit and leaves the output alone") {
  char path[] = "/tmp/nnlab_file_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  // A sparse file of 1 GB: no disk space, and a reader that read before checking would take seconds.
  REQUIRE(ftruncate(fd, off_t(1) << 30) == 0);
  close(fd);
  std::vector<std::uint8_t> out = {1, 2, 3};
  nn::Status status = nn::read_file(path, out, std::size_t(1) << 20);
  CHECK(status.error == std::string(path) + " has 1073741824 bytes, more than the limit of 1 MB");
  CHECK(out == std::vector<std::uint8_t>{1, 2, 3});

  REQUIRE(truncate(path, 5) == 0);
  REQUIRE(nn::read_file(path, out, 5).ok());
  CHECK(out == std::vector<std::uint8_t>(5, 0));
  std::remove(path);

  status = nn::read_file(path, out, 5);
  CHECK(status.error.find("cannot open " + std::string(path)) == 0);
  CHECK(out.size() == 5);
}
