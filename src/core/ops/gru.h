#pragma once
// GRU over T steps, PyTorch's nn.GRU equations and weight layout (gate order r, z, n):
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
//   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
//   h' = (1 - z) * n + z * h
#include <cstddef>

#include "core/ops/recurrent.h"

namespace nn {

struct GruParams {
  float* w_ih;  // (3H, C)
  float* w_hh;  // (3H, H)
  float* b_ih;  // (3H)
  float* b_hh;  // (3H)
};

// h is laid out (T+1, B, H): slot 0 is h0, h + B*H the output sequence (T, B, H), slot T is h_n.
struct GruCache {
  float* gates;  // (T, B, 3H) r, z, n after their nonlinearities
  float* hh;     // (T, B, 3H) h_prev·W_hhᵀ + b_hh; r gates its n part, so backward needs it
  float* h;      // (T+1, B, H)
  float* w_hh_packed;  // W_hh packed for the steps' gemms (gemm.h); not an output
};

size_t gru_cache_floats(int T, int B, int H);
// Carves gru_cache_floats(T, B, H) floats at mem into the cache's tensors.
GruCache gru_cache(float* mem, int T, int B, int H);
// Scratch that backward needs (its contents on entry do not matter).
size_t gru_scratch_floats(int T, int B, int H);

// x (T, B, C); h0 (B, H), or null for zeros.
void gru_forward(GruCache cache, GruParams p, const float* x, const float* h0, int T, int B, int C,
                 int H);

// Backward through time. Adds into grad (same layout as p) and into din (dc0 is ignored).
void gru_backward(RecurrentInGrads din, GruParams grad, RecurrentOutGrads dout, float* scratch,
                  GruCache cache, GruParams p, const float* x, int T, int B, int C, int H);

// The layer without its input projection, for callers that compute x·W_ihᵀ themselves (a one-hot
// input makes it a row gather of W_ihᵀ, not a gemm). Forward expects x·W_ihᵀ (T, B, 3H), b_ih not
// added, in cache.gates on entry, or with `one_hot` gathers it there step by step. Backward adds
// into every gradient but grad.w_ih and din.dx and leaves the gradient wrt that projection in the
// first T*B*3H floats of scratch, with `one_hot` also adding it into the table's gradient step by
// step.
void gru_forward_recurrence(GruCache cache, GruParams p, const float* h0, int T, int B, int H,
                            const OneHotInput* one_hot = nullptr);
void gru_backward_recurrence(RecurrentInGrads din, GruParams grad, RecurrentOutGrads dout,
                             float* scratch, GruCache cache, GruParams p, int T, int B, int H,
                             const OneHotGrad* one_hot = nullptr);

}  // namespace nn
