#include "train/nextword_session.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/checkpoint.h"

namespace nn {

namespace {

// dst = src, reallocating dst only when the sizes differ.
void assign_floats(FloatBuffer& dst, const FloatBuffer& src) {
  if (dst.size() != src.size()) dst = FloatBuffer(src.size());
  if (src.size() > 0) std::memcpy(dst.data(), src.data(), src.size() * sizeof(float));
}

Status check_learning_rate(double lr) {
  if (!(lr > 0.0) || !std::isfinite(lr))
    return Status::failure("the learning rate must be positive and finite, not %g", lr);
  return Status::success();
}

std::string format_loss(float loss) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", double(loss));
  return text;
}

void remember_good(NextWordSession& s) {
  assign_floats(s.good.params, s.model.params.value);
  assign_floats(s.good.moments, s.optim.moments);
  s.good.optimizer_step = s.optim.step;
  s.good.epoch = s.epoch;
}

// Back to the last good state, with the loss history cut to match and the activations redone,
// so that nothing on display comes from the diverged parameters.
void restore_good(NextWordSession& s) {
  assign_floats(s.model.params.value, s.good.params);
  assign_floats(s.optim.moments, s.good.moments);
  s.optim.step = s.good.optimizer_step;
  s.epoch = s.good.epoch;
  while (!s.loss.empty() && s.loss.steps.back() > float(s.epoch)) {
    s.loss.steps.pop_back();
    s.loss.values.pop_back();
  }
  nextword_session_evaluate(s);
}

Status diverged(NextWordSession& s, const std::string& what) {
  const OptimizerConfig& o = s.options.optimizer;
  Status failure = Status::failure(
      "training diverged at epoch %ld: %s. Rolled back to epoch %ld; try a learning rate lower "
      "than %g for %s.",
      s.epoch + 1, what.c_str(), s.good.epoch, o.lr, optimizer_name(o.kind));
  restore_good(s);
  return failure;
}

}  // namespace

float nextword_loss_limit(const NextWordConfig& config) {
  return 10.0f * std::log(float(config.vocab));
}

TrainOptions nextword_default_options() {
  TrainOptions options;
  options.optimizer.kind = OptimizerKind::Adam;
  options.optimizer.lr = 0.01;
  return options;
}

Status nextword_session_init(NextWordSession& s, const TrainOptions& options,
                             const NextWordConfig& config) {
  if (Status lr = check_learning_rate(options.optimizer.lr); !lr.ok()) return lr;
  if (config.hidden < 1 || config.hidden > kNextWordMaxHidden)
    return Status::failure("the hidden size must be between 1 and %d, not %d", kNextWordMaxHidden,
                           config.hidden);
  if (config.vocab != kSixSentencesVocab)
    return Status::failure("the six sentences have a vocabulary of %d words, not %d",
                           kSixSentencesVocab, config.vocab);
  s.options = options;
  s.model = nextword_create(config);
  Rng rng = rng_seeded(options.seed);
  nextword_init(s.model, rng);
  s.optim = optimizer_state_make(options.optimizer.kind, s.model.params.layout.size());
  s.epoch = 0;
  s.loss.clear();
  six_sentences_batch(s.inputs.data(), s.targets.data());
  remember_good(s);
  nextword_session_evaluate(s);  // so that the untrained model can be shown
  return Status::success();
}

Status nextword_session_step(NextWordSession& s) {
  NextWordModel& m = s.model;
  m.params.zero_grad();
  float loss = nextword_forward(m, s.inputs.data(), s.targets.data());
  nextword_backward(m);
  if (!std::isfinite(loss)) return diverged(s, "the loss is not finite");
  if (float limit = nextword_loss_limit(m.config); loss > limit)
    return diverged(s, "the loss " + format_loss(loss) + " is above " + format_loss(limit));
  if (!all_finite(m.params.grad)) return diverged(s, "a gradient is not finite");
  // These parameters passed: the state to come back to if the update below goes wrong.
  remember_good(s);
  if (!optimizer_step(s.options.optimizer, s.optim, m.params))
    return diverged(s, "an updated parameter is not finite");
  s.epoch++;
  s.loss.push(float(s.epoch), loss);
  return Status::success();
}

