#include "core/ops/activation.h"

#include <cmath>
#include <cstring>

#include "core/vec.h"

namespace nn {

void tanh_forward(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = std::tanh(x[i]);
}

void tanh_backward(float* dx, const float* dout, const float* out, int n) {
  for (int i = 0; i < n; i++) dx[i] += dout[i] * (1.0f - out[i] * out[i]);
}

void sigmoid_forward(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = sigmoidf(x[i]);
}

void sigmoid_backward(float* dx, const float* dout, const float* out, int n) {
  for (int i = 0; i < n; i++) dx[i] += dout[i] * out[i] * (1.0f - out[i]);
}

void relu_forward(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(float* dx, const float* dout, const float* x, int n) {
  for (int i = 0; i < n; i++) dx[i] += x[i] > 0.0f ? dout[i] : 0.0f;
}

void leaky_relu_forward(float* out, const float* x, int n, float slope) { leaky_relu(out, x, slope, n); }

void leaky_relu_backward(float* dx, const float* dout, const float* x, int n, float slope) {
  leaky_relu_backward_add(dx, dout, x, slope, n);
}

void selu_forward(float* out, const float* x, int n) { selu(out, x, n); }

void selu_backward(float* dx, const float* dout, const float* x, int n) { selu_backward_add(dx, dout, x, n); }

void activation_forward(Activation act, float* out, const float* x, int n) {
  switch (act.kind) {
    case ActKind::None:
      if (out != x && n > 0) std::memcpy(out, x, sizeof(float) * n);
      return;
    case ActKind::LeakyRelu: return leaky_relu(out, x, act.slope, n);
    case ActKind::Selu: return selu(out, x, n);
    case ActKind::Tanh: return vec_tanh(out, x, n);
    case ActKind::Sigmoid: return vec_sigmoid(out, x, n);
  }
}

}  // namespace nn
