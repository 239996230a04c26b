// libFuzzer target: the DEFLATE and gzip decoder, checked against zlib on the same bytes.
// zlib is stricter in one place (it refuses incomplete Huffman codes, which this decoder accepts
// as the single-distance-code streams some encoders write need), so the comparison runs one
// way: whatever zlib decodes, the decoder must decode to the same bytes; and when both decode,
// they must agree.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/inflate.h"

namespace {

constexpr std::size_t kMaxOutput = std::size_t(1) << 18;

// zlib's verdict on a raw DEFLATE stream (window_bits -15) or on one gzip member (31): true and
// the output if the stream ends within kMaxOutput and, for gzip, the member ends the input.
bool zlib_inflate(std::span<const std::uint8_t> in, int window_bits, std::vector<std::uint8_t>& out) {
  static std::vector<std::uint8_t> buffer(kMaxOutput + 1);  // filling a fresh one each time costs more than decoding
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) __builtin_trap();
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = uInt(in.size());
  z.next_out = buffer.data();
  z.avail_out = uInt(buffer.size());
  int result = inflate(&z, Z_FINISH);
  out.assign(buffer.begin(), buffer.begin() + std::ptrdiff_t(z.total_out));
  bool whole = window_bits < 0 || z.avail_in == 0;
  inflateEnd(&z);
  return result == Z_STREAM_END && whole && out.size() <= kMaxOutput;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  std::vector<std::uint8_t> ours, reference;
  std::size_t consumed = 0;
  nn::Status status = nn::inflate_raw(bytes, ours, kMaxOutput, &consumed);
  if (!status.ok() && status.error.empty()) __builtin_trap();
  if (status.ok() && (consumed > size || ours.size() > kMaxOutput)) __builtin_trap();
  bool zlib_ok = zlib_inflate(bytes, -15, reference);
  if (zlib_ok && (!status.ok() || ours != reference)) __builtin_trap();

  std::vector<std::uint8_t> unzipped;
  status = nn::gunzip(bytes, unzipped, kMaxOutput);
  if (!status.ok() && status.error.empty()) __builtin_trap();
  if (status.ok() && unzipped.size() > kMaxOutput) __builtin_trap();
  zlib_ok = zlib_inflate(bytes, 31, reference);
  if (zlib_ok && (!status.ok() || unzipped != reference)) __builtin_trap();
  return 0;
}
