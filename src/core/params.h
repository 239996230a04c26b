#pragma once
// Parameter layout: a model declares its tensors once; one buffer then holds all parameters,
// another all gradients, and optimizer state repeats the same layout. Adam is one flat loop over
// the whole model and zero_grad one memset (the llm.c arrangement).
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"

namespace nn {

struct TensorSpec {
  std::string name;
  std::vector<int> shape;
  std::size_t offset;  // in floats from the start of the buffer; a multiple of kAlignFloats
  std::size_t count;   // product of shape
};

// Tensors in declaration order, each starting on a 64-byte boundary; the padding between them
// stays zero in every buffer (zero weight, zero gradient), so flat loops may run over it.
class ParamLayout {
 public:
  // Returns the new tensor's offset.
  std::size_t add(std::string name, std::initializer_list<int> shape);

  const std::vector<TensorSpec>& tensors() const { return tensors_; }
  const TensorSpec* find(std::string_view name) const;
  std::size_t size() const { return size_; }  // floats in a buffer, padding included
  std::size_t parameter_count() const;        // floats that are parameters

 private:
  std::vector<TensorSpec> tensors_;
  std::size_t size_ = 0;
};

// Points each slot at its tensor's slice of `base`, walking the layout in declaration order
// (llm.c's point_parameters). The same call serves parameters, gradients and optimizer state:
//   LinearParams p;  layout_point(layout, store.value.data(), {&p.w, &p.b});
// Returns false, leaving the slots untouched, if their number differs from the layout's.
bool layout_point(const ParamLayout& layout, float* base, std::initializer_list<float**> slots);

// A model's parameters and their gradients, both in `layout`.
struct ParamStore {
  ParamLayout layout;
  FloatBuffer value;  // (layout.size())
  FloatBuffer grad;   // (layout.size())

  explicit ParamStore(ParamLayout l);
  void zero_grad();
};

// No NaN and no infinity in a buffer of parameters, gradients or optimizer state: the check every
// training step makes before and after its update.
bool all_finite(const FloatBuffer& buffer);

}  // namespace nn
