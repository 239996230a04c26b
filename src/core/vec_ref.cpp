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

float act_ref(Act act, float x) {
  switch (act) {
    case Act::None: return x;
    case Act::Relu: return x < 0.0f ? 0.0f : x;  // NaN passes through
    case Act::Tanh: return std::tanh(x);
    case Act::Sigmoid: return sigmoid_ref(x);
  }
  return x;
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

void bias_act_rows_ref(float* out, const float* x, const float* bias, Act act, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols)
    for (int c = 0; c < cols; c++) out[c] = act_ref(act, x[c] + bias[c]);
}

}  // namespace nn
