#pragma once
// General matrix multiply, row-major throughout:
//   C(M,N) = alpha * op(A)(M,K) · op(B)(K,N) + beta * C
// op(A) = A (M,K) with row stride lda, or Aᵀ when trans_a (A stored as (K,M)).
// op(B) = B (K,N) with row stride ldb, or Bᵀ when trans_b (B stored as (N,K)).
// beta == 0 overwrites C without reading it (C may hold NaNs).
//
// Layers use three forms: y = x·Wᵀ (trans_b), dx = dy·W (none), dW += dyᵀ·x (trans_a, beta 1).
namespace nn {

// gemm runs on the threads of default_thread_pool() (thread_pool.h; 1 unless set otherwise) once
// a product has this many flops (2·M·N·K), on the calling thread below: at 4 MFLOP (a 32x128x512
// layer) waking the workers cost more than the second core saved. The split gives every element
// of C to one thread, summed in the same order: results are bit-identical whatever the threads.
constexpr double kGemmParallelMinFlops = 8.0e6;

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);

// The scalar reference: straightforward loops, the twin every fast kernel is tested against.
void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace nn
