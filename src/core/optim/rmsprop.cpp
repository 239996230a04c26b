#include <cmath>

#include "core/optim.h"

namespace nn {

void rmsprop_step(float* w, const float* g, float* s, std::size_t n, double lr, double alpha,
                  double eps, double weight_decay) {
  auto eta = float(lr), a = float(alpha), one_minus_a = float(1.0 - alpha), e = float(eps),
       wd = float(weight_decay);
  for (std::size_t i = 0; i < n; i++) {
    float grad = g[i] + wd * w[i];
    s[i] = a * s[i] + one_minus_a * grad * grad;
    w[i] -= eta * (grad / (std::sqrt(s[i]) + e));
  }
}

}  // namespace nn
