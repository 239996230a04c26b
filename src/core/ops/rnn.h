#pragma once
// Elman RNN over T steps, PyTorch's nn.RNN with tanh: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
#include <cstddef>

#include "core/ops/recurrent.h"

namespace nn {

struct RnnParams {
  float* w_ih;  // (H, C)
  float* w_hh;  // (H, H)
  float* b_ih;  // (H)
  float* b_hh;  // (H)
};

// The hidden states are all backward needs: h (T+1, B, H), slot 0 is h0, h + B*H the output
// sequence (T, B, H), slot T is h_n.
struct RnnCache {
  float* h;  // (T+1, B, H)
};

size_t rnn_cache_floats(int T, int B, int H);
RnnCache rnn_cache(float* mem, int T, int B, int H);
// Scratch that backward needs (its contents on entry do not matter).
size_t rnn_scratch_floats(int T, int B, int H);

// x (T, B, C); h0 (B, H), or null for zeros.
void rnn_forward(RnnCache cache, RnnParams p, const float* x, const float* h0, int T, int B, int C,
                 int H);

// Backward through time. Adds into grad (same layout as p) and into din (dc0 is ignored).
void rnn_backward(RecurrentInGrads din, RnnParams grad, RecurrentOutGrads dout, float* scratch,
                  RnnCache cache, RnnParams p, const float* x, int T, int B, int C, int H);

}  // namespace nn
