// The blocked GEMM driver (Goto / BLIS loop order). For each NC-wide slice of C and each KC-deep
// slice of K, op(B) is packed once; for each MC-tall slice of rows op(A) is packed; then the
// micro-kernel sweeps the slice tile by tile. Large problems are split over threads by whole
// micro-tiles, so every element of C is computed by one thread in the same order whatever the
// thread count (deep weight gradients by halves of K that are the same on one thread): results
// are bit-identical for 1 or N threads.
#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "core/gemm.h"
#include "core/gemm_kernel.h"
#include "core/simd.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace nn {

namespace {

// The B micro-panel (KC x 24 floats = 24 KB at most) stays in the 32 KB L1 while the micro-kernel
// sweeps the rows; the A block (MC x KC = 96 KB) stays in L2 (1 MB per core on the EPYC we tune
// on); the B panel (KC x NC = 1 MB) covers every demo layer's width in one slice, so A is packed
// once per KC slice. The slices are rounded down to whole tiles of the kernel in use.
constexpr int kMC = 96, kKC = 256, kNC = 1024;

// A weight gradient summed over more than this many terms is deep enough that adding in a product
// formed elsewhere (transposed, or in two halves) costs next to nothing (gemm_deep).
constexpr int kDeepK = 4 * kKC;

// Below this many multiply-adds, packing costs more than it saves (the next-word LSTM's products
// are a few hundred): the product runs unpacked (GemmKernel::small).
constexpr double kSmallGemmMacs = 8192;
static_assert(kSmallMaxK <= kKC, "a small product is one K slice, or its sums would be rounded differently");

// Buffers of one thread, allocated on its first GEMM and reused by every later one: the packed
// blocks, and the two halves of a deep weight gradient's transposed product (grown to the largest
// seen, in the first training step; the caller's, which its workers write into).
struct PackBuffers {
  float* a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kMC * kKC));
  float* b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kKC * kNC));
  std::vector<float> transposed;
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

// Equal KC slices: K = 784 runs as 4 x 196 rather than 3 x 256 + 16.
int k_slice_step(int K) {
  const int k_slices = (K + kKC - 1) / kKC;
  return (K + k_slices - 1) / k_slices;
}

// One KC slice of the product into C rows [m0, m1) x columns [j0, j1) of each of `groups` column
// groups (group g's columns start at C + g * c_group, its packed panels at packed_b + g *
// b_group, both at column j0), B's slice already packed: the A blocks are packed here, once for
// all groups, and the micro-kernel sweeps the tiles.
struct SliceGroups {
  int count = 1;
  size_t b_stride = 0;  // floats between groups' packed panels
  int c_stride = 0;     // columns between groups in C
};

void multiply_slice(const GemmKernel& kr, bool trans_a, const float* A, int lda, int pc, int kc,
                    const float* packed_b, SliceGroups groups, float alpha, float beta, float* C, int ldc,
                    int m0, int m1, int j0, int j1) {
  float* packed_a = pack_buffers().a;
  const int mc_step = kMC / kr.mr * kr.mr;
  for (int ic = m0; ic < m1; ic += mc_step) {
    int mc = std::min(mc_step, m1 - ic);
    const float* a = trans_a ? A + pc * lda + ic : A + ic * lda + pc;
    kr.pack_a(packed_a, a, lda, trans_a, mc, kc);
    for (int g = 0; g < groups.count; g++) {
      const float* b = packed_b + g * groups.b_stride;
      float* c = C + ic * ldc + j0 + g * groups.c_stride;
      for (int jr = 0; jr < j1 - j0; jr += kr.nr) {
        const int n = std::min(kr.nr, j1 - j0 - jr);
        const auto micro = kr.micro[(n + kr.lanes - 1) / kr.lanes];
        for (int ir = 0; ir < mc; ir += kr.mr)
          micro(kc, packed_a + ir * kc, b + jr * kc, alpha, beta, c + ir * ldc + jr, ldc, std::min(kr.mr, mc - ir), n);
      }
    }
  }
}

