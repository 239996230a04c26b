#pragma once
// The small models fuzz_checkpoint loads into, shared with make_seeds.cpp so that the seed
// checkpoints match them: one with Adam's two state buffers, one with plain SGD (none).
#include <string>
#include <utility>

#include "core/checkpoint.h"

namespace nn_fuzz {

struct FuzzModel {
  nn::ModelArch arch;
  nn::ParamStore params;
  nn::OptimizerState optim;
};

inline nn::ParamLayout fuzz_layout() {
  nn::ParamLayout layout;
  layout.add("w", {3, 2});
  layout.add("b", {3});
  return layout;
}

inline FuzzModel fuzz_model(nn::OptimizerKind kind) {
  nn::ParamStore params(fuzz_layout());
  std::size_t n = params.layout.size();
  return {{"fuzz", {{"hidden", "3"}, {"inputs", "2"}}}, std::move(params), nn::optimizer_state_make(kind, n)};
}

// Values that differ everywhere, so that a load which changed anything shows.
inline void fuzz_fill(FuzzModel& m, float base) {
  for (std::size_t i = 0; i < m.params.value.size(); i++) m.params.value[i] = base + float(i);
  for (std::size_t i = 0; i < m.optim.moments.size(); i++) m.optim.moments[i] = -base - float(i);
  m.optim.step = 7;
}

}  // namespace nn_fuzz
