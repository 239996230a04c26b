// Dropout: the mask's statistics and reproducibility, forward/backward through a fixed mask.
#include <cmath>
#include <vector>

#include "core/ops/dropout.h"
#include "testing.h"

using namespace nn_test;

TEST_CASE("dropout") {
  const int n = 20000;
  const float p = 0.3f;
  std::vector<float> mask(n);
  nn::dropout_mask(mask.data(), n, p, 7);

  SUBCASE("mask drops a fraction p and scales the rest by 1/(1-p)") {
    int dropped = 0, misscaled = 0;
    for (float m : mask) {
      if (m == 0.0f)
        dropped++;
      else if (m != doctest::Approx(1.0f / (1.0f - p)))
        misscaled++;
    }
    CHECK(misscaled == 0);
    // Binomial(n, p): the standard deviation of the dropped fraction is sqrt(p(1-p)/n) = 0.0032;
    // allow 5 of them.
    CHECK(std::fabs(double(dropped) / n - p) < 5.0 * std::sqrt(p * (1.0 - p) / n));
  }
  SUBCASE("mask is reproducible from its seed alone") {
    std::vector<float> again(n), other(n);
    nn::dropout_mask(again.data(), n, p, 7);
    nn::dropout_mask(other.data(), n, p, 8);
    CHECK(again == mask);
    CHECK(other != mask);
  }
  SUBCASE("p = 0 keeps everything, p = 1 drops everything") {
    std::vector<float> m(16);
    nn::dropout_mask(m.data(), 16, 0.0f, 1);
    for (float v : m) CHECK(v == 1.0f);
    nn::dropout_mask(m.data(), 16, 1.0f, 1);
    for (float v : m) CHECK(v == 0.0f);
  }
  SUBCASE("forward applies the mask") {
    Rng rng{61};
    std::vector<float> x = rng.vector(64), out(64);
    nn::dropout_forward(out.data(), x.data(), mask.data(), 64);
    for (int i = 0; i < 64; i++) CHECK(out[i] == x[i] * mask[i]);
  }
  SUBCASE("backward matches finite differences") {
    Rng rng{62};
    std::vector<float> x = rng.vector(64), out(64), dout = rng.vector(64), dx(64);
    nn::dropout_backward(dx.data(), dout.data(), mask.data(), 64);
    check_gradient("dx", x.data(), dx.data(), x.size(), [&] {
      nn::dropout_forward(out.data(), x.data(), mask.data(), 64);
      return weighted_sum(out.data(), dout.data(), out.size());
    });
  }
}
