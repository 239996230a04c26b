#pragma once
#include <cstddef>

// General matrix multiply, row-major throughout:
//   C(M,N) = alpha * op(A)(M,K) · op(B)(K,N) + beta * C
// op(A) = A (M,K) with row stride lda, or Aᵀ when trans_a (A stored as (K,M)).
// op(B) = B (K,N) with row stride ldb, or Bᵀ when trans_b (B stored as (N,K)).
// beta == 0 overwrites C without reading it (C may hold NaNs).
//
// Layers use three forms over a batch of rows: y = x·Wᵀ (trans_b), dx = dy·W (none), dW += dyᵀ·x
// (trans_a, beta 1); and three over a batch of columns: y = W·x (none), dx = Wᵀ·dy (trans_a),
// dW = dy·xᵀ (trans_b).
namespace nn {

// gemm runs on the threads of default_thread_pool() (thread_pool.h; 1 unless set otherwise) once
// a product has this many flops (2·M·N·K), on the calling thread below: the pool's workers spin
// between loops, so a fork costs about a microsecond, and 1 MFLOP is some 10 µs of work. The
// split gives every element of C to one thread, summed in the same order (a weight gradient over
// thousands of rows sums two halves of them, on one thread too): results are bit-identical
// whatever the threads.
constexpr double kGemmParallelMinFlops = 1.0e6;

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);

// The scalar reference: straightforward loops, the twin every fast kernel is tested against.
void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc);

// A right-hand side op(B) (K, groups*N) packed once into the micro-kernel's panels, for products
// that repeat with the same B: a recurrent layer's W_hh at each of its time steps. Its columns are
// `groups` blocks of N (an LSTM's four gates of H units), packed block by block so that a product
// over some of the units takes the same columns of every block, with A packed once for all. The
// packing depends on the SIMD backend in use (simd.h); pack again after switching backends.
struct PackedB {
  const float* data;
  int K, N, groups;
  int nr;  // columns per panel: a product over part of a block starts on a multiple of nr
};

size_t gemm_packed_b_floats(int K, int N, int groups = 1);
// The panel width (nr) gemm_pack_b packs with on the SIMD backend in use.
int gemm_panel_width();
// dst holds gemm_packed_b_floats(K, N, groups) floats; the PackedB refers to it.
PackedB gemm_pack_b(float* dst, bool trans_b, int K, int N, int groups, const float* B, int ldb);

// Columns [n0, n1) of every block g of C (M, groups*N), i.e. C[:, g*N + n0 .. g*N + n1), of
// C = alpha * op(A)(M,K) · B + beta * C, on the calling thread (callers that split the columns
// over threads call it once per share); n0 is a multiple of B.nr. Every element gets the same
// arithmetic as from gemm.
void gemm_packed(bool trans_a, int M, int n0, int n1, float alpha, const float* A, int lda,
                 const PackedB& B, float beta, float* C, int ldc);

}  // namespace nn
