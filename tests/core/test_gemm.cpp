// GEMM against Eigen, the oracle: every transpose variant, every size 1..67 along each dimension,
// random shapes with padded leading dimensions and unaligned pointers, on every SIMD backend this
// build supports; plus beta == 0 over NaN, and bit-identical results for any thread count.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/gemm.h"
#include "core/simd.h"
#include "core/thread_pool.h"
#include "simd_backends.h"

namespace {

using nn_test::for_each_backend;

// Any two orders of summing a K-term dot product each stay within K·eps·Σ|a·b| of the exact
// value (the classic bound for recursive summation, FMA or not), so they differ by at most
// twice that; +2 covers the alpha and beta terms. A wrong index or a skipped term is off by O(1).
float gemm_tolerance(int K) { return 2.0f * float(K + 2) * FLT_EPSILON; }

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A (rows, cols) matrix stored with row stride ld >= cols, starting `offset` floats into its
// buffer so the data need not be 16-, 32- or 64-byte aligned.
struct Strided {
  int rows, cols, ld;
  std::vector<float> buf;
  int offset;
  Strided(int r, int c, int pad, int off) : rows(r), cols(c), ld(c + pad), buf(size_t(r) * (c + pad) + off + 1), offset(off) {}
  float* data() { return buf.data() + offset; }
  float& at(int i, int j) { return data()[i * ld + j]; }
  RowMatrix dense() {
    RowMatrix m(rows, cols);
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) m(i, j) = at(i, j);
    return m;
  }
  void fill(std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float& x : buf) x = u(rng);
  }
};

struct Case {
  bool ta, tb;
  int M, N, K;
  int pad_a = 0, pad_b = 0, pad_c = 0;
  int off_a = 0, off_b = 0, off_c = 0;
  float alpha = 0.5f, beta = 2.0f;
};

using GemmFn = void (*)(bool, bool, int, int, int, float, const float*, int, const float*, int, float, float*, int);

// Runs gemm_fn on one case and returns the worst error in units of the tolerance (<= 1 passes);
// also checks that the padding between rows of C is left untouched.
float worst_error(GemmFn gemm_fn, const Case& t, unsigned seed) {
  std::mt19937 rng(seed);
  Strided A = t.ta ? Strided(t.K, t.M, t.pad_a, t.off_a) : Strided(t.M, t.K, t.pad_a, t.off_a);
  Strided B = t.tb ? Strided(t.N, t.K, t.pad_b, t.off_b) : Strided(t.K, t.N, t.pad_b, t.off_b);
  Strided C(t.M, t.N, t.pad_c, t.off_c);
  A.fill(rng);
  B.fill(rng);
  C.fill(rng);
  std::vector<float> c_before = C.buf;
  RowMatrix opA = t.ta ? RowMatrix(A.dense().transpose()) : A.dense();
  RowMatrix opB = t.tb ? RowMatrix(B.dense().transpose()) : B.dense();
  RowMatrix C0 = C.dense();
  RowMatrix expected = t.alpha * (opA * opB) + t.beta * C0;
  RowMatrix magnitude = std::fabs(t.alpha) * (opA.cwiseAbs() * opB.cwiseAbs()) + std::fabs(t.beta) * C0.cwiseAbs();
  gemm_fn(t.ta, t.tb, t.M, t.N, t.K, t.alpha, A.data(), A.ld, B.data(), B.ld, t.beta, C.data(), C.ld);
  float worst = 0.0f;
  for (int i = 0; i < t.M; i++)
    for (int j = 0; j < t.N; j++) {
      float err = std::fabs(C.at(i, j) - expected(i, j)) / (gemm_tolerance(t.K) * magnitude(i, j) + FLT_MIN);
      worst = std::isnan(err) ? INFINITY : std::max(worst, err);
    }
  for (size_t k = 0; k < C.buf.size(); k++) {
    long idx = long(k) - C.offset;
    bool inside = idx >= 0 && idx / C.ld < t.M && idx % C.ld < t.N;
    if (!inside && C.buf[k] != c_before[k]) return INFINITY;
  }
  return worst;
}


#define CHECK_GEMM_CASE(fn, t, seed)                                                            \
  do {                                                                                          \
    CAPTURE((t).ta); CAPTURE((t).tb); CAPTURE((t).M); CAPTURE((t).N); CAPTURE((t).K);          \
    CAPTURE((t).pad_a); CAPTURE((t).pad_b); CAPTURE((t).pad_c);                                 \
    CAPTURE((t).off_a); CAPTURE((t).off_b); CAPTURE((t).off_c);                                 \
    CHECK(worst_error(fn, t, seed) <= 1.0f);                                                    \
  } while (0)

}  // namespace

