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

// A recurrence split by sequences over the threads of default_thread_pool(): run(b0, b1) runs the
// whole recurrence for batch rows [b0, b1), once per share, shares made of whole blocks of
// kSequenceBlock rows. A row's arithmetic does not depend on the others (each step's product takes
// each row of the state on its own), so results are bit-identical for any thread count; and the
// shares never wait for each other: one fork and one join for all the steps, and no state
// crosses between cores from one step to the next. Recurrences of fewer than ~1 MFLOP (all
// steps) run on the calling thread.
inline constexpr int kSequenceBlock = 8;  // rows: a micro-tile of every GEMM kernel
inline int sequence_blocks(int B) { return (B + kSequenceBlock - 1) / kSequenceBlock; }
void for_sequence_shares(int B, double flops, void (*run)(void* ctx, int b0, int b1), void* ctx);

template <class Fn>
void for_sequence_shares(int B, double flops, Fn&& run) {
  for_sequence_shares(B, flops, [](void* ctx, int b0, int b1) { (*static_cast<Fn*>(ctx))(b0, b1); }, &run);
}

// A recurrent layer's bias gradients, summed block by block: the backward cells add each block's
// rows into that block's partial sums, partials (sequence_blocks(B), 2, G) (the sums for db_ih,
// then for db_hh), zeroed first by bias_partials_clear; bias_partials_add then adds the blocks
// into db_ih and db_hh (either may be null) in block order, whichever thread summed which block.
void bias_partials_clear(float* partials, int B, int G);
void bias_partials_add(float* db_ih, float* db_hh, const float* partials, int B, int G);

// A one-hot input, whose projection x·W_ihᵀ is a row of a table: row tokens[t * B + b] of table
// (V, G) for sequence b at step t. The recurrences gather each step's rows just before its product,
// so that the cells read them from L1 rather than from a (T, B, G) array gathered in advance.
struct OneHotInput {
  const int* tokens;
  const float* table;
  int V;
  // Rows [b0, b0 + rows) of step t's projection, G wide, into out (rows, G).
  void gather_step(float* out, int t, int B, int b0, int rows, int G) const;
};

// The gradient wrt a one-hot input's table, added by the backward recurrences step by step while
// the step's gate gradients are in L1: row tokens[t * B + b] of the table gets sequence b's gradient
// at step t. Each block of kSequenceBlock sequences adds into a table of its own, (V, G) in
// `partials`, cleared and filled by the thread that runs the block, never read by another core
// until one_hot_grad_add sums the blocks in block order: the same bits on any number of threads.
struct OneHotGrad {
  const int* tokens;
  float* partials;  // one_hot_grad_floats(B, V, G)
  int V;
  // The tables of the blocks of sequences [b0, b1), zeroed.
  void clear_blocks(int b0, int b1, int G) const;
  // Adds rows [b, b + rows) of step t's gate gradients dgates (rows, G), one block's, to its table.
  void add_step(const float* dgates, int t, int B, int b, int rows, int G) const;
};
size_t one_hot_grad_floats(int B, int V, int G);
// dtable (V, G) += the blocks' tables, in block order.
void one_hot_grad_add(float* dtable, const OneHotGrad& grad, int B, int G);

}  // namespace nn
