#pragma once
// A LeNet-5 training session on MNIST: the classifier that scores the GAN (gan_scores.h).
// No global state: it may run on a worker thread (the caller serializes access).
#include <cstdint>
#include <string>
#include <vector>

#include "core/optim.h"
#include "core/rng.h"
#include "core/status.h"
#include "data/mnist.h"
#include "models/lenet.h"
#include "train/metrics.h"
#include "train/train_options.h"

namespace nn {

// Adam with learning rate 1e-3.
TrainOptions lenet_default_options();

struct LenetSession {
  LenetConfig config;
  TrainOptions options;
  MnistSet train;
  LenetModel model;
  LenetRun run;
  OptimizerState optim;
  Rng rng;                  // shuffling
  std::vector<int> order;   // this epoch's shuffled image indices
  int cursor = 0;           // next position in order
  std::vector<int> labels;  // (B) the current batch's labels
  long iteration = 0;       // updates so far
  MetricSeries loss;        // cross-entropy per iteration
  // The last good weights and optimizer state, the point a divergence rolls back to.
  long good_iteration = -1;
  FloatBuffer good_params, good_moments;
  std::int64_t good_step = 0;
};

// Fails on a config the data cannot feed (image side other than 28, batch larger than the set).
Status lenet_session_init(LenetSession& session, const LenetConfig& config, MnistSet train,
                          const TrainOptions& options);

// One update on the next shuffled batch. A loss that is not finite restores the last good state
// and fails, advising a lower learning rate.
Status lenet_session_step(LenetSession& session);

// Steps until budget_ms has passed, at least once, stopping at the first failure. steps_done (may
// be null) receives the updates completed.
Status lenet_session_run_for(LenetSession& session, double budget_ms, int* steps_done);

long lenet_session_iterations_per_epoch(const LenetSession& session);

// Fraction of `set` classified correctly.
double lenet_accuracy(const LenetModel& model, const MnistSet& set);

// LeNet's class probabilities (n, classes) and features (n, fc2: the penultimate ReLUs) of n
// images (n, side, side) with pixels in [-1, 1], in batches of run.batch. Either output may be null.
void lenet_classify(const LenetModel& model, LenetRun& run, const float* images, int n,
                    float* probs, float* features);

// Weights with the optimizer state (resuming training), in one core checkpoint.
Status lenet_session_save(const LenetSession& session, const std::string& path);
Status lenet_session_load(LenetSession& session, const std::string& path);

// Only the weights, into a model made with lenet_model_init for `config`: what scoring needs.
// The checkpoint may carry any optimizer's state.
Status lenet_load_weights(LenetModel& model, const std::string& path);

}  // namespace nn
