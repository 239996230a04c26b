#include "core/ops/gru.h"

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
  return 2 * size_t(T) * B * 3 * H + size_t(B) * H;  // dgi, dgh (T, B, 3H), dh (B, H)
}

void gru_forward(GruCache cache, GruParams p, const float* x, const float* h0, int T, int B, int C,
                 int H) {
  // The input projection does not depend on the recurrence: one gemm over all T*B rows.
  gemm(false, true, T * B, 3 * H, C, 1.0f, x, C, p.w_ih, C, 0.0f, cache.gates, 3 * H);
  gru_forward_recurrence(cache, p, h0, T, B, H);
}

void gru_forward_recurrence(GruCache cache, GruParams p, const float* h0, int T, int B, int H) {
  const int G = 3 * H;
  state_init(cache.h, h0, B * H);
  // W_hhᵀ by gate blocks, or as one block when the layer is too narrow to split (as in lstm.cpp).
  const bool by_gate = H >= 2 * gemm_panel_width();
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, true, H, by_gate ? H : G, by_gate ? 3 : 1, p.w_hh, H);
  for (int t = 0; t < T; t++) {
    float* gates = cache.gates + t * B * G;  // (B, 3H)
    float* hh = cache.hh + t * B * G;        // (B, 3H)
    const float* h_prev = cache.h + t * B * H;
    float* h = cache.h + (t + 1) * B * H;
    if (!by_gate) {
      gemm_packed(false, B, 0, G, 1.0f, h_prev, H, w_hh, 0.0f, hh, G);
      gru_cell_forward(gates, hh, p.b_ih, p.b_hh, h_prev, h, B, H, H);
      continue;
    }
    // Nearly all the time of a step: the three gate blocks of a share of units, then their cells.
    for_unit_shares(B, H, 3, w_hh.nr, [&](int u0, int u1) {
      gemm_packed(false, B, u0, u1, 1.0f, h_prev, H, w_hh, 0.0f, hh, G);
      gru_cell_forward(gates + u0, hh + u0, p.b_ih + u0, p.b_hh + u0, h_prev + u0, h + u0, B, H, u1 - u0);
    });
  }
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
                             float* scratch, GruCache cache, GruParams p, int T, int B, int H) {
  const int G = 3 * H;
  // The input and hidden projections see the same gradient except in the n part, where r sits
  // between the hidden projection and the sum.
  float* dgi = scratch;                      // (T, B, 3H) wrt x·W_ihᵀ + b_ih
  float* dgh = dgi + size_t(T) * B * G;      // (T, B, 3H) wrt h_prev·W_hhᵀ + b_hh
  float* dh_next = dgh + size_t(T) * B * G;  // (B, H) flowing from step t+1 into step t
  state_init(dh_next, dout.dh_last, B * H);
  const PackedB w_hh = gemm_pack_b(cache.w_hh_packed, false, G, H, 1, p.w_hh, H);
  // As in lstm.cpp: a share of units runs the gemm of step t+1 (its columns of dh) and then the
  // cells of step t, which need no other unit's dh; one join per step. Step 0's gemm serves dh0.
  for (int t = T - 1; t >= (din.dh0 ? -1 : 0); t--) {
    for_unit_shares(B, H, 3, w_hh.nr, [&](int u0, int u1) {
      if (t + 1 < T) gemm_packed(false, B, u0, u1, 1.0f, dgh + (t + 1) * B * G, G, w_hh, 1.0f, dh_next, H);
      if (t < 0) return;
      if (dout.dh) state_add_units(dh_next, dout.dh + t * B * H, B, H, u0, u1);
      gru_cell_backward(dgi + t * B * G + u0, dgh + t * B * G + u0, grad.b_ih + u0, grad.b_hh + u0, dh_next + u0,
                        cache.gates + t * B * G + u0, cache.hh + t * B * G + u0, cache.h + t * B * H + u0, B, H,
                        u1 - u0);
    });
  }
  state_add(din.dh0, dh_next, B * H);
  // Sums over steps: one gemm over all T*B rows. h's first T slots are every step's h_prev.
  gemm(true, false, G, H, T * B, 1.0f, dgh, G, cache.h, H, 1.0f, grad.w_hh, H);
}

}  // namespace nn
