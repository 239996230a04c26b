#include "core/arena.h"

#include <cstring>
#include <new>

namespace nn {

FloatBuffer::FloatBuffer(std::size_t n) : size_(n) {
  if (n == 0) return;
  // The byte count is a multiple of the alignment so that every tensor's padding is owned memory.
  std::size_t bytes = align_floats(n) * sizeof(float);
  data_.reset(static_cast<float*>(::operator new(bytes, std::align_val_t{kAlignBytes})));
  std::memset(data_.get(), 0, bytes);
}

void FloatBuffer::AlignedDelete::operator()(float* p) const {
  ::operator delete(p, std::align_val_t{kAlignBytes});
}

float* Arena::alloc(std::size_t n) {
  std::size_t need = footprint(n);
  if (need > buffer_.size() - used_) {
    overflowed_ = true;
    return nullptr;
  }
  float* slice = buffer_.data() + used_;
  used_ += need;
  return slice;
}

}  // namespace nn
