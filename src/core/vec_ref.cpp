// The scalar twins of the vector kernels: plain loops over <cmath>, the reference the SIMD
// versions are tested against and the kernels of the scalar backend.
#include <cmath>
#include <limits>

#include "core/vec.h"

namespace nn {

namespace {

// Written so that it is accurate for every x: exp(-|x|) never overflows.
float sigmoid_ref(float x) {
  float e = std::exp(-std::fabs(x));
  return x < 0.0f ? e / (1.0f + e) : 1.0f / (1.0f + e);
}

}  // namespace

void vec_add_ref(float* out, const float* a, const float* b, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void vec_mul_ref(float* out, const float* a, const float* b, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] * b[i];
}

void vec_axpy_ref(float* y, float alpha, const float* x, int n) {
  for (int i = 0; i < n; i++) y[i] += alpha * x[i];
}

void vec_scale_ref(float* x, float alpha, int n) {
  for (int i = 0; i < n; i++) x[i] *= alpha;
}

bool vec_all_finite_ref(const float* x, int n) {
  for (int i = 0; i < n; i++)
    if (!std::isfinite(x[i])) return false;
  return true;
}

float vec_sum_ref(const float* x, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; i++) s += x[i];
  return s;
}

float vec_dot_ref(const float* a, const float* b, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

float vec_max_ref(const float* x, int n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

void vec_exp_ref(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = std::exp(x[i]);
}

void vec_tanh_ref(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = std::tanh(x[i]);
}

void vec_sigmoid_ref(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = sigmoid_ref(x[i]);
}

float vec_exp_sum_ref(float* out, const float* x, float shift, int n) {
  float sum = 0.0f;
  for (int i = 0; i < n; i++) {
    out[i] = std::exp(x[i] - shift);
    sum += out[i];
  }
  return sum;
}

void softmax_rows_ref(float* out, const float* x, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols) {
    float m = vec_max_ref(x, cols), sum = 0.0f;
    for (int c = 0; c < cols; c++) {
      out[c] = std::exp(x[c] - m);
      sum += out[c];
    }
    for (int c = 0; c < cols; c++) out[c] /= sum;
  }
}

void add_bias_rows_ref(float* out, const float* x, const float* bias, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols) vec_add_ref(out, x, bias, cols);
}

void sum_rows_add_ref(float* acc, const float* x, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols)
    for (int c = 0; c < cols; c++) acc[c] += x[c];
}

void selu_ref(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] > 0.0f ? kSeluScale * x[i] : kSeluScale * kSeluAlpha * std::expm1(x[i]);
}

void selu_backward_add_ref(float* dx, const float* dout, const float* x, int n) {
  for (int i = 0; i < n; i++) dx[i] += dout[i] * (x[i] > 0.0f ? kSeluScale : kSeluScale * kSeluAlpha * std::exp(x[i]));
}

void leaky_relu_ref(float* out, const float* x, float slope, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : slope * x[i];
}

void leaky_relu_backward_add_ref(float* dx, const float* dout, const float* x, float slope, int n) {
  for (int i = 0; i < n; i++) dx[i] += x[i] > 0.0f ? dout[i] : slope * dout[i];
}

void adam_update_ref(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n) {
  for (int i = 0; i < n; i++) {
    float grad = g[i] + c.weight_decay * w[i];
    m[i] = c.beta1 * m[i] + c.one_minus_beta1 * grad;
    v[i] = c.beta2 * v[i] + c.one_minus_beta2 * grad * grad;
    float denom = std::sqrt(v[i]) * c.inv_bias_correction2_sqrt + c.eps;
    w[i] -= c.step_size * (m[i] / denom);
  }
}

void rmsprop_update_ref(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n) {
  for (int i = 0; i < n; i++) {
    float grad = g[i] + c.weight_decay * w[i];
    s[i] = c.alpha * s[i] + c.one_minus_alpha * grad * grad;
    w[i] -= c.lr * (grad / (std::sqrt(s[i]) + c.eps));
  }
}

