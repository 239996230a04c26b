// Each vector kernel against its scalar twin (_ref) on every SIMD backend of this build, on the
// awkward sizes that exercise full vectors and tails, at unaligned addresses, checking that no
// element past the end is written.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/simd.h"
#include "core/vec.h"
#include "simd_backends.h"

namespace {

using nn_test::for_each_backend;

// add, mul, scale and max do the same single IEEE operation per element as the twin: exact.
// axpy may fuse the multiply-add (one rounding instead of two): 1 ulp of the larger term.
constexpr float kAxpyRelTol = FLT_EPSILON;
// sum and dot add in a different order (several vector accumulators): each order is within
// n·eps·Σ|terms| of the exact sum, so two orders differ by at most twice that.
constexpr float kReductionTolPerTerm = 2.0f * FLT_EPSILON;
// exp, tanh, sigmoid: both sides are within a few ulp of the truth (test_vec_math.cpp);
// softmax adds the rounding of the sum and the division.
constexpr float kMathRelTol = 8.0f * FLT_EPSILON;
constexpr float kSoftmaxRelTol = 16.0f * FLT_EPSILON;

const int kSizes[] = {0, 1, 3, 7, 8, 9, 31, 33, 257};
const int kOffsets[] = {0, 1, 3};  // floats from a 64-byte boundary
constexpr float kGuard = 12345.0f;  // written past n; must survive


// n floats at `offset` floats past a 64-byte boundary, followed by guard values.
struct Buffer {
  alignas(64) float storage[512];
  float* p;
  int n;
  Buffer(int size, int offset) : p(storage + offset), n(size) {
    REQUIRE(offset + size + 8 <= 512);
    std::fill(std::begin(storage), std::end(storage), kGuard);
  }
  void fill(std::mt19937& rng, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    for (int i = 0; i < n; i++) p[i] = u(rng);
  }
  bool guards_intact() const { return std::all_of(p + n, p + n + 8, [](float g) { return g == kGuard; }); }
};

bool close(float got, float want, float rel_tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= rel_tol * std::fabs(want) + FLT_MIN;
}

using Binary = void (*)(float*, const float*, const float*, int);
using Unary = void (*)(float*, const float*, int);

void check_binary(Binary fn, Binary ref, float rel_tol) {
  for_each_backend([&] {
    std::mt19937 rng(1);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer a(n, off), b(n, (off + 1) % 4), out(n, (off + 2) % 4), want(n, 0);
        a.fill(rng, -4.0f, 4.0f);
        b.fill(rng, -4.0f, 4.0f);
        fn(out.p, a.p, b.p, n);
        ref(want.p, a.p, b.p, n);
        for (int i = 0; i < n; i++) REQUIRE(close(out.p[i], want.p[i], rel_tol));
        CHECK(out.guards_intact());
      }
  });
}

void check_unary(Unary fn, Unary ref, float lo, float hi) {
  for_each_backend([&] {
    std::mt19937 rng(2);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer x(n, off), out(n, (off + 1) % 4), want(n, 0);
        x.fill(rng, lo, hi);
        fn(out.p, x.p, n);
        ref(want.p, x.p, n);
        for (int i = 0; i < n; i++) {
          CAPTURE(x.p[i]);
          REQUIRE(close(out.p[i], want.p[i], kMathRelTol));
        }
        CHECK(out.guards_intact());
        fn(x.p, x.p, n);  // in place
        for (int i = 0; i < n; i++) REQUIRE(x.p[i] == out.p[i]);
      }
  });
}

}  // namespace

TEST_CASE("vec_add and vec_mul equal their twins exactly") {
  check_binary(nn::vec_add, nn::vec_add_ref, 0.0f);
  check_binary(nn::vec_mul, nn::vec_mul_ref, 0.0f);
}

TEST_CASE("vec_axpy and vec_scale match their twins") {
  for_each_backend([] {
    std::mt19937 rng(3);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer x(n, off), y(n, (off + 1) % 4), want(n, 0);
        x.fill(rng, -2.0f, 2.0f);
        y.fill(rng, -2.0f, 2.0f);
        std::copy(y.p, y.p + n, want.p);
        nn::vec_axpy(y.p, 0.3f, x.p, n);
        nn::vec_axpy_ref(want.p, 0.3f, x.p, n);
        for (int i = 0; i < n; i++)
          REQUIRE(std::fabs(y.p[i] - want.p[i]) <= kAxpyRelTol * (std::fabs(want.p[i]) + std::fabs(0.3f * x.p[i])));
        CHECK(y.guards_intact());
        std::copy(x.p, x.p + n, want.p);
        nn::vec_scale(x.p, -1.7f, n);
        nn::vec_scale_ref(want.p, -1.7f, n);
        for (int i = 0; i < n; i++) REQUIRE(x.p[i] == want.p[i]);
        CHECK(x.guards_intact());
      }
  });
}

