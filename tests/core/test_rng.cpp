// The generator must give the same numbers natively and in wasm: the golden values below were
// recorded natively and are compared bit for bit on both targets.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/crc32.h"
#include "core/rng.h"

namespace {

// Sample moments of 200k draws: the standard error of the mean is 1/√200000 ≈ 0.0022, so 0.01
// is more than 4 standard errors, and likewise for the variance (its standard error ≈ 0.0032).
constexpr int kDraws = 200000;
constexpr double kMomentTolerance = 0.015;

std::uint32_t bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

}  // namespace

TEST_CASE("rng is PCG32: the reference implementation's demo output") {
  // pcg32-demo from pcg-random.org seeds with (42, 54) and prints these six numbers.
  nn::Rng rng = nn::rng_seeded(42, 54);
  for (std::uint32_t expected : {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu})
    CHECK(nn::rng_u32(rng) == expected);
}

TEST_CASE("rng golden sequences are identical on every platform") {
  SUBCASE("uniform") {
    nn::Rng rng = nn::rng_seeded(42);
    const float expected[] = {0x1.0dbabp-3f,   0x1.82bdeep-1f, 0x1.2a9152p-1f, 0x1.aeda1p-3f,
                              0x1.e00e2cp-1f, 0x1.4487p-1f,   0x1.698b7ap-1f, 0x1.03ca9p-4f};
    for (float e : expected) CHECK(bits(nn::rng_uniform(rng)) == bits(e));
  }
  SUBCASE("normal") {
    nn::Rng rng = nn::rng_seeded(42);
    const float expected[] = {-0x1.08af42p+0f, 0x1.de00fep-3f,  0x1.50f838p-2f,  0x1.3d7844p-3f,
                              -0x1.339dfcp-1f, -0x1.aa41aep-1f, -0x1.fcc1e8p-3f, -0x1.235218p-1f};
    for (float e : expected) CHECK(bits(nn::rng_normal(rng)) == bits(e));
  }
  SUBCASE("100000 draws, by checksum") {
    // A difference in the last bit of any one logarithm would change the checksum.
    std::vector<float> draws(100000);
    nn::Rng rng = nn::rng_seeded(42);
    for (float& x : draws) x = nn::rng_normal(rng);
    CHECK(nn::crc32(draws.data(), draws.size() * sizeof(float)) == 0xb9b40e12u);
    rng = nn::rng_seeded(42);
    for (float& x : draws) x = nn::rng_uniform(rng);
    CHECK(nn::crc32(draws.data(), draws.size() * sizeof(float)) == 0x496a537cu);
  }
}

TEST_CASE("rng_normals gives what as many rng_normal calls give, and leaves the same state") {
  // Lengths around the batch of 32 pairs, odd ones leaving a spare, and calls that start on one.
  for (std::size_t first : {0u, 1u, 2u, 63u, 64u, 65u, 200u}) {
    CAPTURE(first);
    nn::Rng one = nn::rng_seeded(7, 3), bulk = one;
    std::vector<float> expected(first + 9), got(first + 9);
    for (float& x : expected) x = nn::rng_normal(one);
    nn::rng_normals(bulk, got.data(), first);
    nn::rng_normals(bulk, got.data() + first, 9);
    for (std::size_t i = 0; i < got.size(); i++) REQUIRE(bits(got[i]) == bits(expected[i]));
    CHECK(bits(nn::rng_normal(bulk)) == bits(nn::rng_normal(one)));
    CHECK(nn::rng_u32(bulk) == nn::rng_u32(one));
  }
  nn::Rng rng = nn::rng_seeded(42), untouched = rng;
  nn::rng_normals(rng, nullptr, 0);
  CHECK(nn::rng_u32(rng) == nn::rng_u32(untouched));
}

TEST_CASE("rng seeds and streams give different sequences") {
  nn::Rng a = nn::rng_seeded(1), b = nn::rng_seeded(2), c = nn::rng_seeded(1, 7);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 100; i++) {
    std::uint32_t x = nn::rng_u32(a);
    same_ab += x == nn::rng_u32(b);
    same_ac += x == nn::rng_u32(c);
  }
  CHECK(same_ab == 0);
  CHECK(same_ac == 0);
}

TEST_CASE("rng_log matches std::log to a few ulps") {
  nn::Rng rng = nn::rng_seeded(3);
  double worst_ulps = 0.0;
  for (int i = 0; i < 100000; i++) {
    // Log-uniform over 1e-300 .. 1e300, plus the interval the normals use, (0, 1], and every tenth
    // a subnormal, which rng_log scales into the normal range first.
    double x = i % 2 ? std::exp((nn::rng_uniform(rng) - 0.5) * 1380.0) : 1.0 - nn::rng_uniform(rng);
    if (i % 10 == 0) x = std::ldexp(1.0 - nn::rng_uniform(rng), -1023 - int(nn::rng_below(rng, 51)));
    double expected = std::log(x);
    if (expected == 0.0) {
      CHECK(nn::rng_log(x) == 0.0);
      continue;
    }
    double ulp = std::nextafter(std::fabs(expected), INFINITY) - std::fabs(expected);
    worst_ulps = std::max(worst_ulps, std::fabs(nn::rng_log(x) - expected) / ulp);
  }
  CHECK(worst_ulps <= 4.0);
}

TEST_CASE("rng distributions have the right range and moments") {
  nn::Rng rng = nn::rng_seeded(11);
  SUBCASE("uniform in [0, 1)") {
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < kDraws; i++) {
      float u = nn::rng_uniform(rng);
      REQUIRE(u >= 0.0f);
      REQUIRE(u < 1.0f);
      sum += u;
      sum_sq += double(u) * u;
    }
    CHECK(sum / kDraws == doctest::Approx(0.5).epsilon(kMomentTolerance));
    CHECK(sum_sq / kDraws - std::pow(sum / kDraws, 2) == doctest::Approx(1.0 / 12).epsilon(kMomentTolerance));
  }
  SUBCASE("normal") {
    double sum = 0.0, sum_sq = 0.0, sum_4 = 0.0;
    for (int i = 0; i < kDraws; i++) {
      double z = nn::rng_normal(rng);
      sum += z;
      sum_sq += z * z;
      sum_4 += z * z * z * z;
    }
    CHECK(std::fabs(sum / kDraws) < kMomentTolerance);
    CHECK(sum_sq / kDraws == doctest::Approx(1.0).epsilon(kMomentTolerance));
    CHECK(sum_4 / kDraws == doctest::Approx(3.0).epsilon(3 * kMomentTolerance));  // kurtosis of a normal
  }
  SUBCASE("below n: in range, every value about equally often") {
    constexpr std::uint32_t n = 7;
    int counts[n] = {};
    for (int i = 0; i < kDraws; i++) {
      std::uint32_t k = nn::rng_below(rng, n);
      REQUIRE(k < n);
      counts[k]++;
    }
    for (int c : counts) CHECK(double(c) == doctest::Approx(double(kDraws) / n).epsilon(0.03));
  }
}
