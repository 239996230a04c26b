// Optimizers and clipping against PyTorch (tests/fixtures/make_optim_fixtures.py), and Nesterov's
// look-ahead form against the course formula.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/clip.h"
#include "core/optim.h"
#include "core/params.h"
#include "core/thread_pool.h"

namespace {

// PyTorch and this code round the same float operations in the same order, except where torch's
// vectorized kernels fuse a multiply-add or keep a scalar in double. That costs about one ulp per
// step: the worst seen is 6e-8 on parameters of order 1 after three steps. 3e-7 (a few ulps) still
// catches any formula slip: a wrong bias correction, eps or weight-decay placement moves the
// parameters by 1e-5 or more.
constexpr float kTorchTolerance = 3e-7f;
// The clip norm: torch sums squares in float per tensor, this code in double over the model.
constexpr float kClipTolerance = 1e-6f;
// Nesterov in float against the course formula in double, 50 steps on weights of order 10 (one
// float ulp there is 1e-6): 20 ulps.
constexpr float kCourseTolerance = 2e-5f;

constexpr int kSteps = 3;

// Reads the NNFX records written by make_optim_fixtures.py: name → flattened float32 data.
std::map<std::string, std::vector<float>> read_fixture(const char* path) {
  std::map<std::string, std::vector<float>> records;
  std::FILE* f = std::fopen(path, "rb");
  REQUIRE_MESSAGE(f != nullptr, "cannot open ", path);
  auto u32 = [&] {
    std::uint32_t v = 0;
    REQUIRE(std::fread(&v, sizeof v, 1, f) == 1);
    return v;
  };
  char magic[4];
  REQUIRE(std::fread(magic, 1, 4, f) == 4);
  REQUIRE(std::string(magic, 4) == "NNFX");
  std::uint32_t count = u32();
  for (std::uint32_t r = 0; r < count; r++) {
    std::string name(u32(), '\0');
    REQUIRE(std::fread(name.data(), 1, name.size(), f) == name.size());
    std::uint32_t rank = u32();
    std::size_t n = 1;
    for (std::uint32_t d = 0; d < rank; d++) n *= u32();
    std::vector<float> data(n);
    REQUIRE(std::fread(data.data(), sizeof(float), n, f) == n);
    records[name] = std::move(data);
  }
  std::fclose(f);
  return records;
}

const std::map<std::string, std::vector<float>>& fixture() {
  static const auto records = read_fixture(NNLAB_FIXTURES_DIR "/optim_reference.bin");
  return records;
}

const std::vector<float>& record(const std::string& name) {
  auto it = fixture().find(name);
  REQUIRE_MESSAGE(it != fixture().end(), "fixture record missing: ", name);
  return it->second;
}

// Largest |a - b| / (1 + |b|): relative for large values, absolute near zero.
float worst_difference(const float* a, const std::vector<float>& b) {
  float worst = 0.0f;
  for (std::size_t i = 0; i < b.size(); i++)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / (1.0f + std::fabs(b[i])));
  return worst;
}

nn::OptimizerConfig config_from_fixture(const std::string& name, nn::OptimizerKind kind) {
  const std::vector<float>& h = record(name + "/hparams");
  REQUIRE(h.size() == 7);
  nn::OptimizerConfig c;
  c.kind = kind;
  c.lr = h[0];
  c.momentum = h[1];
  c.rms_alpha = h[2];
  c.beta1 = h[3];
  c.beta2 = h[4];
  c.eps = h[5];
  c.weight_decay = h[6];
  return c;
}

void check_against_torch(const std::string& name, nn::OptimizerKind kind) {
  CAPTURE(name);
  nn::OptimizerConfig config = config_from_fixture(name, kind);
  std::vector<float> w = record("init");
  nn::OptimizerState state = nn::optimizer_state_make(kind, w.size());
  float worst = 0.0f;
  for (int step = 1; step <= kSteps; step++) {
    const std::vector<float>& g = record("grad" + std::to_string(step));
    nn::optimizer_step(config, state, w.data(), g.data(), w.size());
    worst = std::max(worst, worst_difference(w.data(), record(name + "/step" + std::to_string(step))));
  }
  MESSAGE(name, ": worst difference vs PyTorch over ", kSteps, " steps: ", worst);
  CHECK(worst <= kTorchTolerance);
  CHECK(state.step == kSteps);
}

// E(w) = ½ Σ a_i w_i² - b_i w_i, an ill-conditioned quadratic where momentum matters.
void quadratic_gradient(float* g, const float* w, int n) {
  for (int i = 0; i < n; i++) {
    float a = 0.1f + 0.9f * float(i) / float(n - 1), b = 1.0f - 0.2f * float(i);
    g[i] = a * w[i] - b;
  }
}

}  // namespace

