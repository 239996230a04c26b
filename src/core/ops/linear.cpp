#include "core/ops/linear.h"

#include <cstring>

#include "core/arena.h"
#include "core/gemm.h"
#include "core/owned_rows.h"
#include "core/vec.h"

namespace nn {

namespace {

// Output units [r.begin, r.end) of the forward: out[:, r] = x·W[r]ᵀ + b[r]. Each row of out gets
// its bias added separately, which is the arithmetic bias_forward does over whole rows.
void linear_forward_rows(float* out, LinearParams p, const float* x, int N, int C, int OC, RowRange r) {
  gemm(false, true, N, r.size(), C, 1.0f, x, C, p.w + std::size_t(r.begin) * C, C, 0.0f, out + r.begin, OC);
  if (!p.b) return;
  for (int i = 0; i < N; i++) bias_forward(out + std::size_t(i) * OC + r.begin, p.b + r.begin, 1, r.size());
}

// The weight and bias gradients of output units [r.begin, r.end), added: dW[r] += dout[:, r]ᵀ·x,
// db[r] += column sums of dout[:, r], added row after row as bias_backward adds them.
void linear_grad_rows(LinearParams grad, const float* dout, const float* x, int N, int C, int OC, RowRange r) {
  gemm(true, false, r.size(), C, N, 1.0f, dout + r.begin, OC, x, C, 1.0f, grad.w + std::size_t(r.begin) * C, C);
  if (!grad.b) return;
  for (int i = 0; i < N; i++) bias_backward(grad.b + r.begin, dout + std::size_t(i) * OC + r.begin, 1, r.size());
}

// dx (rows, cols) = the sum over the owners of a layer's (OC, C) weights of each one's share,
// product(r, out, out_beta): out = its rows r of W's part of dx + out_beta·out (r may be empty,
// and then only scales out). Thread 0 forms its share in dx, the others in partial sums, which
// are then added into dx, dx's rows split over the threads. Splitting dx's columns instead
// would need every row of W on every thread. The partials are zeroed once added: that write
// moves their lines to the adding core, where the next step's owner takes them back cheaply,
// rather than leaving copies on both cores that the owner would have to invalidate.
template <class Product>
void sum_over_owners(float beta, float* dx, int rows, int cols, int OC, int C, Product&& product) {
  const int threads = num_threads();
  const std::size_t size = std::size_t(rows) * cols;
  thread_local FloatBuffer partials;  // (threads - 1, rows, cols), kept for the next call
  if (partials.size() < (threads - 1) * size) partials = FloatBuffer((threads - 1) * size);
  float* partial = partials.data();
  for_each_owner([&](int t) {
    product(owned_rows(OC, C, t, threads), t == 0 ? dx : partial + (t - 1) * size, t == 0 ? beta : 0.0f);
  });
  for_each_owner([&](int t) {
    const RowRange block = owned_rows(rows, cols, t, threads);
    for (int u = 1; u < threads; u++) {
      float* part = partial + (u - 1) * size + std::size_t(block.begin) * cols;
      const int count = block.size() * cols;
      vec_add(dx + std::size_t(block.begin) * cols, dx + std::size_t(block.begin) * cols, part, count);
      std::memset(part, 0, sizeof(float) * count);
    }
  });
}

// dx += dout·W. Whether a layer's products are split over its owners goes by the size of its
// weights, not of the batch, so that the rows a thread computes are the rows it updates; split,
// thread t forms dout[:, r]·W[r] over its own rows r of W.
void linear_input_grad(float* dx, const float* dout, const float* w, int N, int C, int OC) {
  if (!owners_split(OC, C, num_threads())) {
    gemm(false, false, N, C, OC, 1.0f, dout, OC, w, C, 1.0f, dx, C);
    return;
  }
  sum_over_owners(1.0f, dx, N, C, OC, C, [&](RowRange r, float* out, float out_beta) {
    gemm(false, false, N, C, r.size(), 1.0f, dout + r.begin, OC, w + std::size_t(r.begin) * C, C, out_beta, out, C);
  });
}

// ---------------------------------------------------------------------------------------------
// One sample per column: x (C, N), out (OC, N)

// Output units [r.begin, r.end): pre[r] = W[r]·x + b[r], out[r] = act(pre[r]), all rows of pre and out.
void linear_columns_forward_rows(float* pre, float* out, int ldo, LinearParams p, const float* x, int ldx, int N,
                                 int C, RowRange r, Activation act) {
  float* pre_r = pre + std::size_t(r.begin) * ldo;
  gemm(false, false, r.size(), N, C, 1.0f, p.w + std::size_t(r.begin) * C, C, x, ldx, 0.0f, pre_r, ldo);
  if (p.b)
    for (int o = r.begin; o < r.end; o++) {
      float* row = pre + std::size_t(o) * ldo;
      const float b = p.b[o];
      for (int j = 0; j < N; j++) row[j] += b;
    }
  if (ldo == N) {
    activation_forward(act, out + std::size_t(r.begin) * N, pre_r, r.size() * N);
    return;
  }
  for (int o = r.begin; o < r.end; o++) activation_forward(act, out + std::size_t(o) * ldo, pre + std::size_t(o) * ldo, N);
}

// The weight and bias gradients of output units r: dW[r] = dout[r]·xᵀ, db[r] = row sums of dout[r].
void linear_columns_grad_rows(LinearParams grad, const float* dout, const float* x, int ldx, int N, int C,
                              RowRange r) {
  gemm(false, true, r.size(), C, N, 1.0f, dout + std::size_t(r.begin) * N, N, x, ldx, 0.0f,
       grad.w + std::size_t(r.begin) * C, C);
  if (grad.b)
    for (int o = r.begin; o < r.end; o++) grad.b[o] = vec_sum(dout + std::size_t(o) * N, N);
}

// dx (C, N) = Wᵀ·dout, overwritten.
void linear_columns_input_grad(float* dx, const float* dout, const float* w, int N, int C, int OC) {
  if (!owners_split(OC, C, num_threads())) {
    gemm(true, false, C, N, OC, 1.0f, w, C, dout, N, 0.0f, dx, N);
    return;
  }
  sum_over_owners(0.0f, dx, C, N, OC, C, [&](RowRange r, float* out, float out_beta) {
    gemm(true, false, C, N, r.size(), 1.0f, w + std::size_t(r.begin) * C, C, dout + std::size_t(r.begin) * N, N,
         out_beta, out, N);
  });
}

}  // namespace

void linear_forward(float* out, LinearParams p, const float* x, int N, int C, int OC) {
  for_each_owned_rows(OC, C, [&](RowRange r) { linear_forward_rows(out, p, x, N, C, OC, r); });
}

void linear_backward(float* dx, LinearParams grad, const float* dout, LinearParams p,
                     const float* x, int N, int C, int OC) {
  if (dx) linear_input_grad(dx, dout, p.w, N, C, OC);
  for_each_owned_rows(OC, C, [&](RowRange r) { linear_grad_rows(grad, dout, x, N, C, OC, r); });
}

void bias_forward(float* out, const float* b, int N, int OC) { add_bias_rows(out, out, b, N, OC); }

void bias_backward(float* db, const float* dout, int N, int OC) { sum_rows_add(db, dout, N, OC); }

void linear_columns_act_forward(float* pre, float* out, int ldo, LinearParams p, const float* x, int ldx, int N,
                                int C, int OC, Activation act) {
  for_each_owned_rows(OC, C, [&](RowRange r) { linear_columns_forward_rows(pre, out, ldo, p, x, ldx, N, C, r, act); });
}

void linear_columns_backward_overwrite(float* dx, LinearParams grad, const float* dout, LinearParams p,
                                       const float* x, int ldx, int N, int C, int OC) {
  if (dx) linear_columns_input_grad(dx, dout, p.w, N, C, OC);
  if (grad.w) for_each_owned_rows(OC, C, [&](RowRange r) { linear_columns_grad_rows(grad, dout, x, ldx, N, C, r); });
}

}  // namespace nn
