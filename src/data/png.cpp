#include "data/png.h"

#include <algorithm>
#include <cstring>

#include "core/crc32.h"

namespace nn {

namespace {

constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr std::size_t kMaxStoredBlock = 65535;  // a stored block's LEN is 16 bits

void put_u32_be(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(v >> shift));
}

// length, type, data, then the CRC of type and data.
void put_chunk(std::vector<std::uint8_t>& out, const char type[4], std::span<const std::uint8_t> data) {
  put_u32_be(out, std::uint32_t(data.size()));
  std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_u32_be(out, crc32(out.data() + start, out.size() - start));
}

// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00).
std::vector<std::uint8_t> zlib_stored(std::span<const std::uint8_t> raw) {
  std::vector<std::uint8_t> out = {0x78, 0x01};  // deflate, 32K window; FCHECK makes it divisible by 31
  std::size_t pos = 0;
  do {
    std::size_t n = std::min(kMaxStoredBlock, raw.size() - pos);
    bool last = pos + n == raw.size();
    out.push_back(last ? 1 : 0);  // BFINAL, BTYPE = 00
    out.push_back(std::uint8_t(n));
    out.push_back(std::uint8_t(n >> 8));
    out.push_back(std::uint8_t(~n));
    out.push_back(std::uint8_t(~n >> 8));
    out.insert(out.end(), raw.begin() + std::ptrdiff_t(pos), raw.begin() + std::ptrdiff_t(pos + n));
    pos += n;
  } while (pos < raw.size());
  put_u32_be(out, adler32(raw));
  return out;
}

}  // namespace

std::uint32_t adler32(std::span<const std::uint8_t> data) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = 1, b = 0;
  for (std::uint8_t byte : data) {
    a = (a + byte) % kMod;
    b = (b + a) % kMod;
  }
  return (b << 16) | a;
}

std::vector<std::uint8_t> png_encode_gray(std::span<const std::uint8_t> pixels, int width, int height) {
  // Each row starts with its filter type, 0 (none).
  std::vector<std::uint8_t> raw;
  raw.reserve(std::size_t(height) * (std::size_t(width) + 1));
  for (int y = 0; y < height; y++) {
    raw.push_back(0);
    auto row = pixels.begin() + std::ptrdiff_t(y) * width;
    raw.insert(raw.end(), row, row + width);
  }
  std::vector<std::uint8_t> header;
  put_u32_be(header, std::uint32_t(width));
  put_u32_be(header, std::uint32_t(height));
  header.insert(header.end(), {8, 0, 0, 0, 0});  // bit depth 8, greyscale, deflate, no filter, no interlace

  std::vector<std::uint8_t> png(kSignature, kSignature + sizeof kSignature);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", zlib_stored(raw));
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace nn
