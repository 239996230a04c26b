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

// The layer without its input projection, for callers that compute x·W_ihᵀ themselves (a one-hot
// input makes it a row gather of W_ihᵀ, not a gemm). Forward expects x·W_ihᵀ (T, B, H), biases not
// added, in the output slots cache.h + B*H on entry, or with `one_hot` gathers it there. Backward
// adds into every gradient but grad.w_ih and din.dx and leaves the gradient wrt that projection in
// the first T*B*H floats of scratch, with `one_hot` also adding it into the table's gradient step
// by step.
void rnn_forward_recurrence(RnnCache cache, RnnParams p, const float* h0, int T, int B, int H,
                            const OneHotInput* one_hot = nullptr);
void rnn_backward_recurrence(RecurrentInGrads din, RnnParams grad, RecurrentOutGrads dout,
                             float* scratch, RnnCache cache, RnnParams p, int T, int B, int H,
                             const OneHotGrad* one_hot = nullptr);

}  // namespace nn
