#include "core/ops/lstm.h"

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
  // dgates (T, B, 4H); dh and dc (B, H)
  return size_t(T) * B * 4 * H + 2 * size_t(B) * H;
}

void lstm_forward(LstmCache cache, LstmParams p, const float* x, const float* h0, const float* c0,
                  int T, int B, int C, int H) {
  // The input projection does not depend on the recurrence: one gemm over all T*B rows.
  gemm(false, true, T * B, 4 * H, C, 1.0f, x, C, p.w_ih, C, 0.0f, cache.gates, 4 * H);
  lstm_forward_recurrence(cache, p, h0, c0, T, B, H);
}

void lstm_forward_recurrence(LstmCache cache, LstmParams p, const float* h0, const float* c0, int T,
                             int B, int H) {
  const int G = 4 * H;
  state_init(cache.h, h0, B * H);
  state_init(cache.c, c0, B * H);
  // W_hhᵀ by gate blocks, so that a share of units takes the same columns of every gate. A layer
  // too narrow to split (the next-word LSTM's 5 units) packs its 4H columns as one block instead:
  // one tile for all four gates rather than a nearly empty one per gate.
  const bool by_gate = H >= 2 * gemm_panel_width();
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, true, H, by_gate ? H : G, by_gate ? 4 : 1, p.w_hh, H);
  for (int t = 0; t < T; t++) {
    float* gates = cache.gates + t * B * G;  // (B, 4H)
    const float* h_prev = cache.h + t * B * H;
    const float* c_prev = cache.c + t * B * H;
    float* h = cache.h + (t + 1) * B * H;
    float* c = cache.c + (t + 1) * B * H;
    if (!by_gate) {
      gemm_packed(false, B, 0, G, 1.0f, h_prev, H, w_hh, 1.0f, gates, G);
      lstm_cell_forward(gates, p.b_ih, p.b_hh, c_prev, c, h, B, H, H);
      continue;
    }
    // Nearly all the time of a step: the four gate blocks of a share of units, then their cells.
    for_unit_shares(B, H, 4, w_hh.nr, [&](int u0, int u1) {
      gemm_packed(false, B, u0, u1, 1.0f, h_prev, H, w_hh, 1.0f, gates, G);
      lstm_cell_forward(gates + u0, p.b_ih + u0, p.b_hh + u0, c_prev + u0, c + u0, h + u0, B, H, u1 - u0);
    });
  }
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
                              float* scratch, LstmCache cache, LstmParams p, int T, int B, int H) {
  const int G = 4 * H;
  float* dgates = scratch;                      // (T, B, 4H) before the nonlinearities
  float* dh_next = dgates + size_t(T) * B * G;  // (B, H) flowing from step t+1 into step t
  float* dc_next = dh_next + B * H;             // (B, H)
  state_init(dh_next, dout.dh_last, B * H);
  state_init(dc_next, dout.dc_last, B * H);
  // Forward is done with the packed W_hhᵀ blocks: the same floats hold W_hh for backward.
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, false, G, H, 1, p.w_hh, H);
  // Step t's share of units needs dh wrt h_t for those units only, the gemm's columns of the
  // step after it; only that gemm reads every unit's dgates. So each share runs the gemm of step
  // t+1 and then the cells of step t, and one join per step is enough.
  // The gemm of step 0 only serves dh0.
  for (int t = T - 1; t >= (din.dh0 ? -1 : 0); t--) {
    for_unit_shares(B, H, 4, w_hh.nr, [&](int u0, int u1) {
      if (t + 1 < T)
        gemm_packed(false, B, u0, u1, 1.0f, dgates + (t + 1) * B * G, G, w_hh, 0.0f, dh_next, H);
      if (t < 0) return;
      if (dout.dh) state_add_units(dh_next, dout.dh + t * B * H, B, H, u0, u1);
      lstm_cell_backward(dgates + t * B * G + u0, grad.b_ih + u0, grad.b_hh + u0, dc_next + u0, dh_next + u0,
                         cache.gates + t * B * G + u0, cache.c + t * B * H + u0, cache.c + (t + 1) * B * H + u0, B,
                         H, u1 - u0);
    });
  }
  state_add(din.dh0, dh_next, B * H);
  state_add(din.dc0, dc_next, B * H);
  // The parameter gradients are sums over steps: one gemm over all T*B rows.
  // h (T+1, B, H) starts with h0, so its first T slots are the h_prev of every step.
  gemm(true, false, G, H, T * B, 1.0f, dgates, G, cache.h, H, 1.0f, grad.w_hh, H);
}

}  // namespace nn
