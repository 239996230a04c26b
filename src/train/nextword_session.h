#pragma once
// Training the next-word model: the model, its optimizer, the six sentences and the loss history,
// with no global state, so that a worker thread can train one session while the UI draws from a
// copy (nextword_session_copy, under the caller's lock).
//
//   NextWordSession s;
//   if (Status st = nextword_session_init(s, nextword_default_options()); !st.ok()) ...
//   for (int e = 0; e < 500; e++)
//     if (Status st = nextword_session_step(s); !st.ok()) ...   // diverged, already rolled back
//   nextword_session_evaluate(s);  // activations and predictions at the final parameters
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/arena.h"
#include "core/optim.h"
#include "core/status.h"
#include "models/nextword.h"
#include "train/metrics.h"
#include "train/saved_run.h"
#include "train/train_options.h"

namespace nn {

struct NextWordSession {
  // seed and optimizer as given to init. threads is not applied here: the thread pool is shared
  // by the whole program, which sets it (set_num_threads).
  TrainOptions options;
  NextWordModel model;
  OptimizerState optim{OptimizerKind::Adam, 0, {}};
  long epoch = 0;     // full-batch epochs trained, counting those of a loaded checkpoint
  MetricSeries loss;  // (epoch from 1, mean cross-entropy measured by that epoch before its update)

  std::array<float, kNextWordSteps * kNextWordSentences * kSixSentencesVocab> inputs{};  // (T, B, V)
  std::array<int, kNextWordSentences> targets{};

  // The latest parameters whose loss and gradients passed the checks of a step, with the
  // optimizer state and epoch that go with them: what a divergence rolls back to.
  struct GoodState {
    FloatBuffer params;
    FloatBuffer moments;
    std::int64_t optimizer_step = 0;
    long epoch = 0;
  } good;
};

// The demo's defaults: seed 0, Adam with learning rate 0.01.
TrainOptions nextword_default_options();

// A fresh session: the model initialized from options.seed, the optimizer of options.optimizer.
// Fails on a learning rate that is not positive and finite or a hidden size out of range.
Status nextword_session_init(NextWordSession& session, const TrainOptions& options,
                             const NextWordConfig& config = {});

// One full-batch epoch: forward, backward and one optimizer update. Loss, gradients and updated
// parameters are checked every time; if any is not finite, or the loss is above
// nextword_loss_limit, the session rolls back to its last good state (session.good), and the
// failure says so and suggests a lower learning rate.
Status nextword_session_step(NextWordSession& session);

// Up to max_epochs steps, stopping sooner once budget_ms of wall time have passed (after one
// step at least) or at the first failure: how a frame loop trains without missing frames.
// session.epoch tells how far it got.
Status nextword_session_train(NextWordSession& session, long max_epochs, double budget_ms);

// The loss above which training counts as diverged: ten times that of a uniform guess, ln V
// (22 for the nine words), where the right word gets a probability of e^-22 on average. Non-finite
// values alone would miss most divergence here: once a far too large step has saturated the
// LSTM's gates, only the output layer keeps growing, and the loss climbs in proportion to the
// learning rate without ever overflowing (SGD at lr 1e6 settles near 1e5, at 1e37 near 1e36).
// In a sweep of the five optimizers over learning rates (20 seeds each), the settings under which
// most seeds learn all six sentences kept the loss below 14 throughout.
float nextword_loss_limit(const NextWordConfig& config);

// Forward only, at the current parameters: refreshes the activations (heatmaps, predictions)
// and returns the loss. A step's own forward runs before its update, so after training this is
// how to see the final parameters at work.
float nextword_session_evaluate(NextWordSession& session);

// Changes the optimizer between steps. The same kind keeps its state, so a new learning rate
// takes effect at the next step; another kind starts from fresh state.
Status nextword_session_set_optimizer(NextWordSession& session, const OptimizerConfig& optimizer);

// The most likely third word of each training sentence (vocabulary indices), as of the last
// forward, and how many of them are right.
std::array<int, kNextWordSentences> nextword_session_predictions(const NextWordSession& session);
int nextword_session_correct(const NextWordSession& session);

// dst becomes a copy of src. Allocates only when dst's shapes differ (first call, another hidden
// size or optimizer), so a UI may refresh its copy every frame.
void nextword_session_copy(NextWordSession& dst, const NextWordSession& src);

// A checkpoint (core/checkpoint.h) of architecture "nextword-lstm" with hidden and vocab:
// parameters, optimizer state and step count.
std::vector<std::uint8_t> nextword_session_save(const NextWordSession& session);
// Resumes from a checkpoint: parameters, optimizer state and epoch; the loss history restarts.
// A checkpoint of another configuration or optimizer, a corrupt one, or one holding non-finite
// values is rejected and leaves the session exactly as it was.
Status nextword_session_load(NextWordSession& session, std::span<const std::uint8_t> bytes);

// The session as a saved run (saved_run.h): checkpoint, options, epoch ("step") and the loss
// history ("loss"), for the lab to keep between visits.
SavedRun nextword_session_saved_run(const NextWordSession& session);
// Back to where a saved run stopped, all or nothing: the session must come from
// nextword_session_init with the run's options (saved_run_get_options).
Status nextword_session_resume(NextWordSession& session, const SavedRun& run);

}  // namespace nn