Status nextword_session_train(NextWordSession& s, long max_epochs, double budget_ms) {
  auto start = std::chrono::steady_clock::now();
  for (long e = 0; e < max_epochs; e++) {
    if (Status status = nextword_session_step(s); !status.ok()) return status;
    std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
    if (spent.count() >= budget_ms) break;
  }
  return Status::success();
}

float nextword_session_evaluate(NextWordSession& s) {
  return nextword_forward(s.model, s.inputs.data(), s.targets.data());
}

Status nextword_session_set_optimizer(NextWordSession& s, const OptimizerConfig& optimizer) {
  if (Status lr = check_learning_rate(optimizer.lr); !lr.ok()) return lr;
  if (optimizer.kind != s.optim.kind) {
    s.optim = optimizer_state_make(optimizer.kind, s.model.params.layout.size());
    remember_good(s);  // the old state's moments do not fit the new optimizer
  }
  s.options.optimizer = optimizer;
  return Status::success();
}

std::array<int, kNextWordSentences> nextword_session_predictions(const NextWordSession& s) {
  std::array<int, kNextWordSentences> words;
  for (int b = 0; b < kNextWordSentences; b++) words[b] = nextword_prediction(s.model, b);
  return words;
}

int nextword_session_correct(const NextWordSession& s) {
  std::array<int, kNextWordSentences> words = nextword_session_predictions(s);
  int correct = 0;
  for (int b = 0; b < kNextWordSentences; b++) correct += words[b] == s.targets[b];
  return correct;
}

void nextword_session_copy(NextWordSession& dst, const NextWordSession& src) {
  dst.options = src.options;
  nextword_copy(dst.model, src.model);
  dst.optim.kind = src.optim.kind;
  dst.optim.step = src.optim.step;
  assign_floats(dst.optim.moments, src.optim.moments);
  dst.epoch = src.epoch;
  dst.loss = src.loss;
  dst.inputs = src.inputs;
  dst.targets = src.targets;
  assign_floats(dst.good.params, src.good.params);
  assign_floats(dst.good.moments, src.good.moments);
  dst.good.optimizer_step = src.good.optimizer_step;
  dst.good.epoch = src.good.epoch;
}

std::vector<std::uint8_t> nextword_session_save(const NextWordSession& s) {
  return checkpoint_save(nextword_arch(s.model.config), s.model.params, s.optim);
}

Status nextword_session_load(NextWordSession& s, std::span<const std::uint8_t> bytes) {
  // Into scratch buffers first, so that the session changes only once the load succeeded.
  ParamStore params(s.model.params.layout);
  OptimizerState optim = optimizer_state_make(s.optim.kind, params.layout.size());
  if (Status st = checkpoint_load(bytes, nextword_arch(s.model.config), params, optim); !st.ok())
    return st;
  assign_floats(s.model.params.value, params.value);
  assign_floats(s.optim.moments, optim.moments);
  s.optim.step = optim.step;
  // One update per epoch: the optimizer's step count is the epoch count, unless the optimizer
  // was switched during the run that saved it (a new optimizer counts from zero).
  s.epoch = long(optim.step);
  s.loss.clear();
  remember_good(s);
  nextword_session_evaluate(s);
  return Status::success();
}

SavedRun nextword_session_saved_run(const NextWordSession& s) {
  SavedRun run;
  saved_run_put_options(run, s.options);
  saved_run_set(run, "step", double(s.epoch));
  run.metrics.emplace_back("loss", s.loss);
  run.checkpoint = nextword_session_save(s);
  return run;
}

Status nextword_session_resume(NextWordSession& s, const SavedRun& run) {
  long epoch = 0;
  if (Status status = saved_run_get(run, "step", epoch); !status.ok()) return status;
  if (epoch < 0) return Status::failure("the saved run's epoch is negative (%ld)", epoch);
  if (Status status = nextword_session_load(s, run.checkpoint); !status.ok()) return status;
  s.epoch = epoch;  // the checkpoint's step count differs when the optimizer was switched
  s.good.epoch = epoch;
  if (const MetricSeries* loss = saved_run_metric(run, "loss")) {
    s.loss = *loss;
    while (!s.loss.empty() && s.loss.steps.back() > float(epoch)) {
      s.loss.steps.pop_back();
      s.loss.values.pop_back();
    }
  }
  return Status::success();
}

}  // namespace nn
