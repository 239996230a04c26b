// PNG writer: the file is taken apart by hand (signature, chunks and their CRCs, IHDR fields, the
// zlib stream of stored deflate blocks) and the pixels read back; the project's own inflate
// decodes the same stream as a second opinion.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/crc32.h"
#include "data/inflate.h"
#include "data/png.h"

namespace {

std::uint32_t be32(const std::uint8_t* p) { return std::uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

struct Chunk {
  std::string type;
  std::vector<std::uint8_t> data;
};

// Splits a PNG into chunks, checking the signature and every CRC.
std::vector<Chunk> read_chunks(const std::vector<std::uint8_t>& png) {
  const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  REQUIRE(png.size() >= 8);
  CHECK(std::equal(signature, signature + 8, png.begin()));
  std::vector<Chunk> chunks;
  std::size_t pos = 8;
  while (pos + 12 <= png.size()) {
    std::uint32_t length = be32(&png[pos]);
    REQUIRE(pos + 12 + length <= png.size());
    Chunk chunk{std::string(png.begin() + long(pos) + 4, png.begin() + long(pos) + 8),
                std::vector<std::uint8_t>(png.begin() + long(pos) + 8, png.begin() + long(pos + 8 + length))};
    CHECK(be32(&png[pos + 8 + length]) == nn::crc32(&png[pos + 4], 4 + length));
    chunks.push_back(std::move(chunk));
    pos += 12 + length;
  }
  CHECK(pos == png.size());
  return chunks;
}

// A zlib stream of stored blocks, decoded by the RFC: header, then blocks of LEN, NLEN and bytes.
std::vector<std::uint8_t> unzlib_stored(const std::vector<std::uint8_t>& z) {
  REQUIRE(z.size() >= 6);
  CHECK(z[0] == 0x78);                       // deflate with a 32 KB window
  CHECK((z[0] * 256 + z[1]) % 31 == 0);      // FCHECK
  CHECK((z[1] & 0x20) == 0);                 // no preset dictionary
  std::vector<std::uint8_t> raw;
  std::size_t pos = 2;
  bool final_block = false;
  while (!final_block) {
    REQUIRE(pos + 5 <= z.size());
    final_block = z[pos] & 1;
    CHECK((z[pos] >> 1) == 0);  // BTYPE 00: stored
    std::uint32_t len = z[pos + 1] | z[pos + 2] << 8, nlen = z[pos + 3] | z[pos + 4] << 8;
    CHECK(len == (~nlen & 0xFFFF));
    REQUIRE(pos + 5 + len <= z.size());
    raw.insert(raw.end(), z.begin() + long(pos) + 5, z.begin() + long(pos + 5 + len));
    pos += 5 + len;
  }
  REQUIRE(pos + 4 == z.size());
  CHECK(be32(&z[pos]) == nn::adler32(raw));
  return raw;
}

}  // namespace

TEST_CASE("Adler-32 matches zlib's") {
  const std::string text = "Wikipedia";
  CHECK(nn::adler32({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}) == 0x11E60398u);
  CHECK(nn::adler32({}) == 1u);
}

TEST_CASE("PNG greyscale images decode to their pixels") {
  // 3x2 is one stored block; 300x300 (90,300 bytes with the filter bytes) needs two.
  for (auto size : {std::pair{3, 2}, std::pair{300, 300}}) {
    const int width = size.first, height = size.second;
    CAPTURE(width);
    std::vector<std::uint8_t> pixels(std::size_t(width) * height);
    for (std::size_t i = 0; i < pixels.size(); i++) pixels[i] = std::uint8_t(i * 7 + i / 3);
    std::vector<Chunk> chunks = read_chunks(nn::png_encode_gray(pixels, width, height));
    REQUIRE(chunks.size() == 3);
    CHECK(chunks[0].type == "IHDR");
    CHECK(chunks[1].type == "IDAT");
    CHECK(chunks[2].type == "IEND");
    CHECK(chunks[2].data.empty());
    const std::vector<std::uint8_t>& ihdr = chunks[0].data;
    REQUIRE(ihdr.size() == 13);
    CHECK(be32(&ihdr[0]) == std::uint32_t(width));
    CHECK(be32(&ihdr[4]) == std::uint32_t(height));
    CHECK(ihdr[8] == 8);   // bits per sample
    CHECK(ihdr[9] == 0);   // greyscale
    CHECK(ihdr[10] == 0);  // deflate
    CHECK(ihdr[11] == 0);  // adaptive filtering
    CHECK(ihdr[12] == 0);  // no interlace

    std::vector<std::uint8_t> raw = unzlib_stored(chunks[1].data);
    REQUIRE(raw.size() == std::size_t(height) * (width + 1));
    std::vector<std::uint8_t> decoded;
    for (int y = 0; y < height; y++) {
      const std::uint8_t* row = &raw[std::size_t(y) * (width + 1)];
      CHECK(row[0] == 0);  // filter: none
      decoded.insert(decoded.end(), row + 1, row + 1 + width);
    }
    CHECK(decoded == pixels);

    std::vector<std::uint8_t> inflated;
    std::span<const std::uint8_t> deflate(chunks[1].data);
    REQUIRE(nn::inflate_raw(deflate.subspan(2, deflate.size() - 6), inflated, raw.size(), nullptr).ok());
    CHECK(inflated == raw);
  }
}
