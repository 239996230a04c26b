#include "core/ops/dropout.h"

namespace nn {

namespace {

// splitmix64's finalizer: consecutive counters come out as independent-looking 64-bit words.
uint64_t hash64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

void dropout_mask(float* mask, int n, float p, uint64_t seed) {
  const float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  const uint64_t base = hash64(seed);
  for (int i = 0; i < n; i++) {
    float u = float(hash64(base + uint64_t(i) * 0x9E3779B97F4A7C15ull) >> 40) * 0x1p-24f;  // [0, 1)
    mask[i] = u < p ? 0.0f : keep_scale;
  }
}

void dropout_forward(float* out, const float* x, const float* mask, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] * mask[i];
}

void dropout_backward(float* dx, const float* dout, const float* mask, int n) {
  for (int i = 0; i < n; i++) dx[i] += dout[i] * mask[i];
}

}  // namespace nn
