// GRU: forward and backward through time against PyTorch's nn.GRU (tests/fixtures/gru.bin),
// and every gradient (x, h0, all four parameters) against finite differences.
#include <vector>

#include "core/ops/gru.h"
#include "testing.h"

using namespace nn_test;

namespace {

// One layer with its inputs, weights and buffers, laid out as gru.h expects.
struct Gru {
  int T, B, C, H;
  std::vector<float> x, h0, w_ih, w_hh, b_ih, b_hh;
  std::vector<float> cache_mem, scratch;

  Gru(int T_, int B_, int C_, int H_) : T(T_), B(B_), C(C_), H(H_) {
    cache_mem.resize(nn::gru_cache_floats(T, B, H));
    scratch.resize(nn::gru_scratch_floats(T, B, H));
  }
  nn::GruParams params() { return {w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()}; }
  nn::GruCache cache() { return nn::gru_cache(cache_mem.data(), T, B, H); }
  nn::GruCache forward() {
    nn::gru_forward(cache(), params(), x.data(), h0.data(), T, B, C, H);
    return cache();
  }
};

struct GruGrads {
  std::vector<float> dx, dh0, dw_ih, dw_hh, db_ih, db_hh;
  explicit GruGrads(const Gru& l)
      : dx(l.x.size()),
        dh0(l.h0.size()),
        dw_ih(l.w_ih.size()),
        dw_hh(l.w_hh.size()),
        db_ih(l.b_ih.size()),
        db_hh(l.b_hh.size()) {}
  nn::RecurrentInGrads inputs() { return {dx.data(), dh0.data(), nullptr}; }
  nn::GruParams params() { return {dw_ih.data(), dw_hh.data(), db_ih.data(), db_hh.data()}; }
};

}  // namespace

TEST_CASE("gru") {
  Fixture fx = load_fixture("gru.bin");
  Gru l(3, 2, 4, 5);
  const int BH = l.B * l.H;
  l.x = fx["x"], l.h0 = fx["h0"];
  l.w_ih = fx["w_ih"], l.w_hh = fx["w_hh"], l.b_ih = fx["b_ih"], l.b_hh = fx["b_hh"];

  SUBCASE("forward matches PyTorch") {
    nn::GruCache cache = l.forward();
    check_close("out", cache.h + BH, fx["out"].data(), l.T * BH, kTorchAbsTol, kTorchRelTol);
    check_close("h_n", cache.h + l.T * BH, fx["h_n"].data(), BH, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches PyTorch") {
    nn::GruCache cache = l.forward();
    GruGrads g(l);
    nn::RecurrentOutGrads dout{fx["dout"].data(), fx["dh_n"].data(), nullptr};
    nn::gru_backward(g.inputs(), g.params(), dout, l.scratch.data(), cache, l.params(), l.x.data(),
                     l.T, l.B, l.C, l.H);
    check_close("dx", g.dx.data(), fx["dx"].data(), g.dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dh0", g.dh0.data(), fx["dh0"].data(), g.dh0.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw_ih", g.dw_ih.data(), fx["dw_ih"].data(), g.dw_ih.size(), kTorchAbsTol,
                kTorchRelTol);
    check_close("dw_hh", g.dw_hh.data(), fx["dw_hh"].data(), g.dw_hh.size(), kTorchAbsTol,
                kTorchRelTol);
    check_close("db_ih", g.db_ih.data(), fx["db_ih"].data(), g.db_ih.size(), kTorchAbsTol,
                kTorchRelTol);
    check_close("db_hh", g.db_hh.data(), fx["db_hh"].data(), g.db_hh.size(), kTorchAbsTol,
                kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Gru r(4, 3, 2, 3);  // other sizes than the fixture's, so no dimension is mixed up unnoticed
    Rng rng{42};
    const int G = 3 * r.H;
    r.x = rng.vector(r.T * r.B * r.C), r.h0 = rng.vector(r.B * r.H);
    r.w_ih = rng.vector(G * r.C), r.w_hh = rng.vector(G * r.H);
    r.b_ih = rng.vector(G), r.b_hh = rng.vector(G);
    std::vector<float> dh = rng.vector(r.T * r.B * r.H), dh_n = rng.vector(r.B * r.H);
    const int rBH = r.B * r.H;
    auto objective = [&] {
      nn::GruCache cache = r.forward();
      return weighted_sum(cache.h + rBH, dh.data(), dh.size()) +
             weighted_sum(cache.h + r.T * rBH, dh_n.data(), rBH);
    };
    nn::GruCache cache = r.forward();
    GruGrads g(r);
    nn::gru_backward(g.inputs(), g.params(), {dh.data(), dh_n.data(), nullptr}, r.scratch.data(),
                     cache, r.params(), r.x.data(), r.T, r.B, r.C, r.H);
    check_gradient("dx", r.x.data(), g.dx.data(), r.x.size(), objective);
    check_gradient("dh0", r.h0.data(), g.dh0.data(), r.h0.size(), objective);
    check_gradient("dw_ih", r.w_ih.data(), g.dw_ih.data(), r.w_ih.size(), objective);
    check_gradient("dw_hh", r.w_hh.data(), g.dw_hh.data(), r.w_hh.size(), objective);
    check_gradient("db_ih", r.b_ih.data(), g.db_ih.data(), r.b_ih.size(), objective);
    check_gradient("db_hh", r.b_hh.data(), g.db_hh.data(), r.b_hh.size(), objective);
  }
}
