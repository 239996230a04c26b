#pragma once
// Bidirectional recurrent layer, PyTorch's bidirectional=True for any cell of ops/cell.h:
// a forward cell reads x_1..x_T, a backward cell reads x_T..x_1, and
//   out[t] = [h_fw(t) | h_bw(t)]   (T, B, 2H)
// where h_bw(t) is the backward cell's state after it has read x_T..x_t. States and their
// gradients stack the two directions as (2, B, H), forward first, like PyTorch's h_n.
#include <cstddef>
#include <cstring>

#include "core/ops/cell.h"
#include "core/ops/sequence.h"

namespace nn {

template <class Cell>
struct BidirectionalParams {
  typename Cell::Params fw, bw;
};

template <class Cell>
struct BidirectionalCache {
  typename Cell::Cache fw, bw;  // final states: fw.h + T*B*H, bw.h + T*B*H (and .c for the LSTM)
  float* x_rev;                 // (T, B, C) the input in the order the backward cell read it
};

template <class Cell>
size_t bidirectional_cache_floats(int T, int B, int C, int H) {
  return 2 * Cell::cache_floats(T, B, H) + size_t(T) * B * C;
}

template <class Cell>
BidirectionalCache<Cell> bidirectional_cache(float* mem, int T, int B, int C, int H) {
  BidirectionalCache<Cell> cache;
  cache.fw = Cell::cache(mem, T, B, H);
  cache.bw = Cell::cache(mem + Cell::cache_floats(T, B, H), T, B, H);
  cache.x_rev = mem + 2 * Cell::cache_floats(T, B, H);
  return cache;
}

template <class Cell>
size_t bidirectional_scratch_floats(int T, int B, int C, int H) {
  return Cell::scratch_floats(T, B, H) + 2 * size_t(T) * B * H + size_t(T) * B * C;
}

// x (T, B, C) -> out (T, B, 2H). h0, c0: (2, B, H), either may be null for zeros.
template <class Cell>
void bidirectional_forward(float* out, BidirectionalCache<Cell> cache, BidirectionalParams<Cell> p,
                           const float* x, const float* h0, const float* c0, int T, int B, int C,
                           int H) {
  const int BH = B * H;
  Cell::forward(cache.fw, p.fw, x, h0, c0, T, B, C, H);
  sequence_reverse(cache.x_rev, x, T, B * C);
  Cell::forward(cache.bw, p.bw, cache.x_rev, state_slot(h0, 1, BH), state_slot(c0, 1, BH), T, B, C,
                H);
  // The backward cell's output for time t is its step T-1-t, i.e. slot T-t of its h.
  for (int t = 0; t < T; t++)
    concat_forward(out + t * 2 * BH, cache.fw.h + (t + 1) * BH, cache.bw.h + (T - t) * BH, B, H, H);
}

// dout.dh (T, B, 2H) on every output; dout.dh_last, dout.dc_last (2, B, H) on the final states.
// Adds into din (dx (T, B, C), dh0 and dc0 (2, B, H)) and into both directions' grad.
template <class Cell>
void bidirectional_backward(RecurrentInGrads din, BidirectionalParams<Cell> grad,
                            RecurrentOutGrads dout, float* scratch, BidirectionalCache<Cell> cache,
                            BidirectionalParams<Cell> p, const float* x, int T, int B, int C,
                            int H) {
  const int BH = B * H;
  float* cell_scratch = scratch;
  float* dh_fw = scratch + Cell::scratch_floats(T, B, H);  // (T, B, H)
  float* dh_bw = dh_fw + size_t(T) * BH;                   // (T, B, H) in the backward cell's order
  float* dx_rev = dh_bw + size_t(T) * BH;                  // (T, B, C) likewise
  if (dout.dh) {
    std::memset(dh_fw, 0, sizeof(float) * 2 * size_t(T) * BH);
    for (int t = 0; t < T; t++)
      concat_backward(dh_fw + t * BH, dh_bw + (T - 1 - t) * BH, dout.dh + t * 2 * BH, B, H, H);
  }
  Cell::backward({din.dx, din.dh0, din.dc0}, grad.fw,
                 {dout.dh ? dh_fw : nullptr, dout.dh_last, dout.dc_last}, cell_scratch, cache.fw,
                 p.fw, x, T, B, C, H);
  if (din.dx) std::memset(dx_rev, 0, sizeof(float) * size_t(T) * B * C);
  Cell::backward(
      {din.dx ? dx_rev : nullptr, state_slot(din.dh0, 1, BH), state_slot(din.dc0, 1, BH)}, grad.bw,
      {dout.dh ? dh_bw : nullptr, state_slot(dout.dh_last, 1, BH), state_slot(dout.dc_last, 1, BH)},
      cell_scratch, cache.bw, p.bw, cache.x_rev, T, B, C, H);
  if (din.dx) sequence_reverse_add(din.dx, dx_rev, T, B * C);
}

}  // namespace nn
