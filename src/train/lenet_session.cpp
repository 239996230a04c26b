#include "train/lenet_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/checkpoint.h"
#include "data/file.h"

namespace nn {

namespace {

// How often the last good state is saved: a divergence loses at most this many updates.
constexpr long kSnapshotEvery = 100;

// LeNet-5 with Adam's state is under 1 MB; anything far larger is not its checkpoint.
constexpr std::size_t kMaxCheckpointBytes = std::size_t(64) << 20;

void copy_floats(FloatBuffer& to, const FloatBuffer& from) {
  if (to.size() != from.size()) to = FloatBuffer(from.size());
  if (from.size() > 0) std::memcpy(to.data(), from.data(), sizeof(float) * from.size());
}

ModelArch lenet_arch(const LenetConfig& c) {
  return {"lenet5",
          {{"side", std::to_string(c.side)},
           {"conv", std::to_string(c.conv1) + "," + std::to_string(c.conv2)},
           {"fc", std::to_string(c.fc1) + "," + std::to_string(c.fc2)},
           {"classes", std::to_string(c.classes)}}};
}

// Returns to the last good state, if there is one, and reports the divergence.
Status diverge(LenetSession& s) {
  long failed_at = s.iteration;
  if (s.good_iteration >= 0) {
    copy_floats(s.model.store.value, s.good_params);
    copy_floats(s.optim.moments, s.good_moments);
    s.optim.step = s.good_step;
    s.iteration = s.good_iteration;
    while (!s.loss.steps.empty() && s.loss.steps.back() > float(s.iteration)) {
      s.loss.steps.pop_back();
      s.loss.values.pop_back();
    }
  }
  return Status::failure("training diverged at iteration %ld (a loss or weight is not finite); the "
                         "weights are back at iteration %ld. Try a lower learning rate than %g.",
                         failed_at, s.iteration, s.options.optimizer.lr);
}

void shuffle(std::vector<int>& order, Rng& rng) {
  for (int i = int(order.size()) - 1; i > 0; i--) std::swap(order[i], order[rng_below(rng, std::uint32_t(i + 1))]);
}

// The next shuffled batch into run.input and labels; a new epoch starts when one runs out.
void next_batch(LenetSession& s) {
  const int B = s.config.batch;
  if (s.cursor + B > int(s.order.size())) {
    shuffle(s.order, s.rng);
    s.cursor = 0;
  }
  for (int b = 0; b < B; b++) {
    int i = s.order[s.cursor + b];
    lenet_input_from_bytes(s.run.input + b * kMnistPixels, &s.train.images[std::size_t(i) * kMnistPixels], kMnistPixels);
    s.labels[b] = s.train.labels[i];
  }
  s.cursor += B;
}

}  // namespace

TrainOptions lenet_default_options() {
  TrainOptions options;
  options.optimizer.kind = OptimizerKind::Adam;
  options.optimizer.lr = 1e-3;
  return options;
}

Status lenet_session_init(LenetSession& s, const LenetConfig& config, MnistSet train,
                          const TrainOptions& options) {
  if (config.side != kMnistSide)
    return Status::failure("LeNet here reads 28x28 images, not %dx%d", config.side, config.side);
  if (config.batch < 1 || train.count < config.batch)
    return Status::failure("%d training images are fewer than one batch of %d", train.count, config.batch);
  s.config = config;
  s.options = options;
  s.train = std::move(train);
  s.rng = rng_seeded(options.seed);
  lenet_model_init(s.model, config, s.rng);
  lenet_run_init(s.run, config, config.batch);
  s.optim = optimizer_state_make(options.optimizer.kind, s.model.store.layout.size());
  s.order.resize(std::size_t(s.train.count));
  for (int i = 0; i < s.train.count; i++) s.order[i] = i;
  s.cursor = s.train.count;  // the first batch shuffles
  s.labels.assign(std::size_t(config.batch), 0);
  s.iteration = 0;
  s.loss.clear();
  s.good_iteration = -1;
  return Status::success();
}

Status lenet_session_step(LenetSession& s) {
  ParamStore& store = s.model.store;
  next_batch(s);
  lenet_forward(s.model, s.run, s.config.batch);
  float loss = lenet_backward(s.model, s.run, s.labels.data(), s.config.batch);
  if (!std::isfinite(loss)) return diverge(s);
  // The loss just went through these weights: they are good to return to.
  if (s.iteration % kSnapshotEvery == 0 || s.good_iteration < 0) {
    s.good_iteration = s.iteration;
    copy_floats(s.good_params, store.value);
    copy_floats(s.good_moments, s.optim.moments);
    s.good_step = s.optim.step;
  }
  // ReLU and max pooling drop a NaN (NaN > 0 is false), so a broken weight can leave the loss
  // finite, and its gradient too; only the weights show it.
  if (!optimizer_step(s.options.optimizer, s.optim, store)) return diverge(s);
  s.iteration++;
  s.loss.push(float(s.iteration), loss);
  return Status::success();
}

Status lenet_session_run_for(LenetSession& s, double budget_ms, int* steps_done) {
  const auto start = std::chrono::steady_clock::now();
  int steps = 0;
  Status status;
  do {
    if (status = lenet_session_step(s); !status.ok()) break;
    steps++;
  } while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() < budget_ms);
  if (steps_done) *steps_done = steps;
  return status;
}

