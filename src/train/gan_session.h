#pragma once
// A GAN training session: MNIST, both networks with their optimizer states, the noise and data
// cursor, and the metric history the plots show. Shared by the CLI, the app and the tests; it
// keeps no global state, so it can run on a worker thread (the caller serializes access).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/optim.h"
#include "core/rng.h"
#include "core/status.h"
#include "data/mnist.h"
#include "models/gan.h"
#include "train/metrics.h"
#include "train/saved_run.h"
#include "train/train_options.h"

namespace nn {

inline constexpr int kGanGridSide = 8;  // the preview shows an 8x8 grid of digits
inline constexpr int kGanGridPixels = kGanGridSide * kMnistSide;  // 224 pixels a side
// A loss above this counts as divergence, finite or not. A GAN that learns keeps both losses
// below about 10 (a D that says one half everywhere scores 1.39); a far too large step makes the
// logits, and with them the losses, grow in proportion to the learning rate without overflowing
// (learning rate 10: losses near 1e8 and 1e11 within 30 iterations, every value finite).
inline constexpr float kGanLossLimit = 1000.0f;

// Adam, learning rate 2e-4, beta1 0.5 (Radford et al. 2015), for both players.
TrainOptions gan_default_options();
// RMSprop, learning rate 1e-3, torch.optim's alpha 0.99 and eps 1e-8, for both players: the
// optimizer of the textbook GAN (gan_config_textbook()).
TrainOptions gan_textbook_options();

// The weights and optimizer states of both players at one iteration, the point a divergence
// rolls back to.
struct GanSnapshot {
  long iteration = -1;  // -1: none taken yet
  FloatBuffer g, d, g_moments, d_moments;
  std::int64_t g_step = 0, d_step = 0;
};

struct GanSession {
  GanConfig config;
  TrainOptions options;  // options.optimizer drives both players; its lr may change between steps
  MnistSet train;
  GanModel model;
  GanRun run;
  OptimizerState g_optim, d_optim;
  Rng rng;                  // shuffling and noise
  std::vector<int> order;   // this epoch's shuffled image indices
  int cursor = 0;           // next position in order
  long iteration = 0;       // generator updates so far
  MetricSeries d_loss, g_loss;  // per iteration: BCE(D(x),1) + BCE(D(G(z)),0), BCE(D(G(z)),1)
  MetricSeries d_real, d_fake;  // per iteration: mean D(x) and mean D(G(z)) as probabilities
  std::vector<float> preview_z; // (64, Z) fixed noise for the preview grid, drawn once
  GanSnapshot last_good;
};

// Takes the training images (pixels are scaled to config.range batch by batch). Fails on a config
// the data cannot feed (image size, batch larger than the set, k < 1, a range G cannot draw). To
// start over with the same data: gan_session_init(session, config, std::move(session.train), options).
Status gan_session_init(GanSession& session, const GanConfig& config, MnistSet train,
                        const TrainOptions& options);

// One iteration of Algorithm 1: k discriminator updates, each on a fresh batch of real images
// and noise, then one generator update on fresh noise. If a loss is not finite or above
// kGanLossLimit, or an update leaves a weight that is not finite, both networks and their
// optimizer states return to the last snapshot (taken every few iterations) and the Status says
// so and advises a lower learning rate.
Status gan_session_step(GanSession& session);

// Steps until budget_ms has passed, at least once, stopping at the first failure: what a UI frame
// or a worker's time slice calls. steps_done (may be null) receives the iterations completed.
Status gan_session_run_for(GanSession& session, double budget_ms, int* steps_done);

// Iterations that consume one epoch of real images: (images / batch) / k.
long gan_session_iterations_per_epoch(const GanSession& session);
double gan_session_epoch(const GanSession& session);  // epochs done, fractional

// The 8x8 grid of G(preview_z): out (224, 224), pixels as G draws them (in about config.range), row-major.
void gan_session_grid(const GanSession& session, float* out);

// G along the straight line from z_a to z_b (each (Z)): out (steps, 784), the first image G(z_a),
// the last G(z_b).
void gan_session_interpolate(const GanSession& session, const float* z_a, const float* z_b,
                             int steps, float* out);

// n generated images (n, 784), pixels as G draws them (in about config.range), from fresh noise
// drawn from `rng`.
void gan_session_sample(const GanSession& session, Rng& rng, int n, float* out);

// Both networks with their optimizer states. The file holds two checkpoints (core/checkpoint.h)
// one after the other, the generator's first; the iteration count is the generator's step.
// A file that does not match the session's configuration (sizes, activations, pixel range: the
// textbook GAN's is refused by the default one and the other way round), or holds values that are
// not finite, is refused and changes nothing.
Status gan_session_save(const GanSession& session, const std::string& path);
Status gan_session_load(GanSession& session, const std::string& path);
// The same in memory, for the browser's downloads and uploads.
std::vector<std::uint8_t> gan_session_save(const GanSession& session);
Status gan_session_load(GanSession& session, std::span<const std::uint8_t> bytes);

// The session as a saved run (saved_run.h): both networks' checkpoint, options, k ("k"), the
// iteration ("step") and the four metric histories.
SavedRun gan_session_saved_run(const GanSession& session);
// k of a saved run, into `config` (the rest of the configuration is the checkpoint's to match).
Status gan_saved_config(const SavedRun& run, GanConfig& config);
// Back to where a saved run stopped, all or nothing: the session must come from gan_session_init
// with the run's configuration and options. The data cursor starts a new shuffled epoch.
Status gan_session_resume(GanSession& session, const SavedRun& run);

}  // namespace nn
