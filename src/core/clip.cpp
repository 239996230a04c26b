#include "core/clip.h"

#include <algorithm>
#include <cmath>

namespace nn {

float clip_grad_norm(float* g, std::size_t n, float max_norm) {
  // Summed in double: a model's worth of squares in float loses the small ones.
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < n; i++) sum_sq += double(g[i]) * double(g[i]);
  auto norm = float(std::sqrt(sum_sq));
  float coef = max_norm / (norm + 1e-6f);
  if (std::isfinite(norm) && coef < 1.0f)
    for (std::size_t i = 0; i < n; i++) g[i] *= coef;
  return norm;
}

void clip_weights(float* w, std::size_t n, float limit) {
  for (std::size_t i = 0; i < n; i++) w[i] = std::clamp(w[i], -limit, limit);
}

}  // namespace nn
