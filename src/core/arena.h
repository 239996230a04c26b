#pragma once
// Float storage: an owning 64-byte-aligned buffer, and the activation arena that hands out slices
// of one such buffer during a training step.
#include <cstddef>
#include <memory>

namespace nn {

// 64 bytes: a cache line and a full AVX-512 register; every slice handed out starts on one.
inline constexpr std::size_t kAlignBytes = 64;
inline constexpr std::size_t kAlignFloats = kAlignBytes / sizeof(float);

// Rounds a float count up so that the next slice placed after it stays aligned.
inline constexpr std::size_t align_floats(std::size_t n) {
  return (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

// n floats, zero-filled, 64-byte aligned. Move-only: parameters are never copied by accident.
class FloatBuffer {
 public:
  FloatBuffer() = default;
  explicit FloatBuffer(std::size_t n);

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }

 private:
  struct AlignedDelete {
    void operator()(float* p) const;
  };
  std::unique_ptr<float[], AlignedDelete> data_;
  std::size_t size_ = 0;
};

// Bump allocator for activations. Sized once for a (batch, sequence) shape, reset at the start of
// every step, so that a step itself never touches the heap.
//
//   Arena arena(Arena::footprint(B*T*C) + Arena::footprint(B*T*4*H));   // once per shape
//   arena.reset();                                                      // every step
//   float* x = arena.alloc(B*T*C);                                      // (B,T,C)
class Arena {
 public:
  Arena() = default;
  explicit Arena(std::size_t capacity_floats) : buffer_(align_floats(capacity_floats)) {}

  // What alloc(n) consumes of the capacity: n rounded up to keep the next slice aligned.
  static constexpr std::size_t footprint(std::size_t n) { return align_floats(n); }

  // An aligned slice of n floats, or nullptr when the arena is too small for it; the shortfall
  // is remembered in overflowed() so that a caller can check once at the end of a step.
  float* alloc(std::size_t n);
  void reset() { used_ = 0; overflowed_ = false; }

  std::size_t used() const { return used_; }
  std::size_t capacity() const { return buffer_.size(); }
  bool overflowed() const { return overflowed_; }

 private:
  FloatBuffer buffer_;
  std::size_t used_ = 0;
  bool overflowed_ = false;
};

}  // namespace nn
