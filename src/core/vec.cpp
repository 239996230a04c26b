// The vector kernels' entry points: each forwards to the table of the current SIMD backend.
#include "core/simd.h"
#include "core/vec.h"
#include "core/vec_kernels.h"

namespace nn {

namespace {

// The scalar backend is the reference twins themselves.
constexpr VecKernels kScalarKernels = {vec_add_ref,  vec_mul_ref,     vec_axpy_ref,     vec_scale_ref,
                                       vec_sum_ref,  vec_dot_ref,     vec_max_ref,      vec_all_finite_ref, vec_exp_ref,
                                       vec_tanh_ref, vec_sigmoid_ref, vec_exp_sum_ref, softmax_rows_ref, add_bias_rows_ref, sum_rows_add_ref,
                                       leaky_relu_ref, selu_ref, selu_backward_add_ref, leaky_relu_backward_add_ref, adam_update_ref,
                                       rmsprop_update_ref,
                                       lstm_cell_forward_ref, lstm_cell_backward_ref, gru_cell_forward_ref,
                                       gru_cell_backward_ref};

const VecKernels& kernels() {
  switch (simd_backend()) {
#if defined(NNLAB_HAVE_AVX2)
    case SimdBackend::Avx2Fma: return vec_kernels_avx2();
    case SimdBackend::Avx512: return vec_kernels_avx512();
#endif
#if defined(__wasm_simd128__)
    case SimdBackend::Simd128: return vec_kernels_simd128();
#endif
    default: return kScalarKernels;
  }
}

}  // namespace

void vec_add(float* out, const float* a, const float* b, int n) { kernels().add(out, a, b, n); }
void vec_mul(float* out, const float* a, const float* b, int n) { kernels().mul(out, a, b, n); }
void vec_axpy(float* y, float alpha, const float* x, int n) { kernels().axpy(y, alpha, x, n); }
void vec_scale(float* x, float alpha, int n) { kernels().scale(x, alpha, n); }
float vec_sum(const float* x, int n) { return kernels().sum(x, n); }
float vec_dot(const float* a, const float* b, int n) { return kernels().dot(a, b, n); }
float vec_max(const float* x, int n) { return kernels().max(x, n); }
bool vec_all_finite(const float* x, int n) { return kernels().all_finite(x, n); }
void vec_exp(float* out, const float* x, int n) { kernels().exp(out, x, n); }
void vec_tanh(float* out, const float* x, int n) { kernels().tanh(out, x, n); }
void vec_sigmoid(float* out, const float* x, int n) { kernels().sigmoid(out, x, n); }
float vec_exp_sum(float* out, const float* x, float shift, int n) { return kernels().exp_sum(out, x, shift, n); }
void softmax_rows(float* out, const float* x, int rows, int cols) { kernels().softmax_rows(out, x, rows, cols); }
void add_bias_rows(float* out, const float* x, const float* bias, int rows, int cols) {
  kernels().add_bias_rows(out, x, bias, rows, cols);
}
void sum_rows_add(float* acc, const float* x, int rows, int cols) { kernels().sum_rows_add(acc, x, rows, cols); }

void leaky_relu(float* out, const float* x, float slope, int n) { kernels().leaky_relu(out, x, slope, n); }
void selu(float* out, const float* x, int n) { kernels().selu(out, x, n); }
void selu_backward_add(float* dx, const float* dout, const float* x, int n) { kernels().selu_backward_add(dx, dout, x, n); }
void leaky_relu_backward_add(float* dx, const float* dout, const float* x, float slope, int n) {
  kernels().leaky_relu_backward_add(dx, dout, x, slope, n);
}
void adam_update(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n) {
  kernels().adam_update(w, g, m, v, c, n);
}
void rmsprop_update(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n) {
  kernels().rmsprop_update(w, g, s, c, n);
}
void lstm_cell_forward(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c, float* h,
                       int rows, int H, int n) {
  kernels().lstm_cell_forward(gates, b_ih, b_hh, c_prev, c, h, rows, H, n);
}
void lstm_cell_backward(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh, const float* gates,
                        const float* c_prev, const float* h, int rows, int H, int n) {
  kernels().lstm_cell_backward(dgates, db_ih, db_hh, dc, dh, gates, c_prev, h, rows, H, n);
}
void gru_cell_forward(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev, float* h,
                      int rows, int H, int n) {
  kernels().gru_cell_forward(gates, hh, b_ih, b_hh, h_prev, h, rows, H, n);
}
void gru_cell_backward(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                       const float* hh, const float* h_prev, int rows, int H, int n) {
  kernels().gru_cell_backward(dgi, dgh, db_ih, db_hh, dh, gates, hh, h_prev, rows, H, n);
}

}  // namespace nn