TEST_CASE("vec_sum, vec_dot and vec_max match their twins") {
  for_each_backend([] {
    std::mt19937 rng(4);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer a(n, off), b(n, (off + 3) % 4);
        a.fill(rng, -3.0f, 3.0f);
        b.fill(rng, -3.0f, 3.0f);
        float abs_sum = 0.0f, abs_dot = 0.0f;
        for (int i = 0; i < n; i++) {
          abs_sum += std::fabs(a.p[i]);
          abs_dot += std::fabs(a.p[i] * b.p[i]);
        }
        CHECK(std::fabs(nn::vec_sum(a.p, n) - nn::vec_sum_ref(a.p, n)) <= kReductionTolPerTerm * n * abs_sum);
        CHECK(std::fabs(nn::vec_dot(a.p, b.p, n) - nn::vec_dot_ref(a.p, b.p, n)) <= kReductionTolPerTerm * n * abs_dot);
        CHECK(nn::vec_max(a.p, n) == nn::vec_max_ref(a.p, n));
      }
    float x[5] = {-3, -2, -7, -1.5f, -9};
    CHECK(nn::vec_max(x, 5) == -1.5f);
    CHECK(nn::vec_max(x, 0) == -INFINITY);
    CHECK(nn::vec_sum(x, 0) == 0.0f);
  });
}

TEST_CASE("vec_all_finite finds one NaN or infinity anywhere, and no overflow in huge finite values") {
  for_each_backend([] {
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer a(n, off);
        for (int i = 0; i < n; i++) a.p[i] = 3.0e38f * (i % 2 ? -1.0f : 1.0f);  // sums overflow, values do not
        CHECK(nn::vec_all_finite(a.p, n));
        CHECK(nn::vec_all_finite_ref(a.p, n));
        for (float bad : {NAN, INFINITY, -INFINITY})
          for (int at : {0, n / 2, n - 1}) {
            if (n == 0) continue;
            const float kept = a.p[at];
            a.p[at] = bad;
            CAPTURE(at);
            CHECK_FALSE(nn::vec_all_finite(a.p, n));
            CHECK_FALSE(nn::vec_all_finite_ref(a.p, n));
            a.p[at] = kept;
          }
      }
  });
}

TEST_CASE("vec_exp, vec_tanh and vec_sigmoid match their twins, in place too") {
  check_unary(nn::vec_exp, nn::vec_exp_ref, -30.0f, 30.0f);
  check_unary(nn::vec_tanh, nn::vec_tanh_ref, -6.0f, 6.0f);
  check_unary(nn::vec_sigmoid, nn::vec_sigmoid_ref, -20.0f, 20.0f);
}

TEST_CASE("vec_exp_sum matches its twin: the values and their sum") {
  for_each_backend([] {
    std::mt19937 rng(4);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer x(n, off), out(n, (off + 1) % 4), want(n, 0);
        x.fill(rng, -20.0f, 5.0f);
        const float sum = nn::vec_exp_sum(out.p, x.p, 3.0f, n);
        const float want_sum = nn::vec_exp_sum_ref(want.p, x.p, 3.0f, n);
        for (int i = 0; i < n; i++) REQUIRE(close(out.p[i], want.p[i], kMathRelTol));
        // Positive terms: any two orders of summing are within n·eps of each other, relatively.
        CHECK(std::fabs(sum - want_sum) <= (kMathRelTol + kReductionTolPerTerm * float(n)) * want_sum + FLT_MIN);
        CHECK(out.guards_intact());
      }
  });
}

TEST_CASE("softmax_rows matches its twin and is stable for large inputs") {
  for_each_backend([] {
    std::mt19937 rng(5);
    for (int cols : kSizes)
      for (int rows : {1, 3}) {
        CAPTURE(cols); CAPTURE(rows);
        std::vector<float> x(size_t(rows) * cols + 1), out(x.size(), kGuard), want(x.size());
        std::uniform_real_distribution<float> u(-10.0f, 10.0f);
        for (float& v : x) v = u(rng) + 1000.0f;  // e^1000 would overflow without the max shift
        nn::softmax_rows(out.data() + 1, x.data() + 1, rows, cols);
        nn::softmax_rows_ref(want.data() + 1, x.data() + 1, rows, cols);
        for (int i = 1; i <= rows * cols; i++) REQUIRE(close(out[i], want[i], kSoftmaxRelTol));
        CHECK(out[0] == kGuard);
        for (int r = 0; r < rows && cols > 0; r++) {
          double sum = 0.0;
          for (int c = 0; c < cols; c++) sum += out[1 + r * cols + c];
          CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
        }
      }
  });
}

