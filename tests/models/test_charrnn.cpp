// char-RNN: the whole model's gradient against finite differences for every cell, the gathered
// one-hot input against a dense one-hot layer, and the session's behaviour: it learns a pattern,
// samples it back, resumes bit-exactly from a checkpoint, refuses foreign checkpoints and rolls
// back when training diverges.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/ops/cell.h"
#include "core/ops/linear.h"
#include "core/ops/loss.h"
#include "core/thread_pool.h"
#include "models/charrnn.h"
#include "testing.h"
#include "train/charrnn_session.h"

using namespace nn_test;

namespace {

// Learning a periodic text: small enough for a few hundred steps, and after 'b' the next
// character is 'c' or 'd' depending on what came before, so the model must remember.
constexpr const char* kPattern = "abcbd";
constexpr int kPatternRepeats = 100;
constexpr int kLearnSteps = 300;
// Only a window's first character can be unpredictable ('b' then 'c' or 'd': at most one bit),
// so the floor is about 1 bit / seq; this bound leaves room for imperfect training and no more.
constexpr float kLearnedBpc = 0.15f;

std::string repeat(const std::string& unit, int times) {
  std::string s;
  for (int i = 0; i < times; i++) s += unit;
  return s;
}

nn::CharRnnConfig small_config(nn::CellKind cell) {
  nn::CharRnnConfig config;
  config.cell = cell;
  config.hidden = 16;
  config.seq = 16;
  config.batch = 8;
  return config;
}

nn::TrainOptions options_with_lr(double lr) {
  nn::TrainOptions options = nn::charrnn_default_options();
  options.optimizer.lr = lr;
  return options;
}

void init_session(nn::CharRnnSession& session, nn::CellKind cell, const std::string& text,
                  double lr = 1e-2) {
  REQUIRE(
      nn::charrnn_session_init(session, small_config(cell), corpus_of(text), options_with_lr(lr))
          .ok());
}

std::vector<float> params_of(const nn::CharRnnSession& session) {
  const nn::FloatBuffer& v = session.model.params.value;
  return std::vector<float>(v.data(), v.data() + v.size());
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::string temp_path(const char* name) {
  char dir[] = "/tmp/nnlab_charrnn_XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return std::string(dir) + "/" + name;
}

void remove_temp(const std::string& path) {
  std::remove(path.c_str());
  rmdir(path.substr(0, path.rfind('/')).c_str());
}

// A random batch of tokens (T, B) for a model with vocabulary V.
void random_tokens(Rng& rng, int n, int V, std::vector<int>& inputs, std::vector<int>& targets) {
  inputs.resize(n);
  targets.resize(n);
  for (int i = 0; i < n; i++) {
    inputs[i] = int(rng.next() % V);
    targets[i] = int(rng.next() % V);
  }
}

// A model straight from charrnn_init (weights from init_seed), its activations and a random batch
// of tokens (from rng): what the tests below run forward and backward.
struct ModelAndBatch {
  nn::CharRnnConfig config;
  nn::CharRnnModel model;
  nn::CharRnnActs acts;
  std::vector<int> inputs, targets;
  float forward() {
    return nn::charrnn_forward(model, acts, inputs.data(), targets.data(), config.batch, config.seq);
  }
};

void model_and_batch_init(ModelAndBatch& m, nn::CellKind cell, int layers, int hidden, int vocab, int seq,
                          int batch, std::uint64_t init_seed, Rng& rng) {
  m.config.cell = cell;
  m.config.layers = layers;
  m.config.hidden = hidden;
  m.config.vocab = vocab;
  m.config.seq = seq;
  m.config.batch = batch;
  nn::Rng init = nn::rng_seeded(init_seed);
  nn::charrnn_init(m.model, m.config, init);
  nn::charrnn_acts_init(m.acts, m.config);
  random_tokens(rng, seq * batch, vocab, m.inputs, m.targets);
}

void check_model_gradient(nn::CellKind cell) {
  Rng rng{11};
  ModelAndBatch m;
  model_and_batch_init(m, cell, 2, 4, 5, 3, 2, 7, rng);
  auto& params = m.model.params;
  // Weights a little larger than PyTorch's initial ones, so that no gate is near-linear.
  for (size_t i = 0; i < params.value.size(); i++)
    if (params.value[i] != 0.0f) params.value[i] = rng.uniform(-1.0f, 1.0f);

  auto loss = [&] { return double(m.forward()); };
  params.zero_grad();
  loss();
  nn::charrnn_backward(m.model, m.acts);
  check_gradient((std::string(nn::cell_name(cell)) + " all parameters").c_str(), params.value.data(),
                 params.grad.data(), params.value.size(), loss);
}

// Layer 0 through ops/cell.h on dense one-hot vectors with W_ih = the model's table transposed,
// then the same head and loss: the reference the gather must reproduce, forward and backward.
template <class Cell>
void check_gather_equals_dense(nn::CellKind kind) {
  Rng rng{5};
  ModelAndBatch m;
  model_and_batch_init(m, kind, 1, 5, 7, 4, 3, 3, rng);
  const nn::CharRnnConfig& config = m.config;
  nn::CharRnnModel& model = m.model;
  nn::CharRnnActs& acts = m.acts;
  const std::vector<int>& inputs = m.inputs, &targets = m.targets;
  const int T = config.seq, B = config.batch, H = config.hidden, V = config.vocab;
  const int N = T * B, G = Cell::kGates * H;
  model.params.zero_grad();
  float loss = m.forward();
  nn::charrnn_backward(model, acts);

  const nn::CharRnnLayer& layer = model.layers[0];
  std::vector<float> onehot(size_t(N) * V), w_ih(size_t(G) * V);
  for (int n = 0; n < N; n++) onehot[size_t(n) * V + inputs[n]] = 1.0f;
  for (int v = 0; v < V; v++)
    for (int g = 0; g < G; g++) w_ih[size_t(g) * V + v] = layer.w_ih[size_t(v) * G + g];
  std::vector<float> cache_mem(Cell::cache_floats(T, B, H)), scratch(Cell::scratch_floats(T, B, H));
  std::vector<float> logits(size_t(N) * V), dlogits(logits.size()), dh(size_t(N) * H);
  std::vector<float> dw_ih(w_ih.size()), dw_hh(size_t(G) * H), db_ih(G), db_hh(G);
  std::vector<float> dhead_w(size_t(V) * H), dhead_b(V);
  typename Cell::Params p{w_ih.data(), layer.w_hh, layer.b_ih, layer.b_hh};
  typename Cell::Params dp{dw_ih.data(), dw_hh.data(), db_ih.data(), db_hh.data()};
  typename Cell::Cache cache = Cell::cache(cache_mem.data(), T, B, H);
  Cell::forward(cache, p, onehot.data(), nullptr, nullptr, T, B, V, H);
  const float* h = cache.h + B * H;
  nn::linear_forward(logits.data(), model.head, h, N, H, V);
  float dense_loss =
      nn::cross_entropy_loss(dlogits.data(), nullptr, logits.data(), targets.data(), N, V);
  nn::linear_backward(dh.data(), {dhead_w.data(), dhead_b.data()}, dlogits.data(), model.head, h, N,
                      H, V);
  Cell::backward({nullptr, nullptr, nullptr}, dp, {dh.data(), nullptr, nullptr}, scratch.data(),
                 cache, p, onehot.data(), T, B, V, H);

  // The same products summed in another order: agreement to float rounding.
  constexpr double kAtol = 1e-6, kRtol = 1e-5;
  check_close("loss", &loss, &dense_loss, 1, kAtol, kRtol);
  check_close("hidden states", nn::charrnn_hidden_states(model, acts, 0), h, size_t(N) * H, kAtol,
              kRtol);
  std::vector<float> dtable(w_ih.size());
  for (int v = 0; v < V; v++)
    for (int g = 0; g < G; g++) dtable[size_t(v) * G + g] = dw_ih[size_t(g) * V + v];
  const nn::CharRnnLayer& grad = model.layer_grads[0];
  check_close("dW_ih (transposed)", grad.w_ih, dtable.data(), dtable.size(), kAtol, kRtol);
  check_close("dW_hh", grad.w_hh, dw_hh.data(), dw_hh.size(), kAtol, kRtol);
  check_close("db_ih", grad.b_ih, db_ih.data(), db_ih.size(), kAtol, kRtol);
  check_close("db_hh", grad.b_hh, db_hh.data(), db_hh.size(), kAtol, kRtol);
  check_close("dhead_w", model.head_grad.w, dhead_w.data(), dhead_w.size(), kAtol, kRtol);
}

// Loss and gradients of one forward and backward of a 2-layer model large enough that its
// recurrences split over the threads (uneven shares: 24 sequences in blocks of 8), on `threads`.
struct StepResult {
  float loss;
  std::vector<float> grad;
};

StepResult step_on_threads(nn::CellKind cell, int threads) {
  Rng rng{13};
  ModelAndBatch m;
  model_and_batch_init(m, cell, 2, 32, 11, 16, 24, 9, rng);
  nn::set_num_threads(threads);
  m.model.params.zero_grad();
  StepResult result;
  result.loss = m.forward();
  nn::charrnn_backward(m.model, m.acts);
  nn::set_num_threads(1);
  const nn::FloatBuffer& g = m.model.params.grad;
  result.grad.assign(g.data(), g.data() + g.size());
  return result;
}

}  // namespace

TEST_CASE("charrnn: gradient of every parameter matches finite differences") {
  SUBCASE("rnn") { check_model_gradient(nn::CellKind::Rnn); }
  SUBCASE("gru") { check_model_gradient(nn::CellKind::Gru); }
  SUBCASE("lstm") { check_model_gradient(nn::CellKind::Lstm); }
}

TEST_CASE("charrnn: the gathered one-hot input equals a dense one-hot layer") {
  SUBCASE("rnn") { check_gather_equals_dense<nn::RnnCell>(nn::CellKind::Rnn); }
  SUBCASE("gru") { check_gather_equals_dense<nn::GruCell>(nn::CellKind::Gru); }
  SUBCASE("lstm") { check_gather_equals_dense<nn::LstmCell>(nn::CellKind::Lstm); }
}

// The recurrences run each share of the sequences on a thread of its own, the one-hot input gathered
// there step by step; every sum is taken in the same order whatever the split.
TEST_CASE("charrnn: a step on 2 and 3 threads gives 1 thread's loss and gradients bit for bit") {
  for (nn::CellKind cell : {nn::CellKind::Rnn, nn::CellKind::Gru, nn::CellKind::Lstm}) {
    CAPTURE(nn::cell_name(cell));
    const StepResult one = step_on_threads(cell, 1);
    bool nonzero = false;
    for (float g : one.grad) nonzero |= g != 0.0f;
    REQUIRE(nonzero);
    for (int threads : {2, 3}) {
      CAPTURE(threads);
      const StepResult many = step_on_threads(cell, threads);
      CHECK(std::memcmp(&many.loss, &one.loss, sizeof(float)) == 0);
      CHECK(same_bits(many.grad, one.grad));
    }
  }
}

TEST_CASE("charrnn: learns a periodic text and samples it back") {
  nn::CharRnnSession session;
  init_session(session, nn::CellKind::Lstm, repeat(kPattern, kPatternRepeats));
  const float before = nn::charrnn_session_validate(session);
  for (int i = 0; i < kLearnSteps; i++) REQUIRE(nn::charrnn_session_step(session).ok());
  const float after = nn::charrnn_session_validate(session);
  INFO("validation bits/char " << before << " -> " << after);
  CHECK(after < kLearnedBpc);
  CHECK(session.train_bpc.values.size() == size_t(kLearnSteps));
  CHECK(session.val_bpc.values.size() == 2);

  nn::CharRnnSampler sampler;
  nn::charrnn_sampler_init(sampler, session.config);
  std::vector<int> prime;
  REQUIRE(nn::charrnn_session_tokens(session, "abcb", prime).ok());
  nn::charrnn_sample_reset(sampler, session.model, prime.data(), int(prime.size()));
  const float* probs = nn::charrnn_next_distribution(sampler, session.model, 1.0f);
  double total = 0.0;
  for (int v = 0; v < session.config.vocab; v++) total += probs[v];
  CHECK(total == doctest::Approx(1.0).epsilon(1e-5));
  // A draw leaves the distribution it came from in sampler.probs (the lab shows it on hover).
  const std::vector<float> expected(probs, probs + session.config.vocab);
  nn::Rng draw_rng = nn::rng_seeded(2);
  nn::charrnn_sample_next(sampler, session.model, 1.0f, draw_rng);
  CHECK(std::vector<float>(sampler.probs, sampler.probs + session.config.vocab) == expected);
  nn::charrnn_sample_reset(sampler, session.model, prime.data(), int(prime.size()));
  nn::Rng rng = nn::rng_seeded(1);
  std::string text;
  for (int i = 0; i < 20; i++)
    text += nn::corpus_char_utf8(session.corpus,
                                 nn::charrnn_sample_next(sampler, session.model, 0.0f, rng));
  CHECK(text == "dabcbdabcbdabcbdabcb");

  // Without priming text the first character comes from a zero input; the rest follow the pattern.
  nn::charrnn_sample_reset(sampler, session.model, nullptr, 0);
  text.clear();
  for (int i = 0; i < 12; i++)
    text += nn::corpus_char_utf8(session.corpus,
                                 nn::charrnn_sample_next(sampler, session.model, 0.0f, rng));
  INFO("unprimed sample " << text);
  CHECK(repeat(kPattern, 4).find(text.substr(2)) != std::string::npos);
}

TEST_CASE("charrnn: a checkpoint resumes training bit for bit") {
  const std::string text = repeat(kPattern, kPatternRepeats);
  const std::string path = temp_path("charrnn.ckpt");
  nn::CharRnnSession first, second;
  init_session(first, nn::CellKind::Gru, text);
  for (int i = 0; i < 5; i++) REQUIRE(nn::charrnn_session_step(first).ok());
  REQUIRE(nn::charrnn_session_save(first, path).ok());
  for (int i = 0; i < 5; i++) REQUIRE(nn::charrnn_session_step(first).ok());

  init_session(second, nn::CellKind::Gru, text);
  REQUIRE(nn::charrnn_session_load(second, path).ok());
  CHECK(second.step == 5);
  for (int i = 0; i < 5; i++) REQUIRE(nn::charrnn_session_step(second).ok());
  CHECK(second.step == first.step);
  CHECK(same_bits(params_of(second), params_of(first)));
  CHECK(second.train_bpc.last() == first.train_bpc.last());
  remove_temp(path);
}

TEST_CASE("charrnn: a checkpoint of another vocabulary or cell is refused") {
  const std::string path = temp_path("charrnn.ckpt");
  nn::CharRnnSession saved;
  init_session(saved, nn::CellKind::Lstm, repeat(kPattern, kPatternRepeats));
  REQUIRE(nn::charrnn_session_save(saved, path).ok());

  nn::CharRnnSession other;
  SUBCASE("same number of characters, different characters") {
    init_session(other, nn::CellKind::Lstm, repeat("abcbe", kPatternRepeats));
  }
  SUBCASE("another cell") {
    init_session(other, nn::CellKind::Gru, repeat(kPattern, kPatternRepeats));
  }
  REQUIRE(nn::charrnn_session_step(other).ok());
  const std::vector<float> before = params_of(other);
  nn::Status status = nn::charrnn_session_load(other, path);
  INFO(status.error);
  CHECK_FALSE(status.ok());
  CHECK(status.error.find("different model") != std::string::npos);
  CHECK(same_bits(params_of(other), before));
  CHECK(other.step == 1);
  remove_temp(path);
}

TEST_CASE("charrnn: divergence is detected and rolled back") {
  nn::CharRnnSession session;
  init_session(session, nn::CellKind::Lstm, repeat(kPattern, kPatternRepeats), 1e38);
  nn::Status status;
  int steps = 0;
  while (status.ok() && steps < 10) status = nn::charrnn_session_step(session), steps++;
  INFO(status.error);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error.find("Lower the learning rate") != std::string::npos);
  CHECK(session.step == 0);  // the last snapshot: the initial weights
  CHECK(session.optim.step == 0);
  CHECK(session.train_bpc.empty());
  const std::vector<float> params = params_of(session);
  for (float w : params) REQUIRE(std::isfinite(w));
  // With a sane learning rate the same session trains on.
  session.options.optimizer.lr = 1e-2;
  CHECK(nn::charrnn_session_step(session).ok());
}

