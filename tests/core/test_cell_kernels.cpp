// The fused recurrent cells (vec.h) against their scalar twins on every SIMD backend of this
// build: whole layers and shares of units that start mid-row, sizes with vector tails, and units
// outside the share left exactly as they were. The twins themselves are what the PyTorch fixtures
// of tests/ops check, through the layers.
#include <doctest/doctest.h>

#include <cmath>
#include <iterator>
#include <random>
#include <vector>

#include "core/simd.h"
#include "core/vec.h"
#include "simd_backends.h"

namespace {

// The SIMD kernels against their scalar twin, on every backend but the scalar one.
template <class F>
void for_each_simd_backend(F body) {
  nn_test::for_each_backend(body, nn_test::ScalarBackend::Skip);
}

// Each output is a product of a few roundings and one or two transcendentals of O(1) inputs: both
// sides are within ~1e-6 of the truth. A wrong gate, row or unit is off by O(0.1).
constexpr float kCellTol = 2e-6f;

struct Shape {
  int rows, H, u0, n;
};
// The kernels take two vectors at a time (simd::Pair): tails shorter than one vector and longer
// than one, on every backend's width (4, 8, 16 lanes).
const Shape kShapes[] = {{3, 5, 0, 5},   {2, 8, 0, 8},   {3, 13, 0, 13}, {4, 128, 0, 128}, {4, 128, 72, 56},
                         {2, 37, 8, 29}, {1, 37, 0, 8},  {2, 19, 0, 19}, {2, 50, 0, 50}};

std::vector<float> random_vector(size_t n, std::mt19937& rng, float lo, float hi) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// Every element within tolerance of the twin's; elements outside the share must be identical.
void check_same(const std::vector<float>& got, const std::vector<float>& want, int width, const Shape& s) {
  for (size_t i = 0; i < got.size(); i++) {
    int unit = int(i % size_t(width)) % s.H;
    bool inside = unit >= s.u0 && unit < s.u0 + s.n;
    CAPTURE(i);
    if (inside)
      REQUIRE(std::fabs(got[i] - want[i]) <= kCellTol * (1.0f + std::fabs(want[i])));
    else
      REQUIRE(got[i] == want[i]);
  }
}

}  // namespace

TEST_CASE("lstm_cell_forward and lstm_cell_backward match their twins") {
  for_each_simd_backend([] {
    std::mt19937 rng(5);
    for (const Shape& s : kShapes) {
      CAPTURE(s.rows); CAPTURE(s.H); CAPTURE(s.u0); CAPTURE(s.n);
      const size_t gates_n = size_t(s.rows) * 4 * s.H, state_n = size_t(s.rows) * s.H;
      std::vector<float> gates = random_vector(gates_n, rng, -6, 6), c_prev = random_vector(state_n, rng, -2, 2);
      std::vector<float> c = random_vector(state_n, rng, -1, 1), h = random_vector(state_n, rng, -1, 1);
      const std::vector<float> b_ih = random_vector(size_t(4) * s.H, rng, -1, 1);
      const std::vector<float> b_hh = random_vector(size_t(4) * s.H, rng, -1, 1);
      auto gates_ref = gates, c_ref = c, h_ref = h;
      nn::lstm_cell_forward(gates.data() + s.u0, b_ih.data() + s.u0, b_hh.data() + s.u0, c_prev.data() + s.u0,
                            c.data() + s.u0, h.data() + s.u0, s.rows, s.H, s.n);
      nn::lstm_cell_forward_ref(gates_ref.data() + s.u0, b_ih.data() + s.u0, b_hh.data() + s.u0,
                                c_prev.data() + s.u0, c_ref.data() + s.u0, h_ref.data() + s.u0, s.rows, s.H, s.n);
      check_same(gates, gates_ref, 4 * s.H, s);
      check_same(c, c_ref, s.H, s);
      check_same(h, h_ref, s.H, s);

      // Backward from the twin's forward, so both sides start from the same activations.
      std::vector<float> dgates = random_vector(gates_n, rng, -1, 1), dc = random_vector(state_n, rng, -1, 1);
      const std::vector<float> dh = random_vector(state_n, rng, -1, 1);
      // The bias gradients hold earlier sums: the rows' are added to them.
      std::vector<float> db_ih = random_vector(size_t(4) * s.H, rng, -1, 1), db_hh = random_vector(size_t(4) * s.H, rng, -1, 1);
      auto dgates_ref = dgates, dc_ref = dc, db_ih_ref = db_ih, db_hh_ref = db_hh;
      nn::lstm_cell_backward(dgates.data() + s.u0, db_ih.data() + s.u0, db_hh.data() + s.u0, dc.data() + s.u0,
                             dh.data() + s.u0, gates_ref.data() + s.u0, c_prev.data() + s.u0, h_ref.data() + s.u0,
                             s.rows, s.H, s.n);
      nn::lstm_cell_backward_ref(dgates_ref.data() + s.u0, db_ih_ref.data() + s.u0, db_hh_ref.data() + s.u0,
                                 dc_ref.data() + s.u0, dh.data() + s.u0, gates_ref.data() + s.u0,
                                 c_prev.data() + s.u0, h_ref.data() + s.u0, s.rows, s.H, s.n);
      check_same(dgates, dgates_ref, 4 * s.H, s);
      check_same(dc, dc_ref, s.H, s);
      check_same(db_ih, db_ih_ref, 4 * s.H, s);
      check_same(db_hh, db_hh_ref, 4 * s.H, s);
    }
  });
}

