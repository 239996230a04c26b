#include "core/init.h"

#include <cmath>

namespace nn {

void init_uniform(float* w, std::size_t n, float bound, Rng& rng) {
  for (std::size_t i = 0; i < n; i++) w[i] = bound * (2.0f * rng_uniform(rng) - 1.0f);
}

void init_normal(float* w, std::size_t n, float mean, float stddev, Rng& rng) {
  rng_normals(rng, w, n);
  for (std::size_t i = 0; i < n; i++) w[i] = mean + stddev * w[i];
}

void init_linear(float* w, float* b, int out_features, int in_features, Rng& rng) {
  float bound = 1.0f / std::sqrt(float(in_features));
  init_uniform(w, std::size_t(out_features) * std::size_t(in_features), bound, rng);
  if (b) init_uniform(b, std::size_t(out_features), bound, rng);
}

void init_conv2d(float* w, float* b, int out_channels, int in_channels, int kh, int kw, Rng& rng) {
  int fan_in = in_channels * kh * kw;
  float bound = 1.0f / std::sqrt(float(fan_in));
  init_uniform(w, std::size_t(out_channels) * std::size_t(fan_in), bound, rng);
  if (b) init_uniform(b, std::size_t(out_channels), bound, rng);
}

void init_recurrent(float* w, std::size_t n, int hidden, Rng& rng) {
  init_uniform(w, n, 1.0f / std::sqrt(float(hidden)), rng);
}

void init_embedding(float* w, std::size_t n, Rng& rng) { init_normal(w, n, 0.0f, 1.0f, rng); }

float init_gain(Nonlinearity nonlinearity, float negative_slope) {
  switch (nonlinearity) {
    case Nonlinearity::Linear:
    case Nonlinearity::Sigmoid: return 1.0f;
    case Nonlinearity::Tanh: return 5.0f / 3.0f;
    case Nonlinearity::Relu: return std::sqrt(2.0f);
    case Nonlinearity::LeakyRelu: return std::sqrt(2.0f / (1.0f + negative_slope * negative_slope));
  }
  return 1.0f;
}

void init_xavier_uniform(float* w, std::size_t n, int fan_in, int fan_out, float gain, Rng& rng) {
  init_uniform(w, n, gain * std::sqrt(6.0f / float(fan_in + fan_out)), rng);
}

void init_xavier_normal(float* w, std::size_t n, int fan_in, int fan_out, float gain, Rng& rng) {
  init_normal(w, n, 0.0f, gain * std::sqrt(2.0f / float(fan_in + fan_out)), rng);
}

void init_kaiming_uniform(float* w, std::size_t n, int fan, float gain, Rng& rng) {
  init_uniform(w, n, gain * std::sqrt(3.0f / float(fan)), rng);
}

void init_kaiming_normal(float* w, std::size_t n, int fan, float gain, Rng& rng) {
  init_normal(w, n, 0.0f, gain / std::sqrt(float(fan)), rng);
}

}  // namespace nn
