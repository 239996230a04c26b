// gzip/DEFLATE decoding against files made by Python's zlib (tests/fixtures/make_data_fixtures.py).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data/file.h"
#include "data/inflate.h"

namespace {

std::vector<std::uint8_t> fixture(const char* name) {
  std::vector<std::uint8_t> bytes;
  REQUIRE(nn::read_file(std::string(NNLAB_FIXTURES_DIR) + "/data/" + name, bytes, 1 << 20).ok());
  return bytes;
}

constexpr std::size_t kLimit = 1 << 20;

}  // namespace

TEST_CASE("gunzip decodes stored, fixed and dynamic blocks and multiple members") {
  const std::vector<std::uint8_t> text = fixture("text.txt");
  for (const char* name : {"text.gz", "stored.gz", "two_members.gz"}) {
    CAPTURE(name);
    std::vector<std::uint8_t> out;
    nn::Status status = nn::gunzip(fixture(name), out, kLimit);
    REQUIRE(status.ok());
    CHECK(out == text);
  }
  std::vector<std::uint8_t> out;
  REQUIRE(nn::gunzip(fixture("short.gz"), out, kLimit).ok());
  CHECK(std::string(out.begin(), out.end()) == "hello, hello, hello!\n");
}

TEST_CASE("gunzip rejects truncated, corrupted and oversized input") {
  const std::vector<std::uint8_t> gz = fixture("text.gz");
  std::vector<std::uint8_t> out;
  SUBCASE("every truncation") {
    for (std::size_t cut = 0; cut < gz.size(); cut++) {
      CAPTURE(cut);
      CHECK_FALSE(nn::gunzip(std::span(gz.data(), cut), out, kLimit).ok());
    }
  }
  SUBCASE("every single-bit flip after the header is caught or harmless") {
    // The 10-byte header's time and OS fields carry no checksum; everything after it does, except
    // the padding bits after the last DEFLATE block, which decoders ignore. So a flip must either
    // be rejected or leave the output exactly as it was: never silently different data.
    const std::vector<std::uint8_t> text = fixture("text.txt");
    int rejected = 0, harmless = 0, total = 0;
    for (std::size_t byte = 10; byte < gz.size(); byte++)
      for (int bit = 0; bit < 8; bit++) {
        std::vector<std::uint8_t> bad = gz;
        bad[byte] ^= std::uint8_t(1 << bit);
        bool ok = nn::gunzip(bad, out, kLimit).ok();
        rejected += !ok;
        harmless += ok && out == text;
        total++;
      }
    CHECK(rejected + harmless == total);
    CHECK(harmless < 8);  // at most the padding bits of one byte
  }
  SUBCASE("output limit") {
    nn::Status status = nn::gunzip(gz, out, 1000);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("limit") != std::string::npos);
  }
  SUBCASE("not gzip") {
    const std::vector<std::uint8_t> text = fixture("text.txt");
    CHECK_FALSE(nn::is_gzip(text));
    CHECK_FALSE(nn::gunzip(text, out, kLimit).ok());
  }
}
