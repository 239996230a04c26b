// The GAN training session on synthetic 28x28 data with narrow networks: the schedule of
// Algorithm 1, the preview grid and interpolation, checkpoints, divergence rollback.
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "data/file.h"
#include "testing.h"
#include "train/gan_session.h"

using namespace nn_test;

namespace {

// `base` with MNIST-sized images and narrow hidden layers: fast, and every code path of the real thing.
nn::GanConfig narrow_config(nn::GanConfig base = {}) {
  nn::GanConfig c = base;
  c.z_dim = 8;
  c.g_hidden1 = 16, c.g_hidden2 = 16;
  c.d_hidden1 = 16, c.d_hidden2 = 8;
  c.batch = 8;
  return c;
}

void init(nn::GanSession& s, nn::GanConfig c = narrow_config(), std::uint64_t seed = 1,
          nn::TrainOptions options = nn::gan_default_options()) {
  options.seed = seed;
  nn::Status status = nn::gan_session_init(s, c, synthetic_set(100, seed), options);
  INFO(status.error);
  REQUIRE(status.ok());
}

void step(nn::GanSession& s, int n) {
  for (int i = 0; i < n; i++) {
    nn::Status status = nn::gan_session_step(s);
    INFO(status.error);
    REQUIRE(status.ok());
  }
}

std::vector<float> copy_of(const nn::FloatBuffer& b) { return std::vector<float>(b.data(), b.data() + b.size()); }

std::string temp_dir() {
  char dir[] = "/tmp/nnlab_gan_XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return dir;
}

}  // namespace

TEST_CASE("GAN session refuses what the data cannot feed") {
  nn::GanSession s;
  nn::GanConfig c = narrow_config();
  c.pixels = 100;
  CHECK_FALSE(nn::gan_session_init(s, c, synthetic_set(10, 1), nn::gan_default_options()).ok());
  c = narrow_config();
  c.d_steps = 0;
  CHECK_FALSE(nn::gan_session_init(s, c, synthetic_set(10, 1), nn::gan_default_options()).ok());
  c = narrow_config();
  c.batch = 11;
  nn::Status status = nn::gan_session_init(s, c, synthetic_set(10, 1), nn::gan_default_options());
  CHECK(status.error.find("fewer than one batch") != std::string::npos);
  c = narrow_config();
  c.output = nn::GanOutput::Sigmoid;  // cannot draw the [-1, 1] it would be shown
  status = nn::gan_session_init(s, c, synthetic_set(10, 1), nn::gan_default_options());
  CHECK(status.error.find("not a range the generator draws in [0, 1]") != std::string::npos);
}

TEST_CASE("GAN session runs k discriminator updates per generator update") {
  for (int k : {1, 3}) {
    CAPTURE(k);
    nn::GanConfig c = narrow_config();
    c.d_steps = k;
    nn::GanSession s;
    init(s, c);
    step(s, 5);
    CHECK(s.iteration == 5);
    CHECK(s.g_optim.step == 5);
    CHECK(s.d_optim.step == 5 * k);
    CHECK(nn::gan_session_epoch(s) == doctest::Approx(5.0 * k * 8 / 100));
    CHECK(nn::gan_session_iterations_per_epoch(s) == 12 / k);
    for (const nn::MetricSeries* m : {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake}) {
      REQUIRE(m->values.size() == 5);
      CHECK(m->steps.back() == 5.0f);
      CHECK(std::isfinite(m->last()));
    }
    CHECK(s.d_real.last() > 0.0f);
    CHECK(s.d_fake.last() < 1.0f);
  }
}

// Mean squared distance of generated images to the nearest of the patterns, in [-1, 1] pixels.
double distance_to_patterns(const nn::GanSession& s, const std::vector<std::vector<float>>& patterns) {
  const int n = 32;
  std::vector<float> images(std::size_t(n) * nn::kMnistPixels);
  nn::Rng rng = nn::rng_seeded(5);
  nn::gan_session_sample(s, rng, n, images.data());
  double total = 0.0;
  for (int i = 0; i < n; i++) {
    double best = INFINITY;
    for (const std::vector<float>& p : patterns) {
      double d = 0.0;
      for (int k = 0; k < nn::kMnistPixels; k++) d += std::pow(images[std::size_t(i) * nn::kMnistPixels + k] - p[k], 2);
      best = std::min(best, d / nn::kMnistPixels);
    }
    total += best / n;
  }
  return total;
}

