// Linear, over a batch of rows and of columns: against PyTorch (tests/fixtures/linear_cross_entropy.bin),
// finite differences, and the one layout against the other.
#include <cmath>
#include <cstring>
#include <vector>

#include "core/ops/linear.h"
#include "core/thread_pool.h"
#include "testing.h"

using namespace nn_test;

TEST_CASE("linear") {
  SUBCASE("forward matches PyTorch") {
    Fixture fx = load_fixture("linear_cross_entropy.bin");
    const int N = 4, C = 6, OC = 5;
    std::vector<float> out(N * OC);
    nn::linear_forward(out.data(), {fx["w"].data(), fx["b"].data()}, fx["x"].data(), N, C, OC);
    check_close("logits", out.data(), fx["logits"].data(), N * OC, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches PyTorch") {
    Fixture fx = load_fixture("linear_cross_entropy.bin");
    const int N = 4, C = 6, OC = 5;
    std::vector<float> dx(N * C), dw(OC * C), db(OC);
    nn::linear_backward(dx.data(), {dw.data(), db.data()}, fx["dlogits"].data(),
                        {fx["w"].data(), fx["b"].data()}, fx["x"].data(), N, C, OC);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw", dw.data(), fx["dw"].data(), dw.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db", db.data(), fx["db"].data(), db.size(), kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences and accumulates") {
    const int N = 3, C = 7, OC = 4;
    Rng rng{21};
    std::vector<float> x = rng.vector(N * C), w = rng.vector(OC * C), b = rng.vector(OC);
    std::vector<float> dout = rng.vector(N * OC), out(N * OC);
    // Gradients start from a previous step's values; backward must add to them.
    std::vector<float> dx0 = rng.vector(N * C), dw0 = rng.vector(OC * C), db0 = rng.vector(OC);
    std::vector<float> dx = dx0, dw = dw0, db = db0;
    nn::LinearParams p{w.data(), b.data()};
    nn::linear_backward(dx.data(), {dw.data(), db.data()}, dout.data(), p, x.data(), N, C, OC);
    for (int i = 0; i < N * C; i++) dx[i] -= dx0[i];
    for (int i = 0; i < OC * C; i++) dw[i] -= dw0[i];
    for (int i = 0; i < OC; i++) db[i] -= db0[i];
    auto objective = [&] {
      nn::linear_forward(out.data(), p, x.data(), N, C, OC);
      return weighted_sum(out.data(), dout.data(), out.size());
    };
    check_gradient("dx", x.data(), dx.data(), x.size(), objective);
    check_gradient("dw", w.data(), dw.data(), w.size(), objective);
    check_gradient("db", b.data(), db.data(), b.size(), objective);
  }
  SUBCASE("without bias") {
    const int N = 2, C = 3, OC = 2;
    Rng rng{22};
    std::vector<float> x = rng.vector(N * C), w = rng.vector(OC * C), out(N * OC), dw(OC * C);
    std::vector<float> dout = rng.vector(N * OC);
    nn::linear_forward(out.data(), {w.data(), nullptr}, x.data(), N, C, OC);
    CHECK(out[1] == doctest::Approx(x[0] * w[3] + x[1] * w[4] + x[2] * w[5]));
    nn::linear_backward(nullptr, {dw.data(), nullptr}, dout.data(), {w.data(), nullptr}, x.data(),
                        N, C, OC);
    CHECK(dw[4] == doctest::Approx(dout[1] * x[1] + dout[3] * x[4]));
  }
}

TEST_CASE("linear on several threads: forward and weight gradients bit for bit, dx to rounding") {
  // A GAN's layer (150 units over 784 inputs, batch 32): large enough that its products split
  // over the threads that own its rows; 150 rows do not divide into the owners' blocks of 16.
  const int N = 32, C = 784, OC = 150;
  Rng rng{24};
  std::vector<float> x = rng.vector(N * C), w = rng.vector(OC * C), b = rng.vector(OC), dout = rng.vector(N * OC);
  const std::vector<float> dx0 = rng.vector(N * C), dw0 = rng.vector(OC * C), db0 = rng.vector(OC);
  struct Result {
    std::vector<float> out, dx, dw, db;
  };
  auto run = [&](int threads) {
    nn::set_num_threads(threads);
    Result r{std::vector<float>(N * OC), dx0, dw0, db0};  // backward adds to a previous step's values
    nn::LinearParams p{w.data(), b.data()};
    nn::linear_forward(r.out.data(), p, x.data(), N, C, OC);
    nn::linear_backward(r.dx.data(), {r.dw.data(), r.db.data()}, dout.data(), p, x.data(), N, C, OC);
    nn::set_num_threads(1);
    return r;
  };
  const Result one = run(1);
  for (int threads : {2, 3}) {
    CAPTURE(threads);
    const Result many = run(threads), again = run(threads);
    CHECK(many.out == one.out);
    CHECK(many.dw == one.dw);
    CHECK(many.db == one.db);
    check_close("dx", many.dx.data(), one.dx.data(), many.dx.size(), 1e-5, 1e-5);
    CHECK(again.dx == many.dx);  // the same bits for the same thread count
  }
}

namespace {

// rows (n, cols) -> columns (cols, n) with row stride ld; the padding is NaN, which nothing may read.
std::vector<float> to_columns(const float* rows, int n, int cols, int ld) {
  std::vector<float> columns(std::size_t(cols) * ld, NAN);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < cols; j++) columns[std::size_t(j) * ld + i] = rows[std::size_t(i) * cols + j];
  return columns;
}

}  // namespace

