#pragma once
// L recurrent layers of one cell (ops/cell.h), layer l reading layer l-1's output sequence:
// PyTorch's num_layers = L. Layer 0 has input size C, the others H. Each layer has its own
// params and cache (arrays of L); the top layer's output is caches[L-1].h + B*H (T, B, H).
// States and their gradients stack the layers as (L, B, H), like PyTorch's h_n.
#include <cstddef>
#include <cstring>
#include <utility>

#include "core/ops/cell.h"

namespace nn {

template <class Cell>
size_t stacked_scratch_floats(int T, int B, int H) {
  return Cell::scratch_floats(T, B, H) + 2 * size_t(T) * B * H;
}

// x (T, B, C); h0, c0 (L, B, H), either may be null for zeros.
template <class Cell>
void stacked_forward(const typename Cell::Cache* caches, const typename Cell::Params* params,
                     const float* x, const float* h0, const float* c0, int L, int T, int B, int C,
                     int H) {
  const int BH = B * H;
  for (int l = 0; l < L; l++) {
    const float* input = l == 0 ? x : caches[l - 1].h + BH;
    Cell::forward(caches[l], params[l], input, state_slot(h0, l, BH), state_slot(c0, l, BH), T, B,
                  l == 0 ? C : H, H);
  }
}

// dout.dh (T, B, H) on the top layer's outputs; dout.dh_last, dout.dc_last (L, B, H) on every
// layer's final states. Adds into din (dx (T, B, C), dh0 and dc0 (L, B, H)) and into grads[l].
template <class Cell>
void stacked_backward(RecurrentInGrads din, const typename Cell::Params* grads,
                      RecurrentOutGrads dout, float* scratch, const typename Cell::Cache* caches,
                      const typename Cell::Params* params, const float* x, int L, int T, int B,
                      int C, int H) {
  const int BH = B * H;
  float* cell_scratch = scratch;
  // Two (T, B, H) buffers take turns: the gradient a layer receives, and the one it passes down.
  float* dh_in = scratch + Cell::scratch_floats(T, B, H);
  float* dh_out = dh_in + size_t(T) * BH;
  const float* dh = dout.dh;
  for (int l = L - 1; l >= 0; l--) {
    const float* input = l == 0 ? x : caches[l - 1].h + BH;
    float* dinput = l == 0 ? din.dx : dh_out;
    if (l > 0) std::memset(dh_out, 0, sizeof(float) * size_t(T) * BH);
    Cell::backward({dinput, state_slot(din.dh0, l, BH), state_slot(din.dc0, l, BH)}, grads[l],
                   {dh, state_slot(dout.dh_last, l, BH), state_slot(dout.dc_last, l, BH)},
                   cell_scratch, caches[l], params[l], input, T, B, l == 0 ? C : H, H);
    dh = dh_out;
    std::swap(dh_in, dh_out);
  }
}

}  // namespace nn
