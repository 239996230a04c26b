// Plain SGD and its two momentum variants.
#include "core/optim.h"

namespace nn {

void sgd_step(float* w, const float* g, std::size_t n, double lr, double weight_decay) {
  auto eta = float(lr), wd = float(weight_decay);
  for (std::size_t i = 0; i < n; i++) w[i] -= eta * (g[i] + wd * w[i]);
}

void momentum_step(float* w, const float* g, float* v, std::size_t n, double lr, double momentum,
                   double weight_decay) {
  auto eta = float(lr), alpha = float(momentum), wd = float(weight_decay);
  for (std::size_t i = 0; i < n; i++) {
    v[i] = alpha * v[i] + (g[i] + wd * w[i]);
    w[i] -= eta * v[i];
  }
}

void nesterov_step(float* w, const float* g, float* v, std::size_t n, double lr, double momentum,
                   double weight_decay) {
  auto eta = float(lr), alpha = float(momentum), wd = float(weight_decay);
  for (std::size_t i = 0; i < n; i++) {
    float grad = g[i] + wd * w[i];
    v[i] = alpha * v[i] + grad;
    w[i] -= eta * (grad + alpha * v[i]);
  }
}

void nesterov_weights(float* out, const float* w, const float* v, std::size_t n, double lr,
                      double momentum) {
  auto step = float(lr * momentum);
  for (std::size_t i = 0; i < n; i++) out[i] = w[i] + step * v[i];
}

}  // namespace nn
