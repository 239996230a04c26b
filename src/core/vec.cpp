// The vector kernels' entry points: each forwards to the table of the current SIMD backend.
#include "core/simd.h"
#include "core/vec.h"
#include "core/vec_kernels.h"

namespace nn {

namespace {

// The scalar backend is the reference twins themselves.
constexpr VecKernels kScalarKernels = {vec_add_ref,  vec_mul_ref,     vec_axpy_ref,     vec_scale_ref,
                                       vec_sum_ref,  vec_dot_ref,     vec_max_ref,      vec_exp_ref,
                                       vec_tanh_ref, vec_sigmoid_ref, softmax_rows_ref, bias_act_rows_ref};

const VecKernels& kernels() {
  switch (simd_backend()) {
#if defined(NNLAB_HAVE_AVX2)
    case SimdBackend::Avx2Fma: return vec_kernels_avx2();
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
void vec_exp(float* out, const float* x, int n) { kernels().exp(out, x, n); }
void vec_tanh(float* out, const float* x, int n) { kernels().tanh(out, x, n); }
void vec_sigmoid(float* out, const float* x, int n) { kernels().sigmoid(out, x, n); }
void softmax_rows(float* out, const float* x, int rows, int cols) { kernels().softmax_rows(out, x, rows, cols); }
void bias_act_rows(float* out, const float* x, const float* bias, Act act, int rows, int cols) {
  kernels().bias_act_rows(out, x, bias, act, rows, cols);
}

}  // namespace nn
