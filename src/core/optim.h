#pragma once
// Optimizers as flat loops over a whole model: w (n), g (n), and state buffers that repeat the
// parameter layout (see params.h). Each update follows torch.optim's formulation step for step,
// so that a run here can be checked against PyTorch (tests/fixtures/make_optim_fixtures.py).
// Hyper-parameters are doubles, as in torch.optim, and are rounded to float where torch rounds them.
#include <cstddef>
#include <cstdint>

#include "core/arena.h"
#include "core/params.h"

namespace nn {

enum class OptimizerKind : std::uint32_t { Sgd, Momentum, Nesterov, RmsProp, Adam };

const char* optimizer_name(OptimizerKind kind);
// How many n-float state buffers the optimizer keeps: velocity, mean square, or Adam's two moments.
int optimizer_state_slots(OptimizerKind kind);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Adam;
  double lr = 1e-3;
  double momentum = 0.9;      // Momentum and Nesterov: α, the fraction of the last step kept
  double rms_alpha = 0.99;    // RMSprop: smoothing of the mean square
  double beta1 = 0.9;         // Adam: smoothing of the mean
  double beta2 = 0.999;       // Adam: smoothing of the mean square
  double eps = 1e-8;          // RMSprop and Adam: added to the root mean square
  double weight_decay = 0.0;  // L2: weight_decay·w added to the gradient, as torch.optim does
};

// Optimizer state for a model of n floats: slots × n floats in one buffer, plus the step count.
struct OptimizerState {
  OptimizerKind kind;
  std::int64_t step;   // updates applied so far; Adam's bias correction needs it
  FloatBuffer moments; // (slots, n)
};

OptimizerState optimizer_state_make(OptimizerKind kind, std::size_t n);

// One update of all n parameters w from gradients g, on the calling thread. config.kind must be
// state.kind.
void optimizer_step(const OptimizerConfig& config, OptimizerState& state, float* w, const float* g,
                    std::size_t n);
// One update of a whole model from its gradients, on the threads of the default pool: each updates
// the rows of every tensor that it owns (owned_rows.h), the same elements for the same thread
// count. Returns whether every parameter is finite after the update (checked in the same pass: an
// infinite gradient turns weights into NaN with no trace in the loss yet).
bool optimizer_step(const OptimizerConfig& config, OptimizerState& state, ParamStore& store);

// ---- the update rules, for callers that hold their state themselves ----
// torch.optim.SGD: w -= lr·g.
void sgd_step(float* w, const float* g, std::size_t n, double lr, double weight_decay);
// torch.optim.SGD(momentum=α): v = α·v + g; w -= lr·v. v starts at zero, so the first step is
// PyTorch's v = g.
void momentum_step(float* w, const float* g, float* v, std::size_t n, double lr, double momentum,
                   double weight_decay);
// Nesterov's accelerated gradient, in the form taught in the course:
//   Δ ← αΔ + η∇E(w − αΔ),  w ← w − Δ
// The gradient is wanted at the look-ahead point w − αΔ, not at w. Instead of moving the weights
// there and back around every backward pass, this optimizer keeps the look-ahead point itself as
// the parameters: w̃ = w − αΔ. Substituting Δ' = αΔ + ηg into w̃' = w' − αΔ' gives
//   w̃' = w − Δ' − αΔ' = (w̃ + αΔ) − (αΔ + ηg) − αΔ' = w̃ − (ηg + αΔ')
// with g = ∇E(w̃), the gradient at the stored parameters. With v = Δ/η this is exactly
// torch.optim.SGD(nesterov=True): v = α·v + g; w̃ -= η·(g + α·v).
// So a training loop does nothing special: forward, backward and step at the stored weights.
// The course's w is w̃ + αΔ = w̃ + α·η·v (nesterov_weights); the two differ by less than one step.
void nesterov_step(float* w, const float* g, float* v, std::size_t n, double lr, double momentum,
                   double weight_decay);
// The course's w from the stored look-ahead parameters: out = w̃ + lr·momentum·v.
void nesterov_weights(float* out, const float* w, const float* v, std::size_t n, double lr,
                      double momentum);
// torch.optim.RMSprop (not centered, no momentum): s = α·s + (1-α)·g²; w -= lr·g / (√s + eps).
void rmsprop_step(float* w, const float* g, float* s, std::size_t n, double lr, double alpha,
                  double eps, double weight_decay);
// torch.optim.Adam with its bias correction; t is the 1-based number of this update.
void adam_step(float* w, const float* g, float* m, float* v, std::size_t n, double lr, double beta1,
               double beta2, double eps, double weight_decay, std::int64_t t);

}  // namespace nn
