// The blocked GEMM driver (Goto / BLIS loop order). For each NC-wide slice of C and each KC-deep
// slice of K, op(B) is packed once; for each MC-tall slice of rows op(A) is packed; then the
// micro-kernel sweeps the slice tile by tile. Large problems are split over threads by whole
// micro-tiles, so every element of C is computed by one thread in the same order whatever the
// thread count: results are bit-identical for 1 or N threads.
#include <algorithm>
#include <cstdlib>

#include "core/gemm.h"
#include "core/gemm_kernel.h"
#include "core/simd.h"
#include "core/thread_pool.h"

namespace nn {

namespace {

// The B micro-panel (KC x 24 floats = 24 KB at most) stays in the 32 KB L1 while the micro-kernel
// sweeps the rows; the A block (MC x KC = 96 KB) stays in L2 (1 MB per core on the EPYC we tune
// on); the B panel (KC x NC = 1 MB) covers every demo layer's width in one slice, so A is packed
// once per KC slice. The slices are rounded down to whole tiles of the kernel in use.
constexpr int kMC = 96, kKC = 256, kNC = 1024;

// Packing buffers of one thread, allocated on its first GEMM and reused by every later one.
struct PackBuffers {
  float* a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kMC * kKC));
  float* b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kKC * kNC));
  ~PackBuffers() {
    std::free(a);
    std::free(b);
  }
};

PackBuffers& pack_buffers() {
  thread_local PackBuffers buffers;
  return buffers;
}

struct GemmArgs {
  bool trans_a, trans_b;
  int M, N, K;
  float alpha;
  const float* A;
  int lda;
  const float* B;
  int ldb;
  float beta;
  float* C;
  int ldc;
};

// C rows [m0, m1) x columns [n0, n1) on the calling thread.
void gemm_blocked(const GemmKernel& kr, const GemmArgs& g, int m0, int m1, int n0, int n1) {
  PackBuffers& buf = pack_buffers();
  const int mc_step = kMC / kr.mr * kr.mr, nc_step = kNC / kr.nr * kr.nr;
  // Equal KC slices: K = 784 runs as 4 x 196 rather than 3 x 256 + 16.
  const int k_slices = (g.K + kKC - 1) / kKC;
  const int kc_step = (g.K + k_slices - 1) / k_slices;
  for (int jc = n0; jc < n1; jc += nc_step) {
    int nc = std::min(nc_step, n1 - jc);
    for (int pc = 0; pc < g.K; pc += kc_step) {
      int kc = std::min(kc_step, g.K - pc);
      float beta = pc == 0 ? g.beta : 1.0f;
      const float* b = g.trans_b ? g.B + jc * g.ldb + pc : g.B + pc * g.ldb + jc;
      kr.pack_b(buf.b, b, g.ldb, g.trans_b, kc, nc);
      for (int ic = m0; ic < m1; ic += mc_step) {
        int mc = std::min(mc_step, m1 - ic);
        const float* a = g.trans_a ? g.A + pc * g.lda + ic : g.A + ic * g.lda + pc;
        kr.pack_a(buf.a, a, g.lda, g.trans_a, mc, kc);
        for (int jr = 0; jr < nc; jr += kr.nr)
          for (int ir = 0; ir < mc; ir += kr.mr)
            kr.micro(kc, buf.a + ir * kc, buf.b + jr * kc, g.alpha, beta, g.C + (ic + ir) * g.ldc + jc + jr,
                     g.ldc, std::min(kr.mr, mc - ir), std::min(kr.nr, nc - jr));
      }
    }
  }
}

// C = beta * C, the whole product when K == 0 or alpha == 0.
void scale_c(float beta, float* C, int ldc, int M, int N) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
}

const GemmKernel& kernel_for(SimdBackend backend) {
  switch (backend) {
#if defined(NNLAB_HAVE_AVX2)
    case SimdBackend::Avx2Fma: return gemm_kernel_avx2();
#endif
#if defined(__wasm_simd128__)
    case SimdBackend::Simd128: return gemm_kernel_simd128();
#endif
    default: return gemm_kernel_scalar();
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_c(beta, C, ldc, M, N);
    return;
  }
  const GemmKernel& kr = kernel_for(simd_backend());
  const GemmArgs g{trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};
  ThreadPool& pool = default_thread_pool();
  if (pool.num_threads() == 1 || 2.0 * M * N * K < kGemmParallelMinFlops) {
    gemm_blocked(kr, g, 0, M, 0, N);
    return;
  }
  // Split the longer side into whole micro-tiles; layers have few rows (the batch) and many columns.
  const int tiles_m = (M + kr.mr - 1) / kr.mr, tiles_n = (N + kr.nr - 1) / kr.nr;
  if (tiles_n >= tiles_m) {
    pool.parallel_for(tiles_n, [&](int t0, int t1) {
      gemm_blocked(kr, g, 0, M, t0 * kr.nr, std::min(N, t1 * kr.nr));
    });
  } else {
    pool.parallel_for(tiles_m, [&](int t0, int t1) {
      gemm_blocked(kr, g, t0 * kr.mr, std::min(M, t1 * kr.mr), 0, N);
    });
  }
}

}  // namespace nn
