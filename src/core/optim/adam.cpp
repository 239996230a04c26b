#include <cmath>

#include "core/optim.h"

namespace nn {

void adam_step(float* w, const float* g, float* m, float* v, std::size_t n, double lr, double beta1,
               double beta2, double eps, double weight_decay, std::int64_t t) {
  // As torch.optim.Adam: the bias corrections in double, folded into a step size and a divisor.
  double bias_correction1 = 1.0 - std::pow(beta1, double(t));
  double bias_correction2 = 1.0 - std::pow(beta2, double(t));
  auto step_size = float(lr / bias_correction1);
  auto bias_correction2_sqrt = float(std::sqrt(bias_correction2));
  auto b1 = float(beta1), one_minus_b1 = float(1.0 - beta1);
  auto b2 = float(beta2), one_minus_b2 = float(1.0 - beta2);
  auto e = float(eps), wd = float(weight_decay);
  for (std::size_t i = 0; i < n; i++) {
    float grad = g[i] + wd * w[i];
    m[i] = b1 * m[i] + one_minus_b1 * grad;
    v[i] = b2 * v[i] + one_minus_b2 * grad * grad;
    float denom = std::sqrt(v[i]) / bias_correction2_sqrt + e;
    w[i] -= step_size * (m[i] / denom);
  }
}

}  // namespace nn
