#include "train/gan_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/checkpoint.h"
#include "core/thread_pool.h"
#include "data/file.h"

namespace nn {

namespace {

// How often the last good state is saved: a divergence loses at most this many iterations,
// and the copy (about 13 MB for the MNIST networks) costs little spread over them.
constexpr long kSnapshotEvery = 50;

// A checkpoint of the two MNIST networks with their Adam states is about 13 MB.
constexpr std::size_t kMaxCheckpointBytes = std::size_t(256) << 20;

void copy_floats(FloatBuffer& to, const FloatBuffer& from) {
  if (to.size() != from.size()) to = FloatBuffer(from.size());
  if (from.size() > 0) std::memcpy(to.data(), from.data(), sizeof(float) * from.size());
}

void snapshot_take(GanSession& s) {
  GanSnapshot& snap = s.last_good;
  snap.iteration = s.iteration;
  copy_floats(snap.g, s.model.g.value);
  copy_floats(snap.d, s.model.d.value);
  copy_floats(snap.g_moments, s.g_optim.moments);
  copy_floats(snap.d_moments, s.d_optim.moments);
  snap.g_step = s.g_optim.step;
  snap.d_step = s.d_optim.step;
}

// Both networks' weights, optimizer moments and step counts, and the iteration, from `snap`.
void snapshot_restore(GanSession& s, const GanSnapshot& snap) {
  copy_floats(s.model.g.value, snap.g);
  copy_floats(s.model.d.value, snap.d);
  copy_floats(s.g_optim.moments, snap.g_moments);
  copy_floats(s.d_optim.moments, snap.d_moments);
  s.g_optim.step = snap.g_step;
  s.d_optim.step = snap.d_step;
  s.iteration = snap.iteration;
}

void truncate_after(MetricSeries& series, float step) {
  while (!series.steps.empty() && series.steps.back() > step) {
    series.steps.pop_back();
    series.values.pop_back();
  }
}

// Returns to the last snapshot and reports the divergence: `which` network, `what` went wrong.
Status diverge(GanSession& s, const char* which, const char* what = "loss or weights are not finite") {
  const GanSnapshot& snap = s.last_good;
  long failed_at = s.iteration;
  if (snap.iteration < 0)
    return Status::failure("training diverged at iteration %ld (the %s's %s). Try a lower learning rate than %g.",
                           failed_at, which, what, s.options.optimizer.lr);
  snapshot_restore(s, snap);
  for (MetricSeries* m : {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake}) truncate_after(*m, float(snap.iteration));
  return Status::failure(
      "training diverged at iteration %ld (the %s's %s); both networks are back at iteration %ld. Try a lower "
      "learning rate than %g.",
      failed_at, which, what, snap.iteration, s.options.optimizer.lr);
}

void shuffle(std::vector<int>& order, Rng& rng) {
  for (int i = int(order.size()) - 1; i > 0; i--) std::swap(order[i], order[rng_below(rng, std::uint32_t(i + 1))]);
}

// The next batch of real images into D's real columns; a new shuffled epoch starts when one runs out.
void next_real_batch(GanSession& s) {
  const int B = s.config.batch;
  if (s.cursor + B > int(s.order.size())) {
    shuffle(s.order, s.rng);
    s.cursor = 0;
  }
  // D's input holds one image per column. Tiles of 16 images x 16 pixels go through a small
  // buffer, so that the bytes are read and the floats written 16 in a row. The threads split the
  // pixels, each writing whole rows of D's input.
  constexpr int kTile = 16;
  const int ld = gan_input_stride(s.run);
  const int pixel_tiles = (kMnistPixels + kTile - 1) / kTile;
  default_thread_pool().parallel_for(pixel_tiles, [&](int t0, int t1) {
    for (int b0 = 0; b0 < B; b0 += kTile) {
      const int images = std::min(kTile, B - b0);
      const std::uint8_t* image[kTile];
      for (int b = 0; b < images; b++) image[b] = &s.train.images[std::size_t(s.order[s.cursor + b0 + b]) * kMnistPixels];
      for (int p0 = t0 * kTile; p0 < std::min(kMnistPixels, t1 * kTile); p0 += kTile) {
        const int pixels = std::min(kTile, kMnistPixels - p0);
        float tile[kTile][kTile];  // [image][pixel]
        for (int b = 0; b < images; b++)
          for (int p = 0; p < pixels; p++) tile[b][p] = pixel_rescale(image[b][p0 + p], kBytePixels, s.config.range);
        for (int p = 0; p < pixels; p++) {
          float* row = s.run.d_input + std::size_t(p0 + p) * ld + b0;
          for (int b = 0; b < images; b++) row[b] = tile[b][p];
        }
      }
    }
  });
  s.cursor += B;
  // The next batch's images, scattered over the set's 47 MB, start their way into the cache now
  // and arrive during this iteration rather than at the start of the next (the copy above went
  // from 3.5% to 1.5-2% of the textbook GAN's time on one thread).
  if (s.cursor + B <= int(s.order.size()))
    for (int b = 0; b < B; b++) {
      const std::uint8_t* pixels = &s.train.images[std::size_t(s.order[s.cursor + b]) * kMnistPixels];
      for (int line = 0; line < kMnistPixels; line += 64) __builtin_prefetch(pixels + line);
    }
}

// Each network's checkpoint describes that network alone.
std::string number_text(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// The activations and the pixel range. What the default GAN has (LeakyReLU, tanh, [-1, 1]) is the
// absence of a key, so the checkpoints written before the other choices existed still load.
void add_activation_keys(ModelArch& arch, const GanConfig& c, bool generator) {
  if (c.hidden == GanHidden::LeakyRelu)
    arch.hyper.push_back({"leaky_slope", number_text(c.leaky_slope)});
  else
    arch.hyper.push_back({"activation", "selu"});
  if (generator && c.output == GanOutput::Sigmoid) arch.hyper.push_back({"output", "sigmoid"});
  if (c.range != PixelRange{}) arch.hyper.push_back({"range", number_text(c.range.lo) + "," + number_text(c.range.hi)});
}

ModelArch generator_arch(const GanConfig& c) {
  ModelArch arch{"mnist-gan",
                 {{"network", "generator"},
                  {"z", std::to_string(c.z_dim)},
                  {"hidden", std::to_string(c.g_hidden1) + "," + std::to_string(c.g_hidden2)},
                  {"pixels", std::to_string(c.pixels)}}};
  add_activation_keys(arch, c, true);
  return arch;
}

ModelArch discriminator_arch(const GanConfig& c) {
  ModelArch arch{"mnist-gan",
                 {{"network", "discriminator"},
                  {"pixels", std::to_string(c.pixels)},
                  {"hidden", std::to_string(c.d_hidden1) + "," + std::to_string(c.d_hidden2)}}};
  add_activation_keys(arch, c, false);
  return arch;
}

// The file size a checkpoint's header records (checkpoint.h: magic 8 bytes, u32 version, u64).
bool checkpoint_size(std::span<const std::uint8_t> bytes, std::uint64_t& size) {
  if (bytes.size() < 20) return false;
  std::memcpy(&size, bytes.data() + 12, sizeof size);
  return size <= bytes.size();
}

}  // namespace

TrainOptions gan_default_options() {
  TrainOptions options;
  options.optimizer.kind = OptimizerKind::Adam;
  options.optimizer.lr = 2e-4;
  options.optimizer.beta1 = 0.5;
  options.optimizer.beta2 = 0.999;
  return options;
}

TrainOptions gan_textbook_options() {
  TrainOptions options;
  options.optimizer.kind = OptimizerKind::RmsProp;
  options.optimizer.lr = 1e-3;
  options.optimizer.rms_alpha = 0.99;
  options.optimizer.eps = 1e-8;
  return options;
}

Status gan_session_init(GanSession& s, const GanConfig& config, MnistSet train,
                        const TrainOptions& options) {
  if (config.pixels != kMnistPixels)
    return Status::failure("the GAN makes 28x28 images (%d pixels), not %d", kMnistPixels, config.pixels);
  if (config.batch < 1 || config.d_steps < 1)
    return Status::failure("batch (%d) and k (%d) must be at least 1", config.batch, config.d_steps);
  if (train.count < config.batch)
    return Status::failure("%d training images are fewer than one batch of %d", train.count, config.batch);
  const PixelRange drawable = gan_output_range(config.output);
  if (!(config.range.lo < config.range.hi && config.range.lo >= drawable.lo && config.range.hi <= drawable.hi))
    return Status::failure("pixels scaled to [%g, %g] are not a range the generator draws in [%g, %g]", config.range.lo,
                           config.range.hi, drawable.lo, drawable.hi);
  s.config = config;
  s.options = options;
  s.train = std::move(train);
  s.rng = rng_seeded(options.seed);
  gan_model_init(s.model, config, s.rng);
  gan_run_init(s.run, config, config.batch);
  s.g_optim = optimizer_state_make(options.optimizer.kind, s.model.g.layout.size());
  s.d_optim = optimizer_state_make(options.optimizer.kind, s.model.d.layout.size());
  s.order.resize(std::size_t(s.train.count));
  for (int i = 0; i < s.train.count; i++) s.order[i] = i;
  s.cursor = s.train.count;  // the first batch shuffles
  s.iteration = 0;
  for (MetricSeries* m : {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake}) m->clear();
  // The preview's noise comes from its own stream, so it does not depend on training.
  Rng preview_rng = rng_seeded(options.seed, 1);
  s.preview_z.resize(std::size_t(kGanGridSide * kGanGridSide) * config.z_dim);
  gan_sample_noise(s.preview_z.data(), s.preview_z.size(), preview_rng);
  s.last_good = GanSnapshot{};
  return Status::success();
}

Status gan_session_step(GanSession& s) {
  const GanConfig& c = s.config;
  const OptimizerConfig& opt = s.options.optimizer;
  GanModel& m = s.model;
  GanDiscriminatorStats stats{};
  for (int k = 0; k < c.d_steps; k++) {
    next_real_batch(s);
    gan_sample_noise(s.run.z, std::size_t(c.batch) * c.z_dim, s.rng);
    stats = gan_discriminator_gradient(m, s.run, nullptr, s.run.z, c.batch);
    if (!std::isfinite(stats.loss)) return diverge(s, "discriminator");
    if (stats.loss > kGanLossLimit) return diverge(s, "discriminator", "loss is far above any a learning GAN has");
    // This first loss went through both networks as they are now: proof enough that they are
    // good to return to.
    if (k == 0 && (s.iteration % kSnapshotEvery == 0 || s.last_good.iteration < 0)) snapshot_take(s);
    // A finite loss does not prove the update sane: an infinite gradient turns weights into NaN
    // with no trace in the loss yet, so the weights are checked after every update.
    if (!optimizer_step(opt, s.d_optim, m.d)) return diverge(s, "discriminator");
  }
  gan_sample_noise(s.run.z, std::size_t(c.batch) * c.z_dim, s.rng);
  float g_loss = gan_generator_gradient(m, s.run, s.run.z, c.batch, nullptr);
  if (!std::isfinite(g_loss)) return diverge(s, "generator");
  if (g_loss > kGanLossLimit) return diverge(s, "generator", "loss is far above any a learning GAN has");
  if (!optimizer_step(opt, s.g_optim, m.g)) return diverge(s, "generator");
  s.iteration++;
  float step = float(s.iteration);
  s.d_loss.push(step, stats.loss);
  s.g_loss.push(step, g_loss);
  s.d_real.push(step, stats.d_real);
  s.d_fake.push(step, stats.d_fake);
  return Status::success();
}

Status gan_session_run_for(GanSession& s, double budget_ms, int* steps_done) {
  const auto start = std::chrono::steady_clock::now();
  int steps = 0;
  Status status;
  do {
    if (status = gan_session_step(s); !status.ok()) break;
    steps++;
  } while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() < budget_ms);
  if (steps_done) *steps_done = steps;
  return status;
}

long gan_session_iterations_per_epoch(const GanSession& s) {
  long batches = s.train.count / s.config.batch;
  return batches / s.config.d_steps > 0 ? batches / s.config.d_steps : 1;
}

double gan_session_epoch(const GanSession& s) {
  return double(s.iteration) * s.config.d_steps * s.config.batch / s.train.count;
}

void gan_session_grid(const GanSession& s, float* out) {
  const int n = kGanGridSide * kGanGridSide;
  std::vector<float> images(std::size_t(n) * kMnistPixels);
  GanRun run;
  gan_run_init(run, s.config, n);
  gan_generate(s.model, run, s.preview_z.data(), n, images.data());
  for (int i = 0; i < n; i++)
    for (int y = 0; y < kMnistSide; y++) {
      int row = (i / kGanGridSide) * kMnistSide + y, col = (i % kGanGridSide) * kMnistSide;
      std::memcpy(out + row * kGanGridPixels + col, &images[std::size_t(i) * kMnistPixels + y * kMnistSide],
                  sizeof(float) * kMnistSide);
    }
}

void gan_session_interpolate(const GanSession& s, const float* z_a, const float* z_b, int steps,
                             float* out) {
  const int Z = s.config.z_dim;
  std::vector<float> z(std::size_t(steps) * Z);
  for (int i = 0; i < steps; i++) {
    float t = steps > 1 ? float(i) / float(steps - 1) : 0.0f;
    for (int j = 0; j < Z; j++) z[std::size_t(i) * Z + j] = (1.0f - t) * z_a[j] + t * z_b[j];
  }
  GanRun run;
  gan_run_init(run, s.config, steps < s.config.batch ? steps : s.config.batch);
  gan_generate(s.model, run, z.data(), steps, out);
}

void gan_session_sample(const GanSession& s, Rng& rng, int n, float* out) {
  std::vector<float> z(std::size_t(n) * s.config.z_dim);
  gan_sample_noise(z.data(), z.size(), rng);
  GanRun run;
  gan_run_init(run, s.config, n < s.config.batch ? n : s.config.batch);
  gan_generate(s.model, run, z.data(), n, out);
}

std::vector<std::uint8_t> gan_session_save(const GanSession& s) {
  const ModelArch g = generator_arch(s.config), d = discriminator_arch(s.config);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(checkpoint_bytes(g, s.model.g, s.g_optim) + checkpoint_bytes(d, s.model.d, s.d_optim));
  checkpoint_append(bytes, g, s.model.g, s.g_optim);
  checkpoint_append(bytes, d, s.model.d, s.d_optim);
  return bytes;
}

Status gan_session_save(const GanSession& s, const std::string& path) {
  return write_file_atomic(path, gan_session_save(s));
}

Status gan_session_load(GanSession& s, const std::string& path) {
  std::vector<std::uint8_t> bytes;
  if (Status status = read_file(path, bytes, kMaxCheckpointBytes); !status.ok()) return status;
  Status status = gan_session_load(s, std::span<const std::uint8_t>(bytes));
  if (!status.ok()) return Status::failure("'%s': %s", path.c_str(), status.error.c_str());
  return status;
}

Status gan_session_load(GanSession& s, std::span<const std::uint8_t> all) {
  std::uint64_t g_size = 0;
  if (!checkpoint_size(all, g_size))
    return Status::failure("not a GAN checkpoint (too short, or its sizes do not add up)");
  // Both halves are checked into copies first, so a bad discriminator leaves the generator alone.
  ParamStore g(s.model.g.layout), d(s.model.d.layout);
  OptimizerState g_optim = optimizer_state_make(s.g_optim.kind, g.layout.size());
  OptimizerState d_optim = optimizer_state_make(s.d_optim.kind, d.layout.size());
  Status status = checkpoint_load(all.first(g_size), generator_arch(s.config), g, g_optim);
  if (!status.ok()) return Status::failure("generator: %s", status.error.c_str());
  status = checkpoint_load(all.subspan(g_size), discriminator_arch(s.config), d, d_optim);
  if (!status.ok()) return Status::failure("discriminator: %s", status.error.c_str());
  for (const FloatBuffer* buffer : {&g.value, &d.value, &g_optim.moments, &d_optim.moments})
    if (!all_finite(*buffer))
      return Status::failure("the checkpoint holds values that are not finite (saved from a run that diverged?)");
  snapshot_restore(s, GanSnapshot{.iteration = long(g_optim.step),
                                  .g = std::move(g.value),
                                  .d = std::move(d.value),
                                  .g_moments = std::move(g_optim.moments),
                                  .d_moments = std::move(d_optim.moments),
                                  .g_step = g_optim.step,
                                  .d_step = d_optim.step});
  for (MetricSeries* m : {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake}) m->clear();
  s.last_good = GanSnapshot{};
  return Status::success();
}

namespace {

constexpr const char* kGanMetricNames[4] = {"d_loss", "g_loss", "d_real", "d_fake"};

}  // namespace

SavedRun gan_session_saved_run(const GanSession& s) {
  SavedRun run;
  saved_run_put_options(run, s.options);
  saved_run_set(run, "k", double(s.config.d_steps));
  saved_run_set(run, "step", double(s.iteration));
  const MetricSeries* series[4] = {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake};
  for (int i = 0; i < 4; i++) run.metrics.emplace_back(kGanMetricNames[i], *series[i]);
  run.checkpoint = gan_session_save(s);
  return run;
}

Status gan_saved_config(const SavedRun& run, GanConfig& config) {
  long k = 0;
  if (Status status = saved_run_get(run, "k", k); !status.ok()) return status;
  if (k < 1 || k > 100) return Status::failure("the saved run's k (%ld) is out of range", k);
  config.d_steps = int(k);
  return Status::success();
}

Status gan_session_resume(GanSession& s, const SavedRun& run) {
  if (Status status = gan_session_load(s, run.checkpoint); !status.ok()) return status;
  MetricSeries* series[4] = {&s.d_loss, &s.g_loss, &s.d_real, &s.d_fake};
  for (int i = 0; i < 4; i++)
    if (const MetricSeries* saved = saved_run_metric(run, kGanMetricNames[i])) {
      *series[i] = *saved;
      truncate_after(*series[i], float(s.iteration));
    }
  return Status::success();
}

}  // namespace nn