TEST_CASE("add_bias_rows matches its twin") {
  for_each_backend([] {
    std::mt19937 rng(6);
    for (int cols : kSizes) {
      CAPTURE(cols);
      const int rows = 3;
      std::vector<float> x(size_t(rows) * cols + 1), bias(cols + 1), out(x.size() + 8, kGuard), want(x.size());
      std::uniform_real_distribution<float> u(-4.0f, 4.0f);
      for (float& v : x) v = u(rng);
      for (float& v : bias) v = u(rng);
      nn::add_bias_rows(out.data() + 1, x.data() + 1, bias.data() + 1, rows, cols);
      nn::add_bias_rows_ref(want.data() + 1, x.data() + 1, bias.data() + 1, rows, cols);
      for (int i = 1; i <= rows * cols; i++) REQUIRE(out[i] == want[i]);
      CHECK(out[0] == kGuard);
      CHECK(out[rows * cols + 1] == kGuard);
    }
  });
}

TEST_CASE("sum_rows_add equals its twin bit for bit and writes nothing past its columns") {
  for_each_backend([] {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-4.0f, 4.0f);
    for (int rows : {0, 1, 5})
      for (int cols : kSizes) {
        CAPTURE(rows); CAPTURE(cols);
        std::vector<float> x(size_t(rows) * cols + 1), acc(cols + 2, kGuard), want(cols + 2, kGuard);
        for (float& v : x) v = u(rng);
        for (int c = 1; c <= cols; c++) acc[c] = want[c] = u(rng);
        nn::sum_rows_add(acc.data() + 1, x.data() + 1, rows, cols);
        nn::sum_rows_add_ref(want.data() + 1, x.data() + 1, rows, cols);
        CHECK(std::memcmp(acc.data(), want.data(), sizeof(float) * acc.size()) == 0);  // same order of adds
      }
  });
}

TEST_CASE("selu and its backward match their twins (expm1 and exp) within a few ulp, NaN passing through") {
  // Near 0, where e^x - 1 cancels, and on both sides of the switch at -0.5; large negative
  // inputs saturate to -scale*alpha.
  const float special[] = {-1e-7f, -1e-4f, -0.01f, -0.4999f, -0.5f, -0.5001f, -1.0f, -20.0f, -100.0f, 0.0f, 1e-6f, 3.0f};
  for_each_backend([&] {
    std::mt19937 rng(9);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer x(n, off), dout(n, (off + 1) % 4), out(n, (off + 2) % 4), want(n, 0);
        x.fill(rng, -6.0f, 3.0f);
        dout.fill(rng, -1.0f, 1.0f);
        for (int i = 0; i < n && i < int(std::size(special)); i++) x.p[(i * 7) % n] = special[i];
        if (n > 2) x.p[n / 2] = NAN;
        nn::selu(out.p, x.p, n);
        nn::selu_ref(want.p, x.p, n);
        for (int i = 0; i < n; i++) {
          CAPTURE(x.p[i]);
          REQUIRE(close(out.p[i], want.p[i], kMathRelTol));
        }
        CHECK(out.guards_intact());
        Buffer dx(n, (off + 3) % 4), dx_want(n, 0);
        dx.fill(rng, -1.0f, 1.0f);
        std::copy(dx.p, dx.p + n, dx_want.p);
        nn::selu_backward_add(dx.p, dout.p, x.p, n);
        nn::selu_backward_add_ref(dx_want.p, dout.p, x.p, n);
        for (int i = 0; i < n; i++) {
          CAPTURE(x.p[i]);
          if (std::isnan(x.p[i])) {
            REQUIRE(std::isnan(dx.p[i]));
            continue;
          }
          const float terms = std::fabs(dx_want.p[i]) + 2.0f * std::fabs(dout.p[i]);
          REQUIRE(std::fabs(dx.p[i] - dx_want.p[i]) <= kMathRelTol * terms);
        }
        CHECK(dx.guards_intact());
      }
  });
}

