#include "core/ops/loss.h"

#include <cassert>
#include <cmath>

#include "core/ops/activation.h"

namespace nn {

float cross_entropy_loss(float* dlogits, float* probs, const float* logits, const int* targets,
                         int N, int V) {
  double total = 0.0;  // the sum over a big batch would lose digits in float
  for (int n = 0; n < N; n++) {
    const float* z = logits + n * V;
    int target = targets[n];
    assert(target >= 0 && target < V);
    float max = z[0];
    for (int v = 1; v < V; v++) max = std::fmax(max, z[v]);
    float sum = 0.0f;
    for (int v = 0; v < V; v++) sum += std::exp(z[v] - max);
    float log_sum = std::log(sum);
    total += log_sum + max - z[target];
    if (!dlogits && !probs) continue;
    for (int v = 0; v < V; v++) {
      float p = std::exp(z[v] - max - log_sum);
      if (probs) probs[n * V + v] = p;
      if (dlogits) dlogits[n * V + v] = (p - (v == target ? 1.0f : 0.0f)) / float(N);
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