TEST_CASE("charrnn: settings out of range are refused with a message") {
  nn::CharRnnConfig config = small_config(nn::CellKind::Gru);
  config.vocab = 5;
  CHECK(nn::charrnn_config_check(config).ok());
  config.layers = nn::kCharRnnMaxLayers + 1;
  nn::Status status = nn::charrnn_config_check(config);
  CHECK(status.error.find("layers") != std::string::npos);
  config.layers = 1;
  config.seq = 0;
  status = nn::charrnn_config_check(config);
  CHECK(status.error.find("sequence length") != std::string::npos);
}

TEST_CASE("charrnn: a text too short for one window is refused with a message") {
  nn::CharRnnSession session;
  nn::Status status =
      nn::charrnn_session_init(session, small_config(nn::CellKind::Lstm),
                               corpus_of(repeat(kPattern, 10)), nn::charrnn_default_options());
  INFO(status.error);
  CHECK_FALSE(status.ok());
  CHECK(status.error.find("too short") != std::string::npos);
  CHECK(session.model.params.value.size() == 0);
}

TEST_CASE("charrnn: a saved run resumes the configuration, the step and both curves") {
  const std::string text = repeat(kPattern, kPatternRepeats);
  nn::CharRnnSession first;
  init_session(first, nn::CellKind::Gru, text, 5e-3);
  for (int i = 0; i < 6; i++) REQUIRE(nn::charrnn_session_step(first).ok());
  nn::charrnn_session_validate(first);
  nn::SavedRun run;
  REQUIRE(nn::saved_run_decode(nn::saved_run_encode(nn::charrnn_session_saved_run(first)), run).ok());

  nn::CharRnnConfig config;  // the defaults: every size must come from the run
  nn::TrainOptions options = nn::charrnn_default_options();
  REQUIRE(nn::charrnn_saved_config(run, config).ok());
  REQUIRE(nn::saved_run_get_options(run, options).ok());
  CHECK(config.cell == nn::CellKind::Gru);
  CHECK(config.hidden == 16);
  CHECK(options.optimizer.lr == 5e-3);
  nn::CharRnnSession second;
  REQUIRE(nn::charrnn_session_init(second, config, corpus_of(text), options).ok());
  nn::Status status = nn::charrnn_session_resume(second, run);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(second.step == 6);
  CHECK(second.train_bpc.values == first.train_bpc.values);
  CHECK(second.val_bpc.values == first.val_bpc.values);
  for (int i = 0; i < 4; i++) REQUIRE(nn::charrnn_session_step(first).ok());
  for (int i = 0; i < 4; i++) REQUIRE(nn::charrnn_session_step(second).ok());
  CHECK(same_bits(params_of(second), params_of(first)));
}

TEST_CASE("charrnn: a checkpoint holding non-finite weights is refused") {
  const std::string text = repeat(kPattern, kPatternRepeats);
  nn::CharRnnSession diverged, target;
  init_session(diverged, nn::CellKind::Lstm, text);
  init_session(target, nn::CellKind::Lstm, text);
  REQUIRE(nn::charrnn_session_step(target).ok());
  diverged.model.params.value[3] = NAN;
  const std::vector<float> before = params_of(target);
  nn::Status status = nn::charrnn_session_load(target, nn::charrnn_session_save(diverged));
  CHECK(status.error.find("not finite") != std::string::npos);
  CHECK(same_bits(params_of(target), before));
  CHECK(target.step == 1);
}