TEST_CASE("gemm_ref matches Eigen for every transpose variant") {
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (int M : {1, 7, 33})
        for (int N : {1, 9, 65})
          for (int K : {1, 8, 67}) CHECK_GEMM_CASE(nn::gemm_ref, (Case{ta, tb, M, N, K}), M * 131 + N * 7 + K);
}

TEST_CASE("gemm matches Eigen for every size 1..67 along each dimension") {
  for_each_backend([] {
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int s = 1; s <= 67; s++) {
          CHECK_GEMM_CASE(nn::gemm, (Case{ta, tb, s, 19, 23}), s);
          CHECK_GEMM_CASE(nn::gemm, (Case{ta, tb, 13, s, 29}), s + 100);
          CHECK_GEMM_CASE(nn::gemm, (Case{ta, tb, 11, 17, s}), s + 200);
        }
  });
}

TEST_CASE("gemm matches Eigen on random shapes, leading dimensions and alignments") {
  for_each_backend([] {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> size(1, 67), pad(0, 5), off(0, 7), flip(0, 1);
    for (int trial = 0; trial < 150; trial++) {
      Case t{flip(rng) == 1, flip(rng) == 1, size(rng), size(rng), size(rng), pad(rng), pad(rng), pad(rng),
             off(rng), off(rng), off(rng), trial % 3 == 0 ? 1.0f : -0.75f, trial % 4 == 0 ? 0.0f : 1.0f};
      CAPTURE(trial);
      CHECK_GEMM_CASE(nn::gemm, t, unsigned(trial));
    }
  });
}

TEST_CASE("gemm matches Eigen past the cache blocks (K > KC, M > MC)") {
  for_each_backend([] {
    CHECK_GEMM_CASE(nn::gemm, (Case{false, true, 100, 70, 600}), 1);
    CHECK_GEMM_CASE(nn::gemm, (Case{true, false, 130, 33, 300, 3, 1, 2, 1, 2, 3}), 2);
    // Weight gradients over many rows, summed in two halves of K (an odd K: halves of two sizes).
    CHECK_GEMM_CASE(nn::gemm, (Case{true, false, 130, 33, 1100, 3, 1, 2, 1, 2, 3}), 3);  // formed transposed
    CHECK_GEMM_CASE(nn::gemm, (Case{true, false, 33, 130, 1101, 3, 1, 2, 1, 2, 3}), 4);  // formed directly
    CHECK_GEMM_CASE(nn::gemm, (Case{true, false, 130, 33, 1101, 0, 0, 0, 0, 0, 0, -0.75f, 0.0f}), 5);
  });
}

TEST_CASE("gemm matches Eigen for a batch against wide weights (formed transposed, the weights read in place)") {
  // Batches of whole panels against layers of every edge width, K past one slice, both forms of
  // the weights (y = x·Wᵀ and dx = dy·W), padded and unaligned; on backends without the in-place
  // path these run the direct product.
  for_each_backend([] {
    for (bool tb : {false, true})
      for (int M : {32, 64})
        for (int N : {65, 100, 150, 203})
          for (int K : {30, 150, 784}) {
            CHECK_GEMM_CASE(nn::gemm, (Case{false, tb, M, N, K}), unsigned(M + N + K));
            CHECK_GEMM_CASE(nn::gemm, (Case{false, tb, M, N, K, 3, 1, 2, 1, 2, 3, -0.75f, 0.0f}), unsigned(N + K));
          }
  });
}

TEST_CASE("gemm matches Eigen for wide weights against a batch of columns (the weights read in place)") {
  // A layer over a batch stored one sample per column: y = W·x and dx = Wᵀ·dy, the batch of whole
  // panels, the weights of every edge height, K past one slice, padded and unaligned, and the batch
  // both ways round (dW = dy·xᵀ reads it transposed); on backends without the in-place path these
  // run the direct product.
  for_each_backend([] {
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int N : {32, 64})
          for (int M : {65, 100, 150, 203})
            for (int K : {30, 150, 784}) {
              CHECK_GEMM_CASE(nn::gemm, (Case{ta, tb, M, N, K}), unsigned(M + N + K));
              CHECK_GEMM_CASE(nn::gemm, (Case{ta, tb, M, N, K, 3, 1, 2, 1, 2, 3, -0.75f, 0.0f}), unsigned(M + K));
            }
  });
}

