#include "models/nextword.h"

#include <cassert>
#include <cstring>
#include <string>

#include "core/init.h"
#include "core/ops/loss.h"
#include "core/vec.h"

namespace nn {

namespace {

constexpr int T = kNextWordSteps;

ParamLayout nextword_layout(const NextWordConfig& c) {
  const int V = c.vocab, H = c.hidden;
  ParamLayout layout;
  layout.add("lstm.weight_ih_l0", {4 * H, V});
  layout.add("lstm.weight_hh_l0", {4 * H, H});
  layout.add("lstm.bias_ih_l0", {4 * H});
  layout.add("lstm.bias_hh_l0", {4 * H});
  layout.add("fc.weight", {V, H});
  layout.add("fc.bias", {V});
  return layout;
}

// Slots in the order nextword_layout declares the tensors.
NextWordParams point_params(const ParamLayout& layout, float* base) {
  NextWordParams p;
  bool matched = layout_point(layout, base, {&p.lstm.w_ih, &p.lstm.w_hh, &p.lstm.b_ih, &p.lstm.b_hh,
                                             &p.fc.w, &p.fc.b});
  assert(matched);
  (void)matched;
  return p;
}

NextWordActivations make_activations(const NextWordConfig& c, int B) {
  const int V = c.vocab, H = c.hidden;
  const size_t sizes[] = {size_t(T) * B * V, lstm_cache_floats(T, B, H), size_t(B) * V,
                          size_t(B) * V,     size_t(B) * V,              size_t(B) * H,
                          lstm_scratch_floats(T, B, H)};
  size_t total = 0;
  for (size_t n : sizes) total += align_floats(n);
  NextWordActivations a;
  a.B = B;
  a.memory = FloatBuffer(total);
  float* next = a.memory.data();
  auto carve = [&next](size_t n) {
    float* slice = next;
    next += align_floats(n);
    return slice;
  };
  a.x = carve(sizes[0]);
  a.lstm = lstm_cache(carve(sizes[1]), T, B, H);
  a.logits = carve(sizes[2]);
  a.probs = carve(sizes[3]);
  a.dlogits = carve(sizes[4]);
  a.dh_last = carve(sizes[5]);
  a.scratch = carve(sizes[6]);
  return a;
}

// The LSTM over acts.x, then the logits of its last hidden state.
void forward_logits(NextWordActivations& acts, const NextWordModel& model) {
  const int B = acts.B, V = model.config.vocab, H = model.config.hidden;
  lstm_forward(acts.lstm, model.weights.lstm, acts.x, nullptr, nullptr, T, B, V, H);
  const float* h_last = acts.lstm.h + size_t(T) * B * H;
  linear_forward(acts.logits, model.weights.fc, h_last, B, H, V);
}

int argmax(const float* v, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best]) best = i;
  return best;
}

void copy_floats(FloatBuffer& dst, const FloatBuffer& src) {
  assert(dst.size() == src.size());
  if (src.size() > 0) std::memcpy(dst.data(), src.data(), src.size() * sizeof(float));
}

}  // namespace

NextWordModel nextword_create(const NextWordConfig& config) {
  assert(config.vocab > 0 && config.hidden >= 1 && config.hidden <= kNextWordMaxHidden);
  NextWordModel m;
  m.config = config;
  m.params = ParamStore(nextword_layout(config));
  m.weights = point_params(m.params.layout, m.params.value.data());
  m.grads = point_params(m.params.layout, m.params.grad.data());
  m.batch = make_activations(config, kNextWordSentences);
  m.query = make_activations(config, 1);
  return m;
}

void nextword_init(NextWordModel& m, Rng& rng) {
  const int V = m.config.vocab, H = m.config.hidden;
  const LstmParams& p = m.weights.lstm;
  init_recurrent(p.w_ih, size_t(4 * H) * V, H, rng);
  init_recurrent(p.w_hh, size_t(4 * H) * H, H, rng);
  init_recurrent(p.b_ih, size_t(4 * H), H, rng);
  init_recurrent(p.b_hh, size_t(4 * H), H, rng);
  init_linear(m.weights.fc.w, m.weights.fc.b, V, H, rng);
}

