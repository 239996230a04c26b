#pragma once
// Elementwise activations over n floats. Forward writes out; backward ADDS into dx, like every
// backward in ops/. Each backward takes whichever of x or out gives the derivative most cheaply
// and exactly: tanh and sigmoid read their output, the piecewise ones read their input.
#include <cmath>

#include "core/vec.h"  // kSeluAlpha, kSeluScale

namespace nn {

void tanh_forward(float* out, const float* x, int n);
void tanh_backward(float* dx, const float* dout, const float* out, int n);

void sigmoid_forward(float* out, const float* x, int n);
void sigmoid_backward(float* dx, const float* dout, const float* out, int n);

// The derivative at x == 0 is taken as 0, as PyTorch does.
void relu_forward(float* out, const float* x, int n);
void relu_backward(float* dx, const float* dout, const float* x, int n);

void leaky_relu_forward(float* out, const float* x, int n, float slope);
void leaky_relu_backward(float* dx, const float* dout, const float* x, int n, float slope);

void selu_forward(float* out, const float* x, int n);
void selu_backward(float* dx, const float* dout, const float* x, int n);

// An activation chosen at run time, as a model's configuration picks one: what follows a layer
// (linear_columns_act_forward in linear.h). Each is computed on the vector kernels of vec.h.
enum class ActKind { None, LeakyRelu, Selu, Tanh, Sigmoid };
struct Activation {
  ActKind kind = ActKind::None;
  float slope = 0.0f;  // LeakyReLU's
};

// out = act(x) over n floats; out may be x. None copies x into out (nothing when out == x).
void activation_forward(Activation act, float* out, const float* x, int n);

// The scalar sigmoid shared by the recurrent cells and the losses. exp() is only ever taken of a
// non-positive number, so it cannot overflow for large |x|.
inline float sigmoidf(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

}  // namespace nn