TEST_CASE("gemm with beta == 0 never reads C") {
  for_each_backend([] {
    const int M = 13, N = 37, K = 20;
    std::vector<float> A(M * K, 0.5f), B(K * N, 0.25f), C(M * N, std::numeric_limits<float>::quiet_NaN());
    nn::gemm(false, false, M, N, K, 2.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    for (float c : C) REQUIRE(c == doctest::Approx(2.0f * K * 0.125f));
    std::fill(C.begin(), C.end(), std::numeric_limits<float>::quiet_NaN());
    nn::gemm(false, false, M, N, 0, 1.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    for (float c : C) REQUIRE(c == 0.0f);
    // A weight gradient over many rows (a recurrence's steps), which gemm forms transposed and adds in.
    const int Mw = 40, Nw = 8, Kw = 1100;
    std::vector<float> dy(Kw * Mw, 0.5f), x(Kw * Nw, 0.25f), dw(Mw * Nw, std::numeric_limits<float>::quiet_NaN());
    nn::gemm(true, false, Mw, Nw, Kw, 2.0f, dy.data(), Mw, x.data(), Nw, 0.0f, dw.data(), Nw);
    for (float c : dw) REQUIRE(c == doctest::Approx(2.0f * Kw * 0.125f));
    // The same with fewer outputs than inputs, which gemm forms directly, and adds in.
    std::vector<float> dy_narrow(Kw * Nw, 0.5f), x_wide(Kw * Mw, 0.25f), dw_wide(Nw * Mw, std::numeric_limits<float>::quiet_NaN());
    nn::gemm(true, false, Nw, Mw, Kw, 2.0f, dy_narrow.data(), Nw, x_wide.data(), Mw, 0.0f, dw_wide.data(), Mw);
    for (float c : dw_wide) REQUIRE(c == doctest::Approx(2.0f * Kw * 0.125f));
    // A batch against wide weights, which gemm may form transposed and put in place.
    const int Mb = 32, Nb = 70, Kb = 300;
    std::vector<float> xb(Mb * Kb, 0.5f), w(Nb * Kb, 0.25f), y(Mb * Nb, std::numeric_limits<float>::quiet_NaN());
    nn::gemm(false, true, Mb, Nb, Kb, 2.0f, xb.data(), Kb, w.data(), Kb, 0.0f, y.data(), Nb);
    for (float c : y) REQUIRE(c == doctest::Approx(2.0f * Kb * 0.125f));
    // Wide weights against a batch of columns, the weights read in place.
    std::vector<float> yc(Nb * Mb, std::numeric_limits<float>::quiet_NaN());
    nn::gemm(false, false, Nb, Mb, Kb, 2.0f, w.data(), Kb, xb.data(), Mb, 0.0f, yc.data(), Mb);
    for (float c : yc) REQUIRE(c == doctest::Approx(2.0f * Kb * 0.125f));
  });
}

TEST_CASE("gemm with K == 0 or alpha == 0 scales C by beta") {
  std::vector<float> A(6, 1.0f), B(6, 1.0f), C = {1, 2, 3, 4};
  nn::gemm(false, false, 2, 2, 0, 1.0f, A.data(), 3, B.data(), 2, 3.0f, C.data(), 2);
  CHECK(C == std::vector<float>{3, 6, 9, 12});
  nn::gemm(false, false, 2, 2, 3, 0.0f, A.data(), 3, B.data(), 2, 0.5f, C.data(), 2);
  CHECK(C == std::vector<float>{1.5f, 3, 4.5f, 6});
}

TEST_CASE("gemm gives bit-identical results on 1, 2, 3 and 4 threads") {
  // Shapes above the parallel threshold: wide C (split by columns), tall C (split by rows), and
  // one in between, split one way or the other depending on the backend's tile; deep weight
  // gradients (two halves of K, one a thread); tall weights against a batch of columns, split by rows.
  const Case shapes[] = {{false, true, 20, 401, 600}, {true, false, 301, 20, 800}, {true, false, 301, 20, 1100},
                         {true, false, 20, 301, 1101},
                         {false, false, 45, 130, 900},
                         {false, true, 64, 150, 784}, {false, false, 32, 203, 150}, {false, false, 150, 32, 784},
                         {true, false, 784, 64, 150}};
  for_each_backend([&] {
    for (const Case& t : shapes) {
      CAPTURE(t.M); CAPTURE(t.N); CAPTURE(t.K);
      REQUIRE(2.0 * t.M * t.N * t.K >= nn::kGemmParallelMinFlops);
      std::mt19937 rng(7);
      std::uniform_real_distribution<float> u(-1.0f, 1.0f);
      std::vector<float> A(size_t(t.M) * t.K), B(size_t(t.K) * t.N), C0(size_t(t.M) * t.N);
      for (float& x : A) x = u(rng);
      for (float& x : B) x = u(rng);
      for (float& x : C0) x = u(rng);
      int lda = t.ta ? t.M : t.K, ldb = t.tb ? t.K : t.N;
      std::vector<float> single = C0;
      nn::set_num_threads(1);
      nn::gemm(t.ta, t.tb, t.M, t.N, t.K, 0.5f, A.data(), lda, B.data(), ldb, 1.0f, single.data(), t.N);
      for (int threads : {2, 3, 4}) {
        CAPTURE(threads);
        nn::set_num_threads(threads);
        std::vector<float> multi = C0;
        nn::gemm(t.ta, t.tb, t.M, t.N, t.K, 0.5f, A.data(), lda, B.data(), ldb, 1.0f, multi.data(), t.N);
        CHECK(std::memcmp(single.data(), multi.data(), sizeof(float) * multi.size()) == 0);
      }
      nn::set_num_threads(1);
    }
  });
}

TEST_CASE("each SIMD backend's gemm equals the scalar backend's within tolerance") {
  const Case t{false, true, 37, 91, 300, 1, 2, 3, 1, 1, 1};
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> A(size_t(t.M) * (t.K + t.pad_a) + 1), B(size_t(t.N) * (t.K + t.pad_b) + 1);
  for (float& x : A) x = u(rng);
  for (float& x : B) x = u(rng);
  const int ldc = t.N + t.pad_c;
  auto run = [&](nn::SimdBackend backend) {
    std::vector<float> C(size_t(t.M) * ldc, 1.0f);
    REQUIRE(nn::simd_set_backend(backend));
    nn::gemm(t.ta, t.tb, t.M, t.N, t.K, 1.0f, A.data() + 1, t.K + t.pad_a, B.data() + 1, t.K + t.pad_b, 1.0f,
             C.data(), ldc);
    return C;
  };
  nn::SimdBackend saved = nn::simd_backend();
  std::vector<float> scalar = run(nn::SimdBackend::Scalar);
  // Inputs in [-1, 1]: Σ|a·b| + |c| <= K + 1 bounds the magnitude of every element.
  const float tolerance = gemm_tolerance(t.K) * float(t.K + 1);
  for (nn::SimdBackend b : nn::kAllSimdBackends) {
    if (b == nn::SimdBackend::Scalar || !nn::simd_backend_supported(b)) continue;
    INFO("backend: ", nn::simd_backend_name(b));
    std::vector<float> simd = run(b);
    float worst = 0.0f;
    for (size_t i = 0; i < simd.size(); i++) worst = std::max(worst, std::fabs(simd[i] - scalar[i]));
    CHECK(worst <= tolerance);
  }
  nn::simd_set_backend(saved);
}

struct Scaling {
  float alpha, beta;
};

TEST_CASE("gemm_packed equals gemm bit for bit, over the whole width or any split of the panels") {
  // K past one KC slice, N not a whole number of panels, both forms of B and of A; one block of
  // columns, or three (a GRU's gates) of which every call takes the same columns.
  const Case shapes[] = {{false, true, 32, 128, 128}, {false, false, 32, 128, 512}, {false, true, 64, 150, 784},
                         {false, false, 64, 37, 300}, {true, true, 7, 50, 300},
                         {false, true, 5, 3, 1}, {true, false, 20, 9, 12}, {false, false, 6, 5, 20},
                         {true, true, 9, 13, 7}};  // the last three small enough to run unpacked
  for_each_backend([&] {
    for (const Case& t : shapes)
      for (int groups : {1, 3})
        for (const Scaling scaling : {Scaling{0.5f, 1.0f}, Scaling{1.0f, 0.0f}}) {
          const float alpha = scaling.alpha, beta = scaling.beta;
          CAPTURE(t.ta); CAPTURE(t.tb); CAPTURE(t.M); CAPTURE(t.N); CAPTURE(t.K); CAPTURE(groups); CAPTURE(alpha);
          const int width = groups * t.N;
          std::mt19937 rng(11);
          std::uniform_real_distribution<float> u(-1.0f, 1.0f);
          std::vector<float> A(size_t(t.M) * t.K), B(size_t(t.K) * width), C0(size_t(t.M) * width);
          for (float& x : A) x = u(rng);
          for (float& x : B) x = u(rng);
          for (float& x : C0) x = u(rng);
          const int lda = t.ta ? t.M : t.K, ldb = t.tb ? t.K : width;
          std::vector<float> expected = C0;
          nn::gemm(t.ta, t.tb, t.M, width, t.K, alpha, A.data(), lda, B.data(), ldb, beta, expected.data(), width);
          std::vector<float> packed(nn::gemm_packed_b_floats(t.K, t.N, groups));
          const nn::PackedB pb = nn::gemm_pack_b(packed.data(), t.tb, t.K, t.N, groups, B.data(), ldb);
          for (int split = 0; split <= t.N; split += pb.nr) {
            CAPTURE(split);
            std::vector<float> C = C0;
            nn::gemm_packed(t.ta, t.M, 0, split, alpha, A.data(), lda, pb, beta, C.data(), width);
            nn::gemm_packed(t.ta, t.M, split, t.N, alpha, A.data(), lda, pb, beta, C.data(), width);
            CHECK(std::memcmp(C.data(), expected.data(), sizeof(float) * C.size()) == 0);
          }
        }
  });
}
