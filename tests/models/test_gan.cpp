// The MNIST GANs (default and textbook): both players' gradients against finite differences at
// small sizes, and the generator's gradient through the discriminator.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/ops/activation.h"
#include "models/gan.h"
#include "testing.h"

using namespace nn_test;

namespace {

// `base` made small enough to difference every parameter; the MNIST shape differs only in sizes.
nn::GanConfig tiny_config(nn::GanConfig base = {}) {
  nn::GanConfig c = base;
  c.z_dim = 3;
  c.g_hidden1 = 5, c.g_hidden2 = 4;
  c.d_hidden1 = 4, c.d_hidden2 = 3;
  c.pixels = 6;
  c.batch = 3;
  return c;
}

// The players' losses are piecewise smooth (LeakyReLU and SELU kinks at 0); a small step rarely
// crosses a kink.
constexpr float kGanFdEps = 1e-3f;

struct TinyGan {
  nn::GanModel model;
  nn::GanRun run;
  std::vector<float> real, z;
  explicit TinyGan(std::uint64_t seed, nn::GanConfig base = {}) {
    nn::GanConfig c = tiny_config(base);
    nn::Rng rng = nn::rng_seeded(seed);
    nn::gan_model_init(model, c, rng);
    nn::gan_run_init(run, c, c.batch);
    Rng values{seed};
    // Weights of order 1 (PyTorch's init makes them tiny at these fan-ins) give gradients of
    // order 1, so the absolute tolerance does not swallow them.
    for (nn::ParamStore* store : {&model.g, &model.d})
      for (const nn::TensorSpec& t : store->layout.tensors()) {
        std::vector<float> w = values.vector(t.count);
        std::copy(w.begin(), w.end(), store->value.data() + t.offset);
      }
    real = values.vector(std::size_t(c.batch) * c.pixels, c.range.lo, c.range.hi);
    z.resize(std::size_t(c.batch) * c.z_dim);
    nn::gan_sample_noise(z.data(), z.size(), rng);
  }
};

// Which side of each hidden activation's kink both networks were on, recorded by every objective call: a
// difference across a kink is not a derivative, so such points are skipped.
struct KinkLog {
  std::vector<std::vector<bool>> patterns;
  void record(const nn::GanModel& m, const nn::GanRun& run, int d_rows) {
    const nn::GanConfig& c = m.config;
    const int B = c.batch;
    std::vector<bool> pattern;
    for (auto [a, n] : {std::pair{run.g.a1, B * c.g_hidden1}, std::pair{run.g.a2, B * c.g_hidden2},
                        std::pair{run.d.a1, d_rows * c.d_hidden1}, std::pair{run.d.a2, d_rows * c.d_hidden2}})
      for (int i = 0; i < n; i++) pattern.push_back(a[i] > 0.0f);
    patterns.push_back(std::move(pattern));
  }
  // check_gradient evaluates x[i] + eps, then x[i] - eps.
  bool crosses(size_t i) const { return patterns[2 * i] != patterns[2 * i + 1]; }
};

std::vector<float> copy_of(const nn::FloatBuffer& b) { return std::vector<float>(b.data(), b.data() + b.size()); }

// Every tensor's gradient set to v (the padding between tensors is no gradient, and stays 0).
void fill_tensors(nn::ParamStore& store, float v) {
  for (const nn::TensorSpec& t : store.layout.tensors()) std::fill_n(store.grad.data() + t.offset, t.count, v);
}

void check_discriminator_gradient(const nn::GanConfig& base, std::uint64_t seed) {
  TinyGan gan(seed, base);
  const int B = gan.model.config.batch;
  std::vector<float> g_grad_before = copy_of(gan.model.g.grad);
  nn::gan_discriminator_gradient(gan.model, gan.run, gan.real.data(), gan.z.data(), B);
  std::vector<float> analytic = copy_of(gan.model.d.grad);
  CHECK(copy_of(gan.model.g.grad) == g_grad_before);  // the fakes are constants for D
  // The gradient is written, not added to whatever the store held.
  fill_tensors(gan.model.d, 7.0f);
  nn::gan_discriminator_gradient(gan.model, gan.run, gan.real.data(), gan.z.data(), B);
  CHECK(copy_of(gan.model.d.grad) == analytic);
  KinkLog kinks;
  auto objective = [&] {
    float loss = nn::gan_discriminator_gradient(gan.model, gan.run, gan.real.data(), gan.z.data(), B).loss;
    kinks.record(gan.model, gan.run, 2 * B);
    return double(loss);
  };
  auto crosses = [&](size_t i) { return kinks.crosses(i); };
  check_gradient("dD", gan.model.d.value.data(), analytic.data(), analytic.size(), objective, crosses, kGanFdEps);
}

void check_generator_gradient(const nn::GanConfig& base, std::uint64_t seed) {
  TinyGan gan(seed, base);
  const int B = gan.model.config.batch;
  std::vector<float> d_grad_before = copy_of(gan.model.d.grad);
  float d_fake = -1.0f;
  nn::gan_generator_gradient(gan.model, gan.run, gan.z.data(), B, &d_fake);
  std::vector<float> analytic = copy_of(gan.model.g.grad);
  CHECK(copy_of(gan.model.d.grad) == d_grad_before);  // D is read, not trained, by G's step
  fill_tensors(gan.model.g, 7.0f);
  nn::gan_generator_gradient(gan.model, gan.run, gan.z.data(), B, nullptr);
  CHECK(copy_of(gan.model.g.grad) == analytic);  // written, not added to
  CHECK(d_fake > 0.0f);
  CHECK(d_fake < 1.0f);
  KinkLog kinks;
  auto objective = [&] {
    float loss = nn::gan_generator_gradient(gan.model, gan.run, gan.z.data(), B, nullptr);
    kinks.record(gan.model, gan.run, B);
    return double(loss);
  };
  auto crosses = [&](size_t i) { return kinks.crosses(i); };
  check_gradient("dG", gan.model.g.value.data(), analytic.data(), analytic.size(), objective, crosses, kGanFdEps);
}

}  // namespace

