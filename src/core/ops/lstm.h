#pragma once
// LSTM over T steps, PyTorch's nn.LSTM equations and weight layout, so its weights map 1:1:
//   gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh  -> i, f, g, o (in that order, H rows each)
//   i, f, o = sigmoid(.), g = tanh(.);  c' = f*c + i*g;  h' = o*tanh(c')
#include <cstddef>

#include "core/ops/recurrent.h"

namespace nn {

struct LstmParams {
  float* w_ih;  // (4H, C)
  float* w_hh;  // (4H, H)
  float* b_ih;  // (4H)
  float* b_hh;  // (4H)
};

// What forward leaves for backward; it also holds the outputs. With h and c laid out (T+1, B, H),
// slot 0 is the initial state, h + B*H is the output sequence (T, B, H), and slot T is the final
// state (PyTorch's h_n, c_n). Backward reads the outputs too (tanh(c) is recovered as h / o): a
// caller that changes them in place, as a dropout would, must work on a copy.
struct LstmCache {
  float* gates;  // (T, B, 4H) i, f, g, o after their nonlinearities
  float* c;      // (T+1, B, H)
  float* h;      // (T+1, B, H)
  float* w_hh_packed;  // W_hh packed for the steps' gemms (gemm.h); not an output
};

size_t lstm_cache_floats(int T, int B, int H);
// Carves lstm_cache_floats(T, B, H) floats at mem into the cache's tensors.
LstmCache lstm_cache(float* mem, int T, int B, int H);
// Scratch that backward needs (its contents on entry do not matter).
size_t lstm_scratch_floats(int T, int B, int H);

// x (T, B, C); h0, c0 (B, H), either may be null for zeros.
void lstm_forward(LstmCache cache, LstmParams p, const float* x, const float* h0, const float* c0,
                  int T, int B, int C, int H);

// Backward through time. Adds into grad (same layout as p) and into din.
void lstm_backward(RecurrentInGrads din, LstmParams grad, RecurrentOutGrads dout, float* scratch,
                   LstmCache cache, LstmParams p, const float* x, int T, int B, int C, int H);

// The layer without its input projection, for callers that compute x·W_ihᵀ themselves (a one-hot
// input makes it a row gather of W_ihᵀ, not a gemm). Forward expects x·W_ihᵀ (T, B, 4H), biases not
// added, in cache.gates on entry, or with `one_hot` gathers it there step by step. Backward adds
// into every gradient but grad.w_ih and din.dx and leaves the gradient wrt that projection in the
// first T*B*4H floats of scratch, with `one_hot` also adding it into the table's gradient step by
// step.
void lstm_forward_recurrence(LstmCache cache, LstmParams p, const float* h0, const float* c0, int T,
                             int B, int H, const OneHotInput* one_hot = nullptr);
void lstm_backward_recurrence(RecurrentInGrads din, LstmParams grad, RecurrentOutGrads dout,
                              float* scratch, LstmCache cache, LstmParams p, int T, int B, int H,
                              const OneHotGrad* one_hot = nullptr);

}  // namespace nn
