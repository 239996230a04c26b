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

// pre (N, OC) = x·Wᵀ + b and out (N, OC) = act(pre): linear_forward and activation_forward in
// one, each output unit's activation taken on the thread that computed it, while it is in that
// core's cache, rather than by the calling thread alone after the product. pre may be out when
// the backward reads the activation's output (tanh, sigmoid) or there is none.
void linear_act_forward(float* pre, float* out, LinearParams p, const float* x, int N, int C, int OC,
                        Activation act);

// Adds into dx (N, C) and into grad.w, grad.b. dx or grad.b may be null when not wanted.
void linear_backward(float* dx, LinearParams grad, const float* dout, LinearParams p,
                     const float* x, int N, int C, int OC);

// As linear_backward, but dx, grad.w and grad.b are overwritten, never read: for a layer that
// sees one batch per step, whose gradient then needs no zeroing pass before the backward, and
// whose products do not read the old values back (a GAN's 1M-float gradient, every step).
void linear_backward_overwrite(float* dx, LinearParams grad, const float* dout, LinearParams p,
                               const float* x, int N, int C, int OC);

// dx (N, C) = dout (N, OC)·W, overwritten: the backward through a layer whose weights are not
// being trained (a GAN's G step differentiates through D without D's weight gradient).
void linear_backward_input(float* dx, const float* dout, const float* w, int N, int C, int OC);

// On several threads (thread_pool.h), large layers split their products by owned_rows: each
// thread computes the output units it owns in the forward and in the weight gradient, and the sum
// over them in dx (its rows of W), so weights stay in one core's cache. The forward and the
// gradients of W and b get the same bits on any number of threads; dx, a sum of the threads'
// partial sums, the same bits for the same number of threads.

// The same layer over a batch stored one sample per column: x (C, N), pre and out (OC, N), each
// with its own row stride (ldx, ldo: a column range of a wider matrix), dout and dx (OC, N) and
// (C, N) packed. What it is for: on several threads, the output units a thread owns are then whole
// rows, one block of memory that no other thread writes. Owners writing stripes of each row of a
// (N, OC) output instead pay for the other core's lines that the hardware prefetchers pull in
// across every stripe's edge (AMD EPYC, 2 threads: a bias pass over 32x784 floats in blocks of
// rows 5 µs, in two stripes of every row 15-25 µs, in stripes 1 KB apart as fast as in blocks).
void linear_columns_act_forward(float* pre, float* out, int ldo, LinearParams p, const float* x, int ldx, int N,
                                int C, int OC, Activation act);
// dx (C, N) if not null and grad.w, grad.b if grad.w is not null (grad.b may be null) are
// overwritten, never read.
void linear_columns_backward_overwrite(float* dx, LinearParams grad, const float* dout, LinearParams p,
                                       const float* x, int ldx, int N, int C, int OC);

// out (N, OC) += b (OC) on every row, and its backward: db (OC) += column sums of dout (N, OC).
// Shared by every layer that adds a bias vector to rows of a gemm result.
void bias_forward(float* out, const float* b, int N, int OC);
void bias_backward(float* db, const float* dout, int N, int OC);

}  // namespace nn
