#pragma once
// The MNIST GAN (Goodfellow et al. 2014) with two multilayer perceptrons:
//   G: z (Z) -> H1 act -> H2 act -> P tanh or sigmoid   (an image in [-1, 1] or [0, 1])
//   D: x (P) -> H1 act -> H2 act -> 1                   (a logit: how real x looks)
// act is LeakyReLU or SELU, the same in both networks. Two configurations are named: the
// default one (LeakyReLU(0.2), tanh, pixels in [-1, 1]) and the textbook one (SELU, sigmoid,
// pixels in [0, 1]), gan_config_textbook().
// Each network has its own ParamStore, since each player is updated by its own optimizer.
// Losses are binary cross-entropy on D's logit: D minimizes BCE(D(x), 1) + BCE(D(G(z)), 0); G uses
// the non-saturating loss BCE(D(G(z)), 1), i.e. it maximizes log D(G(z)).
#include <cstddef>

#include "core/arena.h"
#include "core/ops/linear.h"
#include "core/params.h"
#include "core/rng.h"

namespace nn {

enum class GanHidden { LeakyRelu, Selu };  // the hidden layers' activation, in both networks
enum class GanOutput { Tanh, Sigmoid };    // the generator's last activation

// The interval pixel values are scaled to: real images are fed to D in it, and G draws in it.
struct PixelRange {
  float lo = -1.0f, hi = 1.0f;
  bool operator==(const PixelRange&) const = default;
};
inline constexpr PixelRange kBytePixels{0.0f, 255.0f};  // the bytes of an MNIST file

// v in `from` mapped affinely onto `to`. Written as (v - from.lo) * scale + to.lo so that bytes to
// [-1, 1] is the p * (2 / 255) - 1 of mnist_image_signed, and [-1, 1] to bytes (v + 1) * 127.5.
inline float pixel_rescale(float v, PixelRange from, PixelRange to) {
  return (v - from.lo) * ((to.hi - to.lo) / (from.hi - from.lo)) + to.lo;
}

struct GanConfig {
  int z_dim = 100;
  int g_hidden1 = 256, g_hidden2 = 512;
  int d_hidden1 = 512, d_hidden2 = 256;
  int pixels = 28 * 28;
  GanHidden hidden = GanHidden::LeakyRelu;
  float leaky_slope = 0.2f;  // LeakyRelu only
  GanOutput output = GanOutput::Tanh;
  PixelRange range;  // must lie within what `output` can draw: [-1, 1] for tanh, [0, 1] for sigmoid
  int batch = 64;
  int d_steps = 1;  // k: discriminator updates per generator update (Algorithm 1)
};

// The textbook GAN: G z (30) -> 100 SELU -> 150 SELU -> 784 sigmoid, D 784 -> 150 SELU -> 100 SELU
// -> 1, pixels in [0, 1], batch 32.
GanConfig gan_config_textbook();

// What `output` can draw: [-1, 1] for tanh, [0, 1] for sigmoid.
PixelRange gan_output_range(GanOutput output);

// The three layers of either network.
struct MlpParams {
  LinearParams fc1, fc2, fc3;
};

// What a model is: both players' weights and gradients, and where each tensor sits in them.
struct GanModel {
  GanConfig config;
  ParamStore g{ParamLayout{}}, d{ParamLayout{}};  // generator, discriminator
  MlpParams g_w, g_grad;                          // slices of g.value, g.grad
  MlpParams d_w, d_grad;                          // slices of d.value, d.grad
};

// Lays out both networks for `config` and initializes them as PyTorch's nn.Linear does.
void gan_model_init(GanModel& model, const GanConfig& config, Rng& rng);

// What one network leaves for its backward pass, for up to `rows` rows of a batch. A batch is
// stored one sample per column (linear_columns_* in linear.h): a layer's H units over B samples
// are (H, B), so that on several threads each one writes whole rows, the units it owns.
struct MlpActs {
  float* a1;   // (H1, rows) pre-activations of layer 1
  float* h1;   // (H1, rows) act(a1)
  float* a2;   // (H2, rows)
  float* h2;   // (H2, rows)
  float* out;  // D: (1, rows) logits; G: (P, rows), row stride gan_input_stride(run): tanh or
               // sigmoid of the logits, the images, drawn straight into D's input
};
// Backward's buffers for the gradients of those activations, (units, rows) without gaps.
struct MlpGradActs {
  float* da1;
  float* dh1;
  float* da2;
  float* dh2;
  float* dlogits;  // (OUT, rows)
};

// What a model computes for a batch of B: every buffer of a training step, carved once from one
// arena so that a step never allocates. D sees real and generated images as one batch of 2B.
struct GanRun {
  int batch = 0;
  Arena arena;
  float* z;           // (B, Z) the noise of the current step, one sample per row
  float* z_columns;   // (Z, B) the noise G reads, one sample per column
  MlpActs g;          // generator over B samples
  MlpGradActs g_grad;
  float* d_input;     // (P, 2B): real images in columns [0, B), generated ones (g.out) in [B, 2B)
  MlpActs d;          // discriminator over up to 2B samples
  MlpGradActs d_grad;
  float* targets;     // (2B) labels for the BCE: 1 real, 0 generated
  float* dimages;     // (P, B) the G loss's gradient wrt the generated images
};

// The row stride of D's input, and of the images G draws into it: 2B.
inline int gan_input_stride(const GanRun& run) { return 2 * run.batch; }

void gan_run_init(GanRun& run, const GanConfig& config, int batch);

// Fills z (n) with N(0, 1) noise.
void gan_sample_noise(float* z, std::size_t n, Rng& rng);

// G(z) for B <= run.batch rows of z: images in run.g.out's first B columns, in the output
// activation's range.
void gan_generator_forward(const GanModel& model, GanRun& run, const float* z, int B);

// What a discriminator update saw: its loss and the mean probabilities it gave.
struct GanDiscriminatorStats {
  float loss;    // BCE(D(x), 1) + BCE(D(G(z)), 0), each a mean over the batch
  float d_real;  // mean sigmoid(D(x)): near 1 when D recognizes the real images
  float d_fake;  // mean sigmoid(D(G(z))): near 0 when D sees through G
};

// The discriminator's loss on real images (B, P), one per row, and G(z) for z (B, Z), and its
// gradient, for B = run.batch. real may be null when the caller has put the images in
// run.d_input's real columns itself. model.d.grad is overwritten, G's gradient is left alone (the
// fakes are constants for D).
GanDiscriminatorStats gan_discriminator_gradient(GanModel& model, GanRun& run, const float* real,
                                                 const float* z, int B);

// The generator's non-saturating loss BCE(D(G(z)), 1) for z (B, Z) and its gradient, propagated
// back through D into model.g.grad (overwritten). D's weights are read, its gradient untouched.
// d_fake receives mean sigmoid(D(G(z))).
float gan_generator_gradient(GanModel& model, GanRun& run, const float* z, int B, float* d_fake);

// G(z) for any number n of rows, in chunks of run.batch: z (n, Z) -> images (n, P).
void gan_generate(const GanModel& model, GanRun& run, const float* z, int n, float* images);

}  // namespace nn
