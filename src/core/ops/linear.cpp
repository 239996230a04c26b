#include "core/ops/linear.h"

#include <cstring>

#include "core/gemm.h"
#include "core/vec.h"

namespace nn {

void linear_forward(float* out, LinearParams p, const float* x, int N, int C, int OC) {
  gemm(false, true, N, OC, C, 1.0f, x, C, p.w, C, 0.0f, out, OC);
  if (p.b) bias_forward(out, p.b, N, OC);
}

namespace {

// beta 1 adds into dx and the gradients, beta 0 overwrites them (and never reads them).
void linear_backward_beta(float beta, float* dx, LinearParams grad, const float* dout, LinearParams p,
                          const float* x, int N, int C, int OC) {
  if (dx) gemm(false, false, N, C, OC, 1.0f, dout, OC, p.w, C, beta, dx, C);
  gemm(true, false, OC, C, N, 1.0f, dout, OC, x, C, beta, grad.w, C);
  if (!grad.b) return;
  if (beta == 0.0f) std::memset(grad.b, 0, sizeof(float) * OC);
  bias_backward(grad.b, dout, N, OC);
}

}  // namespace

void linear_backward(float* dx, LinearParams grad, const float* dout, LinearParams p,
                     const float* x, int N, int C, int OC) {
  linear_backward_beta(1.0f, dx, grad, dout, p, x, N, C, OC);
}

void linear_backward_overwrite(float* dx, LinearParams grad, const float* dout, LinearParams p,
                               const float* x, int N, int C, int OC) {
  linear_backward_beta(0.0f, dx, grad, dout, p, x, N, C, OC);
}

void bias_forward(float* out, const float* b, int N, int OC) { bias_act_rows(out, out, b, Act::None, N, OC); }

void bias_backward(float* db, const float* dout, int N, int OC) { sum_rows_add(db, dout, N, OC); }

}  // namespace nn