void lstm_cell_forward_ref(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c,
                           float* h, int rows, int H, int n) {
  for (int b = 0; b < rows; b++)
    for (int k = 0; k < n; k++) {
      float* gi = gates + size_t(b) * 4 * H + k;
      float pre[4];
      for (int gate = 0; gate < 4; gate++) pre[gate] = gi[gate * H] + b_ih[gate * H + k] + b_hh[gate * H + k];
      float i = sigmoid_ref(pre[0]), f = sigmoid_ref(pre[1]), g = std::tanh(pre[2]), o = sigmoid_ref(pre[3]);
      gi[0] = i, gi[H] = f, gi[2 * H] = g, gi[3 * H] = o;
      const size_t j = size_t(b) * H + k;
      c[j] = f * c_prev[j] + i * g;
      h[j] = o * std::tanh(c[j]);
    }
}

void lstm_cell_backward_ref(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh,
                            const float* gates, const float* c_prev, const float* h, int rows, int H, int n) {
  for (int b = 0; b < rows; b++)
    for (int k = 0; k < n; k++) {
      const float* gi = gates + size_t(b) * 4 * H + k;
      float* dgi = dgates + size_t(b) * 4 * H + k;
      const float i = gi[0], f = gi[H], g = gi[2 * H], o = gi[3 * H];
      const size_t j = size_t(b) * H + k;
      const float tc = o > 0.0f ? h[j] / o : 0.0f;  // tanh(c), as the SIMD kernels have it (vec_kernels.h)
      const float dcv = dc[j] + dh[j] * o * (1.0f - tc * tc);
      dgi[0] = dcv * g * i * (1.0f - i);
      dgi[H] = dcv * c_prev[j] * f * (1.0f - f);
      dgi[2 * H] = dcv * i * (1.0f - g * g);
      dgi[3 * H] = dh[j] * tc * o * (1.0f - o);
      dc[j] = dcv * f;
    }
  // The bias gradients: each unit's sum over rows, then added in.
  for (int k = 0; k < n; k++)
    for (int gate = 0; gate < 4; gate++) {
      float sum = 0.0f;
      for (int b = 0; b < rows; b++) sum += dgates[size_t(b) * 4 * H + gate * H + k];
      db_ih[gate * H + k] += sum;
      db_hh[gate * H + k] += sum;
    }
}

void gru_cell_forward_ref(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev,
                          float* h, int rows, int H, int n) {
  for (int b = 0; b < rows; b++)
    for (int k = 0; k < n; k++) {
      float* gi = gates + size_t(b) * 3 * H + k;
      float* hi = hh + size_t(b) * 3 * H + k;
      for (int gate = 0; gate < 3; gate++) hi[gate * H] += b_hh[gate * H + k];
      const float r = sigmoid_ref(gi[0] + b_ih[k] + hi[0]), z = sigmoid_ref(gi[H] + b_ih[H + k] + hi[H]);
      const float nv = std::tanh(gi[2 * H] + b_ih[2 * H + k] + r * hi[2 * H]);
      gi[0] = r, gi[H] = z, gi[2 * H] = nv;
      const size_t j = size_t(b) * H + k;
      h[j] = (1.0f - z) * nv + z * h_prev[j];
    }
}

void gru_cell_backward_ref(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                           const float* hh, const float* h_prev, int rows, int H, int n) {
  for (int b = 0; b < rows; b++)
    for (int k = 0; k < n; k++) {
      const float* gi = gates + size_t(b) * 3 * H + k;
      const float r = gi[0], z = gi[H], nv = gi[2 * H], hh_n = hh[size_t(b) * 3 * H + 2 * H + k];
      const size_t j = size_t(b) * H + k;
      const float d = dh[j];
      const float dn = d * (1.0f - z) * (1.0f - nv * nv);
      const float dz = d * (h_prev[j] - nv) * z * (1.0f - z);
      const float dr = dn * hh_n * r * (1.0f - r);
      float* di = dgi + size_t(b) * 3 * H + k;
      float* dg = dgh + size_t(b) * 3 * H + k;
      di[0] = dg[0] = dr;
      di[H] = dg[H] = dz;
      di[2 * H] = dn;
      dg[2 * H] = dn * r;
      dh[j] = d * z;
    }
  // The bias gradients: each unit's sum over rows, then added in.
  for (int k = 0; k < n; k++)
    for (int gate = 0; gate < 3; gate++) {
      float sum_i = 0.0f, sum_h = 0.0f;
      for (int b = 0; b < rows; b++) {
        sum_i += dgi[size_t(b) * 3 * H + gate * H + k];
        sum_h += dgh[size_t(b) * 3 * H + gate * H + k];
      }
      db_ih[gate * H + k] += sum_i;
      db_hh[gate * H + k] += sum_h;
    }
}

}  // namespace nn