long lenet_session_iterations_per_epoch(const LenetSession& s) { return s.train.count / s.config.batch; }

double lenet_accuracy(const LenetModel& model, const MnistSet& set) {
  if (set.count == 0) return 0.0;
  const LenetConfig& c = model.config;
  LenetRun run;
  lenet_run_init(run, c, c.batch);
  long correct = 0;
  for (int start = 0; start < set.count; start += c.batch) {
    int rows = std::min(c.batch, set.count - start);
    lenet_input_from_bytes(run.input, &set.images[std::size_t(start) * kMnistPixels], rows * kMnistPixels);
    lenet_forward(model, run, rows);
    for (int r = 0; r < rows; r++) {
      const float* p = run.probs + r * c.classes;
      correct += int(std::max_element(p, p + c.classes) - p) == set.labels[std::size_t(start + r)];
    }
  }
  return double(correct) / set.count;
}

void lenet_classify(const LenetModel& model, LenetRun& run, const float* images, int n,
                    float* probs, float* features) {
  const LenetConfig& c = model.config;
  const int pixels = c.side * c.side;
  for (int start = 0; start < n; start += run.batch) {
    int rows = std::min(run.batch, n - start);
    lenet_input_from_signed(run.input, images + std::size_t(start) * pixels, rows * pixels);
    lenet_forward(model, run, rows);
    if (probs) std::memcpy(probs + std::size_t(start) * c.classes, run.probs, sizeof(float) * rows * c.classes);
    if (features) std::memcpy(features + std::size_t(start) * c.fc2, run.h2, sizeof(float) * rows * c.fc2);
  }
}

Status lenet_session_save(const LenetSession& s, const std::string& path) {
  return checkpoint_save_file(path, lenet_arch(s.config), s.model.store, s.optim);
}

Status lenet_session_load(LenetSession& s, const std::string& path) {
  Status status = checkpoint_load_file(path, lenet_arch(s.config), s.model.store, s.optim);
  if (!status.ok()) return status;
  s.iteration = long(s.optim.step);
  s.loss.clear();
  s.good_iteration = -1;
  return status;
}

Status lenet_load_weights(LenetModel& model, const std::string& path) {
  // The optimizer kind is part of what a checkpoint must match; Adam, the default, is tried
  // first and its error reported if no kind fits.
  const OptimizerKind kinds[] = {OptimizerKind::Adam, OptimizerKind::Sgd, OptimizerKind::Momentum,
                                 OptimizerKind::Nesterov, OptimizerKind::RmsProp};
  std::vector<std::uint8_t> bytes;
  if (Status status = read_file(path, bytes, kMaxCheckpointBytes); !status.ok()) return status;
  Status adam;
  for (OptimizerKind kind : kinds) {
    OptimizerState state = optimizer_state_make(kind, model.store.layout.size());
    Status status = checkpoint_load(bytes, lenet_arch(model.config), model.store, state);
    if (status.ok()) return status;
    if (kind == OptimizerKind::Adam) adam = status;
  }
  return Status::failure("'%s': %s", path.c_str(), adam.error.c_str());
}

}  // namespace nn