// C rows [m0, m1) x columns [n0, n1) on the calling thread.
void gemm_blocked(const GemmKernel& kr, const GemmArgs& g, int m0, int m1, int n0, int n1) {
  float* packed_b = pack_buffers().b;
  const int nc_step = kNC / kr.nr * kr.nr, kc_step = k_slice_step(g.K);
  for (int jc = n0; jc < n1; jc += nc_step) {
    int nc = std::min(nc_step, n1 - jc);
    for (int pc = 0; pc < g.K; pc += kc_step) {
      int kc = std::min(kc_step, g.K - pc);
      const float* b = g.trans_b ? g.B + jc * g.ldb + pc : g.B + pc * g.ldb + jc;
      kr.pack_b(packed_b, b, g.ldb, g.trans_b, kc, nc);
      multiply_slice(kr, g.trans_a, g.A, g.lda, pc, kc, packed_b, SliceGroups{}, g.alpha,
                     pc == 0 ? g.beta : 1.0f, g.C, g.ldc, m0, m1, jc, jc + nc);
    }
  }
}

// C = beta * C, the whole product when K == 0 or alpha == 0.
void scale_c(float beta, float* C, int ldc, int M, int N) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
}

// Columns [j0, j1) of C = alpha * op(A) · op(B) + beta * C formed transposed, for few rows against
// a large op(B) (a batch against a layer's weights): Cᵀ = op(B)ᵀ · op(A)ᵀ with op(B) read in place
// by the micro-kernel and only op(A), the small operand, packed. Each K slice's sums go into C as
// gemm_blocked puts them (alpha, and beta on the first slice only), so every element gets the
// bits the direct product gives it. T, (j1 - j0, M), holds one slice's sums, or with alpha 1 and
// beta 0 (a layer's forward) all of them, added up in T as they would be in C and put in once at
// the end (scaling by 1 is exact).
void transposed_in_place_rows(const GemmKernel& kernel, const GemmArgs& g, int j0, int j1, float* packed,
                              float* T) {
  const GemmKernel::InPlace& kr = kernel.in_place;
  const int lanes = kernel.lanes;
  const int kc_step = k_slice_step(g.K);
  const bool sum_in_t = g.alpha == 1.0f && g.beta == 0.0f;
  // op(B)ᵀ (N, K): element (j, p) is B[j * ldb + p] when B is stored transposed, else B[p * ldb + j].
  const int row_step = g.trans_b ? g.ldb : 1, k_step = g.trans_b ? 1 : g.ldb;
  for (int pc = 0; pc < g.K; pc += kc_step) {
    const int kc = std::min(kc_step, g.K - pc);
    // op(A)ᵀ's slice (kc, M) as the right-hand side: A, stored (M, K), is a transposed one.
    kr.pack_b(packed, g.A + pc, g.lda, true, kc, g.M);
    const float* b_slice = g.B + size_t(pc) * k_step;
    const float t_beta = sum_in_t && pc > 0 ? 1.0f : 0.0f;
    for (int ir = j0; ir < j1; ir += kr.mr) {
      const float* a = b_slice + size_t(ir) * row_step;
      const int m = std::min(kr.mr, j1 - ir);
      for (int jr = 0; jr < g.M; jr += kr.nr) {
        const int n = std::min(kr.nr, g.M - jr);
        kr.micro[(n + lanes - 1) / lanes](kc, a, row_step, k_step, packed + jr * kc, 1.0f, t_beta,
                                          T + size_t(ir - j0) * g.M + jr, g.M, m, n);
      }
    }
    if (!sum_in_t || pc + kc == g.K)
      kernel.add_transposed(g.alpha, T, g.M, g.M, j1 - j0, pc == 0 || sum_in_t ? g.beta : 1.0f, g.C + j0, g.ldc);
  }
}

