#pragma once
// The three recurrent cells behind one interface, chosen at compile time, so that code which
// composes layers (bidirectional.h, stacked.h) is written once. Every cell's cache has h laid out
// (T+1, B, H), so cache.h + B*H is its output sequence whatever the cell. c0 and din.dc0 are
// only read by the LSTM.
//
// The *_recurrence pair runs a cell on an input projection x·W_ihᵀ (T, B, G), G = kGates*H, that
// the caller has written to input_projection(cache, B, H), or that forward_recurrence gathers from
// a one-hot input's table itself (OneHotInput); backward_recurrence leaves its gradient in the
// first T*B*G floats of scratch (see lstm.h), and adds it into such a table's gradient itself
// (OneHotGrad).
#include <cstddef>

#include "core/ops/gru.h"
#include "core/ops/lstm.h"
#include "core/ops/recurrent.h"
#include "core/ops/rnn.h"

namespace nn {

struct RnnCell {
  using Params = RnnParams;
  using Cache = RnnCache;
  static constexpr int kGates = 1;
  static size_t cache_floats(int T, int B, int H) { return rnn_cache_floats(T, B, H); }
  static Cache cache(float* mem, int T, int B, int H) { return rnn_cache(mem, T, B, H); }
  static size_t scratch_floats(int T, int B, int H) { return rnn_scratch_floats(T, B, H); }
  static void forward(Cache cache, Params p, const float* x, const float* h0, const float* c0,
                      int T, int B, int C, int H) {
    rnn_forward(cache, p, x, h0, T, B, C, H);
  }
  static void backward(RecurrentInGrads din, Params grad, RecurrentOutGrads dout, float* scratch,
                       Cache cache, Params p, const float* x, int T, int B, int C, int H) {
    rnn_backward(din, grad, dout, scratch, cache, p, x, T, B, C, H);
  }
  static float* input_projection(Cache cache, int B, int H) { return cache.h + size_t(B) * H; }
  static void forward_recurrence(Cache cache, Params p, const float* h0, const float* c0, int T,
                                 int B, int H, const OneHotInput* one_hot = nullptr) {
    rnn_forward_recurrence(cache, p, h0, T, B, H, one_hot);
  }
  static void backward_recurrence(RecurrentInGrads din, Params grad, RecurrentOutGrads dout,
                                  float* scratch, Cache cache, Params p, int T, int B, int H,
                                  const OneHotGrad* one_hot = nullptr) {
    rnn_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H, one_hot);
  }
};

struct GruCell {
  using Params = GruParams;
  using Cache = GruCache;
  static constexpr int kGates = 3;
  static size_t cache_floats(int T, int B, int H) { return gru_cache_floats(T, B, H); }
  static Cache cache(float* mem, int T, int B, int H) { return gru_cache(mem, T, B, H); }
  static size_t scratch_floats(int T, int B, int H) { return gru_scratch_floats(T, B, H); }
  static void forward(Cache cache, Params p, const float* x, const float* h0, const float* c0,
                      int T, int B, int C, int H) {
    gru_forward(cache, p, x, h0, T, B, C, H);
  }
  static void backward(RecurrentInGrads din, Params grad, RecurrentOutGrads dout, float* scratch,
                       Cache cache, Params p, const float* x, int T, int B, int C, int H) {
    gru_backward(din, grad, dout, scratch, cache, p, x, T, B, C, H);
  }
  static float* input_projection(Cache cache, int B, int H) { return cache.gates; }
  static void forward_recurrence(Cache cache, Params p, const float* h0, const float* c0, int T,
                                 int B, int H, const OneHotInput* one_hot = nullptr) {
    gru_forward_recurrence(cache, p, h0, T, B, H, one_hot);
  }
  static void backward_recurrence(RecurrentInGrads din, Params grad, RecurrentOutGrads dout,
                                  float* scratch, Cache cache, Params p, int T, int B, int H,
                                  const OneHotGrad* one_hot = nullptr) {
    gru_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H, one_hot);
  }
};

struct LstmCell {
  using Params = LstmParams;
  using Cache = LstmCache;
  static constexpr int kGates = 4;
  static size_t cache_floats(int T, int B, int H) { return lstm_cache_floats(T, B, H); }
  static Cache cache(float* mem, int T, int B, int H) { return lstm_cache(mem, T, B, H); }
  static size_t scratch_floats(int T, int B, int H) { return lstm_scratch_floats(T, B, H); }
  static void forward(Cache cache, Params p, const float* x, const float* h0, const float* c0,
                      int T, int B, int C, int H) {
    lstm_forward(cache, p, x, h0, c0, T, B, C, H);
  }
  static void backward(RecurrentInGrads din, Params grad, RecurrentOutGrads dout, float* scratch,
                       Cache cache, Params p, const float* x, int T, int B, int C, int H) {
    lstm_backward(din, grad, dout, scratch, cache, p, x, T, B, C, H);
  }
  static float* input_projection(Cache cache, int B, int H) { return cache.gates; }
  static void forward_recurrence(Cache cache, Params p, const float* h0, const float* c0, int T,
                                 int B, int H, const OneHotInput* one_hot = nullptr) {
    lstm_forward_recurrence(cache, p, h0, c0, T, B, H, one_hot);
  }
  static void backward_recurrence(RecurrentInGrads din, Params grad, RecurrentOutGrads dout,
                                  float* scratch, Cache cache, Params p, int T, int B, int H,
                                  const OneHotGrad* one_hot = nullptr) {
    lstm_backward_recurrence(din, grad, dout, scratch, cache, p, T, B, H, one_hot);
  }
};

}  // namespace nn