void nextword_copy(NextWordModel& dst, const NextWordModel& src) {
  if (dst.config.vocab != src.config.vocab || dst.config.hidden != src.config.hidden ||
      dst.params.value.size() != src.params.value.size())
    dst = nextword_create(src.config);
  copy_floats(dst.params.value, src.params.value);
  copy_floats(dst.params.grad, src.params.grad);
  // Activations are pointers into their own memory, at offsets fixed by the config.
  copy_floats(dst.batch.memory, src.batch.memory);
  copy_floats(dst.query.memory, src.query.memory);
}

ModelArch nextword_arch(const NextWordConfig& config) {
  return {"nextword-lstm",
          {{"hidden", std::to_string(config.hidden)}, {"vocab", std::to_string(config.vocab)}}};
}

float nextword_forward(NextWordModel& m, const float* x, const int* targets) {
  NextWordActivations& a = m.batch;
  std::memcpy(a.x, x, sizeof(float) * size_t(T) * a.B * m.config.vocab);
  forward_logits(a, m);
  return cross_entropy_loss(a.dlogits, a.probs, a.logits, targets, a.B, m.config.vocab);
}

// The forward read in reverse: loss -> linear -> LSTM through time. Only h_last feeds the
// logits, so the LSTM receives a gradient on its final hidden state alone.
void nextword_backward(NextWordModel& m) {
  NextWordActivations& a = m.batch;
  const int B = a.B, V = m.config.vocab, H = m.config.hidden;
  const float* h_last = a.lstm.h + size_t(T) * B * H;
  std::memset(a.dh_last, 0, sizeof(float) * size_t(B) * H);
  linear_backward(a.dh_last, m.grads.fc, a.dlogits, m.weights.fc, h_last, B, H, V);
  RecurrentOutGrads dout{nullptr, a.dh_last, nullptr};
  lstm_backward(RecurrentInGrads{}, m.grads.lstm, dout, a.scratch, a.lstm, m.weights.lstm, a.x, T,
                B, V, H);
}

int nextword_predict(NextWordModel& m, int word0, int word1, float* probs) {
  const int V = m.config.vocab;
  if (word0 < 0 || word0 >= V || word1 < 0 || word1 >= V) return -1;
  NextWordActivations& a = m.query;
  std::memset(a.x, 0, sizeof(float) * size_t(T) * V);
  a.x[word0] = 1.0f;
  a.x[V + word1] = 1.0f;
  forward_logits(a, m);
  softmax_rows(a.probs, a.logits, 1, V);
  std::memcpy(probs, a.probs, sizeof(float) * size_t(V));
  return argmax(probs, V);
}

int nextword_prediction(const NextWordModel& m, int b) {
  return argmax(m.batch.probs + size_t(b) * m.config.vocab, m.config.vocab);
}

const char* lstm_signal_name(LstmSignal signal) {
  static const char* const names[kLstmSignals] = {"i", "f", "g", "o", "c", "h"};
  return names[int(signal)];
}

const float* nextword_signal(const NextWordActivations& a, const NextWordConfig& c,
                             LstmSignal signal, int t, int b) {
  const int H = c.hidden;
  assert(t >= 0 && t < T && b >= 0 && b < a.B);
  switch (signal) {
    case LstmSignal::Cell: return a.lstm.c + (size_t(t + 1) * a.B + b) * H;
    case LstmSignal::Hidden: return a.lstm.h + (size_t(t + 1) * a.B + b) * H;
    default:  // a gate: the k-th block of H in the row (i, f, g, o)
      return a.lstm.gates + (size_t(t) * a.B + b) * 4 * H + size_t(signal) * H;
  }
}

}  // namespace nn
