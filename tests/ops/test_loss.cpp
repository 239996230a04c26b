// Losses: against PyTorch (Linear + loss fixtures, so the chain into a layer is checked too),
// finite differences, and extreme logits.
#include <cmath>
#include <vector>

#include "core/ops/linear.h"
#include "core/ops/loss.h"
#include "core/thread_pool.h"
#include "testing.h"

using namespace nn_test;

namespace {

std::vector<int> as_ints(const std::vector<float>& v) {
  return std::vector<int>(v.begin(), v.end());
}

}  // namespace

TEST_CASE("cross_entropy_loss") {
  Fixture fx = load_fixture("linear_cross_entropy.bin");
  const int N = 4, C = 6, V = 5;
  std::vector<int> targets = as_ints(fx["targets"]);
  std::vector<float> dlogits(N * V), probs(N * V);

  SUBCASE("forward matches PyTorch") {
    float loss =
        nn::cross_entropy_loss(nullptr, probs.data(), fx["logits"].data(), targets.data(), N, V);
    check_close("loss", &loss, fx["loss"].data(), 1, kTorchAbsTol, kTorchRelTol);
    check_close("probs", probs.data(), fx["probs"].data(), probs.size(), kTorchAbsTol,
                kTorchRelTol);
  }
  SUBCASE("backward through Linear matches PyTorch") {
    nn::LinearParams p{fx["w"].data(), fx["b"].data()};
    std::vector<float> logits(N * V), dx(N * C), dw(V * C), db(V);
    nn::linear_forward(logits.data(), p, fx["x"].data(), N, C, V);
    nn::cross_entropy_loss(dlogits.data(), nullptr, logits.data(), targets.data(), N, V);
    check_close("dlogits", dlogits.data(), fx["dlogits"].data(), dlogits.size(), kTorchAbsTol,
                kTorchRelTol);
    nn::linear_backward(dx.data(), {dw.data(), db.data()}, dlogits.data(), p, fx["x"].data(), N, C,
                        V);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw", dw.data(), fx["dw"].data(), dw.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db", db.data(), fx["db"].data(), db.size(), kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Rng rng{31};
    std::vector<float> logits = rng.vector(N * V, -3.0f, 3.0f);
    nn::cross_entropy_loss(dlogits.data(), nullptr, logits.data(), targets.data(), N, V);
    check_gradient("dlogits", logits.data(), dlogits.data(), logits.size(), [&] {
      return double(nn::cross_entropy_loss(nullptr, nullptr, logits.data(), targets.data(), N, V));
    });
  }
  SUBCASE("stable for extreme logits") {
    // Logits of ±1000 overflow a naive exp(); the loss for row 0 is exactly 2000, for row 1 log 2.
    const float logits[4] = {1000.0f, -1000.0f, 1000.0f, 1000.0f};
    const int t[2] = {1, 0};
    float d[4];
    float loss = nn::cross_entropy_loss(d, nullptr, logits, t, 2, 2);
    CHECK(loss == doctest::Approx((2000.0 + std::log(2.0)) / 2.0));
    CHECK(d[0] == doctest::Approx(0.5f));
    CHECK(d[1] == doctest::Approx(-0.5f));
    CHECK(d[2] == doctest::Approx(-0.25f));
  }
}