// The packed slice of op(A)ᵀ (at most kKC x kMaxInPlaceRows) and T share the thread's B buffer, so
// the product needs no buffer of its own: columns go through T as many at a time as fit.
constexpr int kMaxInPlaceRows = 64;

void gemm_transposed_in_place(const GemmKernel& kernel, const GemmArgs& g, int j0, int j1) {
  float* packed = pack_buffers().b;
  float* T = packed + size_t(kKC) * kMaxInPlaceRows;
  const int mr = kernel.in_place.mr, rows_in_t = (kKC * kNC - kKC * kMaxInPlaceRows) / g.M / mr * mr;
  for (int r0 = j0; r0 < j1; r0 += rows_in_t)
    transposed_in_place_rows(kernel, g, r0, std::min(j1, r0 + rows_in_t), packed, T);
}

// Rows [m0, m1) of C = alpha * op(A) · op(B) + beta * C for a tall op(A) against few columns: a
// layer's weights against a batch stored one sample per column (linear.h). Packing op(A) would copy
// all the weights for the use of a few column tiles, so the micro-kernel reads op(A) where it is
// and only op(B), the batch, is packed: all of it, every K slice, before the first row, so that
// each tile of C takes its whole sum over K while it sits in registers and L1.
void gemm_in_place_a(const GemmKernel& kernel, const GemmArgs& g, int m0, int m1) {
  const GemmKernel::InPlace& kr = kernel.in_place;
  const int lanes = kernel.lanes;
  float* packed = pack_buffers().b;
  const int kc_step = k_slice_step(g.K);
  // op(A) element (i, p): A[i * lda + p], or A[p * lda + i] when A is stored transposed.
  const int row_step = g.trans_a ? 1 : g.lda, k_step = g.trans_a ? g.lda : 1;
  for (int pc = 0; pc < g.K; pc += kc_step) {
    const float* b = g.trans_b ? g.B + pc : g.B + size_t(pc) * g.ldb;
    kr.pack_b(packed + size_t(pc) * g.N, b, g.ldb, g.trans_b, std::min(kc_step, g.K - pc), g.N);
  }
  for (int ir = m0; ir < m1; ir += kr.mr) {
    const int m = std::min(kr.mr, m1 - ir);
    for (int pc = 0; pc < g.K; pc += kc_step) {
      const int kc = std::min(kc_step, g.K - pc);
      const float* a = g.A + size_t(ir) * row_step + size_t(pc) * k_step;
      const float beta = pc == 0 ? g.beta : 1.0f;
      for (int jr = 0; jr < g.N; jr += kr.nr)
        kr.micro[kr.nr / lanes](kc, a, row_step, k_step, packed + size_t(pc) * g.N + size_t(jr) * kc, g.alpha, beta,
                                g.C + size_t(ir) * g.ldc + jr, g.ldc, m, kr.nr);
    }
  }
}

