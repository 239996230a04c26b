// GEMM against Eigen, the oracle.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <random>
#include <vector>

#include "core/gemm.h"

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Accumulation order differs from Eigen's: allow a few ulps per term of the K-long dot product.
constexpr float kRelTolerance = 1e-5f;

void check_variant(bool ta, bool tb, int M, int N, int K) {
  std::mt19937 rng(M * 1000 + N * 10 + K);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  RowMatrix A = ta ? RowMatrix(K, M) : RowMatrix(M, K);
  RowMatrix B = tb ? RowMatrix(N, K) : RowMatrix(K, N);
  RowMatrix C(M, N);
  for (int i = 0; i < A.size(); i++) A.data()[i] = u(rng);
  for (int i = 0; i < B.size(); i++) B.data()[i] = u(rng);
  for (int i = 0; i < C.size(); i++) C.data()[i] = u(rng);
  RowMatrix opA = ta ? RowMatrix(A.transpose()) : A;
  RowMatrix opB = tb ? RowMatrix(B.transpose()) : B;
  RowMatrix expected = 0.5f * (opA * opB) + 2.0f * C;
  nn::gemm(ta, tb, M, N, K, 0.5f, A.data(), int(A.cols()), B.data(), int(B.cols()), 2.0f, C.data(), N);
  float worst = (C - expected).cwiseAbs().maxCoeff();
  CHECK(worst <= kRelTolerance * (K + 1) * 2.0f);
}

}  // namespace

TEST_CASE("gemm matches Eigen for every transpose variant") {
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (int M : {1, 7, 33})
        for (int N : {1, 9, 65})
          for (int K : {1, 8, 67}) {
            CAPTURE(ta); CAPTURE(tb); CAPTURE(M); CAPTURE(N); CAPTURE(K);
            check_variant(ta, tb, M, N, K);
          }
}