TEST_CASE("the LSTM backward cell's tanh(c), recovered as h / o, is tanh(c) to rounding, o underflowing included") {
  // Output gates from saturated open to underflowed shut (sigmoid(-110) is 0 in float, sigmoid(-90)
  // a denormal); c and dh vary so that every unit's gradient differs.
  const float o_pre[] = {-200, -110, -100, -90, -50, -3, 0, 2, 5, 20, 50, 200};
  const size_t units = std::size(o_pre);
  const int H = int(units);
  std::mt19937 rng(11);
  std::vector<float> gates = random_vector(4 * units, rng, -3, 3), c_prev = random_vector(units, rng, -2, 2);
  for (size_t k = 0; k < units; k++) gates[3 * units + k] = o_pre[k];
  const std::vector<float> zeros(4 * units, 0.0f), dh = random_vector(units, rng, -1, 1);
  std::vector<float> c(units), h(units);
  nn::lstm_cell_forward_ref(gates.data(), zeros.data(), zeros.data(), c_prev.data(), c.data(), h.data(), 1, H, H);
  for_each_simd_backend([&] {
    std::vector<float> dgates(4 * units), dc(units, 0.0f), db_ih(4 * units, 0.0f), db_hh = db_ih;
    nn::lstm_cell_backward(dgates.data(), db_ih.data(), db_hh.data(), dc.data(), dh.data(), gates.data(), c_prev.data(),
                           h.data(), 1, H, H);
    for (size_t k = 0; k < units; k++) {
      CAPTURE(o_pre[k]);
      const double o = gates[3 * units + k], f = gates[units + k], tc = std::tanh(double(c[k]));
      const double d_o = dh[k] * tc * o * (1 - o), dc_prev = dh[k] * o * (1 - tc * tc) * f;
      CHECK(std::fabs(dgates[3 * units + k] - d_o) <= kCellTol * (1 + std::fabs(d_o)));
      CHECK(std::fabs(dc[k] - dc_prev) <= kCellTol * (1 + std::fabs(dc_prev)));
      CHECK(std::isfinite(dgates[3 * units + k]));
    }
  });
}

TEST_CASE("gru_cell_forward and gru_cell_backward match their twins") {
  for_each_simd_backend([] {
    std::mt19937 rng(6);
    for (const Shape& s : kShapes) {
      CAPTURE(s.rows); CAPTURE(s.H); CAPTURE(s.u0); CAPTURE(s.n);
      const size_t gates_n = size_t(s.rows) * 3 * s.H, state_n = size_t(s.rows) * s.H;
      std::vector<float> gates = random_vector(gates_n, rng, -4, 4), hh = random_vector(gates_n, rng, -3, 3);
      const std::vector<float> b_ih = random_vector(size_t(3) * s.H, rng, -1, 1);
      const std::vector<float> b_hh = random_vector(size_t(3) * s.H, rng, -1, 1);
      const std::vector<float> h_prev = random_vector(state_n, rng, -1, 1);
      std::vector<float> h = random_vector(state_n, rng, -1, 1);
      auto gates_ref = gates, hh_ref = hh, h_ref = h;
      nn::gru_cell_forward(gates.data() + s.u0, hh.data() + s.u0, b_ih.data() + s.u0, b_hh.data() + s.u0,
                           h_prev.data() + s.u0, h.data() + s.u0, s.rows, s.H, s.n);
      nn::gru_cell_forward_ref(gates_ref.data() + s.u0, hh_ref.data() + s.u0, b_ih.data() + s.u0, b_hh.data() + s.u0,
                               h_prev.data() + s.u0, h_ref.data() + s.u0, s.rows, s.H, s.n);
      check_same(gates, gates_ref, 3 * s.H, s);
      check_same(hh, hh_ref, 3 * s.H, s);
      check_same(h, h_ref, s.H, s);

      std::vector<float> dgi = random_vector(gates_n, rng, -1, 1), dgh = random_vector(gates_n, rng, -1, 1);
      std::vector<float> dh = random_vector(state_n, rng, -1, 1);
      std::vector<float> db_ih = random_vector(size_t(3) * s.H, rng, -1, 1), db_hh = random_vector(size_t(3) * s.H, rng, -1, 1);
      auto dgi_ref = dgi, dgh_ref = dgh, dh_ref = dh, db_ih_ref = db_ih, db_hh_ref = db_hh;
      nn::gru_cell_backward(dgi.data() + s.u0, dgh.data() + s.u0, db_ih.data() + s.u0, db_hh.data() + s.u0,
                            dh.data() + s.u0, gates_ref.data() + s.u0, hh_ref.data() + s.u0, h_prev.data() + s.u0,
                            s.rows, s.H, s.n);
      nn::gru_cell_backward_ref(dgi_ref.data() + s.u0, dgh_ref.data() + s.u0, db_ih_ref.data() + s.u0,
                                db_hh_ref.data() + s.u0, dh_ref.data() + s.u0, gates_ref.data() + s.u0,
                                hh_ref.data() + s.u0, h_prev.data() + s.u0, s.rows, s.H, s.n);
      check_same(dgi, dgi_ref, 3 * s.H, s);
      check_same(dgh, dgh_ref, 3 * s.H, s);
      check_same(db_ih, db_ih_ref, 3 * s.H, s);
      check_same(db_hh, db_hh_ref, 3 * s.H, s);
      check_same(dh, dh_ref, s.H, s);
    }
  });
}