// Two images only, 32 times each: the left half lit, or the right half. `patterns` receives the
// two in `range`, as the session feeds them to D.
nn::MnistSet two_images(nn::PixelRange range, std::vector<std::vector<float>>& patterns) {
  nn::MnistSet set;
  set.count = 64;
  patterns.assign(2, std::vector<float>(nn::kMnistPixels));
  for (int i = 0; i < set.count; i++)
    for (int p = 0; p < nn::kMnistPixels; p++) {
      bool lit = (p % 28 < 14) == (i % 2 == 0);
      set.images.push_back(lit ? 255 : 0);
      patterns[i % 2][p] = lit ? range.hi : range.lo;
    }
  set.labels.assign(64, 0);
  return set;
}

TEST_CASE("GAN learns to draw the images it is shown") {
  std::vector<std::vector<float>> patterns;
  nn::MnistSet set = two_images(nn::PixelRange{}, patterns);
  nn::GanSession s;
  nn::TrainOptions options = nn::gan_default_options();
  options.optimizer.lr = 1e-3;  // narrow networks on an easy task: 600 steps suffice at this rate
  REQUIRE(nn::gan_session_init(s, narrow_config(), std::move(set), options).ok());
  double before = distance_to_patterns(s, patterns);
  step(s, 600);
  double after = distance_to_patterns(s, patterns);
  CAPTURE(before);
  CAPTURE(after);
  CHECK(after < 0.25 * before);
}

TEST_CASE("GAN session runs for a time budget, at least one step") {
  nn::GanSession s;
  init(s);
  int steps = -1;
  REQUIRE(nn::gan_session_run_for(s, 0.0, &steps).ok());
  CHECK(steps == 1);
  REQUIRE(nn::gan_session_run_for(s, 20.0, &steps).ok());
  CHECK(steps >= 1);
  CHECK(s.iteration == 1 + steps);
}

TEST_CASE("GAN preview grid and interpolation come from the generator") {
  nn::GanSession s;
  init(s);
  step(s, 2);
  const int Z = s.config.z_dim;
  std::vector<float> grid(nn::kGanGridPixels * nn::kGanGridPixels);
  nn::gan_session_grid(s, grid.data());
  CHECK(std::all_of(grid.begin(), grid.end(), [](float v) { return v >= -1.0f && v <= 1.0f; }));
  // Tile 9 (row 1, column 1) is G of the preview's tenth noise vector.
  std::vector<float> image(nn::kMnistPixels);
  nn::gan_session_interpolate(s, &s.preview_z[9 * Z], &s.preview_z[9 * Z], 1, image.data());
  int differ = 0;
  for (int y = 0; y < nn::kMnistSide; y++)
    for (int x = 0; x < nn::kMnistSide; x++) differ += grid[(28 + y) * nn::kGanGridPixels + 28 + x] != image[y * 28 + x];
  CHECK(differ == 0);

  const int steps = 5;
  std::vector<float> line(std::size_t(steps) * nn::kMnistPixels), ends(2 * nn::kMnistPixels);
  const float* z_a = &s.preview_z[0];
  const float* z_b = &s.preview_z[Z];
  nn::gan_session_interpolate(s, z_a, z_b, steps, line.data());
  nn::gan_session_interpolate(s, z_a, z_b, 2, ends.data());
  check_close("first", &line[0], &ends[0], nn::kMnistPixels, 1e-6, 1e-5);
  check_close("last", &line[(steps - 1) * nn::kMnistPixels], &ends[nn::kMnistPixels], nn::kMnistPixels, 1e-6, 1e-5);
}

