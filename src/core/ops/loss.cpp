#include "core/ops/loss.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/ops/activation.h"
#include "core/vec.h"

namespace nn {

float cross_entropy_loss(float* dlogits, float* probs, const float* logits, const int* targets,
                         int N, int V) {
  // The exponentials go somewhere the caller asked for, or to a buffer kept for the next call.
  thread_local std::vector<float> row_buffer;
  if (!dlogits && !probs && row_buffer.size() < size_t(V)) row_buffer.resize(size_t(V));
  double total = 0.0;  // the sum over a big batch would lose digits in float
  for (int n = 0; n < N; n++) {
    const float* z = logits + size_t(n) * V;
    const int target = targets[n];
    assert(target >= 0 && target < V);
    float* p = probs ? probs + size_t(n) * V : dlogits ? dlogits + size_t(n) * V : row_buffer.data();
    const float max = vec_max(z, V);
    const float sum = vec_exp_sum(p, z, max, V);
    total += std::log(sum) + max - z[target];
    if (!dlogits && !probs) continue;
    vec_scale(p, 1.0f / sum, V);
    if (dlogits) {
      float* d = dlogits + size_t(n) * V;
      if (d != p) std::memcpy(d, p, sizeof(float) * size_t(V));
      d[target] -= 1.0f;
      vec_scale(d, 1.0f / float(N), V);
    }
  }
  return float(total / N);
}

float bce_with_logits_loss(float* dlogits, const float* logits, const float* targets, int N) {
  double total = 0.0;
  for (int n = 0; n < N; n++) {
    float z = logits[n], y = targets[n];
    total += std::fmax(z, 0.0f) - z * y + std::log1p(std::exp(-std::fabs(z)));
    if (dlogits) dlogits[n] = (sigmoidf(z) - y) / float(N);
  }
  return float(total / N);
}

float mse_loss(float* dpred, const float* pred, const float* target, int N) {
  double total = 0.0;
  for (int n = 0; n < N; n++) {
    float diff = pred[n] - target[n];
    total += double(diff) * diff;
    if (dpred) dpred[n] = 2.0f * diff / float(N);
  }
  return float(total / N);
}

}  // namespace nn
