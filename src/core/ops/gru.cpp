#include "core/ops/gru.h"

#include "core/gemm.h"
#include "core/ops/linear.h"
#include "core/vec.h"

namespace nn {

size_t gru_cache_floats(int T, int B, int H) {
  return 2 * size_t(T) * B * 3 * H + size_t(T + 1) * B * H;
}

GruCache gru_cache(float* mem, int T, int B, int H) {
  GruCache cache;
  cache.gates = mem;
  cache.hh = cache.gates + size_t(T) * B * 3 * H;
  cache.h = cache.hh + size_t(T) * B * 3 * H;
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
  bias_forward(cache.gates, p.b_ih, T * B, G);
  for (int t = 0; t < T; t++) {
    float* gates = cache.gates + t * B * G;  // (B, 3H)
    float* hh = cache.hh + t * B * G;        // (B, 3H)
    const float* h_prev = cache.h + t * B * H;
    float* h = cache.h + (t + 1) * B * H;
    gemm(false, true, B, G, H, 1.0f, h_prev, H, p.w_hh, H, 0.0f, hh, G);
    bias_forward(hh, p.b_hh, B, G);
    // Scalar tanh and exp would cost more than the gemm: the gate blocks go through the vector
    // kernels.
    for (int b = 0; b < B; b++) {
      float* r = gates + b * G;
      float* z = r + H;
      float* n = r + 2 * H;
      const float* hh_r = hh + b * G;
      const float* hh_n = hh_r + 2 * H;
      vec_add(r, r, hh_r, 2 * H);  // r and z
      vec_sigmoid(r, r, 2 * H);
      for (int k = 0; k < H; k++) n[k] += r[k] * hh_n[k];
      vec_tanh(n, n, H);
      for (int k = 0; k < H; k++) {
        int j = b * H + k;
        h[j] = (1.0f - z[k]) * n[k] + z[k] * h_prev[j];
      }
    }
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
  for (int t = T - 1; t >= 0; t--) {
    const float* gates = cache.gates + t * B * G;
    const float* hh = cache.hh + t * B * G;
    const float* h_prev = cache.h + t * B * H;
    float* dgi_t = dgi + t * B * G;
    float* dgh_t = dgh + t * B * G;
    if (dout.dh) state_add(dh_next, dout.dh + t * B * H, B * H);
    for (int b = 0; b < B; b++) {
      const float* r = gates + b * G;
      const float* z = r + H;
      const float* n = r + 2 * H;
      const float* hh_n = hh + b * G + 2 * H;
      float* dgi_b = dgi_t + b * G;
      float* dgh_b = dgh_t + b * G;
      for (int k = 0; k < H; k++) {
        int j = b * H + k;
        float dh = dh_next[j];
        float dn = dh * (1.0f - z[k]) * (1.0f - n[k] * n[k]);
        float dz = dh * (h_prev[j] - n[k]) * z[k] * (1.0f - z[k]);
        float dr = dn * hh_n[k] * r[k] * (1.0f - r[k]);
        dgi_b[k] = dgh_b[k] = dr;
        dgi_b[H + k] = dgh_b[H + k] = dz;
        dgi_b[2 * H + k] = dn;
        dgh_b[2 * H + k] = dn * r[k];
        dh_next[j] = dh * z[k];  // the direct path h' = ... + z*h; the gemm adds the rest
      }
    }
    gemm(false, false, B, H, G, 1.0f, dgh_t, G, p.w_hh, H, 1.0f, dh_next, H);
  }
  state_add(din.dh0, dh_next, B * H);
  // Sums over steps: one gemm over all T*B rows. h's first T slots are every step's h_prev.
  gemm(true, false, G, H, T * B, 1.0f, dgh, G, cache.h, H, 1.0f, grad.w_hh, H);
  bias_backward(grad.b_ih, dgi, T * B, G);
  bias_backward(grad.b_hh, dgh, T * B, G);
}

}  // namespace nn