// C = alpha * Aᵀ·B + beta * C summed over a deep K: a weight gradient dYᵀ·X over thousands of rows
// (a recurrent layer's steps, or the char-RNN's head over all of them). The sum is taken in two
// halves of K, each into a product of its own, then added. On two threads each takes a half and
// packs half of each operand, where split by rows of C both packed all of the other operand (the
// 2-layer GRU's step on 2 threads spent 5% of its time packing, 3% on one; AVX-512, GRU
// 3200x128x384 dW on 2 threads 274-291 -> 303-338 GFLOP/s). The halves are the same on any number
// of threads, and so are the bits. alpha and beta are applied once, at the end.
//
// With more outputs than inputs (a recurrent layer's gate gradients against its state), packing
// op(A) from A's rows gathers mr floats per row where op(B) takes nr: each half is formed
// transposed, Xᵀ·dY, so that the larger operand is the one packed as B, and added in transposed,
// which costs next to nothing against a deep K. `nnlab bench`, GRU 3200x128x384 dW on one thread:
// AVX2 (4x24 tiles) 89 -> 97 GFLOP/s, AVX-512 (8x32) 127 -> 143; wasm's 4x8 tiles gain nothing.
void gemm_deep(const GemmKernel& kr, const GemmArgs& g, ThreadPool* pool) {
  const bool transposed = g.M > g.N && kr.nr >= 4 * kr.mr;
  const int rows = transposed ? g.N : g.M, cols = transposed ? g.M : g.N;  // of each half's product
  const size_t size = size_t(rows) * cols;
  std::vector<float>& products = pack_buffers().transposed;
  if (products.size() < 2 * size) products.resize(2 * size);
  float* sum = products.data();
  const int k_half = g.K / 2, row_tiles = (rows + kr.mr - 1) / kr.mr;
  // Rows [r0, r1) of half h's product over its K range.
  auto half_rows = [&](int h, int r0, int r1) {
    const int k0 = h * k_half, k = h == 0 ? k_half : g.K - k_half;
    const float *left = g.A + size_t(k0) * g.lda, *right = g.B + size_t(k0) * g.ldb;
    int ld_left = g.lda, ld_right = g.ldb;
    if (transposed) std::swap(left, right), std::swap(ld_left, ld_right);
    const GemmArgs half{true, false, rows, cols, k, 1.0f, left, ld_left, right, ld_right, 0.0f, sum + h * size, cols};
    gemm_blocked(kr, half, r0, r1, 0, cols);
  };
  if (!pool) {
    half_rows(0, 0, rows);
    half_rows(1, 0, rows);
  } else {
    // With more than two threads each half's rows are split too, in whole tiles.
    const int parts = std::max(1, std::min(row_tiles, pool->num_threads() / 2));
    pool->parallel_for(2 * parts, [&](int p0, int p1) {
      for (int p = p0; p < p1; p++) {
        const int part = p % parts;
        half_rows(p / parts, std::min(rows, row_tiles * part / parts * kr.mr),
                  std::min(rows, row_tiles * (part + 1) / parts * kr.mr));
      }
    });
  }
  vec_add(sum, sum, sum + size, int(size));
  if (transposed) {
    kr.add_transposed(g.alpha, sum, cols, g.M, g.N, g.beta, g.C, g.ldc);
    return;
  }
  scale_c(g.beta, g.C, g.ldc, g.M, g.N);
  for (int i = 0; i < g.M; i++) vec_axpy(g.C + size_t(i) * g.ldc, g.alpha, sum + size_t(i) * g.N, g.N);
}