TEST_CASE("linear over a batch of columns matches PyTorch") {
  Fixture fx = load_fixture("linear_cross_entropy.bin");
  const int N = 4, C = 6, OC = 5, ld = 7;  // rows of x and out padded to 7
  const nn::LinearParams p{fx["w"].data(), fx["b"].data()};
  const std::vector<float> x = to_columns(fx["x"].data(), N, C, ld);
  std::vector<float> out(std::size_t(OC) * ld, NAN);
  nn::linear_columns_act_forward(out.data(), out.data(), ld, p, x.data(), ld, N, C, OC, {nn::ActKind::None});
  const std::vector<float> logits = to_columns(fx["logits"].data(), N, OC, ld);
  for (int o = 0; o < OC; o++) check_close("logits", &out[std::size_t(o) * ld], &logits[std::size_t(o) * ld], N, kTorchAbsTol, kTorchRelTol);

  const std::vector<float> dout = to_columns(fx["dlogits"].data(), N, OC, N);
  std::vector<float> dx(std::size_t(C) * N, NAN), dw(OC * C, NAN), db(OC, NAN);
  nn::linear_columns_backward_overwrite(dx.data(), {dw.data(), db.data()}, dout.data(), p, x.data(), ld, N, C, OC);
  const std::vector<float> want_dx = to_columns(fx["dx"].data(), N, C, N);
  check_close("dx", dx.data(), want_dx.data(), dx.size(), kTorchAbsTol, kTorchRelTol);
  check_close("dw", dw.data(), fx["dw"].data(), dw.size(), kTorchAbsTol, kTorchRelTol);
  check_close("db", db.data(), fx["db"].data(), db.size(), kTorchAbsTol, kTorchRelTol);
}

