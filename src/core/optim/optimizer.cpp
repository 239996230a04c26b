// The single entry point a training loop calls: picks the update rule and its state slots.
#include <cassert>

#include "core/optim.h"

namespace nn {

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Sgd: return "sgd";
    case OptimizerKind::Momentum: return "momentum";
    case OptimizerKind::Nesterov: return "nesterov";
    case OptimizerKind::RmsProp: return "rmsprop";
    case OptimizerKind::Adam: return "adam";
  }
  return "unknown";
}

int optimizer_state_slots(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Sgd: return 0;
    case OptimizerKind::Momentum:
    case OptimizerKind::Nesterov:
    case OptimizerKind::RmsProp: return 1;
    case OptimizerKind::Adam: return 2;
  }
  return 0;
}

OptimizerState optimizer_state_make(OptimizerKind kind, std::size_t n) {
  return {kind, 0, FloatBuffer(std::size_t(optimizer_state_slots(kind)) * n)};
}

void optimizer_step(const OptimizerConfig& c, OptimizerState& state, float* w, const float* g,
                    std::size_t n) {
  assert(c.kind == state.kind && state.moments.size() == std::size_t(optimizer_state_slots(c.kind)) * n);
  float* slot0 = state.moments.data();
  float* slot1 = slot0 ? slot0 + n : nullptr;
  state.step++;
  switch (c.kind) {
    case OptimizerKind::Sgd: sgd_step(w, g, n, c.lr, c.weight_decay); break;
    case OptimizerKind::Momentum: momentum_step(w, g, slot0, n, c.lr, c.momentum, c.weight_decay); break;
    case OptimizerKind::Nesterov: nesterov_step(w, g, slot0, n, c.lr, c.momentum, c.weight_decay); break;
    case OptimizerKind::RmsProp:
      rmsprop_step(w, g, slot0, n, c.lr, c.rms_alpha, c.eps, c.weight_decay);
      break;
    case OptimizerKind::Adam:
      adam_step(w, g, slot0, slot1, n, c.lr, c.beta1, c.beta2, c.eps, c.weight_decay, state.step);
      break;
  }
}

}  // namespace nn
