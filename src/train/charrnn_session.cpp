#include "train/charrnn_session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <span>
#include <utility>

#include "core/checkpoint.h"
#include "core/clip.h"
#include "core/rng.h"

namespace nn {

namespace {

constexpr double kLn2 = 0.69314718055994530942;
// The validation positions' own seed: independent of the training seed by design.
constexpr std::uint64_t kValidationSeed = 0x76616c6964ull;  // "valid"
// Stream 0 of the run's seed draws the initial weights; step k's windows use stream 1 + k.
constexpr std::uint64_t kInitStream = 0;

// The vocabulary's characters, so that a checkpoint of another text is refused, written out
// readably for the error message that says so: control characters and the backslash escaped.
std::string vocabulary_text(const TextCorpus& corpus) {
  std::string text;
  for (size_t token = 0; token < corpus.vocabulary.size(); token++) {
    const std::uint32_t cp = corpus.vocabulary[token];
    char escaped[8];
    if (cp == '\n') {
      text += "\\n";
    } else if (cp == '\\') {
      text += "\\\\";
    } else if (cp < 0x20 || cp == 0x7f) {
      std::snprintf(escaped, sizeof escaped, "\\x%02x", unsigned(cp));
      text += escaped;
    } else {
      text += corpus_char_utf8(corpus, int(token));
    }
  }
  return text;
}

ModelArch charrnn_arch(const CharRnnSession& session) {
  const CharRnnConfig& c = session.config;
  return {"charrnn",
          {{"cell", cell_name(c.cell)},
           {"layers", std::to_string(c.layers)},
           {"hidden", std::to_string(c.hidden)},
           {"vocab", std::to_string(c.vocab)},
           {"vocabulary", vocabulary_text(session.corpus)}}};
}

// Window b of the batch (T+1 characters from `start`) as column b of inputs and targets (T, B).
void fill_window(const TextCorpus& corpus, size_t start, int b, int B, int T, int* inputs,
                 int* targets) {
  for (int t = 0; t < T; t++) {
    inputs[t * B + b] = corpus.tokens[start + t];
    targets[t * B + b] = corpus.tokens[start + t + 1];
  }
}

size_t moments_floats(const CharRnnSession& s) {
  return size_t(optimizer_state_slots(s.optim.kind)) * s.model.params.layout.size();
}

void take_snapshot(CharRnnSession& s) {
  std::memcpy(s.snapshot_params.data(), s.model.params.value.data(),
              sizeof(float) * s.model.params.layout.size());
  std::memcpy(s.snapshot_moments.data(), s.optim.moments.data(), sizeof(float) * moments_floats(s));
  s.snapshot_step = s.step;
}

void drop_after(MetricSeries& series, std::int64_t step) {
  while (!series.empty() && series.steps.back() > float(step)) {
    series.steps.pop_back();
    series.values.pop_back();
  }
}

Status roll_back(CharRnnSession& s, const char* what) {
  const std::int64_t diverged_at = s.step + 1;
  std::memcpy(s.model.params.value.data(), s.snapshot_params.data(),
              sizeof(float) * s.model.params.layout.size());
  std::memcpy(s.optim.moments.data(), s.snapshot_moments.data(), sizeof(float) * moments_floats(s));
  s.step = s.optim.step = s.snapshot_step;
  drop_after(s.train_bpc, s.step);
  drop_after(s.val_bpc, s.step);
  return Status::failure(
      "training diverged at step %lld (%s); rolled back to step %lld. Lower the learning rate "
      "(now %g) and go on.",
      (long long)diverged_at, what, (long long)s.step, s.options.optimizer.lr);
}

}  // namespace

float charrnn_loss_limit(const CharRnnConfig& config) { return 10.0f * std::log(float(config.vocab)); }

TrainOptions charrnn_default_options() {
  TrainOptions options;
  options.optimizer.kind = OptimizerKind::Adam;
  options.optimizer.lr = 2e-3;
  return options;
}

Status charrnn_session_init(CharRnnSession& session, const CharRnnConfig& config, TextCorpus corpus,
                            const TrainOptions& options) {
  CharRnnConfig c = config;
  c.vocab = int(corpus.vocabulary.size());
  if (Status status = charrnn_config_check(c); !status.ok()) return status;
  // A window is seq inputs plus the target after the last one.
  const size_t window = size_t(c.seq) + 1;
  const size_t train = corpus.train_size, validation = corpus.tokens.size() - corpus.train_size;
  if (train < window || validation < window)
    return Status::failure(
        "the text is too short for windows of %d characters: its training part has %zu "
        "characters and its validation part %zu, each needs at least %zu (use a longer text or "
        "a shorter sequence)",
        c.seq, train, validation, window);

  session.corpus = std::move(corpus);
  session.config = c;
  session.options = options;
  Rng init_rng = rng_seeded(options.seed, kInitStream);
  charrnn_init(session.model, c, init_rng);
  charrnn_acts_init(session.acts, c);
  session.optim = optimizer_state_make(options.optimizer.kind, session.model.params.layout.size());
  session.step = 0;
  session.train_bpc.clear();
  session.val_bpc.clear();
  session.inputs.assign(size_t(c.seq) * c.batch, 0);
  session.targets.assign(size_t(c.seq) * c.batch, 0);

  Rng validation_rng = rng_seeded(kValidationSeed);
  session.validation_starts.resize(kCharRnnValidationWindows);
  for (std::uint32_t& start : session.validation_starts)
    start = std::uint32_t(session.corpus.train_size +
                          rng_below(validation_rng, std::uint32_t(validation - window + 1)));

  session.snapshot_params = FloatBuffer(session.model.params.layout.size());
  session.snapshot_moments = FloatBuffer(moments_floats(session));
  take_snapshot(session);
  return Status::success();
}

Status charrnn_session_step(CharRnnSession& s) {
  const int B = s.config.batch, T = s.config.seq;
  Rng rng = rng_seeded(s.options.seed, kInitStream + 1 + std::uint64_t(s.step));
  const auto starts = std::uint32_t(s.corpus.train_size - T);  // window starts in [0, train - T)
  for (int b = 0; b < B; b++)
    fill_window(s.corpus, rng_below(rng, starts), b, B, T, s.inputs.data(), s.targets.data());

  ParamStore& params = s.model.params;
  const size_t n = params.layout.size();
  params.zero_grad();
  float loss = charrnn_forward(s.model, s.acts, s.inputs.data(), s.targets.data(), B, T);
  if (!std::isfinite(loss)) return roll_back(s, "the loss is not finite");
  if (loss > charrnn_loss_limit(s.config)) return roll_back(s, "the loss is ten times that of a uniform guess");
  // These weights gave a finite loss: a fair point to come back to.
  if (s.step % kCharRnnSnapshotInterval == 0) take_snapshot(s);
  charrnn_backward(s.model, s.acts);
  float norm = clip_grad_norm(params.grad.data(), n, kCharRnnClipNorm);
  if (!std::isfinite(norm)) return roll_back(s, "the gradient is not finite");
  if (!optimizer_step(s.options.optimizer, s.optim, params)) return roll_back(s, "the weights are not finite");
  s.step++;
  s.train_bpc.push(float(s.step), float(loss / kLn2));
  return Status::success();
}

float charrnn_session_validate(CharRnnSession& s) {
  const int B = s.config.batch, T = s.config.seq;
  const int windows = int(s.validation_starts.size());
  // In batches of at most B windows, the shape the activations were sized for.
  double nats = 0.0;
  for (int first = 0; first < windows; first += B) {
    const int count = std::min(B, windows - first);
    for (int b = 0; b < count; b++)
      fill_window(s.corpus, s.validation_starts[first + b], b, count, T, s.inputs.data(),
                  s.targets.data());
    nats += double(charrnn_forward(s.model, s.acts, s.inputs.data(), s.targets.data(), count, T)) *
            count;
  }
  const float bpc = float(nats / windows / kLn2);
  s.val_bpc.push(float(s.step), bpc);
  return bpc;
}

Status charrnn_session_save(const CharRnnSession& session, const std::string& path) {
  return checkpoint_save_file(path, charrnn_arch(session), session.model.params, session.optim);
}

std::vector<std::uint8_t> charrnn_session_save(const CharRnnSession& session) {
  return checkpoint_save(charrnn_arch(session), session.model.params, session.optim);
}

namespace {

void resume_after_load(CharRnnSession& session) {
  session.step = session.optim.step;
  session.train_bpc.clear();
  session.val_bpc.clear();
  take_snapshot(session);
}

// A checkpoint read into copies (checkpoint_load vouches for its format) becomes the session's
// only if its values are finite too.
Status adopt_loaded(CharRnnSession& session, const ParamStore& params, const OptimizerState& optim) {
  if (!all_finite(params.value) || !all_finite(optim.moments))
    return Status::failure("the checkpoint holds values that are not finite (saved from a run that diverged?)");
  std::memcpy(session.model.params.value.data(), params.value.data(), sizeof(float) * params.value.size());
  if (optim.moments.size() > 0)
    std::memcpy(session.optim.moments.data(), optim.moments.data(), sizeof(float) * optim.moments.size());
  session.optim.step = optim.step;
  resume_after_load(session);
  return Status::success();
}

}  // namespace

Status charrnn_session_load(CharRnnSession& session, const std::string& path) {
  ParamStore params(session.model.params.layout);
  OptimizerState optim = optimizer_state_make(session.optim.kind, params.layout.size());
  Status status = checkpoint_load_file(path, charrnn_arch(session), params, optim);
  if (status.ok()) status = adopt_loaded(session, params, optim);
  return status;
}

Status charrnn_session_load(CharRnnSession& session, std::span<const std::uint8_t> bytes) {
  ParamStore params(session.model.params.layout);
  OptimizerState optim = optimizer_state_make(session.optim.kind, params.layout.size());
  Status status = checkpoint_load(bytes, charrnn_arch(session), params, optim);
  if (status.ok()) status = adopt_loaded(session, params, optim);
  return status;
}

SavedRun charrnn_session_saved_run(const CharRnnSession& session) {
  const CharRnnConfig& c = session.config;
  SavedRun run;
  saved_run_put_options(run, session.options);
  saved_run_set(run, "cell", cell_name(c.cell));
  saved_run_set(run, "layers", double(c.layers));
  saved_run_set(run, "hidden", double(c.hidden));
  saved_run_set(run, "seq", double(c.seq));
  saved_run_set(run, "batch", double(c.batch));
  saved_run_set(run, "step", double(session.step));
  run.metrics.emplace_back("train_bpc", session.train_bpc);
  run.metrics.emplace_back("val_bpc", session.val_bpc);
  run.checkpoint = charrnn_session_save(session);
  return run;
}

Status charrnn_saved_config(const SavedRun& run, CharRnnConfig& config) {
  CharRnnConfig read = config;
  std::string cell;
  long layers = 0, hidden = 0, seq = 0, batch = 0;
  for (Status status : {saved_run_get(run, "cell", cell), saved_run_get(run, "layers", layers),
                        saved_run_get(run, "hidden", hidden), saved_run_get(run, "seq", seq),
                        saved_run_get(run, "batch", batch)})
    if (!status.ok()) return status;
  if (!cell_kind_from_name(cell, read.cell)) return Status::failure("the saved run names an unknown cell '%s'", cell.c_str());
  // Out-of-range sizes are charrnn_session_init's to refuse; here they only must fit an int.
  for (long v : {layers, hidden, seq, batch})
    if (v < 1 || v > 1 << 20) return Status::failure("the saved run's sizes are out of range");
  read.layers = int(layers);
  read.hidden = int(hidden);
  read.seq = int(seq);
  read.batch = int(batch);
  config = read;
  return Status::success();
}

Status charrnn_session_resume(CharRnnSession& session, const SavedRun& run) {
  if (Status status = charrnn_session_load(session, run.checkpoint); !status.ok()) return status;
  for (auto [name, series] : {std::pair{"train_bpc", &session.train_bpc}, std::pair{"val_bpc", &session.val_bpc}})
    if (const MetricSeries* saved = saved_run_metric(run, name)) {
      *series = *saved;
      drop_after(*series, session.step);
    }
  return Status::success();
}

Status charrnn_session_tokens(const CharRnnSession& session, std::string_view text,
                              std::vector<int>& tokens) {
  tokens.clear();
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()),
                                      text.size());
  for (size_t pos = 0; pos < bytes.size();) {
    std::uint32_t code_point = 0;
    int length = utf8_decode(bytes, pos, code_point);
    if (length == 0) return Status::failure("the text is not valid UTF-8 at byte %zu", pos);
    int token = corpus_token(session.corpus, code_point);
    if (token < 0)
      return Status::failure("'%.*s' does not occur in the training text", length,
                             text.data() + pos);
    tokens.push_back(token);
    pos += size_t(length);
  }
  return Status::success();
}

}  // namespace nn
