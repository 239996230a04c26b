// The char-RNN's sampler: batch 1, one character per call, carrying every layer's state.
#include <cmath>
#include <cstring>

#include "core/ops/linear.h"
#include "models/charrnn.h"
#include "models/charrnn_cell.h"

namespace nn {

namespace {

size_t step_cache_floats(const CharRnnConfig& config) {
  return with_cell(config.cell, [&](auto cell) {
    return align_floats(decltype(cell)::cache_floats(1, 1, config.hidden));
  });
}

// Runs one step from the carried state with input `token` (-1: a zero input), stores the new
// state and the next character's logits.
template <class Cell>
void feed(CharRnnSampler& s, const CharRnnModel& model, int token) {
  const int H = model.config.hidden, G = Cell::kGates * H;
  const size_t cache_floats = step_cache_floats(model.config);
  const float* input = nullptr;  // (1, H) the layer below's output
  for (int l = 0; l < model.config.layers; l++) {
    typename Cell::Cache cache = Cell::cache(s.caches + l * cache_floats, 1, 1, H);
    typename Cell::Params p = cell_params<Cell>(model.layers[l]);
    float* h = s.h + l * H;
    float* c = s.c + l * H;
    if (l == 0) {
      float* projection = Cell::input_projection(cache, 1, H);
      if (token >= 0)
        std::memcpy(projection, model.layers[0].w_ih + size_t(token) * G, sizeof(float) * G);
      else
        std::memset(projection, 0, sizeof(float) * G);
      Cell::forward_recurrence(cache, p, h, c, 1, 1, H);
    } else {
      Cell::forward(cache, p, input, h, c, 1, 1, H, H);
    }
    input = cache.h + H;
    std::memcpy(h, cache.h + H, sizeof(float) * H);
    if constexpr (requires { cache.c; }) std::memcpy(c, cache.c + H, sizeof(float) * H);
  }
  linear_forward(s.logits, model.head, input, 1, H, model.config.vocab);
}

void feed_token(CharRnnSampler& s, const CharRnnModel& model, int token) {
  with_cell(model.config.cell, [&](auto cell) { feed<decltype(cell)>(s, model, token); });
}

}  // namespace

void charrnn_sampler_init(CharRnnSampler& sampler, const CharRnnConfig& config) {
  const size_t state = align_floats(size_t(config.layers) * config.hidden);
  const size_t vocab = align_floats(config.vocab);
  const size_t caches = config.layers * step_cache_floats(config);
  sampler.mem = FloatBuffer(2 * state + caches + 2 * vocab);
  sampler.h = sampler.mem.data();
  sampler.c = sampler.h + state;
  sampler.caches = sampler.c + state;
  sampler.logits = sampler.caches + caches;
  sampler.probs = sampler.logits + vocab;
}

void charrnn_sample_reset(CharRnnSampler& sampler, const CharRnnModel& model, const int* prime,
                          int n) {
  const size_t state = size_t(model.config.layers) * model.config.hidden;
  std::memset(sampler.h, 0, sizeof(float) * state);
  std::memset(sampler.c, 0, sizeof(float) * state);
  if (n == 0) feed_token(sampler, model, -1);
  for (int i = 0; i < n; i++) feed_token(sampler, model, prime[i]);
}

const float* charrnn_next_distribution(CharRnnSampler& sampler, const CharRnnModel& model,
                                       float temperature) {
  const int V = model.config.vocab;
  const float* logits = sampler.logits;
  float* probs = sampler.probs;
  int best = 0;
  for (int v = 1; v < V; v++)
    if (logits[v] > logits[best]) best = v;
  if (!(temperature > 0.0f)) {
    for (int v = 0; v < V; v++) probs[v] = v == best ? 1.0f : 0.0f;
    return probs;
  }
  // Softmax of logits / temperature, shifted by the largest so that exp never overflows.
  float sum = 0.0f;
  for (int v = 0; v < V; v++) sum += probs[v] = std::exp((logits[v] - logits[best]) / temperature);
  for (int v = 0; v < V; v++) probs[v] /= sum;
  return probs;
}

int charrnn_sample_next(CharRnnSampler& sampler, const CharRnnModel& model, float temperature,
                        Rng& rng) {
  const int V = model.config.vocab;
  const float* probs = charrnn_next_distribution(sampler, model, temperature);
  // Inverse CDF. Rounding may leave the total a little under 1: if u outlasts it, the last
  // character with any probability is the draw.
  float u = rng_uniform(rng);
  int token = 0;
  for (int v = 0; v < V; v++) {
    if (probs[v] > 0.0f) token = v;
    u -= probs[v];
    if (u < 0.0f) break;
  }
  feed_token(sampler, model, token);
  return token;
}

}  // namespace nn
