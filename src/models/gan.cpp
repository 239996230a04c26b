#include "models/gan.h"

#include <cassert>
#include <cstring>
#include <utility>

#include "core/gemm.h"
#include "core/init.h"
#include "core/ops/activation.h"
#include "core/ops/loss.h"
#include "core/vec.h"

namespace nn {

namespace {

// ---------------------------------------------------------------------------------------------
// The three-layer perceptron both players are made of

// One network's sizes and activations: `hidden` after each hidden layer, `last` after the output
// layer (None: the network gives logits).
struct MlpDims {
  int in, h1, h2, out;
  Activation hidden, last;
};

Activation hidden_activation(const GanConfig& c) {
  return c.hidden == GanHidden::Selu ? Activation{ActKind::Selu} : Activation{ActKind::LeakyRelu, c.leaky_slope};
}

MlpDims generator_dims(const GanConfig& c) {
  const Activation last{c.output == GanOutput::Tanh ? ActKind::Tanh : ActKind::Sigmoid};
  return {c.z_dim, c.g_hidden1, c.g_hidden2, c.pixels, hidden_activation(c), last};
}
MlpDims discriminator_dims(const GanConfig& c) {
  return {c.pixels, c.d_hidden1, c.d_hidden2, 1, hidden_activation(c), Activation{ActKind::None}};
}

ParamLayout mlp_layout(const char* prefix, MlpDims m) {
  ParamLayout layout;
  const std::string p = prefix;
  layout.add(p + ".fc1.w", {m.h1, m.in});
  layout.add(p + ".fc1.b", {m.h1});
  layout.add(p + ".fc2.w", {m.h2, m.h1});
  layout.add(p + ".fc2.b", {m.h2});
  layout.add(p + ".fc3.w", {m.out, m.h2});
  layout.add(p + ".fc3.b", {m.out});
  return layout;
}

MlpParams mlp_point(const ParamLayout& layout, float* base) {
  MlpParams p;
  layout_point(layout, base, {&p.fc1.w, &p.fc1.b, &p.fc2.w, &p.fc2.b, &p.fc3.w, &p.fc3.b});
  return p;
}

void hidden_backward(float* da, const float* dh, const float* a, int n, const MlpDims& m) {
  if (m.hidden.kind == ActKind::Selu)
    selu_backward(da, dh, a, n);
  else
    leaky_relu_backward(da, dh, a, n, m.hidden.slope);
}

// The layers' outputs are packed (H, B), but for the last one's: out's rows are ld_out apart (G
// draws into D's input). x's rows are ldx apart.
void mlp_forward(MlpActs acts, int ld_out, MlpParams p, const float* x, int ldx, int B, const MlpDims& m) {
  linear_columns_act_forward(acts.a1, acts.h1, B, p.fc1, x, ldx, B, m.in, m.h1, m.hidden);
  linear_columns_act_forward(acts.a2, acts.h2, B, p.fc2, acts.h1, B, B, m.h1, m.h2, m.hidden);
  // In place: the backward of tanh and of sigmoid reads only their output.
  linear_columns_act_forward(acts.out, acts.out, ld_out, p.fc3, acts.h2, B, B, m.h2, m.out, m.last);
}

// Backward from dout (OUT, B), the gradient wrt acts.out. Writes dx (IN, B) if not null and *grad if
// not null; the activation gradients in `ga` are overwritten. Each layer of either network sees one
// batch per step, so its gradients (and dx) are written rather than added to: neither the gradients
// nor the activation gradients are zeroed first.
void mlp_backward(float* dx, const MlpParams* grad, MlpGradActs ga, const float* dout, MlpParams p, MlpActs acts,
                  int ld_out, const float* x, int ldx, int B, const MlpDims& m) {
  const float* dlogits = dout;
  if (m.last.kind != ActKind::None) {
    std::memset(ga.dlogits, 0, sizeof(float) * B * m.out);
    for (int o = 0; o < m.out; o++) {
      float* dl = ga.dlogits + std::size_t(o) * B;
      const float* d = dout + std::size_t(o) * B;
      const float* y = acts.out + std::size_t(o) * ld_out;
      if (m.last.kind == ActKind::Tanh)
        tanh_backward(dl, d, y, B);
      else
        sigmoid_backward(dl, d, y, B);
    }
    dlogits = ga.dlogits;
  }
  const LinearParams none{nullptr, nullptr};
  // The activations' backward add into their outputs.
  std::memset(ga.da2, 0, sizeof(float) * B * m.h2);
  std::memset(ga.da1, 0, sizeof(float) * B * m.h1);
  linear_columns_backward_overwrite(ga.dh2, grad ? grad->fc3 : none, dlogits, p.fc3, acts.h2, B, B, m.h2, m.out);
  hidden_backward(ga.da2, ga.dh2, acts.a2, B * m.h2, m);
  linear_columns_backward_overwrite(ga.dh1, grad ? grad->fc2 : none, ga.da2, p.fc2, acts.h1, B, B, m.h1, m.h2);
  hidden_backward(ga.da1, ga.dh1, acts.a1, B * m.h1, m);
  linear_columns_backward_overwrite(dx, grad ? grad->fc1 : none, ga.da1, p.fc1, x, ldx, B, m.in, m.h1);
}

// rows (n, cols) -> columns (cols, n) with row stride ld.
void rows_to_columns(float* columns, int ld, const float* rows, int n, int cols) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < cols; j++) columns[std::size_t(j) * ld + i] = rows[std::size_t(i) * cols + j];
}

