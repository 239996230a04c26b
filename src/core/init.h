#pragma once
// Weight initializers. The named ones reproduce PyTorch's defaults for each layer kind, so that a
// model here starts from the same distribution as its PyTorch twin (the draws themselves differ).
#include <cstddef>

#include "core/rng.h"

namespace nn {

// ---- building blocks ----
void init_uniform(float* w, std::size_t n, float bound, Rng& rng);  // U(-bound, bound)
void init_normal(float* w, std::size_t n, float mean, float stddev, Rng& rng);

// ---- PyTorch layer defaults ----
// nn.Linear: kaiming_uniform(a=√5) gives bound gain·√(3/fan_in) with gain = √(2/(1+5)), which is
// exactly 1/√fan_in; the bias uses the same bound.
void init_linear(float* w, float* b, int out_features, int in_features, Rng& rng);  // w (out,in), b (out) or null
// nn.Conv2d: as Linear with fan_in = Cin·kh·kw.
void init_conv2d(float* w, float* b, int out_channels, int in_channels, int kh, int kw, Rng& rng);  // w (Cout,Cin,kh,kw), b (Cout)
// nn.RNN / nn.LSTM / nn.GRU: every weight and bias U(-1/√H, 1/√H).
void init_recurrent(float* w, std::size_t n, int hidden, Rng& rng);
// nn.Embedding: N(0, 1).
void init_embedding(float* w, std::size_t n, Rng& rng);

// ---- on request (torch.nn.init) ----
enum class Nonlinearity { Linear, Sigmoid, Tanh, Relu, LeakyRelu };
// torch.nn.init.calculate_gain; negative_slope only matters for LeakyRelu.
float init_gain(Nonlinearity nonlinearity, float negative_slope = 0.01f);
// Glorot: U(-b, b) with b = gain·√(6/(fan_in+fan_out)), or N(0, gain·√(2/(fan_in+fan_out))).
void init_xavier_uniform(float* w, std::size_t n, int fan_in, int fan_out, float gain, Rng& rng);
void init_xavier_normal(float* w, std::size_t n, int fan_in, int fan_out, float gain, Rng& rng);
// He: U(-b, b) with b = gain·√(3/fan), or N(0, gain/√fan); fan is fan_in (PyTorch's default
// mode, preserves forward variance) or fan_out (preserves backward variance).
void init_kaiming_uniform(float* w, std::size_t n, int fan, float gain, Rng& rng);
void init_kaiming_normal(float* w, std::size_t n, int fan, float gain, Rng& rng);

}  // namespace nn
