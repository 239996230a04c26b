#pragma once
// LeNet-5 (LeCun et al. 1998) in its modern form, the classifier that scores the GAN:
//   x (1, S, S) -> conv C1@5x5 pad 2 -> ReLU -> maxpool 2 -> conv C2@5x5 -> ReLU -> maxpool 2
//   -> fc F1 ReLU -> fc F2 ReLU (the features) -> fc classes (logits)
// With S = 28: 6@28x28 -> 6@14x14 -> 16@10x10 -> 16@5x5 = 400 -> 120 -> 84 -> 10.
#include <cstdint>
#include <vector>

#include "core/arena.h"
#include "core/ops/conv2d.h"
#include "core/ops/linear.h"
#include "core/ops/maxpool2d.h"
#include "core/params.h"
#include "core/rng.h"

namespace nn {

struct LenetConfig {
  int side = 28;  // input images (1, side, side)
  int conv1 = 6, conv2 = 16;
  int fc1 = 120, fc2 = 84;
  int classes = 10;
  int batch = 64;
};

// The standard MNIST normalization (mean and standard deviation of the training pixels in
// [0, 1]), which LeNet's inputs go through: pixel' = (pixel - mean) / std.
inline constexpr float kLenetPixelMean = 0.1307f;
inline constexpr float kLenetPixelStd = 0.3081f;

// Normalized inputs from n bytes 0..255, or from n pixels in [-1, 1] (the GAN's tanh range).
void lenet_input_from_bytes(float* out, const std::uint8_t* pixels, int n);
void lenet_input_from_signed(float* out, const float* pixels, int n);

struct LenetParams {
  Conv2dParams conv1, conv2;
  LinearParams fc1, fc2, fc3;
};

struct LenetModel {
  LenetConfig config;
  ParamStore store{ParamLayout{}};
  LenetParams w, grad;  // slices of store.value, store.grad
};

void lenet_model_init(LenetModel& model, const LenetConfig& config, Rng& rng);
// Side of the feature maps after the second pooling; the flattened size is conv2 * side².
int lenet_pooled_side(const LenetConfig& config);

// Activations of a batch of up to `batch` images, carved once from one arena.
struct LenetRun {
  int batch = 0;
  Arena arena;
  std::vector<int> argmax1, argmax2;  // the pooling layers' choices, for backward
  float* input;     // (B, 1, S, S) normalized images
  float* c1;        // (B, C1, S, S) conv1 output
  float* r1;        // ReLU(c1)
  float* p1;        // (B, C1, S/2, S/2)
  float* c2;        // (B, C2, S/2-4, S/2-4)
  float* r2;
  float* p2;        // (B, C2, Q, Q), read as (B, C2*Q*Q)
  float* f1;        // (B, F1) fc1 pre-activations
  float* h1;        // ReLU(f1)
  float* f2;        // (B, F2)
  float* h2;        // (B, F2) ReLU(f2): the features the Frechet distance compares
  float* logits;    // (B, classes)
  float* probs;     // (B, classes) softmax
  float* dlogits;   // backward's buffers, same shapes as the activations they differentiate
  float* dh2, *df2, *dh1, *df1, *dp2, *dr2, *dc2, *dp1, *dr1, *dc1;
  float* conv_scratch;  // im2col for either convolution
};

void lenet_run_init(LenetRun& run, const LenetConfig& config, int batch);

// Logits, features and probabilities of run.input for B <= run.batch images.
void lenet_forward(const LenetModel& model, LenetRun& run, int B);

// Cross-entropy against labels (B) from the last forward; overwrites store.grad with its gradient
// and returns the mean loss.
float lenet_backward(LenetModel& model, LenetRun& run, const int* labels, int B);

}  // namespace nn
