#include "core/ops/rnn.h"

#include <algorithm>

#include "core/gemm.h"
#include "core/ops/embedding.h"
#include "core/ops/linear.h"
#include "core/vec.h"

namespace nn {

size_t rnn_cache_floats(int T, int B, int H) { return size_t(T + 1) * B * H; }

RnnCache rnn_cache(float* mem, int T, int B, int H) { return RnnCache{mem}; }

size_t rnn_scratch_floats(int T, int B, int H) {
  return size_t(T) * B * H + size_t(B) * H;  // dpre (T, B, H), dh (B, H)
}

void rnn_forward(RnnCache cache, RnnParams p, const float* x, const float* h0, int T, int B, int C,
                 int H) {
  // The input projection goes straight into the output slots h[1..T], one gemm for all steps;
  // each step then adds its recurrent part in place and squashes.
  gemm(false, true, T * B, H, C, 1.0f, x, C, p.w_ih, C, 0.0f, cache.h + B * H, H);
  rnn_forward_recurrence(cache, p, h0, T, B, H);
}

void rnn_forward_recurrence(RnnCache cache, RnnParams p, const float* h0, int T, int B, int H,
                            const OneHotInput* one_hot) {
  float* pre = cache.h + B * H;  // (T, B, H)
  // The plain RNN's steps are not split by sequences: its whole projection is gathered at once.
  if (one_hot) embedding_forward(pre, one_hot->tokens, one_hot->table, T * B, one_hot->V, H);
  state_init(cache.h, h0, B * H);
  bias_forward(pre, p.b_ih, T * B, H);
  bias_forward(pre, p.b_hh, T * B, H);
  for (int t = 0; t < T; t++) {
    float* h = cache.h + (t + 1) * B * H;
    gemm(false, true, B, H, H, 1.0f, cache.h + t * B * H, H, p.w_hh, H, 1.0f, h, H);
    vec_tanh(h, h, B * H);
  }
}

void rnn_backward(RecurrentInGrads din, RnnParams grad, RecurrentOutGrads dout, float* scratch,
                  RnnCache cache, RnnParams p, const float* x, int T, int B, int C, int H) {
  rnn_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H);
  // The input side sums over steps: one gemm over all T*B rows each, as in forward.
  const float* dpre = scratch;  // (T, B, H), left there by the recurrence
  if (din.dx) gemm(false, false, T * B, C, H, 1.0f, dpre, H, p.w_ih, C, 1.0f, din.dx, C);
  gemm(true, false, H, C, T * B, 1.0f, dpre, H, x, C, 1.0f, grad.w_ih, C);
}

void rnn_backward_recurrence(RecurrentInGrads din, RnnParams grad, RecurrentOutGrads dout,
                             float* scratch, RnnCache cache, RnnParams p, int T, int B, int H,
                             const OneHotGrad* one_hot) {
  float* dpre = scratch;                      // (T, B, H) before the tanh
  float* dh_next = dpre + size_t(T) * B * H;  // (B, H) flowing from step t+1 into step t
  state_init(dh_next, dout.dh_last, B * H);
  if (one_hot) one_hot->clear_blocks(0, B, H);
  for (int t = T - 1; t >= 0; t--) {
    const float* h = cache.h + (t + 1) * B * H;
    float* dpre_t = dpre + t * B * H;
    if (dout.dh) state_add(dh_next, dout.dh + t * B * H, B * H);
    for (int j = 0; j < B * H; j++) dpre_t[j] = dh_next[j] * (1.0f - h[j] * h[j]);
    gemm(false, false, B, H, H, 1.0f, dpre_t, H, p.w_hh, H, 0.0f, dh_next, H);
    if (one_hot)
      for (int b = 0; b < B; b += kSequenceBlock)
        one_hot->add_step(dpre_t + size_t(b) * H, t, B, b, std::min(kSequenceBlock, B - b), H);
  }
  state_add(din.dh0, dh_next, B * H);
  // Sums over steps: one gemm over all T*B rows. h's first T slots are every step's h_prev.
  gemm(true, false, H, H, T * B, 1.0f, dpre, H, cache.h, H, 1.0f, grad.w_hh, H);
  bias_backward(grad.b_ih, dpre, T * B, H);
  bias_backward(grad.b_hh, dpre, T * B, H);
}

}  // namespace nn
