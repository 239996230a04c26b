// Initializers: the bounds and moments of PyTorch's defaults.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/init.h"

namespace {

// 100k draws: the standard error of a sample standard deviation is σ/√(2n) ≈ 0.22% of σ, so 1.5%
// is about 7 standard errors; the mean's standard error is σ/√n ≈ 0.3% of σ.
constexpr std::size_t kDraws = 100000;
constexpr double kStdTolerance = 0.015;
constexpr double kMeanTolerance = 0.015;

struct Moments {
  double mean, stddev, min, max;
};

Moments moments(const std::vector<float>& w) {
  double sum = 0.0, sum_sq = 0.0;
  for (float x : w) {
    sum += x;
    sum_sq += double(x) * x;
  }
  double mean = sum / double(w.size());
  auto [lo, hi] = std::minmax_element(w.begin(), w.end());
  return {mean, std::sqrt(sum_sq / double(w.size()) - mean * mean), *lo, *hi};
}

// The initializers compute their bounds in float: allow its rounding when comparing with double.
constexpr double kBoundSlack = 1.0 + 1e-6;

// U(-b, b): inside the bound, reaching close to it, with standard deviation b/√3.
void check_uniform(const std::vector<float>& w, double bound) {
  Moments m = moments(w);
  CHECK(m.min >= -bound * kBoundSlack);
  CHECK(m.max <= bound * kBoundSlack);
  CHECK(m.min < -0.999 * bound);
  CHECK(m.max > 0.999 * bound);
  CHECK(std::fabs(m.mean) < kMeanTolerance * bound);
  CHECK(m.stddev == doctest::Approx(bound / std::sqrt(3.0)).epsilon(kStdTolerance));
}

void check_normal(const std::vector<float>& w, double stddev) {
  Moments m = moments(w);
  CHECK(std::fabs(m.mean) < kMeanTolerance * stddev);
  CHECK(m.stddev == doctest::Approx(stddev).epsilon(kStdTolerance));
}

}  // namespace

TEST_CASE("init reproduces PyTorch's layer defaults") {
  nn::Rng rng = nn::rng_seeded(5);
  SUBCASE("Linear: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))") {
    const int out = 400, in = 250;
    std::vector<float> w(std::size_t(out) * in), b(out);
    nn::init_linear(w.data(), b.data(), out, in, rng);
    check_uniform(w, 1.0 / std::sqrt(250.0));
    Moments bias = moments(b);
    CHECK(bias.max <= kBoundSlack / std::sqrt(250.0));
    CHECK(bias.min >= -kBoundSlack / std::sqrt(250.0));
    CHECK(bias.max - bias.min > 1.8 / std::sqrt(250.0));  // spread over the interval, not a constant
  }
  SUBCASE("Conv2d: fan_in = Cin*kh*kw") {
    const int cout = 64, cin = 16, kh = 5, kw = 3;  // fan_in 240
    std::vector<float> w(std::size_t(cout) * cin * kh * kw), b(cout);
    nn::init_conv2d(w.data(), b.data(), cout, cin, kh, kw, rng);
    check_uniform(w, 1.0 / std::sqrt(240.0));
    CHECK(*std::max_element(b.begin(), b.end()) <= kBoundSlack / std::sqrt(240.0));
  }
  SUBCASE("RNN/LSTM/GRU: U(-1/sqrt(H), 1/sqrt(H))") {
    std::vector<float> w(kDraws);
    nn::init_recurrent(w.data(), w.size(), 20, rng);
    check_uniform(w, 1.0 / std::sqrt(20.0));
  }
  SUBCASE("Embedding: N(0, 1)") {
    std::vector<float> w(kDraws);
    nn::init_embedding(w.data(), w.size(), rng);
    check_normal(w, 1.0);
  }
}

TEST_CASE("init gains equal torch.nn.init.calculate_gain") {
  CHECK(nn::init_gain(nn::Nonlinearity::Linear) == 1.0f);
  CHECK(nn::init_gain(nn::Nonlinearity::Sigmoid) == 1.0f);
  CHECK(nn::init_gain(nn::Nonlinearity::Tanh) == doctest::Approx(5.0 / 3.0));
  CHECK(nn::init_gain(nn::Nonlinearity::Relu) == doctest::Approx(std::sqrt(2.0)));
  CHECK(nn::init_gain(nn::Nonlinearity::LeakyRelu) == doctest::Approx(std::sqrt(2.0 / (1 + 0.01 * 0.01))));
  CHECK(nn::init_gain(nn::Nonlinearity::LeakyRelu, 0.2f) == doctest::Approx(std::sqrt(2.0 / 1.04)));
}

TEST_CASE("init xavier and kaiming on request") {
  nn::Rng rng = nn::rng_seeded(6);
  std::vector<float> w(kDraws);
  const int fan_in = 300, fan_out = 100;
  float gain = nn::init_gain(nn::Nonlinearity::Relu);
  SUBCASE("xavier uniform: bound gain*sqrt(6/(fan_in+fan_out))") {
    nn::init_xavier_uniform(w.data(), w.size(), fan_in, fan_out, gain, rng);
    check_uniform(w, gain * std::sqrt(6.0 / 400.0));
  }
  SUBCASE("xavier normal: std gain*sqrt(2/(fan_in+fan_out))") {
    nn::init_xavier_normal(w.data(), w.size(), fan_in, fan_out, gain, rng);
    check_normal(w, gain * std::sqrt(2.0 / 400.0));
  }
  SUBCASE("kaiming uniform: bound gain*sqrt(3/fan)") {
    nn::init_kaiming_uniform(w.data(), w.size(), fan_in, gain, rng);
    check_uniform(w, gain * std::sqrt(3.0 / fan_in));
  }
  SUBCASE("kaiming normal: std gain/sqrt(fan)") {
    nn::init_kaiming_normal(w.data(), w.size(), fan_out, gain, rng);
    check_normal(w, gain / std::sqrt(double(fan_out)));
  }
  SUBCASE("Linear's default is kaiming uniform with a = sqrt(5)") {
    std::vector<float> linear(w.size());
    nn::Rng same = rng;
    float gain_a = nn::init_gain(nn::Nonlinearity::LeakyRelu, std::sqrt(5.0f));
    nn::init_kaiming_uniform(w.data(), w.size(), fan_in, gain_a, rng);
    nn::init_linear(linear.data(), nullptr, int(w.size()) / fan_in, fan_in, same);
    for (std::size_t i = 0; i < w.size(); i += 997) CHECK(w[i] == doctest::Approx(linear[i]).epsilon(1e-6));
  }
}