TEST_CASE("GAN discriminator gradient matches finite differences") { check_discriminator_gradient({}, 1); }

TEST_CASE("GAN generator gradient flows through the discriminator") { check_generator_gradient({}, 2); }

TEST_CASE("Textbook GAN discriminator gradient matches finite differences") {
  check_discriminator_gradient(nn::gan_config_textbook(), 5);
}

TEST_CASE("Textbook GAN generator gradient flows through the discriminator") {
  check_generator_gradient(nn::gan_config_textbook(), 6);
}

TEST_CASE("GAN losses are the textbook ones") {
  TinyGan gan(3);
  const int B = gan.model.config.batch;
  nn::GanDiscriminatorStats stats = nn::gan_discriminator_gradient(gan.model, gan.run, gan.real.data(), gan.z.data(), B);
  // Recomputed from D's logits: -mean log D(x) - mean log(1 - D(G(z))).
  double want = 0.0;
  for (int i = 0; i < B; i++) {
    want -= std::log(double(nn::sigmoidf(gan.run.d.out[i]))) / B;
    want -= std::log(1.0 - nn::sigmoidf(gan.run.d.out[B + i])) / B;
  }
  CHECK(stats.loss == doctest::Approx(want).epsilon(1e-5));
  double d_real = 0.0, d_fake = 0.0;
  for (int i = 0; i < B; i++) {
    d_real += nn::sigmoidf(gan.run.d.out[i]) / double(B);
    d_fake += nn::sigmoidf(gan.run.d.out[B + i]) / double(B);
  }
  CHECK(stats.d_real == doctest::Approx(d_real).epsilon(1e-5));
  CHECK(stats.d_fake == doctest::Approx(d_fake).epsilon(1e-5));
  // G's non-saturating loss: -mean log D(G(z)).
  float g_loss = nn::gan_generator_gradient(gan.model, gan.run, gan.z.data(), B, nullptr);
  double want_g = 0.0;
  for (int i = 0; i < B; i++) want_g -= std::log(double(nn::sigmoidf(gan.run.d.out[i]))) / B;
  CHECK(g_loss == doctest::Approx(want_g).epsilon(1e-5));
}

TEST_CASE("GAN generates any number of images in chunks of the batch") {
  TinyGan gan(4);
  const nn::GanConfig& c = gan.model.config;
  const int n = 7;  // two full chunks of 3 and one of 1
  std::vector<float> z(std::size_t(n) * c.z_dim), chunked(std::size_t(n) * c.pixels), whole(chunked.size());
  nn::Rng rng = nn::rng_seeded(9);
  nn::gan_sample_noise(z.data(), z.size(), rng);
  nn::gan_generate(gan.model, gan.run, z.data(), n, chunked.data());
  nn::GanRun big;
  nn::gan_run_init(big, c, n);
  nn::gan_generate(gan.model, big, z.data(), n, whole.data());
  check_close("chunked", chunked.data(), whole.data(), whole.size(), 1e-6, 1e-5);
  for (float v : whole) CHECK((v > -1.0f && v < 1.0f));
}

TEST_CASE("Textbook GAN is SELU and sigmoid, drawing in [0, 1]") {
  nn::GanConfig c = nn::gan_config_textbook();
  CHECK(c.z_dim == 30);
  CHECK((c.g_hidden1 == 100 && c.g_hidden2 == 150 && c.d_hidden1 == 150 && c.d_hidden2 == 100));
  CHECK(c.batch == 32);
  CHECK(c.range == nn::PixelRange{0.0f, 1.0f});
  TinyGan gan(7, c);
  const nn::GanConfig& tiny = gan.model.config;
  const int B = tiny.batch;
  nn::gan_generator_forward(gan.model, gan.run, gan.z.data(), B);
  // Recomputed by hand from the first layer to the image.
  const float* a1 = gan.run.g.a1;
  for (int i = 0; i < B * tiny.g_hidden1; i++) {
    float want = a1[i] > 0.0f ? nn::kSeluScale * a1[i] : nn::kSeluScale * nn::kSeluAlpha * std::expm1(a1[i]);
    CHECK(gan.run.g.h1[i] == doctest::Approx(want).epsilon(1e-6));
  }
  const nn::MlpParams& w = gan.model.g_w;
  for (int b = 0; b < B; b++)
    for (int p = 0; p < tiny.pixels; p++) {
      double logit = w.fc3.b[p];
      for (int j = 0; j < tiny.g_hidden2; j++)
        logit += double(w.fc3.w[p * tiny.g_hidden2 + j]) * gan.run.g.h2[j * B + b];  // one sample per column
      float image = gan.run.g.out[p * nn::gan_input_stride(gan.run) + b];
      CHECK(image == doctest::Approx(1.0 / (1.0 + std::exp(-logit))).epsilon(1e-5));
      CHECK((image > 0.0f && image < 1.0f));
    }
}
