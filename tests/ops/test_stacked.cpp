// Stacked layers: a 2-layer GRU against PyTorch's nn.GRU(num_layers=2)
// (tests/fixtures/gru_stacked.bin), a 3-layer LSTM against finite differences.
#include <vector>

#include "core/ops/stacked.h"
#include "ops/cell_testing.h"
#include "testing.h"

using namespace nn_test;

namespace {

// L layers of one cell with their caches, layer 0 reading C features and the others H.
template <class Cell>
struct Stack {
  int L, T, B, C, H;
  std::vector<CellWeights<Cell>> layers;
  std::vector<std::vector<float>> mem;
  std::vector<typename Cell::Cache> caches;
  std::vector<float> scratch;

  Stack(int L_, int T_, int B_, int C_, int H_) : L(L_), T(T_), B(B_), C(C_), H(H_) {
    for (int l = 0; l < L; l++) {
      layers.emplace_back(l == 0 ? C : H, H);
      mem.emplace_back(Cell::cache_floats(T, B, H));
      caches.push_back(Cell::cache(mem.back().data(), T, B, H));
    }
    scratch.resize(nn::stacked_scratch_floats<Cell>(T, B, H));
  }
  std::vector<typename Cell::Params> params() {
    std::vector<typename Cell::Params> p;
    for (auto& w : layers) p.push_back(w.params());
    return p;
  }
  std::vector<typename Cell::Params> grads() {
    std::vector<typename Cell::Params> g;
    for (auto& w : layers) g.push_back(w.grads());
    return g;
  }
  const float* top_output() const { return caches[L - 1].h + B * H; }
};

}  // namespace

TEST_CASE("stacked") {
  SUBCASE("GRU forward and backward match PyTorch") {
    using Cell = nn::GruCell;
    Fixture fx = load_fixture("gru_stacked.bin");
    const int L = 2, T = 3, B = 2, C = 4, H = 5, BH = B * H;
    Stack<Cell> s(L, T, B, C, H);
    for (int l = 0; l < L; l++) s.layers[l].load(fx, "_l" + std::to_string(l));
    nn::stacked_forward<Cell>(s.caches.data(), s.params().data(), fx["x"].data(), fx["h0"].data(),
                              nullptr, L, T, B, C, H);
    check_close("out", s.top_output(), fx["out"].data(), size_t(T) * BH, kTorchAbsTol,
                kTorchRelTol);
    for (int l = 0; l < L; l++)
      check_close("h_n", s.caches[l].h + T * BH, fx["h_n"].data() + l * BH, BH, kTorchAbsTol,
                  kTorchRelTol);

    std::vector<float> dx(fx["x"].size()), dh0(size_t(L) * BH);
    nn::stacked_backward<Cell>({dx.data(), dh0.data(), nullptr}, s.grads().data(),
                               {fx["dout"].data(), fx["dh_n"].data(), nullptr}, s.scratch.data(),
                               s.caches.data(), s.params().data(), fx["x"].data(), L, T, B, C, H);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dh0", dh0.data(), fx["dh0"].data(), dh0.size(), kTorchAbsTol, kTorchRelTol);
    for (int l = 0; l < L; l++) s.layers[l].check_grads_against(fx, "_l" + std::to_string(l));
  }
  SUBCASE("LSTM backward matches finite differences") {
    using Cell = nn::LstmCell;
    const int L = 3, T = 3, B = 2, C = 3, H = 2, BH = B * H;
    Stack<Cell> s(L, T, B, C, H);
    Rng rng{101};
    for (auto& w : s.layers) w.randomize(rng);
    std::vector<float> x = rng.vector(size_t(T) * B * C), h0 = rng.vector(size_t(L) * BH),
                       c0 = rng.vector(size_t(L) * BH);
    std::vector<float> dout = rng.vector(size_t(T) * BH), dh_n = rng.vector(size_t(L) * BH),
                       dc_n = rng.vector(size_t(L) * BH);
    auto objective = [&] {
      nn::stacked_forward<Cell>(s.caches.data(), s.params().data(), x.data(), h0.data(), c0.data(),
                                L, T, B, C, H);
      double sum = weighted_sum(s.top_output(), dout.data(), dout.size());
      for (int l = 0; l < L; l++)
        sum += weighted_sum(s.caches[l].h + T * BH, dh_n.data() + l * BH, BH) +
               weighted_sum(s.caches[l].c + T * BH, dc_n.data() + l * BH, BH);
      return sum;
    };
    objective();
    std::vector<float> dx(x.size()), dh0(h0.size()), dc0(c0.size());
    nn::stacked_backward<Cell>({dx.data(), dh0.data(), dc0.data()}, s.grads().data(),
                               {dout.data(), dh_n.data(), dc_n.data()}, s.scratch.data(),
                               s.caches.data(), s.params().data(), x.data(), L, T, B, C, H);
    check_gradient("dx", x.data(), dx.data(), x.size(), objective);
    check_gradient("dh0", h0.data(), dh0.data(), h0.size(), objective);
    check_gradient("dc0", c0.data(), dc0.data(), c0.size(), objective);
    for (int l = 0; l < L; l++)
      s.layers[l].check_grads_numerically("layer " + std::to_string(l), objective);
  }
}
