#pragma once
// Inverted dropout: kept elements are scaled by 1/(1-p) during training, so inference is the
// identity. The mask is data the caller owns: drawn by dropout_mask or by any other source.
#include <cstdint>

namespace nn {

// mask (n): 0 with probability p, else 1/(1-p). Element i depends only on (seed, i), a
// counter-based hash, so a mask is reproducible and needs no generator state.
void dropout_mask(float* mask, int n, float p, uint64_t seed);

// out (n) = x * mask
void dropout_forward(float* out, const float* x, const float* mask, int n);

// dx (n) += dout * mask
void dropout_backward(float* dx, const float* dout, const float* mask, int n);

}  // namespace nn
