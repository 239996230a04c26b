// Recurrent layers large enough to be split by sequences over threads (9 rows: uneven shares):
// forward against a step-by-step reference built from gemm_ref and the scalar cell twins,
// backward against central differences, and both bit-identical on 1 and 2 threads. The narrow layers of the PyTorch fixtures take the other path.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/gemm.h"
#include "core/ops/cell.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace {

constexpr int T = 6, B = 9, C = 7, H = 64;

struct Layer {
  int gates;
  std::vector<float> w_ih, w_hh, b_ih, b_hh, x, dh;
  explicit Layer(int g) : gates(g) {
    std::mt19937 rng(21);
    std::uniform_real_distribution<float> u(-0.3f, 0.3f);
    auto fill = [&](std::vector<float>& v, size_t n) {
      v.resize(n);
      for (float& f : v) f = u(rng);
    };
    fill(w_ih, size_t(g) * H * C), fill(w_hh, size_t(g) * H * H), fill(b_ih, size_t(g) * H), fill(b_hh, size_t(g) * H);
    fill(x, size_t(T) * B * C), fill(dh, size_t(T) * B * H);
  }
};

// The outputs h_1..h_T (T, B, H) the old way: whole-width products, then the cells' twins.
std::vector<float> reference_outputs(const Layer& l) {
  const int G = l.gates * H;
  std::vector<float> h(size_t(T + 1) * B * H, 0.0f), c(h.size(), 0.0f), gates(size_t(B) * G), hh(size_t(B) * G);
  for (int t = 0; t < T; t++) {
    float* h_prev = h.data() + t * B * H;
    nn::gemm_ref(false, true, B, G, C, 1.0f, l.x.data() + t * B * C, C, l.w_ih.data(), C, 0.0f, gates.data(), G);
    if (l.gates == 4) {
      nn::gemm_ref(false, true, B, G, H, 1.0f, h_prev, H, l.w_hh.data(), H, 1.0f, gates.data(), G);
      nn::lstm_cell_forward_ref(gates.data(), l.b_ih.data(), l.b_hh.data(), c.data() + t * B * H,
                                c.data() + (t + 1) * B * H, h_prev + B * H, B, H, H);
    } else {
      nn::gemm_ref(false, true, B, G, H, 1.0f, h_prev, H, l.w_hh.data(), H, 0.0f, hh.data(), G);
      nn::gru_cell_forward_ref(gates.data(), hh.data(), l.b_ih.data(), l.b_hh.data(), h_prev, h_prev + B * H, B, H, H);
    }
  }
  return {h.begin() + B * H, h.end()};
}

template <class Cell>
struct Run {
  std::vector<float> h, dw_ih, dw_hh, db_ih, db_hh, dx;
};

template <class Cell>
Run<Cell> run_layer(Layer& l, bool backward) {
  std::vector<float> cache_mem(Cell::cache_floats(T, B, H)), scratch(Cell::scratch_floats(T, B, H));
  typename Cell::Cache cache = Cell::cache(cache_mem.data(), T, B, H);
  typename Cell::Params p{l.w_ih.data(), l.w_hh.data(), l.b_ih.data(), l.b_hh.data()};
  Cell::forward(cache, p, l.x.data(), nullptr, nullptr, T, B, C, H);
  Run<Cell> r;
  r.h.assign(cache.h + B * H, cache.h + size_t(T + 1) * B * H);
  if (!backward) return r;
  r.dw_ih.assign(l.w_ih.size(), 0.0f), r.dw_hh.assign(l.w_hh.size(), 0.0f);
  r.db_ih.assign(l.b_ih.size(), 0.0f), r.db_hh.assign(l.b_hh.size(), 0.0f), r.dx.assign(l.x.size(), 0.0f);
  typename Cell::Params g{r.dw_ih.data(), r.dw_hh.data(), r.db_ih.data(), r.db_hh.data()};
  Cell::backward({r.dx.data(), nullptr, nullptr}, g, {l.dh.data(), nullptr, nullptr}, scratch.data(), cache, p,
                 l.x.data(), T, B, C, H);
  return r;
}

template <class Cell>
double objective(Layer& l) {  // Σ dh · h, whose gradient backward computes
  std::vector<float> h = run_layer<Cell>(l, false).h;
  double s = 0.0;
  for (size_t i = 0; i < h.size(); i++) s += double(l.dh[i]) * h[i];
  return s;
}

template <class Cell>
void check_wide_layer() {
  REQUIRE(2.0 * T * B * Cell::kGates * H * H >= nn::kGemmParallelMinFlops);  // the split path
  Layer l(Cell::kGates);
  nn::set_num_threads(1);
  Run<Cell> one = run_layer<Cell>(l, true);
  const std::vector<float> want = reference_outputs(l);
  for (size_t i = 0; i < want.size(); i++) REQUIRE(std::fabs(one.h[i] - want[i]) <= 1e-5f);

  // A few entries of each weight against central differences in double.
  std::mt19937 pick(5);
  for (auto [w, dw] : {std::pair{&l.w_hh, &one.dw_hh}, std::pair{&l.w_ih, &one.dw_ih}, std::pair{&l.b_hh, &one.db_hh}}) {
    for (int k = 0; k < 12; k++) {
      const size_t i = pick() % w->size();
      const float saved = (*w)[i], step = 1e-2f;
      (*w)[i] = saved + step;
      const double up = objective<Cell>(l);
      (*w)[i] = saved - step;
      const double down = objective<Cell>(l);
      (*w)[i] = saved;
      const double numeric = (up - down) / (2.0 * step);
      CAPTURE(i);
      CHECK(std::fabs((*dw)[i] - numeric) <= 2e-3 + 2e-2 * std::fabs(numeric));
    }
  }

  nn::set_num_threads(2);
  Run<Cell> two = run_layer<Cell>(l, true);
  nn::set_num_threads(1);
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
  };
  CHECK(same(one.h, two.h));
  CHECK(same(one.dw_hh, two.dw_hh));
  CHECK(same(one.dw_ih, two.dw_ih));
  CHECK(same(one.db_hh, two.db_hh));
  CHECK(same(one.dx, two.dx));
}

}  // namespace

TEST_CASE("an LSTM split by sequences: the reference's outputs, finite-difference gradients, 1 = 2 threads") {
  check_wide_layer<nn::LstmCell>();
}

TEST_CASE("a GRU split by sequences: the reference's outputs, finite-difference gradients, 1 = 2 threads") {
  check_wide_layer<nn::GruCell>();
}