TEST_CASE("linear over a batch of columns: the row layout's numbers, the same bits on any number of threads") {
  // A GAN's layers at batch 32 (a 784-pixel discriminator's first, a generator's last drawing into
  // rows twice as long as the batch), split over the threads that own their rows, and a small one
  // that is not split.
  struct Shape {
    int N, C, OC, ldo;
    nn::Activation act;
  };
  for (Shape shape : {Shape{32, 784, 150, 32, {nn::ActKind::Selu}}, Shape{32, 150, 784, 64, {nn::ActKind::Sigmoid}},
                      Shape{8, 30, 20, 8, {nn::ActKind::LeakyRelu, 0.2f}}}) {
    const int N = shape.N, C = shape.C, OC = shape.OC, ldo = shape.ldo;
    CAPTURE(C);
    CAPTURE(OC);
    Rng rng{26};
    std::vector<float> x = rng.vector(N * C), w = rng.vector(OC * C), b = rng.vector(OC), dout = rng.vector(N * OC);
    const nn::LinearParams p{w.data(), b.data()};
    // The row layout's answers, transposed.
    std::vector<float> pre_rows(N * OC), out_rows(N * OC), dx_rows(N * C, 0.0f), dw_rows(OC * C, 0.0f), db_rows(OC, 0.0f);
    nn::linear_forward(pre_rows.data(), p, x.data(), N, C, OC);
    nn::activation_forward(shape.act, out_rows.data(), pre_rows.data(), N * OC);
    nn::linear_backward(dx_rows.data(), {dw_rows.data(), db_rows.data()}, dout.data(), p, x.data(), N, C, OC);
    const std::vector<float> want_pre = to_columns(pre_rows.data(), N, OC, ldo),
                             want_out = to_columns(out_rows.data(), N, OC, ldo),
                             want_dx = to_columns(dx_rows.data(), N, C, N);
    const std::vector<float> x_columns = to_columns(x.data(), N, C, N), dout_columns = to_columns(dout.data(), N, OC, N);
    struct Result {
      std::vector<float> pre, out, in_place, dx, dw, db;
    };
    auto run = [&](int threads) {
      nn::set_num_threads(threads);
      Result r{std::vector<float>(std::size_t(OC) * ldo, NAN), std::vector<float>(std::size_t(OC) * ldo, NAN),
               std::vector<float>(std::size_t(OC) * ldo, NAN), std::vector<float>(std::size_t(C) * N, NAN),
               std::vector<float>(OC * C, NAN), std::vector<float>(OC, NAN)};
      nn::linear_columns_act_forward(r.pre.data(), r.out.data(), ldo, p, x_columns.data(), N, N, C, OC, shape.act);
      nn::linear_columns_act_forward(r.in_place.data(), r.in_place.data(), ldo, p, x_columns.data(), N, N, C, OC, shape.act);
      nn::linear_columns_backward_overwrite(r.dx.data(), {r.dw.data(), r.db.data()}, dout_columns.data(), p,
                                            x_columns.data(), N, N, C, OC);
      nn::set_num_threads(1);
      return r;
    };
    const Result one = run(1);
    for (int o = 0; o < OC; o++) {
      const std::size_t row = std::size_t(o) * ldo;
      check_close("pre", &one.pre[row], &want_pre[row], N, 1e-5, 1e-5);
      check_close("out", &one.out[row], &want_out[row], N, 1e-5, 1e-5);
      // The padding between rows stays as it was.
      for (int j = N; j < ldo; j++) REQUIRE(std::isnan(one.out[row + j]));
    }
    CHECK(std::memcmp(one.in_place.data(), one.out.data(), sizeof(float) * one.out.size()) == 0);  // NaN padding too
    check_close("dx", one.dx.data(), want_dx.data(), want_dx.size(), 1e-5, 1e-5);
    check_close("dw", one.dw.data(), dw_rows.data(), dw_rows.size(), 1e-5, 1e-5);
    check_close("db", one.db.data(), db_rows.data(), db_rows.size(), 1e-5, 1e-5);
    for (int threads : {2, 3}) {
      CAPTURE(threads);
      const Result many = run(threads), again = run(threads);
      CHECK(std::memcmp(many.pre.data(), one.pre.data(), sizeof(float) * one.pre.size()) == 0);  // NaN padding too
      CHECK(std::memcmp(many.out.data(), one.out.data(), sizeof(float) * one.out.size()) == 0);
      CHECK(many.dw == one.dw);
      CHECK(many.db == one.db);
      check_close("dx", many.dx.data(), one.dx.data(), one.dx.size(), 1e-5, 1e-5);
      CHECK(again.dx == many.dx);  // the same bits for the same thread count
    }
  }
}
