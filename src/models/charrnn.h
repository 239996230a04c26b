#pragma once
// Character-level language model (Karpathy's char-rnn): the previous character as a one-hot
// vector, L stacked RNN, GRU or LSTM layers, a Linear to one logit per character of the
// vocabulary, softmax cross-entropy against the next character.
//
// The math is PyTorch's nn.LSTM (or nn.GRU, nn.RNN) over one-hot vectors followed by nn.Linear.
// One difference in storage: a one-hot x times W_ihᵀ is one row of W_ihᵀ, so layer 0 keeps its
// input weights transposed, (V, G), and projects its input by gathering rows instead of running
// a gemm over a mostly-zero (T·B, V) matrix. Its gradient is the matching scatter-add.
//
// Sequences are time-major as everywhere in ops/: tokens (T, B), hidden states (T, B, H).
#include <cstdint>
#include <string>
#include <vector>

#include "core/arena.h"
#include "core/ops/linear.h"
#include "core/params.h"
#include "core/rng.h"
#include "core/status.h"

namespace nn {

enum class CellKind : std::uint32_t { Rnn, Gru, Lstm };
const char* cell_name(CellKind kind);  // "rnn", "gru", "lstm"
bool cell_kind_from_name(const std::string& name, CellKind& kind);
int cell_gates(CellKind kind);  // 1, 3, 4: G = gates·H rows in each weight matrix

inline constexpr int kCharRnnMaxLayers = 3;

// The model, then the shape of a training batch (which the model itself does not depend on).
struct CharRnnConfig {
  CellKind cell = CellKind::Lstm;
  int layers = 1;    // 1..kCharRnnMaxLayers
  int hidden = 128;  // H
  int vocab = 0;     // V, distinct characters; the session takes it from the corpus
  int seq = 64;      // T, characters per window
  int batch = 32;    // B, windows per step
};
// One sentence on the first setting out of range, for the CLI and the UI to show.
Status charrnn_config_check(const CharRnnConfig& config);

// One recurrent layer: PyTorch's weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}.
struct CharRnnLayer {
  float* w_ih;  // (G, H) above layer 0; (V, G) = W_ihᵀ in layer 0, one row per character
  float* w_hh;  // (G, H)
  float* b_ih;  // (G)
  float* b_hh;  // (G)
};

struct CharRnnModel {
  CharRnnConfig config;
  ParamStore params{ParamLayout{}};
  CharRnnLayer layers[kCharRnnMaxLayers];       // slices of params.value
  CharRnnLayer layer_grads[kCharRnnMaxLayers];  // the same slices of params.grad
  LinearParams head, head_grad;                 // w (V, H), b (V)
};

// Allocates the parameters and draws them as PyTorch initializes nn.LSTM/GRU/RNN and
// nn.Linear. config must pass charrnn_config_check.
void charrnn_init(CharRnnModel& model, const CharRnnConfig& config, Rng& rng);

// ---- training: forward and backward over a batch of windows ----

// What a forward pass leaves for backward, for windows of config.seq characters and up to
// config.batch of them. Allocated once; forward and backward never touch the heap.
struct CharRnnActs {
  int B = 0, T = 0;  // what the buffers hold after the last forward (B ≤ config.batch)
  FloatBuffer mem;
  float* caches[kCharRnnMaxLayers];  // each layer's cell cache, ops/cell.h
  float* logits;                     // (T, B, V)
  float* dlogits;                    // (T, B, V) gradient of the mean loss
  float* dh[2];                      // (T, B, H) each: gradients between layers, in turn
  float* scratch;                    // the cell's backward scratch
  float* one_hot_partials;           // the input table's gradient, a table per block of sequences
  std::vector<int> inputs, targets;  // (T, B) copies of the last forward's tokens
};
void charrnn_acts_init(CharRnnActs& acts, const CharRnnConfig& config);

// inputs, targets (T, B) token ids, targets[t] the character after inputs[t]; B ≤ config.batch,
// T ≤ config.seq. Zero initial state. Returns the mean cross-entropy in nats.
float charrnn_forward(const CharRnnModel& model, CharRnnActs& acts, const int* inputs,
                      const int* targets, int B, int T);
// Backward of the last forward: ADDS into model.params.grad (zero it first).
void charrnn_backward(CharRnnModel& model, CharRnnActs& acts);

// Hidden states of the last forward, (T, B, H): acts.T steps of acts.B windows, for heatmaps.
const float* charrnn_hidden_states(const CharRnnModel& model, const CharRnnActs& acts, int layer);

// ---- sampling: one character at a time, batch 1, so a UI can stream the text ----

struct CharRnnSampler {
  FloatBuffer mem;
  float* h;       // (L, H) hidden state of every layer after the last character fed
  float* c;       // (L, H) the LSTM's cell state (stays zero for the other cells)
  float* caches;  // L one-step cell caches
  float* logits;  // (V) scores of the next character
  float* probs;   // (V) written by charrnn_next_distribution (and so by charrnn_sample_next)
};
void charrnn_sampler_init(CharRnnSampler& sampler, const CharRnnConfig& config);

// Zero state, then feeds the priming tokens; afterwards the sampler predicts what follows them.
// With no priming tokens the first prediction comes from a zero input (the one-hot of nothing).
void charrnn_sample_reset(CharRnnSampler& sampler, const CharRnnModel& model, const int* prime,
                          int n);
// Probability of every next character (V) at this temperature (1 is the model's own
// distribution, lower is more conservative; ≤ 0 puts all mass on the most likely character).
// Points into the sampler, valid until its next call.
const float* charrnn_next_distribution(CharRnnSampler& sampler, const CharRnnModel& model,
                                       float temperature);
// Draws the next character from that distribution, feeds it back in and returns it; the
// distribution it was drawn from stays in sampler.probs until the next call.
int charrnn_sample_next(CharRnnSampler& sampler, const CharRnnModel& model, float temperature,
                        Rng& rng);

}  // namespace nn
