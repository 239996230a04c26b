#include "core/ops/lstm.h"

#include <algorithm>

#include "core/gemm.h"
#include "core/vec.h"

namespace nn {

size_t lstm_cache_floats(int T, int B, int H) {
  return size_t(T) * B * 4 * H + 2 * size_t(T + 1) * B * H + gemm_packed_b_floats(H, H, 4);
}

LstmCache lstm_cache(float* mem, int T, int B, int H) {
  LstmCache cache;
  cache.gates = mem;
  cache.c = cache.gates + size_t(T) * B * 4 * H;
  cache.h = cache.c + size_t(T + 1) * B * H;
  cache.w_hh_packed = cache.h + size_t(T + 1) * B * H;
  return cache;
}

size_t lstm_scratch_floats(int T, int B, int H) {
  // dgates (T, B, 4H); dh and dc (B, H); the bias gradients' partial sums
  return size_t(T) * B * 4 * H + 2 * size_t(B) * H + size_t(sequence_blocks(B)) * 2 * 4 * H;
}

void lstm_forward(LstmCache cache, LstmParams p, const float* x, const float* h0, const float* c0,
                  int T, int B, int C, int H) {
  // The input projection does not depend on the recurrence: one gemm over all T*B rows.
  gemm(false, true, T * B, 4 * H, C, 1.0f, x, C, p.w_ih, C, 0.0f, cache.gates, 4 * H);
  lstm_forward_recurrence(cache, p, h0, c0, T, B, H);
}

void lstm_forward_recurrence(LstmCache cache, LstmParams p, const float* h0, const float* c0, int T,
                             int B, int H, const OneHotInput* one_hot) {
  const int G = 4 * H;
  state_init(cache.h, h0, B * H);
  state_init(cache.c, c0, B * H);
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, true, H, G, 1, p.w_hh, H);
  // Each share of the sequences runs all the steps of its rows: a step's product and cells.
  for_sequence_shares(B, 2.0 * T * B * G * H, [&](int b0, int b1) {
    const int rows = b1 - b0;
    for (int t = 0; t < T; t++) {
      const size_t gate_row = (size_t(t) * B + b0) * G, row = (size_t(t) * B + b0) * H, next = row + size_t(B) * H;
      float* gates = cache.gates + gate_row;  // (rows, 4H)
      if (one_hot) one_hot->gather_step(gates, t, B, b0, rows, G);
      gemm_packed(false, rows, 0, G, 1.0f, cache.h + row, H, w_hh, 1.0f, gates, G);
      lstm_cell_forward(gates, p.b_ih, p.b_hh, cache.c + row, cache.c + next, cache.h + next, rows, H, H);
    }
  });
}

void lstm_backward(RecurrentInGrads din, LstmParams grad, RecurrentOutGrads dout, float* scratch,
                   LstmCache cache, LstmParams p, const float* x, int T, int B, int C, int H) {
  const int G = 4 * H;
  lstm_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H);
  // The input side is a sum over steps too: one gemm over all T*B rows each, as in forward.
  const float* dgates = scratch;  // (T, B, 4H), left there by the recurrence
  if (din.dx) gemm(false, false, T * B, C, G, 1.0f, dgates, G, p.w_ih, C, 1.0f, din.dx, C);
  gemm(true, false, G, C, T * B, 1.0f, dgates, G, x, C, 1.0f, grad.w_ih, C);
}

void lstm_backward_recurrence(RecurrentInGrads din, LstmParams grad, RecurrentOutGrads dout,
                              float* scratch, LstmCache cache, LstmParams p, int T, int B, int H,
                              const OneHotGrad* one_hot) {
  const int G = 4 * H;
  float* dgates = scratch;                      // (T, B, 4H) before the nonlinearities
  float* dh_next = dgates + size_t(T) * B * G;  // (B, H) flowing from step t+1 into step t
  float* dc_next = dh_next + B * H;             // (B, H)
  float* bias_sums = dc_next + B * H;           // (blocks, 2, 4H)
  bias_partials_clear(bias_sums, B, G);
  state_init(dh_next, dout.dh_last, B * H);
  state_init(dc_next, dout.dc_last, B * H);
  // Forward is done with the packed W_hhᵀ: the same floats hold W_hh for backward.
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, false, G, H, 1, p.w_hh, H);
  // Each share of the sequences runs all the steps of its rows backwards: the product that
  // brings step t+1's gradient back to h_t, then the cells of step t. The product of step 0
  // only serves dh0.
  for_sequence_shares(B, 2.0 * T * B * G * H, [&](int b0, int b1) {
    const int rows = b1 - b0;
    float* dh = dh_next + size_t(b0) * H;
    float* dc = dc_next + size_t(b0) * H;
    if (one_hot) one_hot->clear_blocks(b0, b1, G);
    for (int t = T - 1; t >= (din.dh0 ? -1 : 0); t--) {
      const size_t gate_row = (size_t(t) * B + b0) * G, row = (size_t(t) * B + b0) * H, next = row + size_t(B) * H;
      if (t + 1 < T) gemm_packed(false, rows, 0, H, 1.0f, dgates + gate_row + size_t(B) * G, G, w_hh, 0.0f, dh, H);
      if (t < 0) break;
      if (dout.dh) vec_add(dh, dh, dout.dh + row, rows * H);
      // Block by block, for the bias gradients' partial sums; both biases sit where the gates'
      // pre-activations are summed, so both get the same sums.
      for (int r = 0; r < rows; r += kSequenceBlock) {
        const int n = std::min(kSequenceBlock, rows - r);
        float* sums = bias_sums + size_t((b0 + r) / kSequenceBlock) * 2 * G;
        lstm_cell_backward(dgates + gate_row + size_t(r) * G, sums, sums + G, dc + size_t(r) * H, dh + size_t(r) * H,
                           cache.gates + gate_row + size_t(r) * G, cache.c + row + size_t(r) * H,
                           cache.h + next + size_t(r) * H, n, H, H);
        if (one_hot) one_hot->add_step(dgates + gate_row + size_t(r) * G, t, B, b0 + r, n, G);
      }
    }
  });
  state_add(din.dh0, dh_next, B * H);
  state_add(din.dc0, dc_next, B * H);
  bias_partials_add(grad.b_ih, grad.b_hh, bias_sums, B, G);
  // The parameter gradients are sums over steps: one gemm over all T*B rows.
  // h (T+1, B, H) starts with h0, so its first T slots are the h_prev of every step.
  gemm(true, false, G, H, T * B, 1.0f, dgates, G, cache.h, H, 1.0f, grad.w_hh, H);
}

}  // namespace nn
