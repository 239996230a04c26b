#include "core/params.h"

#include <cstring>
#include <utility>

#include "core/vec.h"

namespace nn {

std::size_t ParamLayout::add(std::string name, std::initializer_list<int> shape) {
  std::size_t count = 1;
  for (int d : shape) count *= std::size_t(d);
  std::size_t offset = size_;
  tensors_.push_back({std::move(name), std::vector<int>(shape), offset, count});
  size_ = offset + align_floats(count);
  return offset;
}

const TensorSpec* ParamLayout::find(std::string_view name) const {
  for (const TensorSpec& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

std::size_t ParamLayout::parameter_count() const {
  std::size_t total = 0;
  for (const TensorSpec& t : tensors_) total += t.count;
  return total;
}

bool layout_point(const ParamLayout& layout, float* base, std::initializer_list<float**> slots) {
  if (slots.size() != layout.tensors().size()) return false;
  const TensorSpec* t = layout.tensors().data();
  for (float** slot : slots) *slot = base + (t++)->offset;
  return true;
}

ParamStore::ParamStore(ParamLayout l)
    : layout(std::move(l)), value(layout.size()), grad(layout.size()) {}

void ParamStore::zero_grad() {
  std::memset(grad.data(), 0, grad.size() * sizeof(float));
}

bool all_finite(const FloatBuffer& buffer) { return vec_all_finite(buffer.data(), int(buffer.size())); }

}  // namespace nn
