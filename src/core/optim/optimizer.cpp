// The single entry point a training loop calls: picks the update rule and its state slots.
#include <algorithm>
#include <cassert>

#include "core/optim.h"
#include "core/thread_pool.h"

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
  // Parameters [i0, i1): every rule is elementwise, so a range gets the arithmetic it would get
  // as part of the whole (ranges start on multiples of kChunk, whole vectors).
  auto update = [&](std::size_t i0, std::size_t i1) {
    float* w0 = w + i0;
    const float* g0 = g + i0;
    float* s0 = slot0 ? slot0 + i0 : nullptr;
    float* s1 = slot1 ? slot1 + i0 : nullptr;
    const std::size_t m = i1 - i0;
    switch (c.kind) {
      case OptimizerKind::Sgd: sgd_step(w0, g0, m, c.lr, c.weight_decay); break;
      case OptimizerKind::Momentum: momentum_step(w0, g0, s0, m, c.lr, c.momentum, c.weight_decay); break;
      case OptimizerKind::Nesterov: nesterov_step(w0, g0, s0, m, c.lr, c.momentum, c.weight_decay); break;
      case OptimizerKind::RmsProp: rmsprop_step(w0, g0, s0, m, c.lr, c.rms_alpha, c.eps, c.weight_decay); break;
      case OptimizerKind::Adam:
        adam_step(w0, g0, s0, s1, m, c.lr, c.beta1, c.beta2, c.eps, c.weight_decay, state.step);
        break;
    }
  };
  // A GAN's million parameters take ~0.3 ms of Adam: worth the second core. Small models not.
  constexpr std::size_t kChunk = std::size_t(1) << 15;
  ThreadPool& pool = default_thread_pool();
  if (pool.num_threads() == 1 || n < 2 * kChunk) {
    update(0, n);
    return;
  }
  pool.parallel_for(int((n + kChunk - 1) / kChunk), [&](int c0, int c1) {
    update(std::size_t(c0) * kChunk, std::min(n, std::size_t(c1) * kChunk));
  });
}

}  // namespace nn
