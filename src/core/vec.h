#pragma once
// Elementwise and row kernels over float arrays. Each runs on the SIMD backend selected in simd.h
// and has a plain scalar twin, name_ref, that the tests compare it against. Outputs may alias
// inputs exactly (out == x), never partially. n, rows and cols may be 0.
//
// Accuracy of the vector transcendentals against the float functions of <cmath> (see
// tests/core/test_vec_math.cpp): exp, tanh and sigmoid within a few ulp over the whole float
// range; exp overflows to inf above 88.72 and goes through the denormals to 0 below -103.9; tanh
// saturates to +-1 and sigmoid to 1 and 0 (via denormals); NaN in gives NaN out.
namespace nn {

enum class Act { None, Relu, Tanh, Sigmoid };

void vec_add(float* out, const float* a, const float* b, int n);  // out = a + b
void vec_mul(float* out, const float* a, const float* b, int n);  // out = a * b
void vec_axpy(float* y, float alpha, const float* x, int n);      // y += alpha * x
void vec_scale(float* x, float alpha, int n);                     // x *= alpha
float vec_sum(const float* x, int n);
float vec_dot(const float* a, const float* b, int n);
float vec_max(const float* x, int n);  // -inf when n == 0
void vec_exp(float* out, const float* x, int n);
void vec_tanh(float* out, const float* x, int n);
void vec_sigmoid(float* out, const float* x, int n);  // 1 / (1 + exp(-x))
// Each row of x (rows, cols) -> exp(x - max) / sum: stable for any finite inputs.
void softmax_rows(float* out, const float* x, int rows, int cols);
// out(rows, cols) = act(x + bias) with bias (cols) added to every row: a layer's epilogue.
void bias_act_rows(float* out, const float* x, const float* bias, Act act, int rows, int cols);

void vec_add_ref(float* out, const float* a, const float* b, int n);
void vec_mul_ref(float* out, const float* a, const float* b, int n);
void vec_axpy_ref(float* y, float alpha, const float* x, int n);
void vec_scale_ref(float* x, float alpha, int n);
float vec_sum_ref(const float* x, int n);
float vec_dot_ref(const float* a, const float* b, int n);
float vec_max_ref(const float* x, int n);
void vec_exp_ref(float* out, const float* x, int n);
void vec_tanh_ref(float* out, const float* x, int n);
void vec_sigmoid_ref(float* out, const float* x, int n);
void softmax_rows_ref(float* out, const float* x, int rows, int cols);
void bias_act_rows_ref(float* out, const float* x, const float* bias, Act act, int rows, int cols);

}  // namespace nn