// Hands out every buffer of a GanRun through `alloc`: once counting, once from the arena.
template <class Alloc>
void gan_run_carve(GanRun& run, const GanConfig& c, int B, Alloc alloc) {
  const int BB = 2 * B;
  run.z = alloc(B * c.z_dim);
  run.z_columns = alloc(B * c.z_dim);
  run.d_input = alloc(BB * c.pixels);
  // G draws straight into D's generated columns.
  float* generated = run.d_input ? run.d_input + B : nullptr;
  run.g = {alloc(B * c.g_hidden1), alloc(B * c.g_hidden1), alloc(B * c.g_hidden2), alloc(B * c.g_hidden2), generated};
  run.g_grad = {alloc(B * c.g_hidden1), alloc(B * c.g_hidden1), alloc(B * c.g_hidden2),
                alloc(B * c.g_hidden2), alloc(B * c.pixels)};
  run.d = {alloc(BB * c.d_hidden1), alloc(BB * c.d_hidden1), alloc(BB * c.d_hidden2),
           alloc(BB * c.d_hidden2), alloc(BB)};
  run.d_grad = {alloc(BB * c.d_hidden1), alloc(BB * c.d_hidden1), alloc(BB * c.d_hidden2),
                alloc(BB * c.d_hidden2), alloc(BB)};
  run.targets = alloc(BB);
  run.dimages = alloc(B * c.pixels);
}

