#include "core/ops/gru.h"

#include <algorithm>

#include "core/gemm.h"
#include "core/vec.h"

namespace nn {

size_t gru_cache_floats(int T, int B, int H) {
  return 2 * size_t(T) * B * 3 * H + size_t(T + 1) * B * H + gemm_packed_b_floats(H, H, 3);
}

GruCache gru_cache(float* mem, int T, int B, int H) {
  GruCache cache;
  cache.gates = mem;
  cache.hh = cache.gates + size_t(T) * B * 3 * H;
  cache.h = cache.hh + size_t(T) * B * 3 * H;
  cache.w_hh_packed = cache.h + size_t(T + 1) * B * H;
  return cache;
}

size_t gru_scratch_floats(int T, int B, int H) {
  // dgi, dgh (T, B, 3H), dh (B, H), the bias gradients' partial sums
  return 2 * size_t(T) * B * 3 * H + size_t(B) * H + size_t(sequence_blocks(B)) * 2 * 3 * H;
}

void gru_forward(GruCache cache, GruParams p, const float* x, const float* h0, int T, int B, int C,
                 int H) {
  // The input projection does not depend on the recurrence: one gemm over all T*B rows.
  gemm(false, true, T * B, 3 * H, C, 1.0f, x, C, p.w_ih, C, 0.0f, cache.gates, 3 * H);
  gru_forward_recurrence(cache, p, h0, T, B, H);
}

void gru_forward_recurrence(GruCache cache, GruParams p, const float* h0, int T, int B, int H,
                            const OneHotInput* one_hot) {
  const int G = 3 * H;
  state_init(cache.h, h0, B * H);
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, true, H, G, 1, p.w_hh, H);
  // Each share of the sequences runs all the steps of its rows: a step's product and cells.
  for_sequence_shares(B, 2.0 * T * B * G * H, [&](int b0, int b1) {
    const int rows = b1 - b0;
    for (int t = 0; t < T; t++) {
      const size_t gate_row = (size_t(t) * B + b0) * G, row = (size_t(t) * B + b0) * H, next = row + size_t(B) * H;
      float* hh = cache.hh + gate_row;  // (rows, 3H)
      if (one_hot) one_hot->gather_step(cache.gates + gate_row, t, B, b0, rows, G);
      gemm_packed(false, rows, 0, G, 1.0f, cache.h + row, H, w_hh, 0.0f, hh, G);
      gru_cell_forward(cache.gates + gate_row, hh, p.b_ih, p.b_hh, cache.h + row, cache.h + next, rows, H, H);
    }
  });
}

void gru_backward(RecurrentInGrads din, GruParams grad, RecurrentOutGrads dout, float* scratch,
                  GruCache cache, GruParams p, const float* x, int T, int B, int C, int H) {
  const int G = 3 * H;
  gru_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H);
  // The input side sums over steps: one gemm over all T*B rows each, as in forward.
  const float* dgi = scratch;  // (T, B, 3H), left there by the recurrence
  if (din.dx) gemm(false, false, T * B, C, G, 1.0f, dgi, G, p.w_ih, C, 1.0f, din.dx, C);
  gemm(true, false, G, C, T * B, 1.0f, dgi, G, x, C, 1.0f, grad.w_ih, C);
}

void gru_backward_recurrence(RecurrentInGrads din, GruParams grad, RecurrentOutGrads dout,
                             float* scratch, GruCache cache, GruParams p, int T, int B, int H,
                             const OneHotGrad* one_hot) {
  const int G = 3 * H;
  // The input and hidden projections see the same gradient except in the n part, where r sits
  // between the hidden projection and the sum.
  float* dgi = scratch;                      // (T, B, 3H) wrt x·W_ihᵀ + b_ih
  float* dgh = dgi + size_t(T) * B * G;      // (T, B, 3H) wrt h_prev·W_hhᵀ + b_hh
  float* dh_next = dgh + size_t(T) * B * G;  // (B, H) flowing from step t+1 into step t
  float* bias_sums = dh_next + size_t(B) * H;  // (blocks, 2, 3H)
  bias_partials_clear(bias_sums, B, G);
  state_init(dh_next, dout.dh_last, B * H);
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, false, G, H, 1, p.w_hh, H);
  // As in lstm.cpp: each share of the sequences runs all the steps of its rows backwards, the
  // product of step t+1 and then the cells of step t. Step 0's product serves dh0.
  for_sequence_shares(B, 2.0 * T * B * G * H, [&](int b0, int b1) {
    const int rows = b1 - b0;
    float* dh = dh_next + size_t(b0) * H;
    if (one_hot) one_hot->clear_blocks(b0, b1, G);
    for (int t = T - 1; t >= (din.dh0 ? -1 : 0); t--) {
      const size_t gate_row = (size_t(t) * B + b0) * G, row = (size_t(t) * B + b0) * H;
      if (t + 1 < T) gemm_packed(false, rows, 0, H, 1.0f, dgh + gate_row + size_t(B) * G, G, w_hh, 1.0f, dh, H);
      if (t < 0) break;
      if (dout.dh) vec_add(dh, dh, dout.dh + row, rows * H);
      for (int r = 0; r < rows; r += kSequenceBlock) {  // block by block, for the bias sums
        const int n = std::min(kSequenceBlock, rows - r);
        float* sums = bias_sums + size_t((b0 + r) / kSequenceBlock) * 2 * G;
        const size_t g = gate_row + size_t(r) * G;
        gru_cell_backward(dgi + g, dgh + g, sums, sums + G, dh + size_t(r) * H, cache.gates + g, cache.hh + g,
                          cache.h + row + size_t(r) * H, n, H, H);
        if (one_hot) one_hot->add_step(dgi + g, t, B, b0 + r, n, G);
      }
    }
  });
  state_add(din.dh0, dh_next, B * H);
  bias_partials_add(grad.b_ih, grad.b_hh, bias_sums, B, G);
  // Sums over steps: one gemm over all T*B rows. h's first T slots are every step's h_prev.
  gemm(true, false, G, H, T * B, 1.0f, dgh, G, cache.h, H, 1.0f, grad.w_hh, H);
}

}  // namespace nn
