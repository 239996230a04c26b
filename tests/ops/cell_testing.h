#pragma once
// The weights of one recurrent cell (one layer, one direction) with their gradients, for the
// tests of layers composed from cells (bidirectional, stacked), generic over ops/cell.h.
#include <string>
#include <vector>

#include "core/ops/cell.h"
#include "testing.h"

namespace nn_test {

template <class Cell>
struct CellWeights {
  std::vector<float> w_ih, w_hh, b_ih, b_hh;      // (G, C) (G, H) (G) (G), G = gates * H
  std::vector<float> dw_ih, dw_hh, db_ih, db_hh;  // the same shapes

  CellWeights(int C, int H)
      : w_ih(size_t(Cell::kGates) * H * C),
        w_hh(size_t(Cell::kGates) * H * H),
        b_ih(size_t(Cell::kGates) * H),
        b_hh(size_t(Cell::kGates) * H),
        dw_ih(w_ih.size()),
        dw_hh(w_hh.size()),
        db_ih(b_ih.size()),
        db_hh(b_hh.size()) {}

  typename Cell::Params params() { return {w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()}; }
  typename Cell::Params grads() { return {dw_ih.data(), dw_hh.data(), db_ih.data(), db_hh.data()}; }

  void randomize(Rng& rng) {
    for (std::vector<float>* v : {&w_ih, &w_hh, &b_ih, &b_hh}) *v = rng.vector(v->size());
  }
  // PyTorch's names with their suffix: "_l0", "_l1", "_l0_reverse".
  void load(Fixture& fx, const std::string& suffix) {
    w_ih = fx["w_ih" + suffix], w_hh = fx["w_hh" + suffix];
    b_ih = fx["b_ih" + suffix], b_hh = fx["b_hh" + suffix];
  }
  void check_grads_against(Fixture& fx, const std::string& suffix) {
    check_close(("dw_ih" + suffix).c_str(), dw_ih.data(), fx["dw_ih" + suffix].data(), dw_ih.size(),
                kTorchAbsTol, kTorchRelTol);
    check_close(("dw_hh" + suffix).c_str(), dw_hh.data(), fx["dw_hh" + suffix].data(), dw_hh.size(),
                kTorchAbsTol, kTorchRelTol);
    check_close(("db_ih" + suffix).c_str(), db_ih.data(), fx["db_ih" + suffix].data(), db_ih.size(),
                kTorchAbsTol, kTorchRelTol);
    check_close(("db_hh" + suffix).c_str(), db_hh.data(), fx["db_hh" + suffix].data(), db_hh.size(),
                kTorchAbsTol, kTorchRelTol);
  }
  void check_grads_numerically(const std::string& name, const std::function<double()>& objective) {
    check_gradient((name + " dw_ih").c_str(), w_ih.data(), dw_ih.data(), w_ih.size(), objective);
    check_gradient((name + " dw_hh").c_str(), w_hh.data(), dw_hh.data(), w_hh.size(), objective);
    check_gradient((name + " db_ih").c_str(), b_ih.data(), db_ih.data(), b_ih.size(), objective);
    check_gradient((name + " db_hh").c_str(), b_hh.data(), db_hh.data(), b_hh.size(), objective);
  }
};

}  // namespace nn_test
