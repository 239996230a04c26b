#pragma once
// Internal to the char-RNN files: the runtime cell choice mapped onto ops/cell.h's compile-time
// interface, and a layer's slices as that cell's parameter struct.
#include "core/ops/cell.h"
#include "models/charrnn.h"

namespace nn {

// Calls fn(RnnCell{}), fn(GruCell{}) or fn(LstmCell{}): one instantiation per cell.
template <class Fn>
decltype(auto) with_cell(CellKind kind, Fn&& fn) {
  switch (kind) {
    case CellKind::Rnn:
      return fn(RnnCell{});
    case CellKind::Gru:
      return fn(GruCell{});
    case CellKind::Lstm:
      break;
  }
  return fn(LstmCell{});
}

// The three cells' parameter structs share CharRnnLayer's fields and order.
template <class Cell>
typename Cell::Params cell_params(const CharRnnLayer& layer) {
  return {layer.w_ih, layer.w_hh, layer.b_ih, layer.b_hh};
}

}  // namespace nn