float mean_sigmoid(const float* logits, int n) {
  double sum = 0.0;
  for (int i = 0; i < n; i++) sum += sigmoidf(logits[i]);
  return float(sum / n);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Configurations

GanConfig gan_config_textbook() {
  GanConfig c;
  c.z_dim = 30;
  c.g_hidden1 = 100, c.g_hidden2 = 150;
  c.d_hidden1 = 150, c.d_hidden2 = 100;
  c.hidden = GanHidden::Selu;
  c.output = GanOutput::Sigmoid;
  c.range = gan_output_range(c.output);
  c.batch = 32;
  return c;
}

PixelRange gan_output_range(GanOutput output) {
  return output == GanOutput::Tanh ? PixelRange{-1.0f, 1.0f} : PixelRange{0.0f, 1.0f};
}

// ---------------------------------------------------------------------------------------------
// Model and run state

void gan_model_init(GanModel& model, const GanConfig& config, Rng& rng) {
  model.config = config;
  model.g = ParamStore(mlp_layout("g", generator_dims(config)));
  model.d = ParamStore(mlp_layout("d", discriminator_dims(config)));
  model.g_w = mlp_point(model.g.layout, model.g.value.data());
  model.g_grad = mlp_point(model.g.layout, model.g.grad.data());
  model.d_w = mlp_point(model.d.layout, model.d.value.data());
  model.d_grad = mlp_point(model.d.layout, model.d.grad.data());
  for (auto [p, m] : {std::pair{model.g_w, generator_dims(config)},
                      std::pair{model.d_w, discriminator_dims(config)}}) {
    init_linear(p.fc1.w, p.fc1.b, m.h1, m.in, rng);
    init_linear(p.fc2.w, p.fc2.b, m.h2, m.h1, rng);
    init_linear(p.fc3.w, p.fc3.b, m.out, m.h2, rng);
  }
}

void gan_run_init(GanRun& run, const GanConfig& config, int batch) {
  std::size_t floats = 0;
  gan_run_carve(run, config, batch, [&](int n) {
    floats += Arena::footprint(std::size_t(n));
    return nullptr;
  });
  run.batch = batch;
  run.arena = Arena(floats);
  gan_run_carve(run, config, batch, [&](int n) { return run.arena.alloc(std::size_t(n)); });
  // D's targets never change: the real rows come first. The G step uses the first B, all ones.
  for (int i = 0; i < 2 * batch; i++) run.targets[i] = i < batch ? 1.0f : 0.0f;
}

void gan_sample_noise(float* z, std::size_t n, Rng& rng) {
  rng_normals(rng, z, n);
}

// ---------------------------------------------------------------------------------------------
// The two players' losses and gradients

void gan_generator_forward(const GanModel& model, GanRun& run, const float* z, int B) {
  const MlpDims dims = generator_dims(model.config);
  rows_to_columns(run.z_columns, B, z, B, dims.in);
  mlp_forward(run.g, gan_input_stride(run), model.g_w, run.z_columns, B, B, dims);
}

GanDiscriminatorStats gan_discriminator_gradient(GanModel& model, GanRun& run, const float* real,
                                                 const float* z, int B) {
  assert(B == run.batch);
  const GanConfig& c = model.config;
  const MlpDims dims = discriminator_dims(c);
  gan_generator_forward(model, run, z, B);
  if (real) rows_to_columns(run.d_input, 2 * B, real, B, c.pixels);
  // Real and generated images go through D as one batch of 2B: the same arithmetic as two
  // batches, in larger (faster) matrix products.
  mlp_forward(run.d, 2 * B, model.d_w, run.d_input, 2 * B, 2 * B, dims);

  // The mean over 2B rows is half the sum of the two means; doubling it gives the loss.
  float* dlogits = run.d_grad.dlogits;
  float loss = 2.0f * bce_with_logits_loss(dlogits, run.d.out, run.targets, 2 * B);
  for (int i = 0; i < 2 * B; i++) dlogits[i] *= 2.0f;

  mlp_backward(nullptr, &model.d_grad, run.d_grad, dlogits, model.d_w, run.d, 2 * B, run.d_input, 2 * B, 2 * B, dims);
  return {loss, mean_sigmoid(run.d.out, B), mean_sigmoid(run.d.out + B, B)};
}

float gan_generator_gradient(GanModel& model, GanRun& run, const float* z, int B, float* d_fake) {
  const GanConfig& c = model.config;
  const MlpDims dims = discriminator_dims(c);
  const int ld_images = gan_input_stride(run);
  gan_generator_forward(model, run, z, B);
  mlp_forward(run.d, B, model.d_w, run.g.out, ld_images, B, dims);
  float* dlogits = run.d_grad.dlogits;
  float loss = bce_with_logits_loss(dlogits, run.d.out, run.targets, B);  // targets[0, B) are 1
  if (d_fake) *d_fake = mean_sigmoid(run.d.out, B);

  mlp_backward(run.dimages, nullptr, run.d_grad, dlogits, model.d_w, run.d, B, run.g.out, ld_images, B, dims);
  mlp_backward(nullptr, &model.g_grad, run.g_grad, run.dimages, model.g_w, run.g, ld_images, run.z_columns, B, B,
               generator_dims(c));
  return loss;
}

void gan_generate(const GanModel& model, GanRun& run, const float* z, int n, float* images) {
  const GanConfig& c = model.config;
  const int ld = gan_input_stride(run);
  for (int start = 0; start < n; start += run.batch) {
    const int rows = n - start < run.batch ? n - start : run.batch;
    gan_generator_forward(model, run, z + std::size_t(start) * c.z_dim, rows);
    float* first = images + std::size_t(start) * c.pixels;
    for (int p = 0; p < c.pixels; p++)
      for (int i = 0; i < rows; i++) first[std::size_t(i) * c.pixels + p] = run.g.out[std::size_t(p) * ld + i];
  }
}

}  // namespace nn
