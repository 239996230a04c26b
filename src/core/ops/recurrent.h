#pragma once
// What the recurrent layers (rnn, gru, lstm) share: sequences are time-major, x (T, B, C) and
// h (T, B, H), and backward talks to its neighbours through these two bundles. Only the LSTM has
// a cell state; the c fields are ignored by the others.
#include <cstddef>

namespace nn {

// Gradients arriving from above. Any pointer may be null, meaning zero.
struct RecurrentOutGrads {
  const float* dh;       // (T, B, H) on every output h_1..h_T
  const float* dh_last;  // (B, H) on the final hidden state (as returned separately, e.g. h_n)
  const float* dc_last;  // (B, H) on the final cell state (LSTM)
};

// Gradients toward the layer's inputs, ADDED into. Any pointer may be null when not wanted.
struct RecurrentInGrads {
  float* dx;   // (T, B, C)
  float* dh0;  // (B, H)
  float* dc0;  // (B, H) (LSTM)
};

// Slot i of a stack of n-float states (e.g. layer i of (L, B, H)), or null if v is null.
template <class F>
F* state_slot(F* v, int i, int n) {
  return v ? v + size_t(i) * size_t(n) : nullptr;
}

// dst (n) = src, or zeros when src is null: how a layer takes an optional initial state.
void state_init(float* dst, const float* src, int n);

// dst (n) += src, skipped when either is null: how optional gradients flow in and out.
void state_add(float* dst, const float* src, int n);

// dst (rows, H) += src (rows, H) over units [u0, u1) of every row, skipped when src is null.
void state_add_units(float* dst, const float* src, int rows, int H, int u0, int u1);

// One time step's work, split by hidden units over the threads of default_thread_pool():
// step(u0, u1) runs once per share of [0, H), shares starting on multiples of panel (the packed
// W_hh's panel width) so that each share's gemm columns are whole panels. A unit's arithmetic does
// not depend on the split: results are bit-identical for any thread count. Small steps run on
// the calling thread: below ~64 KFLOP a fork costs more than it saves.
void for_unit_shares(int rows, int H, int gates, int panel, void (*step)(void* ctx, int u0, int u1), void* ctx);

template <class Fn>
void for_unit_shares(int rows, int H, int gates, int panel, Fn&& step) {
  for_unit_shares(rows, H, gates, panel, [](void* ctx, int u0, int u1) { (*static_cast<Fn*>(ctx))(u0, u1); },
                  &step);
}

}  // namespace nn
