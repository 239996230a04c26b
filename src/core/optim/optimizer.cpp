// The single entry point a training loop calls: picks the update rule and its state slots.
#include <algorithm>
#include <atomic>
#include <cassert>

#include "core/optim.h"
#include "core/owned_rows.h"
#include "core/vec.h"

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

namespace {

// Parameters [i0, i1) of a model of n, updated with the rest of step `state.step`: every rule is
// elementwise, so a range gets the arithmetic it would get as part of the whole.
void update_range(const OptimizerConfig& c, OptimizerState& state, float* w, const float* g, std::size_t n,
                  std::size_t i0, std::size_t i1) {
  float* slot0 = state.moments.data();
  float* s0 = slot0 ? slot0 + i0 : nullptr;
  float* s1 = slot0 && optimizer_state_slots(c.kind) > 1 ? slot0 + n + i0 : nullptr;
  float* w0 = w + i0;
  const float* g0 = g + i0;
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
}

// Updates [i0, i1) a chunk at a time, each chunk checked for NaN and infinities while it is still
// in cache: a check after the whole update would read every weight again from L3 or memory (the
// MNIST GAN's 1.09M weights, 4.4 MB, stay in no core's L2).
constexpr std::size_t kCheckedChunk = 16384;

bool update_range_checked(const OptimizerConfig& c, OptimizerState& state, float* w, const float* g, std::size_t n,
                          std::size_t i0, std::size_t i1) {
  bool finite = true;
  for (std::size_t a = i0; a < i1; a += kCheckedChunk) {
    const std::size_t b = std::min(i1, a + kCheckedChunk);
    update_range(c, state, w, g, n, a, b);
    finite = vec_all_finite(w + a, int(b - a)) && finite;
  }
  return finite;
}

// Below this many parameters one thread updates them all: the next-word LSTM's few thousand take
// less time than a fork.
constexpr std::size_t kParallelMinParams = std::size_t(1) << 16;

}  // namespace

void optimizer_step(const OptimizerConfig& c, OptimizerState& state, float* w, const float* g,
                    std::size_t n) {
  assert(c.kind == state.kind && state.moments.size() == std::size_t(optimizer_state_slots(c.kind)) * n);
  state.step++;
  update_range(c, state, w, g, n, 0, n);
}

bool optimizer_step(const OptimizerConfig& c, OptimizerState& state, ParamStore& store) {
  const std::size_t n = store.layout.size();
  assert(c.kind == state.kind && state.moments.size() == std::size_t(optimizer_state_slots(c.kind)) * n);
  float* w = store.value.data();
  const float* g = store.grad.data();
  state.step++;
  const int threads = num_threads();
  if (threads == 1 || n < kParallelMinParams) return update_range_checked(c, state, w, g, n, 0, n);
  // Each thread updates the rows of every tensor it computes in the layers (owned_rows.h), and
  // checks them while they are in its cache. The padding between tensors stays zero untouched.
  std::atomic<bool> finite{true};
  for_each_owner([&](int t) {
    bool ok = true;
    for (const TensorSpec& spec : store.layout.tensors()) {
      const int rows = spec.shape.empty() ? 1 : spec.shape[0];
      const std::size_t row = rows > 0 ? spec.count / std::size_t(rows) : 0;
      const RowRange r = owned_rows(rows, int(row), t, threads);
      const std::size_t i0 = spec.offset + std::size_t(r.begin) * row, i1 = spec.offset + std::size_t(r.end) * row;
      if (i1 <= i0) continue;
      ok = update_range_checked(c, state, w, g, n, i0, i1) && ok;
    }
    if (!ok) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load(std::memory_order_relaxed);
}

}  // namespace nn
