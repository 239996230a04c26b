#include "data/inflate.h"

#include <cstring>

#include "core/crc32.h"

namespace nn {

namespace {

constexpr int kMaxBits = 15;        // longest Huffman code DEFLATE allows
constexpr int kMaxLiteralCodes = 286;
constexpr int kFixedLiteralCodes = 288;  // the fixed code defines 286 and 287 too, unused but counted
constexpr int kMaxDistanceCodes = 30;

struct BitReader {
  std::span<const std::uint8_t> in;
  std::size_t pos = 0;  // next byte
  std::uint32_t bits = 0;
  int count = 0;        // valid bits in `bits`
  bool overrun = false;

  int need(int n) {  // n <= 16; returns the next n bits, LSB first
    while (count < n) {
      if (pos >= in.size()) {
        overrun = true;
        return 0;
      }
      bits |= std::uint32_t(in[pos++]) << count;
      count += 8;
    }
    int value = int(bits & ((1u << n) - 1));
    bits >>= n;
    count -= n;
    return value;
  }
  void align() {  // stored blocks start on a byte boundary
    bits = 0;
    count = 0;
  }
};

// A canonical Huffman code as counts per length and symbols in code order: decoding walks the
// lengths one bit at a time (short, and fast enough for data sets of tens of megabytes).
struct Huffman {
  std::int16_t count[kMaxBits + 1];
  std::int16_t symbol[kFixedLiteralCodes];
};

// Returns false if the lengths over-subscribe the code (an invalid stream). Incomplete codes are
// allowed, as zlib allows them for single-distance-code streams.
bool huffman_build(Huffman& h, const std::uint8_t* lengths, int n) {
  std::memset(h.count, 0, sizeof h.count);
  for (int i = 0; i < n; i++) h.count[lengths[i]]++;
  if (h.count[0] == n) return true;
  int left = 1;
  for (int len = 1; len <= kMaxBits; len++) {
    left <<= 1;
    left -= h.count[len];
    if (left < 0) return false;
  }
  std::int16_t offsets[kMaxBits + 1];
  offsets[1] = 0;
  for (int len = 1; len < kMaxBits; len++) offsets[len + 1] = std::int16_t(offsets[len] + h.count[len]);
  for (int i = 0; i < n; i++)
    if (lengths[i]) h.symbol[offsets[lengths[i]]++] = std::int16_t(i);
  return true;
}

int huffman_decode(BitReader& br, const Huffman& h) {  // -1 on error
  int code = 0, first = 0, index = 0;
  for (int len = 1; len <= kMaxBits; len++) {
    code |= br.need(1);
    if (br.overrun) return -1;
    int count = h.count[len];
    if (code - count < first) return h.symbol[index + (code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  return -1;
}

const std::int16_t kLengthBase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
const std::int16_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
const std::int32_t kDistanceBase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
                                        6145, 8193, 12289, 16385, 24577};
const std::int16_t kDistanceExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                         6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

Status inflate_codes(BitReader& br, std::vector<std::uint8_t>& out, std::size_t max_output,
                     const Huffman& literals, const Huffman& distances) {
  for (;;) {
    int symbol = huffman_decode(br, literals);
    if (symbol < 0) return Status::failure("corrupt compressed data (bad literal code)");
    if (symbol < 256) {
      if (out.size() >= max_output) return Status::failure("decompressed data exceeds the limit of %zu bytes", max_output);
      out.push_back(std::uint8_t(symbol));
      continue;
    }
    if (symbol == 256) return Status::success();
    symbol -= 257;
    if (symbol >= 29) return Status::failure("corrupt compressed data (bad length code)");
    int length = kLengthBase[symbol] + br.need(kLengthExtra[symbol]);
    int dsymbol = huffman_decode(br, distances);
    if (dsymbol < 0 || dsymbol >= 30) return Status::failure("corrupt compressed data (bad distance code)");
    std::size_t distance = std::size_t(kDistanceBase[dsymbol] + br.need(kDistanceExtra[dsymbol]));
    if (br.overrun) return Status::failure("compressed data is truncated");
    if (distance > out.size()) return Status::failure("corrupt compressed data (distance too far back)");
    if (out.size() + std::size_t(length) > max_output)
      return Status::failure("decompressed data exceeds the limit of %zu bytes", max_output);
    std::size_t from = out.size() - distance;
    for (int i = 0; i < length; i++) out.push_back(out[from + std::size_t(i)]);  // may overlap itself
  }
}

Status inflate_stored(BitReader& br, std::vector<std::uint8_t>& out, std::size_t max_output) {
  br.align();
  if (br.pos + 4 > br.in.size()) return Status::failure("compressed data is truncated");
  unsigned length = br.in[br.pos] | (br.in[br.pos + 1] << 8);
  unsigned complement = br.in[br.pos + 2] | (br.in[br.pos + 3] << 8);
  br.pos += 4;
  if ((length ^ 0xffffu) != complement) return Status::failure("corrupt compressed data (stored block length)");
  if (br.pos + length > br.in.size()) return Status::failure("compressed data is truncated");
  if (out.size() + length > max_output) return Status::failure("decompressed data exceeds the limit of %zu bytes", max_output);
  out.insert(out.end(), br.in.begin() + std::ptrdiff_t(br.pos), br.in.begin() + std::ptrdiff_t(br.pos + length));
  br.pos += length;
  return Status::success();
}

Status inflate_fixed(BitReader& br, std::vector<std::uint8_t>& out, std::size_t max_output) {
  std::uint8_t lengths[288 + 30];
  int i = 0;
  for (; i < 144; i++) lengths[i] = 8;
  for (; i < 256; i++) lengths[i] = 9;
  for (; i < 280; i++) lengths[i] = 7;
  for (; i < 288; i++) lengths[i] = 8;
  for (; i < 288 + 30; i++) lengths[i] = 5;
  Huffman literals, distances;
  huffman_build(literals, lengths, kFixedLiteralCodes);
  huffman_build(distances, lengths + 288, kMaxDistanceCodes);
  return inflate_codes(br, out, max_output, literals, distances);
}

Status inflate_dynamic(BitReader& br, std::vector<std::uint8_t>& out, std::size_t max_output) {
  static const std::uint8_t kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  int nlen = br.need(5) + 257, ndist = br.need(5) + 1, ncode = br.need(4) + 4;
  if (br.overrun) return Status::failure("compressed data is truncated");
  if (nlen > kMaxLiteralCodes || ndist > kMaxDistanceCodes) return Status::failure("corrupt compressed data (code counts)");
  std::uint8_t lengths[kMaxLiteralCodes + kMaxDistanceCodes] = {};
  for (int i = 0; i < ncode; i++) lengths[kOrder[i]] = std::uint8_t(br.need(3));
  Huffman code_lengths;
  if (!huffman_build(code_lengths, lengths, 19)) return Status::failure("corrupt compressed data (code-length code)");
  int index = 0;
  while (index < nlen + ndist) {
    int symbol = huffman_decode(br, code_lengths);
    if (symbol < 0) return Status::failure("corrupt compressed data (code lengths)");
    if (symbol < 16) {
      lengths[index++] = std::uint8_t(symbol);
      continue;
    }
    std::uint8_t repeat_value = 0;
    int repeat = 0;
    if (symbol == 16) {
      if (index == 0) return Status::failure("corrupt compressed data (repeat with no previous length)");
      repeat_value = lengths[index - 1];
      repeat = 3 + br.need(2);
    } else if (symbol == 17) {
      repeat = 3 + br.need(3);
    } else {
      repeat = 11 + br.need(7);
    }
    if (index + repeat > nlen + ndist) return Status::failure("corrupt compressed data (too many lengths)");
    while (repeat--) lengths[index++] = repeat_value;
  }
  if (br.overrun) return Status::failure("compressed data is truncated");
  if (lengths[256] == 0) return Status::failure("corrupt compressed data (no end-of-block code)");
  Huffman literals, distances;
  if (!huffman_build(literals, lengths, nlen) || !huffman_build(distances, lengths + nlen, ndist))
    return Status::failure("corrupt compressed data (Huffman code)");
  return inflate_codes(br, out, max_output, literals, distances);
}

std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

}  // namespace

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

Status inflate_raw(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& out, std::size_t max_output,
                   std::size_t* consumed) {
  BitReader br{bytes};
  for (;;) {
    int last = br.need(1);
    int type = br.need(2);
    if (br.overrun) return Status::failure("compressed data is truncated");
    Status status = type == 0   ? inflate_stored(br, out, max_output)
                    : type == 1 ? inflate_fixed(br, out, max_output)
                    : type == 2 ? inflate_dynamic(br, out, max_output)
                                : Status::failure("corrupt compressed data (block type 3)");
    if (!status.ok()) return status;
    if (last) break;
  }
  if (consumed) *consumed = br.pos;  // the unused bits of the last byte are padding
  return Status::success();
}

Status gunzip(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& out, std::size_t max_output) {
  out.clear();
  std::size_t pos = 0;
  do {
    std::span<const std::uint8_t> member = bytes.subspan(pos);
    if (member.size() < 18 || !is_gzip(member)) return Status::failure("not a gzip file (bad header)");
    if (member[2] != 8) return Status::failure("gzip file uses an unknown compression method (%d)", member[2]);
    int flags = member[3];
    std::size_t header = 10;
    if (flags & 4) {  // FEXTRA
      if (header + 2 > member.size()) return Status::failure("gzip header is truncated");
      header += 2 + (member[header] | (member[header + 1] << 8));
    }
    for (int field : {8, 16}) {  // FNAME, FCOMMENT: zero-terminated
      if (!(flags & field)) continue;
      while (header < member.size() && member[header]) header++;
      header++;
    }
    if (flags & 2) header += 2;  // FHCRC
    if (header >= member.size()) return Status::failure("gzip header is truncated");
    std::size_t start = out.size(), used = 0;
    Status status = inflate_raw(member.subspan(header), out, max_output, &used);
    if (!status.ok()) return status;
    std::size_t trailer = header + used;
    if (trailer + 8 > member.size()) return Status::failure("gzip file is truncated (no trailer)");
    std::uint32_t crc = crc32(out.data() + start, out.size() - start);
    if (crc != read_le32(&member[trailer])) return Status::failure("gzip data is corrupt (CRC mismatch)");
    if (std::uint32_t(out.size() - start) != read_le32(&member[trailer + 4]))
      return Status::failure("gzip data is corrupt (size mismatch)");
    pos += trailer + 8;
  } while (pos < bytes.size() && is_gzip(bytes.subspan(pos)));
  return Status::success();
}

}  // namespace nn
