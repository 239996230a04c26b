// Accuracy of the vector transcendentals on every backend against the double-precision <cmath>
// functions rounded to float, over the whole float range: ordinary values, saturation, overflow,
// denormal results, infinities and NaN.
#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/simd.h"
#include "core/vec.h"
#include "simd_backends.h"

namespace {

using nn_test::for_each_backend;

// Max relative error for normal results: 2 eps = 2.4e-7, i.e. 1 to 2 ulp depending on where the
// result falls in its binade. Measured on AVX2: exp 1.3e-7, tanh 1.3e-7, sigmoid 1.65e-7 (the
// scalar backend, i.e. glibc's float functions: 0.9e-7, 1.6e-7, 1.65e-7).
constexpr double kMaxRelError = 2.0 * FLT_EPSILON;
// Below FLT_MIN results are denormal and their spacing is absolute: allow 2 of those steps.
constexpr double kMaxDenormalError = 2.0 * std::numeric_limits<float>::denorm_min();

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

double sigmoid_exact(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

// Inputs across the range: uniform over [-range, range], log-uniform magnitudes from 1e-30 to 1e4 of
// both signs, and a thousand around each special point of each function.
std::vector<float> sample_inputs(float range) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-range, range), e(-30.0f, 4.0f);
  std::vector<float> x;
  for (int i = 0; i < 40000; i++) x.push_back(u(rng));
  for (int i = 0; i < 20000; i++) x.push_back((i % 2 ? -1.0f : 1.0f) * std::pow(10.0f, e(rng)));
  for (float c : {0.625f, 88.72f, -87.33f, -103.9f, 9.0f})
    for (int i = -500; i <= 500; i++) x.push_back(c + i * 1e-5f * std::fabs(c));
  return x;
}

struct Worst {
  double error = 0.0;
  float at = 0.0f;
};

Worst worst_error(void (*fn)(float*, const float*, int), double (*exact)(double), const std::vector<float>& x) {
  std::vector<float> y(x.size());
  fn(y.data(), x.data(), int(x.size()));
  Worst w;
  for (size_t i = 0; i < x.size(); i++) {
    double truth = exact(x[i]);
    float truth_f = float(truth);
    double err;
    if (std::isinf(truth_f)) {
      err = y[i] == truth_f ? 0.0 : INFINITY;
    } else if (std::fabs(truth) < FLT_MIN) {
      err = std::fabs(y[i] - truth) / kMaxDenormalError * kMaxRelError;
    } else {
      err = std::fabs(y[i] - truth) / std::fabs(truth);
    }
    if (!(err <= w.error)) w = {std::isnan(err) ? INFINITY : err, x[i]};
  }
  return w;
}


float apply(void (*fn)(float*, const float*, int), float x) {
  float y;
  fn(&y, &x, 1);
  return y;
}

}  // namespace

TEST_CASE("vec_exp is within a few ulp of exp over the float range") {
  std::vector<float> x = sample_inputs(110.0f);
  for_each_backend([&] {
    Worst w = worst_error(nn::vec_exp, [](double v) { return std::exp(v); }, x);
    CAPTURE(w.at);
    CHECK(w.error <= kMaxRelError);
    CHECK(apply(nn::vec_exp, 89.0f) == kInf);
    CHECK(apply(nn::vec_exp, kInf) == kInf);
    CHECK(apply(nn::vec_exp, -kInf) == 0.0f);
    CHECK(apply(nn::vec_exp, -200.0f) == 0.0f);
    CHECK(apply(nn::vec_exp, 0.0f) == 1.0f);
    CHECK(std::isnan(apply(nn::vec_exp, kNaN)));
  });
}

TEST_CASE("exp, tanh and sigmoid give the same bits on every FMA backend, denormal and overflowing results included") {
  // AVX-512 scales by 2^n in one instruction (vscalefps); AVX2 in two exact steps, the second by a
  // constant where the sign of exp's argument is known (tanh, sigmoid), else by 2^(n/2) twice:
  // the same correctly rounded product every way.
  struct Fn {
    const char* name;
    void (*fn)(float*, const float*, int);
  };
  std::vector<float> x = sample_inputs(110.0f);
  for (Fn f : {Fn{"exp", nn::vec_exp}, Fn{"tanh", nn::vec_tanh}, Fn{"sigmoid", nn::vec_sigmoid}}) {
    CAPTURE(f.name);
    std::vector<std::vector<float>> results;
    for (nn::SimdBackend b : {nn::SimdBackend::Avx2Fma, nn::SimdBackend::Avx512}) {
      nn::SimdBackend saved = nn::simd_backend();
      if (!nn::simd_set_backend(b)) continue;
      results.emplace_back(x.size());
      f.fn(results.back().data(), x.data(), int(x.size()));
      nn::simd_set_backend(saved);
    }
    for (size_t r = 1; r < results.size(); r++)
      for (size_t i = 0; i < x.size(); i++) {
        CAPTURE(x[i]);
        REQUIRE(std::memcmp(&results[r][i], &results[0][i], sizeof(float)) == 0);
      }
  }
}

TEST_CASE("vec_tanh is within a few ulp of tanh and saturates to +-1") {
  std::vector<float> x = sample_inputs(20.0f);
  for_each_backend([&] {
    Worst w = worst_error(nn::vec_tanh, [](double v) { return std::tanh(v); }, x);
    CAPTURE(w.at);
    CHECK(w.error <= kMaxRelError);
    CHECK(apply(nn::vec_tanh, 20.0f) == 1.0f);
    CHECK(apply(nn::vec_tanh, -1e30f) == -1.0f);
    CHECK(apply(nn::vec_tanh, kInf) == 1.0f);
    CHECK(apply(nn::vec_tanh, -kInf) == -1.0f);
    CHECK(std::signbit(apply(nn::vec_tanh, -0.0f)));
    CHECK(std::isnan(apply(nn::vec_tanh, kNaN)));
  });
}

TEST_CASE("vec_sigmoid is within a few ulp of 1/(1+e^-x) and saturates to 1 and 0") {
  std::vector<float> x = sample_inputs(120.0f);
  for_each_backend([&] {
    Worst w = worst_error(nn::vec_sigmoid, sigmoid_exact, x);
    CAPTURE(w.at);
    CHECK(w.error <= kMaxRelError);
    CHECK(apply(nn::vec_sigmoid, 40.0f) == 1.0f);
    CHECK(apply(nn::vec_sigmoid, kInf) == 1.0f);
    CHECK(apply(nn::vec_sigmoid, -kInf) == 0.0f);
    CHECK(apply(nn::vec_sigmoid, 0.0f) == 0.5f);
    CHECK(std::isnan(apply(nn::vec_sigmoid, kNaN)));
  });
}

TEST_CASE("NaN passes through add_bias_rows") {
  for_each_backend([] {
    float x[9] = {1, kNaN, -2, 3, 4, 5, 6, 7, kNaN}, bias[9] = {}, out[9];
    nn::add_bias_rows(out, x, bias, 1, 9);
    CHECK(std::isnan(out[1]));
    CHECK(std::isnan(out[8]));
    CHECK(!std::isnan(out[0]));
  });
}