TEST_CASE("bce_with_logits_loss") {
  Fixture fx = load_fixture("linear_bce.bin");
  const int N = 6, C = 4, OC = 3;
  nn::LinearParams p{fx["w"].data(), fx["b"].data()};
  std::vector<float> logits(N * OC), dlogits(N * OC);
  nn::linear_forward(logits.data(), p, fx["x"].data(), N, C, OC);

  SUBCASE("forward through Linear matches PyTorch") {
    float loss = nn::bce_with_logits_loss(nullptr, logits.data(), fx["targets"].data(), N * OC);
    check_close("logits", logits.data(), fx["logits"].data(), logits.size(), kTorchAbsTol,
                kTorchRelTol);
    check_close("loss", &loss, fx["loss"].data(), 1, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward through Linear matches PyTorch") {
    std::vector<float> dx(N * C), dw(OC * C), db(OC);
    nn::bce_with_logits_loss(dlogits.data(), logits.data(), fx["targets"].data(), N * OC);
    nn::linear_backward(dx.data(), {dw.data(), db.data()}, dlogits.data(), p, fx["x"].data(), N, C,
                        OC);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw", dw.data(), fx["dw"].data(), dw.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db", db.data(), fx["db"].data(), db.size(), kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Rng rng{32};
    std::vector<float> z = rng.vector(10, -4.0f, 4.0f), y = rng.vector(10, 0.0f, 1.0f), dz(10);
    nn::bce_with_logits_loss(dz.data(), z.data(), y.data(), 10);
    check_gradient("dlogits", z.data(), dz.data(), z.size(), [&] {
      return double(nn::bce_with_logits_loss(nullptr, z.data(), y.data(), 10));
    });
  }
  SUBCASE("stable for extreme logits") {
    // log(sigmoid(-100)) underflows a naive formula to log(0); the exact losses are 100 and ~0.
    const float z[2] = {-100.0f, 100.0f}, y[2] = {1.0f, 1.0f};
    float d[2];
    float loss = nn::bce_with_logits_loss(d, z, y, 2);
    CHECK(loss == doctest::Approx(50.0f));
    CHECK(d[0] == doctest::Approx(-0.5f));
    CHECK(d[1] == doctest::Approx(0.0f));
  }
}

TEST_CASE("mse_loss") {
  Fixture fx = load_fixture("mse.bin");
  const int N = 10;
  std::vector<float> dpred(N);

  SUBCASE("forward matches PyTorch") {
    float loss = nn::mse_loss(nullptr, fx["pred"].data(), fx["target"].data(), N);
    check_close("loss", &loss, fx["loss"].data(), 1, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches PyTorch") {
    nn::mse_loss(dpred.data(), fx["pred"].data(), fx["target"].data(), N);
    check_close("dpred", dpred.data(), fx["dpred"].data(), N, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Rng rng{33};
    std::vector<float> pred = rng.vector(N), target = rng.vector(N);
    nn::mse_loss(dpred.data(), pred.data(), target.data(), N);
    check_gradient("dpred", pred.data(), dpred.data(), N,
                   [&] { return double(nn::mse_loss(nullptr, pred.data(), target.data(), N)); });
  }
}

TEST_CASE("cross_entropy_loss split over threads by rows gives one thread's results bit for bit") {
  // Large enough to be split, with a row count that is not a whole number of row blocks.
  const int N = 1100, V = 65;
  Rng rng{61};
  std::vector<float> logits = rng.vector(size_t(N) * V);
  for (float& z : logits) z *= 4.0f;
  std::vector<int> targets(N);
  for (int n = 0; n < N; n++) targets[n] = (n * 7) % V;
  std::vector<float> want_d(logits.size()), want_p(logits.size());
  const float want_loss = nn::cross_entropy_loss(want_d.data(), nullptr, logits.data(), targets.data(), N, V);
  nn::cross_entropy_loss(nullptr, want_p.data(), logits.data(), targets.data(), N, V);
  for (int threads : {2, 3}) {
    CAPTURE(threads);
    nn::set_num_threads(threads);
    std::vector<float> d(logits.size()), p(logits.size());
    CHECK(nn::cross_entropy_loss(d.data(), nullptr, logits.data(), targets.data(), N, V) == want_loss);
    CHECK(nn::cross_entropy_loss(nullptr, p.data(), logits.data(), targets.data(), N, V) == want_loss);
    CHECK(nn::cross_entropy_loss(nullptr, nullptr, logits.data(), targets.data(), N, V) == want_loss);
    CHECK(d == want_d);
    CHECK(p == want_p);
  }
  nn::set_num_threads(1);
}
