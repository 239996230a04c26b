#include "core/gemm.h"

namespace nn {

void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc) {
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < N; j++) {
      float acc = 0.0f;
      for (int k = 0; k < K; k++) {
        float a = trans_a ? A[k * lda + i] : A[i * lda + k];
        float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        acc += a * b;
      }
      float* c = &C[i * ldc + j];
      *c = alpha * acc + (beta == 0.0f ? 0.0f : beta * *c);
    }
  }
}

}  // namespace nn