TEST_CASE("leaky_relu and its backward match their twins exactly, NaN passing through") {
  for_each_backend([] {
    std::mt19937 rng(8);
    for (int n : kSizes)
      for (int off : kOffsets) {
        CAPTURE(n); CAPTURE(off);
        Buffer x(n, off), dout(n, (off + 1) % 4), out(n, (off + 2) % 4), want(n, 0);
        x.fill(rng, -3.0f, 3.0f);
        dout.fill(rng, -1.0f, 1.0f);
        if (n > 2) x.p[n / 2] = NAN;
        nn::leaky_relu(out.p, x.p, 0.2f, n);
        nn::leaky_relu_ref(want.p, x.p, 0.2f, n);
        for (int i = 0; i < n; i++) REQUIRE(close(out.p[i], want.p[i], 0.0f));
        CHECK(out.guards_intact());
        Buffer dx(n, (off + 3) % 4), dx_want(n, 0);
        dx.fill(rng, -1.0f, 1.0f);
        std::copy(dx.p, dx.p + n, dx_want.p);
        nn::leaky_relu_backward_add(dx.p, dout.p, x.p, 0.2f, n);
        nn::leaky_relu_backward_add_ref(dx_want.p, dout.p, x.p, 0.2f, n);
        // dout * slope + dx may be fused into one rounding: an ulp or two of the terms' size.
        for (int i = 0; i < n; i++) {
          const float terms = std::fabs(dx_want.p[i]) + 2.0f * std::fabs(dout.p[i]) + 1.0f;
          REQUIRE(std::fabs(dx.p[i] - dx_want.p[i]) <= 2.0f * kAxpyRelTol * terms);
        }
        CHECK(dx.guards_intact());
      }
  });
}

TEST_CASE("adam_update and rmsprop_update match their twins over several steps") {
  // A few roundings per step, some fused, of terms of O(1) (inputs in [-2, 2]): a few ulp of that
  // size per step. A wrong coefficient is off by far more.
  constexpr float kStepTol = 64.0f * FLT_EPSILON;
  auto near = [](float got, float want) { return std::fabs(got - want) <= kStepTol * (1.0f + std::fabs(want)); };
  for_each_backend([&] {
    std::mt19937 rng(9);
    for (int n : kSizes) {
      CAPTURE(n);
      Buffer w(n, 1), g(n, 2), m(n, 3), v(n, 0), w2(n, 1), m2(n, 2), v2(n, 3);
      w.fill(rng, -1.0f, 1.0f);
      std::copy(w.p, w.p + n, w2.p);
      std::fill(m.p, m.p + n, 0.0f), std::fill(v.p, v.p + n, 0.0f);
      std::fill(m2.p, m2.p + n, 0.0f), std::fill(v2.p, v2.p + n, 0.0f);
      for (int step = 1; step <= 3; step++) {
        g.fill(rng, -2.0f, 2.0f);
        const double bc1 = 1.0 - std::pow(0.9, step), bc2 = 1.0 - std::pow(0.999, step);
        const nn::AdamCoefficients c{float(1e-2 / bc1), float(1.0 / std::sqrt(bc2)), 0.9f, float(1.0 - 0.9), 0.999f,
                                     float(1.0 - 0.999), 1e-8f, 1e-2f};
        nn::adam_update(w.p, g.p, m.p, v.p, c, n);
        nn::adam_update_ref(w2.p, g.p, m2.p, v2.p, c, n);
      }
      for (int i = 0; i < n; i++) {
        REQUIRE(near(w.p[i], w2.p[i]));
        REQUIRE(near(m.p[i], m2.p[i]));
        REQUIRE(near(v.p[i], v2.p[i]));
      }
      CHECK(w.guards_intact());
      CHECK(m.guards_intact());
      CHECK(v.guards_intact());
      std::fill(m.p, m.p + n, 0.0f), std::fill(m2.p, m2.p + n, 0.0f);  // RMSprop's square average
      const nn::RmsPropCoefficients r{1e-3f, 0.99f, float(1.0 - 0.99), 1e-8f, 0.0f};
      for (int step = 0; step < 3; step++) {
        g.fill(rng, -2.0f, 2.0f);
        nn::rmsprop_update(w.p, g.p, m.p, r, n);
        nn::rmsprop_update_ref(w2.p, g.p, m2.p, r, n);
      }
      for (int i = 0; i < n; i++) {
        REQUIRE(near(w.p[i], w2.p[i]));
        REQUIRE(near(m.p[i], m2.p[i]));
      }
    }
  });
}
