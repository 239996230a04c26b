// RNN (tanh) and GRU: forward and backward through time against PyTorch's nn.RNN and nn.GRU
// (tests/fixtures/rnn.bin, gru.bin), and every gradient (x, h0, all four parameters) against
// finite differences. The two cells share one test, written once over ops/cell.h's traits.
#include <vector>

#include "core/ops/cell.h"
#include "testing.h"

using namespace nn_test;

namespace {

// One layer with its inputs, weights and buffers, laid out as the cell expects.
template <class Cell>
struct Layer {
  int T, B, C, H;
  std::vector<float> x, h0, w_ih, w_hh, b_ih, b_hh;
  std::vector<float> cache_mem, scratch;

  Layer(int T_, int B_, int C_, int H_) : T(T_), B(B_), C(C_), H(H_) {
    cache_mem.resize(Cell::cache_floats(T, B, H));
    scratch.resize(Cell::scratch_floats(T, B, H));
  }
  typename Cell::Params params() { return {w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()}; }
  typename Cell::Cache cache() { return Cell::cache(cache_mem.data(), T, B, H); }
  typename Cell::Cache forward() {
    Cell::forward(cache(), params(), x.data(), h0.data(), nullptr, T, B, C, H);
    return cache();
  }
};

template <class Cell>
struct Grads {
  std::vector<float> dx, dh0, dw_ih, dw_hh, db_ih, db_hh;
  explicit Grads(const Layer<Cell>& l)
      : dx(l.x.size()),
        dh0(l.h0.size()),
        dw_ih(l.w_ih.size()),
        dw_hh(l.w_hh.size()),
        db_ih(l.b_ih.size()),
        db_hh(l.b_hh.size()) {}
  nn::RecurrentInGrads inputs() { return {dx.data(), dh0.data(), nullptr}; }
  typename Cell::Params params() { return {dw_ih.data(), dw_hh.data(), db_ih.data(), db_hh.data()}; }
};

template <class Cell>
void check_cell(const char* fixture, std::uint64_t seed) {
  Fixture fx = load_fixture(fixture);
  Layer<Cell> l(3, 2, 4, 5);
  const int BH = l.B * l.H;
  l.x = fx["x"], l.h0 = fx["h0"];
  l.w_ih = fx["w_ih"], l.w_hh = fx["w_hh"], l.b_ih = fx["b_ih"], l.b_hh = fx["b_hh"];

  SUBCASE("forward matches PyTorch") {
    typename Cell::Cache cache = l.forward();
    check_close("out", cache.h + BH, fx["out"].data(), l.T * BH, kTorchAbsTol, kTorchRelTol);
    check_close("h_n", cache.h + l.T * BH, fx["h_n"].data(), BH, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches PyTorch") {
    typename Cell::Cache cache = l.forward();
    Grads<Cell> g(l);
    nn::RecurrentOutGrads dout{fx["dout"].data(), fx["dh_n"].data(), nullptr};
    Cell::backward(g.inputs(), g.params(), dout, l.scratch.data(), cache, l.params(), l.x.data(), l.T, l.B,
                   l.C, l.H);
    check_close("dx", g.dx.data(), fx["dx"].data(), g.dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dh0", g.dh0.data(), fx["dh0"].data(), g.dh0.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw_ih", g.dw_ih.data(), fx["dw_ih"].data(), g.dw_ih.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw_hh", g.dw_hh.data(), fx["dw_hh"].data(), g.dw_hh.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db_ih", g.db_ih.data(), fx["db_ih"].data(), g.db_ih.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db_hh", g.db_hh.data(), fx["db_hh"].data(), g.db_hh.size(), kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Layer<Cell> r(4, 3, 2, 3);  // other sizes than the fixture's, so no dimension is mixed up unnoticed
    Rng rng{seed};
    const int G = Cell::kGates * r.H;
    r.x = rng.vector(r.T * r.B * r.C), r.h0 = rng.vector(r.B * r.H);
    r.w_ih = rng.vector(G * r.C), r.w_hh = rng.vector(G * r.H);
    r.b_ih = rng.vector(G), r.b_hh = rng.vector(G);
    std::vector<float> dh = rng.vector(r.T * r.B * r.H), dh_n = rng.vector(r.B * r.H);
    const int rBH = r.B * r.H;
    auto objective = [&] {
      typename Cell::Cache cache = r.forward();
      return weighted_sum(cache.h + rBH, dh.data(), dh.size()) + weighted_sum(cache.h + r.T * rBH, dh_n.data(), rBH);
    };
    typename Cell::Cache cache = r.forward();
    Grads<Cell> g(r);
    Cell::backward(g.inputs(), g.params(), {dh.data(), dh_n.data(), nullptr}, r.scratch.data(), cache, r.params(),
                   r.x.data(), r.T, r.B, r.C, r.H);
    check_gradient("dx", r.x.data(), g.dx.data(), r.x.size(), objective);
    check_gradient("dh0", r.h0.data(), g.dh0.data(), r.h0.size(), objective);
    check_gradient("dw_ih", r.w_ih.data(), g.dw_ih.data(), r.w_ih.size(), objective);
    check_gradient("dw_hh", r.w_hh.data(), g.dw_hh.data(), r.w_hh.size(), objective);
    check_gradient("db_ih", r.b_ih.data(), g.db_ih.data(), r.b_ih.size(), objective);
    check_gradient("db_hh", r.b_hh.data(), g.db_hh.data(), r.b_hh.size(), objective);
  }
}

}  // namespace

TEST_CASE("rnn") { check_cell<nn::RnnCell>("rnn.bin", 43); }

TEST_CASE("gru") { check_cell<nn::GruCell>("gru.bin", 42); }