const GemmKernel& kernel_for(SimdBackend backend) {
  switch (backend) {
#if defined(NNLAB_HAVE_AVX2)
    case SimdBackend::Avx2Fma: return gemm_kernel_avx2();
    case SimdBackend::Avx512: return gemm_kernel_avx512();
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
  if (K <= kSmallMaxK && double(M) * N * K <= kSmallGemmMacs) {
    kr.small(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  ThreadPool& pool = default_thread_pool();
  const bool parallel = pool.num_threads() > 1 && 2.0 * M * N * K >= kGemmParallelMinFlops;
  const GemmArgs g{trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};
  const GemmKernel::InPlace& in_place = kr.in_place;
  const int columns_in_place = trans_a ? in_place.max_strided_rows : in_place.max_rows;
  if (N <= columns_in_place && N % in_place.nr == 0 && M > N && size_t(K) * N <= size_t(kKC) * kNC) {
    // A layer's weights against a batch stored one sample per column (y = W·x, dx = Wᵀ·dy), the
    // batch whole panels wide and all of it in the B buffer: the weights are read in place.
    if (!parallel) {
      gemm_in_place_a(kr, g, 0, M);
      return;
    }
    pool.parallel_for((M + in_place.mr - 1) / in_place.mr, [&](int t0, int t1) {
      gemm_in_place_a(kr, g, t0 * in_place.mr, std::min(M, t1 * in_place.mr));
    });
    return;
  }
  if (trans_a && !trans_b && K > kDeepK) {
    gemm_deep(kr, g, parallel ? &pool : nullptr);
    return;
  }
  static_assert(kMaxInPlaceRows * 2 <= kNC, "T must have room next to the packed slice");
  const int rows_in_place = std::min(kMaxInPlaceRows, trans_b ? in_place.max_rows : in_place.max_strided_rows);
  if (!trans_a && M <= rows_in_place && M % in_place.nr == 0 && N > M) {
    // A batch of rows against a layer's weights: packing op(B) would copy all the weights for the
    // use of a few row tiles. Formed transposed, the batch is the packed side, M wide: whole
    // panels only, or the micro-kernel would run below its full width. AVX-512, 12 weight
    // matrices in turn (from L3, as in a GAN step): 32x150x784 y=xWᵀ 90 -> 105 GFLOP/s, dx=dyW
    // 87 -> 103; 32x100x150 86 -> 99; 64x784x512 85 -> 93.
    if (!parallel) {
      gemm_transposed_in_place(kr, g, 0, N);
      return;
    }
    pool.parallel_for((N + in_place.mr - 1) / in_place.mr, [&](int t0, int t1) {
      gemm_transposed_in_place(kr, g, t0 * in_place.mr, std::min(N, t1 * in_place.mr));
    });
    return;
  }
  if (!parallel) {
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

// Enough for the panels of every backend (N rounded up to a multiple of nr <= N + nr - 1), so a
// buffer sized once still fits after the backend changes.
constexpr int kMaxPanelWidth = 32;

size_t gemm_packed_b_floats(int K, int N, int groups) {
  return size_t(groups) * size_t(K) * size_t(N + kMaxPanelWidth - 1);
}

int gemm_panel_width() { return kernel_for(simd_backend()).nr; }

PackedB gemm_pack_b(float* dst, bool trans_b, int K, int N, int groups, const float* B, int ldb) {
  const GemmKernel& kr = kernel_for(simd_backend());
  static_assert(kMaxPanelWidth >= 32, "the widest micro-tile (AVX-512: 32 columns) must fit");
  const int n_padded = (N + kr.nr - 1) / kr.nr * kr.nr, kc_step = k_slice_step(K);
  // Slice by slice as gemm_blocked packs them, within a slice group by group, each N wide.
  for (int pc = 0; pc < K; pc += kc_step) {
    int kc = std::min(kc_step, K - pc);
    for (int g = 0; g < groups; g++) {
      const float* b = trans_b ? B + size_t(g) * N * ldb + pc : B + size_t(pc) * ldb + g * N;
      kr.pack_b(dst + (size_t(pc) * groups + size_t(g) * kc) * n_padded, b, ldb, trans_b, kc, N);
    }
  }
  return {dst, K, N, groups, kr.nr};
}

void gemm_packed(bool trans_a, int M, int n0, int n1, float alpha, const float* A, int lda,
                 const PackedB& B, float beta, float* C, int ldc) {
  if (M <= 0 || n1 <= n0) return;
  const GemmKernel& kr = kernel_for(simd_backend());
  if (B.K <= 0 || alpha == 0.0f) {
    for (int g = 0; g < B.groups; g++) scale_c(beta, C + g * B.N + n0, ldc, M, n1 - n0);
    return;
  }
  const int n_padded = (B.N + kr.nr - 1) / kr.nr * kr.nr, kc_step = k_slice_step(B.K);
  for (int pc = 0; pc < B.K; pc += kc_step) {
    int kc = std::min(kc_step, B.K - pc);
    const float* slice = B.data + size_t(pc) * B.groups * n_padded;
    SliceGroups groups{B.groups, size_t(kc) * n_padded, B.N};
    multiply_slice(kr, trans_a, A, lda, pc, kc, slice + size_t(n0) * kc, groups, alpha, pc == 0 ? beta : 1.0f,
                   C, ldc, 0, M, n0, n1);
  }
}

}  // namespace nn
