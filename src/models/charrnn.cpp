#include "models/charrnn.h"

#include <cstring>
#include <string>
#include <utility>

#include "core/init.h"
#include "core/ops/loss.h"
#include "core/ops/recurrent.h"
#include "models/charrnn_cell.h"

namespace nn {

const char* cell_name(CellKind kind) {
  switch (kind) {
    case CellKind::Rnn:
      return "rnn";
    case CellKind::Gru:
      return "gru";
    case CellKind::Lstm:
      break;
  }
  return "lstm";
}

bool cell_kind_from_name(const std::string& name, CellKind& kind) {
  for (CellKind k : {CellKind::Rnn, CellKind::Gru, CellKind::Lstm})
    if (name == cell_name(k)) {
      kind = k;
      return true;
    }
  return false;
}

int cell_gates(CellKind kind) {
  return with_cell(kind, [](auto cell) { return decltype(cell)::kGates; });
}

Status charrnn_config_check(const CharRnnConfig& config) {
  if (config.layers < 1 || config.layers > kCharRnnMaxLayers)
    return Status::failure("layers must be between 1 and %d, not %d", kCharRnnMaxLayers,
                           config.layers);
  if (config.hidden < 1 || config.hidden > 2048)
    return Status::failure("hidden size must be between 1 and 2048, not %d", config.hidden);
  if (config.vocab < 2)
    return Status::failure("the text needs at least 2 distinct characters, it has %d",
                           config.vocab);
  if (config.seq < 1 || config.seq > 4096)
    return Status::failure("sequence length must be between 1 and 4096, not %d", config.seq);
  if (config.batch < 1 || config.batch > 4096)
    return Status::failure("batch size must be between 1 and 4096, not %d", config.batch);
  return Status::success();
}

// ---- parameters ----

void charrnn_init(CharRnnModel& model, const CharRnnConfig& config, Rng& rng) {
  const int V = config.vocab, H = config.hidden, L = config.layers;
  const int G = cell_gates(config.cell) * H;
  ParamLayout layout;
  for (int l = 0; l < L; l++) {
    std::string k = std::to_string(l);
    if (l == 0)
      layout.add("w_ih_l0_t", {V, G});
    else
      layout.add("w_ih_l" + k, {G, H});
    layout.add("w_hh_l" + k, {G, H});
    layout.add("b_ih_l" + k, {G});
    layout.add("b_hh_l" + k, {G});
  }
  layout.add("head_w", {V, H});
  layout.add("head_b", {V});
  model.config = config;
  model.params = ParamStore(std::move(layout));

  // Values and gradients share the layout: the same offsets into either buffer.
  auto point = [&](float* base, CharRnnLayer* layers, LinearParams& head) {
    auto slice = [&](const std::string& name) {
      return base + model.params.layout.find(name)->offset;
    };
    for (int l = 0; l < L; l++) {
      std::string k = std::to_string(l);
      layers[l] = {slice(l == 0 ? "w_ih_l0_t" : "w_ih_l" + k), slice("w_hh_l" + k),
                   slice("b_ih_l" + k), slice("b_hh_l" + k)};
    }
    head = {slice("head_w"), slice("head_b")};
  };
  point(model.params.value.data(), model.layers, model.head);
  point(model.params.grad.data(), model.layer_grads, model.head_grad);

  for (int l = 0; l < L; l++) {
    const CharRnnLayer& p = model.layers[l];
    init_recurrent(p.w_ih, size_t(G) * (l == 0 ? V : H), H, rng);
    init_recurrent(p.w_hh, size_t(G) * H, H, rng);
    init_recurrent(p.b_ih, G, H, rng);
    init_recurrent(p.b_hh, G, H, rng);
  }
  init_linear(model.head.w, model.head.b, V, H, rng);
}

// ---- activations ----

void charrnn_acts_init(CharRnnActs& acts, const CharRnnConfig& config) {
  const int T = config.seq, B = config.batch, H = config.hidden, V = config.vocab;
  const size_t TB = size_t(T) * B;
  with_cell(config.cell, [&](auto cell) {
    using Cell = decltype(cell);
    const size_t cache = align_floats(Cell::cache_floats(T, B, H));
    const size_t scratch = align_floats(Cell::scratch_floats(T, B, H));
    const size_t logits = align_floats(TB * V), dh = align_floats(TB * H);
    const size_t one_hot = one_hot_grad_floats(B, V, Cell::kGates * H);
    acts.mem = FloatBuffer(config.layers * cache + 2 * logits + 2 * dh + scratch + one_hot);
    float* p = acts.mem.data();
    for (int l = 0; l < config.layers; l++, p += cache) acts.caches[l] = p;
    acts.logits = p;
    acts.dlogits = p + logits;
    acts.dh[0] = acts.dlogits + logits;
    acts.dh[1] = acts.dh[0] + dh;
    acts.scratch = acts.dh[1] + dh;
    acts.one_hot_partials = acts.scratch + scratch;
  });
  acts.inputs.assign(TB, 0);
  acts.targets.assign(TB, 0);
  acts.B = acts.T = 0;
}

// ---- forward and backward ----

namespace {

template <class Cell>
float forward(const CharRnnModel& model, CharRnnActs& acts) {
  const int T = acts.T, B = acts.B, H = model.config.hidden, V = model.config.vocab;
  const int N = T * B, BH = B * H;
  const float* input = nullptr;  // the layer below's outputs (T, B, H)
  for (int l = 0; l < model.config.layers; l++) {
    typename Cell::Cache cache = Cell::cache(acts.caches[l], T, B, H);
    typename Cell::Params p = cell_params<Cell>(model.layers[l]);
    if (l == 0) {
      // One-hot input: x·W_ihᵀ is row inputs[n] of W_ihᵀ. The recurrence gathers each step's rows
      // on the thread that runs them, just before the step's product, so that the cells read them
      // from L1: gathered in advance, the (T, B, G) array (4 MB for the LSTM 1x128) came back from
      // L3, and on 2 threads a gather on the calling thread alone took lines the other core had
      // written. LSTM 1x128 on AVX-512: 312K -> 318K chars/s on one thread, 328K -> 346K on two
      // (top quarters of 15 interleaved runs); in wasm 88.0K -> 89.0K.
      const OneHotInput one_hot{acts.inputs.data(), model.layers[0].w_ih, V};
      Cell::forward_recurrence(cache, p, nullptr, nullptr, T, B, H, &one_hot);
    } else {
      Cell::forward(cache, p, input, nullptr, nullptr, T, B, H, H);
    }
    input = cache.h + BH;
  }
  linear_forward(acts.logits, model.head, input, N, H, V);
  return cross_entropy_loss(acts.dlogits, nullptr, acts.logits, acts.targets.data(), N, V);
}

template <class Cell>
void backward(CharRnnModel& model, CharRnnActs& acts) {
  const int T = acts.T, B = acts.B, H = model.config.hidden, V = model.config.vocab;
  const int L = model.config.layers;
  const int N = T * B, BH = B * H, G = Cell::kGates * H;
  auto cache = [&](int l) { return Cell::cache(acts.caches[l], T, B, H); };

  float* dh = acts.dh[0];  // (T, B, H) arriving at the current layer's outputs
  float* dx = acts.dh[1];  // (T, B, H) it passes down to the layer below
  std::memset(dh, 0, sizeof(float) * size_t(N) * H);
  linear_backward(dh, model.head_grad, acts.dlogits, model.head, cache(L - 1).h + BH, N, H, V);
  for (int l = L - 1; l > 0; l--) {
    std::memset(dx, 0, sizeof(float) * size_t(N) * H);
    Cell::backward({dx, nullptr, nullptr}, cell_params<Cell>(model.layer_grads[l]),
                   {dh, nullptr, nullptr}, acts.scratch, cache(l),
                   cell_params<Cell>(model.layers[l]), cache(l - 1).h + BH, T, B, H, H);
    std::swap(dh, dx);
  }
  // The one-hot input's table gets its gradient step by step, from the gate gradients the cells
  // have just written, on the thread that wrote them: after the recurrence, from the whole (T, B,
  // G) array, it took 167 us of an LSTM 1x128 step on one thread and 318 us on two, where each
  // thread read every step's rows, half of them written by the other core. On two threads the
  // LSTM 1x128 398K -> 420K chars/s, the 2-layer GRU 250K -> 259K (the fastest quarter of 9-11
  // interleaved runs); no change on one.
  const OneHotGrad one_hot{acts.inputs.data(), acts.one_hot_partials, V};
  Cell::backward_recurrence({nullptr, nullptr, nullptr}, cell_params<Cell>(model.layer_grads[0]),
                            {dh, nullptr, nullptr}, acts.scratch, cache(0),
                            cell_params<Cell>(model.layers[0]), T, B, H, &one_hot);
  one_hot_grad_add(model.layer_grads[0].w_ih, one_hot, B, G);
}

}  // namespace

float charrnn_forward(const CharRnnModel& model, CharRnnActs& acts, const int* inputs,
                      const int* targets, int B, int T) {
  acts.B = B;
  acts.T = T;
  std::memcpy(acts.inputs.data(), inputs, sizeof(int) * size_t(T) * B);
  std::memcpy(acts.targets.data(), targets, sizeof(int) * size_t(T) * B);
  return with_cell(model.config.cell,
                   [&](auto cell) { return forward<decltype(cell)>(model, acts); });
}

void charrnn_backward(CharRnnModel& model, CharRnnActs& acts) {
  with_cell(model.config.cell, [&](auto cell) { backward<decltype(cell)>(model, acts); });
}

const float* charrnn_hidden_states(const CharRnnModel& model, const CharRnnActs& acts, int layer) {
  const int H = model.config.hidden;
  return with_cell(model.config.cell, [&](auto cell) -> const float* {
    using Cell = decltype(cell);
    return Cell::cache(acts.caches[layer], acts.T, acts.B, H).h + size_t(acts.B) * H;
  });
}

}  // namespace nn
