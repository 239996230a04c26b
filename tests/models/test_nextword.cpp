// The next-word model: backward against finite differences for every parameter, prediction of any
// two words against the batch forward, and the heatmap accessors against the LSTM's equations.
#include <cmath>
#include <string>
#include <vector>

#include "models/nextword.h"
#include "testing.h"

using namespace nn_test;

namespace {

// The loss is a float near 2, so each evaluation of it carries a rounding error near 2e-7, which a
// central difference over 2·kFdEps turns into 1e-5 in the gradient (the worst seen). The
// gradients of a mean over six sentences are small, around 1e-2, so the project's kFdAbsTol of
// 1e-3 would let a gradient be off by a tenth; 2e-4 keeps a margin over the noise and no more.
constexpr double kGradAbsTol = 2e-4;

// The model with weights U(-1, 1): larger than PyTorch's init, so that gradients are O(0.1) and a
// wrong term stands out, yet the gates stay away from saturation.
struct RandomModel {
  nn::NextWordModel model = nn::nextword_create({});
  float x[nn::kNextWordSteps * nn::kNextWordSentences * nn::kSixSentencesVocab];
  int targets[nn::kNextWordSentences];

  explicit RandomModel(std::uint64_t seed) {
    Rng rng{seed};
    for (const nn::TensorSpec& t : model.params.layout.tensors())
      for (std::size_t i = 0; i < t.count; i++) model.params.value[t.offset + i] = rng.uniform(-1, 1);
    nn::six_sentences_batch(x, targets);
  }
  double loss() { return nn::nextword_forward(model, x, targets); }
};

// Every c and h of a forward recomputed from its gates: c = f*c_prev + i*g, h = o*tanh(c).
void check_signals_obey_lstm(const nn::NextWordActivations& acts, const nn::NextWordConfig& config) {
  using nn::LstmSignal;
  const int H = config.hidden;
  for (int b = 0; b < acts.B; b++) {
    std::vector<float> c_prev(H, 0.0f);
    for (int t = 0; t < nn::kNextWordSteps; t++) {
      auto signal = [&](LstmSignal s) { return nn::nextword_signal(acts, config, s, t, b); };
      const float *i = signal(LstmSignal::InputGate), *f = signal(LstmSignal::ForgetGate),
                  *g = signal(LstmSignal::Candidate), *o = signal(LstmSignal::OutputGate),
                  *c = signal(LstmSignal::Cell), *h = signal(LstmSignal::Hidden);
      std::vector<float> want_c(H), want_h(H);
      for (int k = 0; k < H; k++) {
        want_c[k] = f[k] * c_prev[k] + i[k] * g[k];
        want_h[k] = o[k] * std::tanh(want_c[k]);
      }
      check_close("c", c, want_c.data(), H, 1e-6, 1e-5);
      check_close("h", h, want_h.data(), H, 1e-6, 1e-5);
      c_prev.assign(c, c + H);
    }
  }
}

}  // namespace

TEST_CASE("nextword backward matches finite differences") {
  RandomModel f(7);
  f.model.params.zero_grad();
  f.loss();
  nn::nextword_backward(f.model);
  for (const nn::TensorSpec& t : f.model.params.layout.tensors()) {
    float* value = f.model.params.value.data() + t.offset;
    const float* grad = f.model.params.grad.data() + t.offset;
    double norm = 0.0;
    for (std::size_t i = 0; i < t.count; i++) norm += double(grad[i]) * grad[i];
    INFO(t.name);
    CHECK(std::sqrt(norm) > 1e-2);  // a gradient of zeros would match zero differences trivially
    check_gradient(t.name.c_str(), value, grad, t.count, [&] { return f.loss(); }, {}, kFdEps,
                   kGradAbsTol, kFdRelTol);
  }
}

TEST_CASE("nextword predicts any two words as the batch forward does") {
  RandomModel f(3);
  f.loss();
  int tokens[nn::kSixSentencesCount][3];
  nn::six_sentences_tokens(tokens);
  const int V = nn::kSixSentencesVocab;
  for (int b = 0; b < nn::kNextWordSentences; b++) {
    float probs[V];
    int word = nn::nextword_predict(f.model, tokens[b][0], tokens[b][1], probs);
    check_close("probs", probs, f.model.batch.probs + b * V, V, 1e-6, 1e-5);
    CHECK(word == nn::nextword_prediction(f.model, b));
  }
  SUBCASE("unknown words are refused") {
    float probs[V] = {42.0f};
    CHECK(nn::nextword_predict(f.model, -1, 0, probs) == -1);
    CHECK(nn::nextword_predict(f.model, 0, V, probs) == -1);
    CHECK(probs[0] == 42.0f);
  }
}

TEST_CASE("nextword signals are the LSTM's gates and states") {
  RandomModel f(11);
  f.loss();
  check_signals_obey_lstm(f.model.batch, f.model.config);
  float probs[nn::kSixSentencesVocab];
  nn::nextword_predict(f.model, 4, 3, probs);  // "i hate"
  check_signals_obey_lstm(f.model.query, f.model.config);
  CHECK(std::string(nn::lstm_signal_name(nn::LstmSignal::Candidate)) == "g");
}

TEST_CASE("nextword copy is a deep copy") {
  RandomModel f(5);
  f.loss();
  nn::NextWordModel copy = nn::nextword_create({.vocab = nn::kSixSentencesVocab, .hidden = 3});
  nn::nextword_copy(copy, f.model);
  REQUIRE(copy.config.hidden == f.model.config.hidden);
  std::vector<float> before(copy.params.value.data(), copy.params.value.data() + copy.params.value.size());
  check_close("params", copy.params.value.data(), f.model.params.value.data(), before.size(), 0, 0);
  check_close("probs", copy.batch.probs, f.model.batch.probs, nn::kNextWordSentences * nn::kSixSentencesVocab, 0, 0);
  f.model.params.value[0] += 1.0f;  // the original moves on; the copy must not follow
  CHECK(copy.params.value[0] == before[0]);
}
