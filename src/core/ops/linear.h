#pragma once
// Fully connected layer, PyTorch's nn.Linear layout: out = x·Wᵀ + b, W stored (OC, C).
#include "core/ops/activation.h"

namespace nn {

struct LinearParams {
  float* w;  // (OC, C)
  float* b;  // (OC), or null for a layer without bias
};

// x (N, C) -> out (N, OC)
void linear_forward(float* out, LinearParams p, const float* x, int N, int C, int OC);

// Adds into dx (N, C) and into grad.w, grad.b. dx or grad.b may be null when not wanted.
void linear_backward(float* dx, LinearParams grad, const float* dout, LinearParams p,
                     const float* x, int N, int C, int OC);

// On several threads (thread_pool.h), large layers split their products by owned_rows: each
// thread computes the output units it owns in the forward and in the weight gradient, and the sum
// over them in dx (its rows of W), so weights stay in one core's cache. The forward and the
// gradients of W and b get the same bits on any number of threads; dx, a sum of the threads'
// partial sums, the same bits for the same number of threads.

// The same layer over a batch stored one sample per column, as the GANs store theirs: x (C, N)
// with row stride ldx, pre and out (OC, N) with row stride ldo (either may be a column range of a
// wider matrix). pre = W·x + b and out = act(pre), each unit's activation taken on the thread that
// computed it; pre may be out when the backward reads the activation's output (tanh, sigmoid) or
// there is none. Why columns: on several threads the units a thread owns are then whole rows of
// the output, one block of memory no other thread writes. Owners of a batch of rows write stripes
// of every row instead, and pay for the other core's lines that the hardware prefetchers pull in
// across each stripe's edges (AMD EPYC, 2 threads: a bias pass over 32x784 floats 2.4-3.3 µs in
// blocks of rows, 10-12 µs in stripes of every row; stripes 1 KB apart are as fast as blocks).
void linear_columns_act_forward(float* pre, float* out, int ldo, LinearParams p, const float* x, int ldx, int N,
                                int C, int OC, Activation act);
// The backward from dout (OC, N): dx (C, N) if not null, and grad.w and grad.b if grad.w is not
// null (grad.b may be null), are overwritten, never read: a GAN's layers see one batch a step.
void linear_columns_backward_overwrite(float* dx, LinearParams grad, const float* dout, LinearParams p,
                                       const float* x, int ldx, int N, int C, int OC);

// out (N, OC) += b (OC) on every row, and its backward: db (OC) += column sums of dout (N, OC).
// Shared by every layer that adds a bias vector to rows of a gemm result.
void bias_forward(float* out, const float* b, int N, int OC);
void bias_backward(float* db, const float* dout, int N, int OC);

}  // namespace nn