TEST_CASE("GAN checkpoints round trip and refuse other models") {
  const std::string dir = temp_dir(), path = dir + "/gan.ckpt";
  nn::GanSession a;
  init(a, narrow_config(), 1);
  step(a, 3);
  REQUIRE(nn::gan_session_save(a, path).ok());

  nn::GanSession b;
  init(b, narrow_config(), 2);
  nn::Status status = nn::gan_session_load(b, path);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(copy_of(b.model.g.value) == copy_of(a.model.g.value));
  CHECK(copy_of(b.model.d.value) == copy_of(a.model.d.value));
  CHECK(copy_of(b.g_optim.moments) == copy_of(a.g_optim.moments));
  CHECK(copy_of(b.d_optim.moments) == copy_of(a.d_optim.moments));
  CHECK(b.iteration == 3);
  CHECK(b.d_optim.step == 3);

  SUBCASE("another architecture is refused and nothing changes") {
    nn::GanConfig wider = narrow_config();
    wider.d_hidden2 = 9;
    nn::GanSession c;
    init(c, wider, 3);
    std::vector<float> g_before = copy_of(c.model.g.value);
    status = nn::gan_session_load(c, path);
    CHECK(status.error.find("discriminator") != std::string::npos);
    CHECK(copy_of(c.model.g.value) == g_before);  // the generator matched, yet was left alone
    CHECK(c.iteration == 0);
  }
  SUBCASE("a corrupted or truncated file is refused") {
    std::vector<std::uint8_t> bytes;
    REQUIRE(nn::read_file(path, bytes, 1 << 24).ok());
    for (bool truncate : {false, true}) {
      std::vector<std::uint8_t> bad = bytes;
      if (truncate)
        bad.resize(bad.size() - 10);
      else
        bad[bad.size() - 100] ^= 0x40;  // a float of the discriminator's Adam state
      std::FILE* f = std::fopen(path.c_str(), "wb");
      REQUIRE(f);
      std::fwrite(bad.data(), 1, bad.size(), f);
      std::fclose(f);
      nn::GanSession c;
      init(c, narrow_config(), 3);
      std::vector<float> g_before = copy_of(c.model.g.value);
      CHECK_FALSE(nn::gan_session_load(c, path).ok());
      CHECK(copy_of(c.model.g.value) == g_before);
    }
  }
  std::remove(path.c_str());
  std::remove(dir.c_str());
}

TEST_CASE("GAN checkpoints of the default and the textbook model refuse each other") {
  const std::string dir = temp_dir(), path = dir + "/gan.ckpt";
  // The same sizes and optimizer: only the activations and the pixel range tell the two apart.
  const nn::GanConfig configs[2] = {narrow_config(), narrow_config(nn::gan_config_textbook())};
  for (int from : {0, 1}) {
    CAPTURE(from);
    nn::GanSession saved, other;
    init(saved, configs[from], 1);
    step(saved, 2);
    REQUIRE(nn::gan_session_save(saved, path).ok());
    init(other, configs[1 - from], 2);
    std::vector<float> g_before = copy_of(other.model.g.value), d_before = copy_of(other.model.d.value);
    nn::Status status = nn::gan_session_load(other, path);
    INFO(status.error);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("generator: checkpoint is for a different model") != std::string::npos);
    CHECK(status.error.find("activation=selu output=sigmoid range=0,1") != std::string::npos);
    CHECK(copy_of(other.model.g.value) == g_before);
    CHECK(copy_of(other.model.d.value) == d_before);
    CHECK(other.iteration == 0);
  }
  std::remove(path.c_str());
  std::remove(dir.c_str());
}

TEST_CASE("GAN divergence rolls back to the last good state") {
  SUBCASE("a weight that turns NaN") {
    nn::GanSession s;
    init(s);
    step(s, 3);  // the snapshot was taken at iteration 0
    std::vector<float> g0 = copy_of(s.last_good.g);
    s.model.g.value[5] = NAN;
    nn::Status status = nn::gan_session_step(s);
    CHECK(status.error.find("diverged at iteration 3") != std::string::npos);
    CHECK(status.error.find("lower learning rate") != std::string::npos);
    CHECK(s.iteration == 0);
    CHECK(s.g_optim.step == 0);
    CHECK(copy_of(s.model.g.value) == g0);
    CHECK(s.d_loss.empty());
    step(s, 2);  // and training goes on from there
  }
  SUBCASE("a learning rate far too high") {
    nn::GanSession s;
    nn::TrainOptions options = nn::gan_default_options();
    options.optimizer.lr = 1e30;
    REQUIRE(nn::gan_session_init(s, narrow_config(), synthetic_set(100, 1), options).ok());
    nn::Status status;
    for (int i = 0; i < 10 && status.ok(); i++) status = nn::gan_session_step(s);
    CHECK(status.error.find("lower learning rate than 1e+30") != std::string::npos);
    const float* d = s.model.d.value.data();
    CHECK(std::all_of(d, d + s.model.d.value.size(), [](float v) { return std::isfinite(v); }));
  }
}

