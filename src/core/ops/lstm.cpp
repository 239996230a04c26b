#include "core/ops/lstm.h"

#include "core/gemm.h"
#include "core/ops/linear.h"
#include "core/vec.h"

namespace nn {

size_t lstm_cache_floats(int T, int B, int H) {
  return size_t(T) * B * 4 * H + 2 * size_t(T + 1) * B * H;
}

LstmCache lstm_cache(float* mem, int T, int B, int H) {
  LstmCache cache;
  cache.gates = mem;
  cache.c = cache.gates + size_t(T) * B * 4 * H;
  cache.h = cache.c + size_t(T + 1) * B * H;
  return cache;
}

size_t lstm_scratch_floats(int T, int B, int H) {
  // dgates (T, B, 4H); dh, dc and tanh(c) (B, H)
  return size_t(T) * B * 4 * H + 3 * size_t(B) * H;
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
  bias_forward(cache.gates, p.b_ih, T * B, G);
  bias_forward(cache.gates, p.b_hh, T * B, G);
  for (int t = 0; t < T; t++) {
    float* gates = cache.gates + t * B * G;  // (B, 4H)
    const float* h_prev = cache.h + t * B * H;
    const float* c_prev = cache.c + t * B * H;
    float* h = cache.h + (t + 1) * B * H;
    float* c = cache.c + (t + 1) * B * H;
    gemm(false, true, B, G, H, 1.0f, h_prev, H, p.w_hh, H, 1.0f, gates, G);
    // Scalar tanh and exp would cost more than the gemm: the gate blocks go through the vector
    // kernels, then tanh(c') for the whole batch at once.
    for (int b = 0; b < B; b++) {
      float* i = gates + b * G;
      float* f = i + H;
      float* g = i + 2 * H;
      float* o = i + 3 * H;
      vec_sigmoid(i, i, 2 * H);  // i and f
      vec_tanh(g, g, H);
      vec_sigmoid(o, o, H);
      for (int k = 0; k < H; k++) c[b * H + k] = f[k] * c_prev[b * H + k] + i[k] * g[k];
    }
    vec_tanh(h, c, B * H);
    for (int b = 0; b < B; b++) {
      const float* o = gates + b * G + 3 * H;
      for (int k = 0; k < H; k++) h[b * H + k] *= o[k];
    }
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
  float* tanh_c = dc_next + B * H;              // (B, H) of the step being undone
  state_init(dh_next, dout.dh_last, B * H);
  state_init(dc_next, dout.dc_last, B * H);
  for (int t = T - 1; t >= 0; t--) {
    const float* gates = cache.gates + t * B * G;
    const float* c_prev = cache.c + t * B * H;
    const float* c = cache.c + (t + 1) * B * H;
    float* dg_t = dgates + t * B * G;
    if (dout.dh) state_add(dh_next, dout.dh + t * B * H, B * H);
    vec_tanh(tanh_c, c, B * H);
    for (int b = 0; b < B; b++) {
      const float* i = gates + b * G;
      const float* f = i + H;
      const float* g = i + 2 * H;
      const float* o = i + 3 * H;
      float* di = dg_t + b * G;
      float* df = di + H;
      float* dg = di + 2 * H;
      float* d_o = di + 3 * H;
      for (int k = 0; k < H; k++) {
        int j = b * H + k;
        float dh = dh_next[j];
        float dc = dc_next[j] + dh * o[k] * (1.0f - tanh_c[j] * tanh_c[j]);
        di[k] = dc * g[k] * i[k] * (1.0f - i[k]);
        df[k] = dc * c_prev[j] * f[k] * (1.0f - f[k]);
        dg[k] = dc * i[k] * (1.0f - g[k] * g[k]);
        d_o[k] = dh * tanh_c[j] * o[k] * (1.0f - o[k]);
        dc_next[j] = dc * f[k];
      }
    }
    gemm(false, false, B, H, G, 1.0f, dg_t, G, p.w_hh, H, 0.0f, dh_next, H);
  }
  state_add(din.dh0, dh_next, B * H);
  state_add(din.dc0, dc_next, B * H);
  // The parameter gradients are sums over steps: one gemm over all T*B rows.
  // h (T+1, B, H) starts with h0, so its first T slots are the h_prev of every step.
  gemm(true, false, G, H, T * B, 1.0f, dgates, G, cache.h, H, 1.0f, grad.w_hh, H);
  bias_backward(grad.b_ih, dgates, T * B, G);
  bias_backward(grad.b_hh, dgates, T * B, G);
}

}  // namespace nn
