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

namespace {

// Packs DEFLATE fields: plain values LSB first, Huffman codes MSB first (RFC 1951, 3.1.1).
struct BitWriter {
  std::vector<std::uint8_t> bytes;
  std::size_t bits = 0;
  void bit(int b) {
    if (bits % 8 == 0)
      bytes.push_back(std::uint8_t(b));
    else
      bytes[bits / 8] = std::uint8_t(bytes[bits / 8] | b << (bits % 8));
    bits++;
  }
  BitWriter& value(unsigned v, int n) {
    for (int i = 0; i < n; i++) bit(int(v >> i) & 1);
    return *this;
  }
  BitWriter& code(unsigned c, int n) {
    for (int i = n - 1; i >= 0; i--) bit(int(c >> i) & 1);
    return *this;
  }
};

std::string inflate_error(const std::vector<std::uint8_t>& stream) {
  std::vector<std::uint8_t> out;
  return nn::inflate_raw(stream, out, kLimit, nullptr).error;
}

// The last block, of type `type`: BFINAL = 1, then BTYPE.
BitWriter last_block(unsigned type) { return BitWriter{}.value(1, 1).value(type, 2); }

}  // namespace

TEST_CASE("inflate names what is wrong in a damaged stream") {
  SUBCASE("the hand-made streams are right when undamaged") {
    // Fixed Huffman: 'A' is the 8-bit code 0x30 + 65, end of block the 7-bit code 0.
    std::vector<std::uint8_t> out;
    REQUIRE(nn::inflate_raw(last_block(1).code(0x30 + 'A', 8).code(0, 7).bytes, out, kLimit, nullptr).ok());
    CHECK(out == std::vector<std::uint8_t>{'A'});
  }
  SUBCASE("block type 3") { CHECK(inflate_error(last_block(3).bytes) == "corrupt compressed data (block type 3)"); }
  SUBCASE("stored block whose length and complement disagree") {
    CHECK(inflate_error({0x01, 0x05, 0x00, 0x00, 0x00}) == "corrupt compressed data (stored block length)");
  }
  SUBCASE("stored block longer than the input") {
    CHECK(inflate_error({0x01, 0x05, 0x00, 0xfa, 0xff, 'a'}) == "compressed data is truncated");
  }
  SUBCASE("a match before any output") {  // length code 257, distance code 0: one byte back
    CHECK(inflate_error(last_block(1).code(1, 7).code(0, 5).bytes) ==
          "corrupt compressed data (distance too far back)");
  }
  SUBCASE("length code 286, which the fixed code defines but DEFLATE forbids") {
    CHECK(inflate_error(last_block(1).code(0xc0 + 6, 8).bytes) == "corrupt compressed data (bad length code)");
  }
  SUBCASE("distance code 30") {
    CHECK(inflate_error(last_block(1).code(0x30 + 'A', 8).code(1, 7).code(30, 5).bytes) ==
          "corrupt compressed data (bad distance code)");
  }
  SUBCASE("a fixed block cut before its end code") {
    CHECK(inflate_error(last_block(1).code(0x30 + 'A', 8).bytes) == "corrupt compressed data (bad literal code)");
  }
  SUBCASE("287 literal/length codes") {
    CHECK(inflate_error(last_block(2).value(30, 5).value(0, 5).value(0, 4).bytes) ==
          "corrupt compressed data (code counts)");
  }
  // The code-length code's first four lengths are those of symbols 16, 17, 18 and 0.
  SUBCASE("an over-subscribed code-length code") {
    BitWriter w = last_block(2).value(0, 5).value(0, 5).value(0, 4);
    for (int i = 0; i < 4; i++) w.value(1, 3);  // four codes of one bit
    CHECK(inflate_error(w.bytes) == "corrupt compressed data (code-length code)");
  }
  SUBCASE("a repeat before the first length") {
    // Symbols 0 and 16 get one bit each: 0 is code 0, 16 is code 1.
    BitWriter w = last_block(2).value(0, 5).value(0, 5).value(0, 4).value(1, 3).value(0, 3).value(0, 3).value(1, 3);
    CHECK(inflate_error(w.code(1, 1).value(0, 2).bytes) ==
          "corrupt compressed data (repeat with no previous length)");
  }
  SUBCASE("no end-of-block code") {
    // Symbols 0 and 18 get one bit each; two runs of 18 (138 + 120 zeros) give all 258 lengths 0.
    BitWriter w = last_block(2).value(0, 5).value(0, 5).value(0, 4).value(0, 3).value(0, 3).value(1, 3).value(1, 3);
    w.code(1, 1).value(138 - 11, 7).code(1, 1).value(120 - 11, 7);
    CHECK(inflate_error(w.bytes) == "corrupt compressed data (no end-of-block code)");
  }
  SUBCASE("lengths that run past the declared counts") {
    BitWriter w = last_block(2).value(0, 5).value(0, 5).value(0, 4).value(0, 3).value(0, 3).value(1, 3).value(1, 3);
    w.code(1, 1).value(138 - 11, 7).code(1, 1).value(121 - 11, 7);
    CHECK(inflate_error(w.bytes) == "corrupt compressed data (too many lengths)");
  }
  SUBCASE("an empty stream") { CHECK(inflate_error({}) == "compressed data is truncated"); }
}

TEST_CASE("gunzip names what is wrong in a damaged header or trailer") {
  const std::vector<std::uint8_t> gz = fixture("short.gz");
  std::vector<std::uint8_t> out;
  auto error = [&](const std::vector<std::uint8_t>& bytes) { return nn::gunzip(bytes, out, kLimit).error; };
  std::vector<std::uint8_t> bad = gz;
  bad[bad.size() - 1] ^= 0x01;  // ISIZE
  CHECK(error(bad) == "gzip data is corrupt (size mismatch)");
  bad = gz;
  bad[bad.size() - 5] ^= 0x80;  // CRC32
  CHECK(error(bad) == "gzip data is corrupt (CRC mismatch)");
  bad = gz;
  bad[3] = 0x08;  // FNAME, and no zero byte ends it before the end of the file
  for (std::size_t i = 10; i < bad.size(); i++) bad[i] |= 1;
  CHECK(error(bad) == "gzip header is truncated");
  bad = gz;
  bad[3] = 0x04;  // FEXTRA of 65535 bytes
  bad[10] = bad[11] = 0xff;
  CHECK(error(bad) == "gzip header is truncated");
  bad.assign(gz.begin(), gz.end() - 1);
  CHECK(error(bad) == "gzip file is truncated (no trailer)");
  bad = gz;
  bad.insert(bad.end(), {0x1f, 0x8b, 8});  // a second member that is only a start
  CHECK(error(bad) == "not a gzip file (bad header)");
}
