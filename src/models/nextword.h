#pragma once
// The next-word model: one LSTM layer reads two one-hot words, a linear layer maps its last
// hidden state to logits over the vocabulary, softmax cross-entropy against the third word.
//   gates, c, h = lstm(x_1, x_2)          x (T=2, B, V) one-hot, h_last (B, H)
//   logits = h_last·Wᵀ + b                W (V, H), as PyTorch's nn.Linear(H, V) stores it
//   loss = mean over B of cross_entropy(logits, target)
// Parameters are named and laid out as the PyTorch twin's state dict (bench/peers/nextword.py).
#include <cstdint>

#include "core/arena.h"
#include "core/checkpoint.h"
#include "core/ops/linear.h"
#include "core/ops/lstm.h"
#include "core/params.h"
#include "core/rng.h"
#include "data/six_sentences.h"

namespace nn {

// ---------------------------------------------------------------------------------------------
// What the model is

struct NextWordConfig {
  int vocab = kSixSentencesVocab;  // V
  int hidden = 5;                  // H
};
inline constexpr int kNextWordSteps = kSixSentencesPrefix;      // T: words read per sentence
inline constexpr int kNextWordSentences = kSixSentencesCount;   // B of the training batch
inline constexpr int kNextWordMaxHidden = 256;  // far beyond what six sentences need

// Pointers into one buffer of the ParamStore (values, or gradients: the same layout).
struct NextWordParams {
  LstmParams lstm;  // w_ih (4H, V), w_hh (4H, H), b_ih (4H), b_hh (4H)
  LinearParams fc;  // w (V, H), b (V)
};

// What forward computes for a batch of B sentences, carved from one allocation made once.
struct NextWordActivations {
  int B = 0;
  FloatBuffer memory;
  float* x = nullptr;        // (T, B, V) the one-hot words, copied in by forward
  LstmCache lstm{};          // gates (T, B, 4H) i f g o; c, h (T+1, B, H), slot 0 the zero state
  float* logits = nullptr;   // (B, V)
  float* probs = nullptr;    // (B, V) softmax of the logits
  float* dlogits = nullptr;  // (B, V) written with the loss by forward, read by backward
  float* dh_last = nullptr;  // (B, H)
  float* scratch = nullptr;  // (lstm_scratch_floats(T, B, H))
};

struct NextWordModel {
  NextWordConfig config;
  ParamStore params{ParamLayout{}};
  NextWordParams weights{};    // slices of params.value
  NextWordParams grads{};      // slices of params.grad
  NextWordActivations batch;   // the six training sentences: training, heatmaps
  NextWordActivations query;   // one sentence: nextword_predict
};

// The model with every parameter zero. config.hidden must be in [1, kNextWordMaxHidden].
NextWordModel nextword_create(const NextWordConfig& config);
// PyTorch's defaults: every LSTM tensor U(-1/√H, 1/√H), then nn.Linear's U(-1/√H, 1/√H).
void nextword_init(NextWordModel& model, Rng& rng);
// dst becomes a copy of src: parameters, gradients and activations. Allocates only when dst's
// config differs, so a UI can refresh its copy every frame.
void nextword_copy(NextWordModel& dst, const NextWordModel& src);
// "nextword-lstm hidden=H vocab=V": what a checkpoint of this model must match.
ModelArch nextword_arch(const NextWordConfig& config);

// ---------------------------------------------------------------------------------------------
// What the model computes

// x (T, B, V) with B = kNextWordSentences, targets (B). Fills model.batch and returns the loss.
float nextword_forward(NextWordModel& model, const float* x, const int* targets);
// Backward of the last nextword_forward; ADDS into params.grad (zero it first).
void nextword_backward(NextWordModel& model);

// Probabilities (V) of the word after word0 word1 (vocabulary indices), from model.query.
// Returns the most likely word, or -1 (probs untouched) if either index is not in [0, V).
int nextword_predict(NextWordModel& model, int word0, int word1, float* probs);
// The most likely next word of training sentence b, as the last nextword_forward saw it.
int nextword_prediction(const NextWordModel& model, int b);

// ---------------------------------------------------------------------------------------------
// Inside the LSTM, for the heatmaps

// i, f, g, o are the gates after their nonlinearities (PyTorch's order); c and h the cell and
// hidden states after each step.
enum class LstmSignal { InputGate, ForgetGate, Candidate, OutputGate, Cell, Hidden };
inline constexpr int kLstmSignals = 6;
const char* lstm_signal_name(LstmSignal signal);  // "i", "f", "g", "o", "c", "h"

// The H values of `signal` at step t in [0, T) for sentence b in [0, acts.B), as the last forward
// over `acts` (model.batch or model.query) left them.
const float* nextword_signal(const NextWordActivations& acts, const NextWordConfig& config,
                             LstmSignal signal, int t, int b);

}  // namespace nn
