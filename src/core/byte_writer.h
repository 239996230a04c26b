#pragma once
// Appends the fields of a little-endian file format to a byte vector, or only counts them.
// A format is written by one function run twice: first over a counting writer, to reserve the
// exact size, then over the vector. A checkpoint of tens of MB then takes one allocation of
// its own size, not a series of doublings that leave holes in the heap (in the browser a hole
// the next save cannot reuse makes the wasm memory grow, and it never shrinks).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace nn {

class ByteWriter {
 public:
  ByteWriter() = default;                                       // counts
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(&out), start_(out.size()) {}

  void bytes(const void* p, std::size_t n) {
    written_ += n;
    if (!out_ || n == 0) return;
    // resize + memcpy rather than insert: GCC 12 warns (wrongly) about insert into reserved space.
    const std::size_t at = out_->size();
    out_->resize(at + n);
    std::memcpy(out_->data() + at, p, n);
  }
  void u32(std::uint32_t v) { bytes(&v, sizeof v); }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
  void i64(std::int64_t v) { bytes(&v, sizeof v); }
  void str(const std::string& s) {
    u32(std::uint32_t(s.size()));
    bytes(s.data(), s.size());
  }
  // Overwrites 8 bytes already written, `offset` bytes after where this writer started.
  void patch_u64(std::size_t offset, std::uint64_t v) {
    if (out_) std::memcpy(out_->data() + start_ + offset, &v, sizeof v);
  }

  std::size_t written() const { return written_; }
  // What this writer has appended so far (null when counting).
  const std::uint8_t* begin() const { return out_ ? out_->data() + start_ : nullptr; }

 private:
  std::vector<std::uint8_t>* out_ = nullptr;
  std::size_t start_ = 0;
  std::size_t written_ = 0;
};

}  // namespace nn