TEST_CASE("optim matches torch.optim over three steps") {
  SUBCASE("SGD") { check_against_torch("sgd", nn::OptimizerKind::Sgd); }
  SUBCASE("SGD, weight decay") { check_against_torch("sgd_wd", nn::OptimizerKind::Sgd); }
  SUBCASE("momentum") { check_against_torch("momentum", nn::OptimizerKind::Momentum); }
  SUBCASE("momentum, weight decay") {
    check_against_torch("momentum_wd", nn::OptimizerKind::Momentum);
  }
  SUBCASE("Nesterov") { check_against_torch("nesterov", nn::OptimizerKind::Nesterov); }
  SUBCASE("RMSprop") { check_against_torch("rmsprop", nn::OptimizerKind::RmsProp); }
  SUBCASE("RMSprop, weight decay") {
    check_against_torch("rmsprop_wd", nn::OptimizerKind::RmsProp);
  }
  SUBCASE("Adam") { check_against_torch("adam", nn::OptimizerKind::Adam); }
  SUBCASE("Adam, weight decay") { check_against_torch("adam_wd", nn::OptimizerKind::Adam); }
}

TEST_CASE("optim clip_grad_norm matches torch.nn.utils.clip_grad_norm_") {
  for (std::string prefix : {"clip", "clip_noop"}) {
    CAPTURE(prefix);
    std::vector<float> g = record(prefix + "/grads_in");
    float norm = nn::clip_grad_norm(g.data(), g.size(), record(prefix + "/max_norm")[0]);
    CHECK(norm == doctest::Approx(record(prefix + "/norm")[0]).epsilon(kClipTolerance));
    float worst = worst_difference(g.data(), record(prefix + "/grads_out"));
    MESSAGE(prefix, ": worst difference vs PyTorch ", worst);
    CHECK(worst <= kClipTolerance);
  }
}

TEST_CASE("optim clip_grad_norm leaves non-finite gradients for the caller to see") {
  std::vector<float> g = {1.0f, NAN, 2.0f};
  CHECK(std::isnan(nn::clip_grad_norm(g.data(), g.size(), 1.0f)));
  CHECK(g[0] == 1.0f);
  CHECK(g[2] == 2.0f);
  g = {1.0f, INFINITY, 2.0f};
  CHECK(std::isinf(nn::clip_grad_norm(g.data(), g.size(), 1.0f)));
  CHECK(g[0] == 1.0f);
}

TEST_CASE("optim Nesterov's stored look-ahead form follows the course formula") {
  // The course: Δ ← αΔ + η∇E(w − αΔ), w ← w − Δ, computed literally in double.
  constexpr int n = 6, steps = 50;
  const double eta = 0.3, alpha = 0.9;
  std::vector<double> w_course(n, 0.0), delta(n, 0.0);
  // This code: the parameters are the look-ahead point, the gradient is taken right there.
  std::vector<float> w(n, 0.0f), v(n, 0.0f), g(n), lookahead(n), grad_lookahead(n), w_equivalent(n);
  float worst = 0.0f;
  for (int step = 0; step < steps; step++) {
    for (int i = 0; i < n; i++) lookahead[i] = float(w_course[i] - alpha * delta[i]);
    quadratic_gradient(grad_lookahead.data(), lookahead.data(), n);
    for (int i = 0; i < n; i++) {
      delta[i] = alpha * delta[i] + eta * grad_lookahead[i];
      w_course[i] -= delta[i];
    }

    quadratic_gradient(g.data(), w.data(), n);
    nn::nesterov_step(w.data(), g.data(), v.data(), n, eta, alpha, 0.0);
    nn::nesterov_weights(w_equivalent.data(), w.data(), v.data(), n, eta, alpha);
    for (int i = 0; i < n; i++) {
      worst = std::max(worst, float(std::fabs(w_equivalent[i] - w_course[i])));
      worst = std::max(worst, float(std::fabs(w[i] - (w_course[i] - alpha * delta[i]))));
    }
  }
  MESSAGE("Nesterov: worst difference from the course formula over ", steps, " steps: ", worst);
  CHECK(worst <= kCourseTolerance);
  // And both are converging to the minimum w_i = b_i / a_i.
  CHECK(std::fabs(w_course[0] - 10.0) < 1.0);
}

TEST_CASE("optim runs flat over a whole layout, padding included") {
  nn::ParamLayout layout;
  layout.add("w", {3, 3});
  layout.add("b", {3});
  nn::ParamStore store(std::move(layout));
  for (const nn::TensorSpec& t : store.layout.tensors())
    for (std::size_t i = 0; i < t.count; i++) {
      store.value[t.offset + i] = 0.5f;
      store.grad[t.offset + i] = -0.25f;
    }
  nn::OptimizerConfig config;
  config.kind = nn::OptimizerKind::Adam;
  config.weight_decay = 0.01;
  nn::OptimizerState state = nn::optimizer_state_make(config.kind, store.layout.size());
  CHECK(state.moments.size() == 2 * store.layout.size());
  for (int step = 0; step < 3; step++)
    nn::optimizer_step(config, state, store.value.data(), store.grad.data(), store.layout.size());
  for (const nn::TensorSpec& t : store.layout.tensors()) {
    for (std::size_t i = 0; i < t.count; i++) CHECK(store.value[t.offset + i] > 0.5f);
    for (std::size_t i = t.count; i < nn::align_floats(t.count); i++) CHECK(store.value[t.offset + i] == 0.0f);
  }
}