// Mean D(x) as a probability over `images` (each (784)), repeated to fill one batch.
double mean_d(nn::GanSession& s, const std::vector<std::vector<float>>& images) {
  const int B = s.config.batch;
  std::vector<float> batch(std::size_t(B) * nn::kMnistPixels);
  for (int b = 0; b < B; b++) {
    const std::vector<float>& image = images[std::size_t(b) % images.size()];
    std::copy(image.begin(), image.end(), &batch[std::size_t(b) * nn::kMnistPixels]);
  }
  // The discriminator's step with `images` as the real batch: its d_real is what we want; the
  // gradient it leaves behind is overwritten by the next step.
  return nn::gan_discriminator_gradient(s.model, s.run, batch.data(), s.run.z, B).d_real;
}

TEST_CASE("Textbook GAN session stays finite and its D tells the images it is shown from noise") {
  nn::GanConfig c = narrow_config(nn::gan_config_textbook());
  std::vector<std::vector<float>> patterns;
  nn::MnistSet set = two_images(c.range, patterns);
  nn::GanSession s;
  REQUIRE(nn::gan_session_init(s, c, std::move(set), nn::gan_textbook_options()).ok());
  CHECK(s.g_optim.kind == nn::OptimizerKind::RmsProp);
  nn::Rng rng = nn::rng_seeded(4);
  std::vector<std::vector<float>> noise(8, std::vector<float>(nn::kMnistPixels));
  for (std::vector<float>& image : noise)
    for (float& v : image) v = rng_uniform(rng);
  step(s, 1);
  // The real batch is fed in [0, 1]: the bytes 0 and 255 are exactly 0 and 1.
  for (int p = 0; p < nn::kMnistPixels; p++) {
    const float* real = s.run.d_input + std::size_t(p) * nn::gan_input_stride(s.run);  // columns [0, B): the real batch
    REQUIRE(std::all_of(real, real + c.batch, [](float v) { return v == 0.0f || v == 1.0f; }));
  }
  // Early on D gives the two images and noise much the same probability. After 100 iterations (seeds 1 to 8 give
  // D(images) 0.63 to 0.93 and D(noise) below 0.03) D knows the two images from noise; later, as G learns to draw them,
  // D's answers drift back towards one half.
  step(s, 99);
  double d_images = mean_d(s, patterns), d_noise = mean_d(s, noise);
  CAPTURE(d_images);
  CAPTURE(d_noise);
  for (const nn::MetricSeries* m : {&s.d_loss, &s.g_loss}) {
    CHECK(m->values.size() == 100);
    CHECK(std::all_of(m->values.begin(), m->values.end(), [](float v) { return std::isfinite(v); }));
  }
  CHECK(d_images > 0.6);
  CHECK(d_noise < 0.1);
}

TEST_CASE("GAN saved run resumes k, the iteration and the four curves") {
  nn::GanConfig config = narrow_config();
  config.d_steps = 2;
  nn::GanSession s;
  init(s, config, 5);
  step(s, 4);
  // Both networks' checkpoints go into one buffer of the exact size (a save in the page must not
  // leave holes in the wasm heap).
  const std::vector<std::uint8_t> checkpoint = nn::gan_session_save(s);
  CHECK(checkpoint.capacity() == checkpoint.size());
  nn::SavedRun run;
  REQUIRE(nn::saved_run_decode(nn::saved_run_encode(nn::gan_session_saved_run(s)), run).ok());

  nn::GanConfig read = narrow_config();
  nn::TrainOptions options = nn::gan_default_options();
  REQUIRE(nn::gan_saved_config(run, read).ok());
  REQUIRE(nn::saved_run_get_options(run, options).ok());
  CHECK(read.d_steps == 2);
  CHECK(options.seed == 5);
  nn::GanSession resumed;
  init(resumed, read, options.seed, options);
  nn::Status status = nn::gan_session_resume(resumed, run);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(resumed.iteration == 4);
  CHECK(resumed.d_loss.values == s.d_loss.values);
  CHECK(resumed.d_fake.steps == s.d_fake.steps);
  CHECK(copy_of(resumed.model.g.value) == copy_of(s.model.g.value));
  step(resumed, 2);
  CHECK(resumed.iteration == 6);
}

TEST_CASE("GAN checkpoints holding non-finite weights are refused") {
  nn::GanSession diverged, target;
  init(diverged);
  init(target);
  step(target, 1);
  diverged.model.d.value[5] = INFINITY;
  const std::vector<float> before = copy_of(target.model.g.value);
  nn::Status status = nn::gan_session_load(target, nn::gan_session_save(diverged));
  CHECK(status.error.find("not finite") != std::string::npos);
  CHECK(copy_of(target.model.g.value) == before);
  CHECK(target.iteration == 1);
}