TEST_CASE("optim clip_weights clamps into [-limit, limit]") {
  std::vector<float> w = {-3.0f, -0.01f, 0.0f, 0.005f, 0.02f, 7.0f};
  nn::clip_weights(w.data(), w.size(), 0.01f);
  CHECK(w == std::vector<float>{-0.01f, -0.01f, 0.0f, 0.005f, 0.01f, 0.01f});
}

TEST_CASE("optim names and state slots") {
  CHECK(std::string(nn::optimizer_name(nn::OptimizerKind::RmsProp)) == "rmsprop");
  CHECK(nn::optimizer_state_slots(nn::OptimizerKind::Sgd) == 0);
  CHECK(nn::optimizer_state_slots(nn::OptimizerKind::Nesterov) == 1);
  CHECK(nn::optimizer_state_slots(nn::OptimizerKind::Adam) == 2);
}

TEST_CASE("a model's update on 1, 2 and 3 threads equals the flat update bit for bit, for every rule") {
  // Large enough to be split, with row counts that do not divide into the threads' blocks.
  nn::ParamLayout layout;
  layout.add("a.w", {150, 784});
  layout.add("a.b", {150});
  layout.add("b.w", {1, 100});
  layout.add("b.b", {1});
  layout.add("c.w", {333, 97});
  const std::size_t n = layout.size();
  std::vector<float> w0(n, 0.0f), g(n, 0.0f);
  for (const nn::TensorSpec& t : layout.tensors())
    for (std::size_t i = t.offset; i < t.offset + t.count; i++) {
      w0[i] = std::sin(float(i)) * 0.5f;
      g[i] = std::cos(float(i) * 0.7f);
    }
  for (nn::OptimizerKind kind : {nn::OptimizerKind::Sgd, nn::OptimizerKind::Momentum, nn::OptimizerKind::Nesterov,
                                 nn::OptimizerKind::RmsProp, nn::OptimizerKind::Adam}) {
    CAPTURE(nn::optimizer_name(kind));
    nn::OptimizerConfig config;
    config.kind = kind;
    config.weight_decay = 1e-2;
    std::vector<float> flat = w0;
    nn::OptimizerState flat_state = nn::optimizer_state_make(kind, n);
    for (int step = 0; step < 3; step++) nn::optimizer_step(config, flat_state, flat.data(), g.data(), n);
    REQUIRE(flat != w0);
    for (int threads : {1, 2, 3}) {
      CAPTURE(threads);
      nn::set_num_threads(threads);
      nn::ParamStore store(layout);
      std::copy(w0.begin(), w0.end(), store.value.data());
      std::copy(g.begin(), g.end(), store.grad.data());
      nn::OptimizerState state = nn::optimizer_state_make(kind, n);
      for (int step = 0; step < 3; step++) CHECK(nn::optimizer_step(config, state, store));
      CHECK(state.step == 3);
      CHECK(std::memcmp(flat.data(), store.value.data(), sizeof(float) * n) == 0);
      // Plain SGD keeps no moments (and memcmp must not see their null buffers).
      REQUIRE(state.moments.size() == flat_state.moments.size());
      if (state.moments.size() > 0)
        CHECK(std::memcmp(flat_state.moments.data(), state.moments.data(), sizeof(float) * state.moments.size()) == 0);
    }
    nn::set_num_threads(1);
  }
}

TEST_CASE("a model's update reports a weight turned infinite, whichever thread updated it") {
  nn::ParamLayout layout;
  layout.add("w", {300, 300});
  for (int threads : {1, 2}) {
    // The first and last weights, and weights at and inside the checked chunks (16K) between.
    for (std::size_t bad : {std::size_t(5), std::size_t(16384), std::size_t(45000), std::size_t(299 * 300 + 7)}) {
      CAPTURE(threads); CAPTURE(bad);
      nn::set_num_threads(threads);
      nn::ParamStore store(layout);
      nn::OptimizerConfig config;
      config.kind = nn::OptimizerKind::Sgd;
      nn::OptimizerState state = nn::optimizer_state_make(config.kind, layout.size());
      CHECK(nn::optimizer_step(config, state, store));
      store.grad.data()[bad] = -std::numeric_limits<float>::infinity();
      CHECK_FALSE(nn::optimizer_step(config, state, store));
      CHECK(std::isinf(store.value.data()[bad]));
    }
  }
  nn::set_num_threads(1);
}
