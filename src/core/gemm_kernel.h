#pragma once
// The pieces of the blocked GEMM that depend on the instruction set: packing of A and B into
// micro-panels and the register-blocked micro-kernel. Written once over an ops struct S from
// simd_ops.h and instantiated per backend (gemm_avx2.cpp, gemm_simd128.cpp, gemm_scalar.cpp).
//
// Packed layouts, zero-padded so the micro-kernel never branches on edges:
//   A block (m,k) -> ceil(m/MR) panels, each (k, MR): the MR rows of one k next to each other
//   B block (k,n) -> ceil(n/NR) panels, each (k, NR): the NR columns of one k next to each other
#include <cstring>

namespace nn {

// Widest micro-tile, in vectors: micro[v] exists for v = 1..nr/lanes.
constexpr int kMaxTileVectors = 3;
// Deepest product GemmKernel::small takes.
constexpr int kSmallMaxK = 256;

struct GemmKernel {
  int mr, nr;  // the micro-tile of C held in registers
  int lanes;   // floats per vector: nr = lanes * (vectors per tile row)
  // op(A) block (m,k) starting at a; trans means A is stored (k,m) with row stride lda.
  void (*pack_a)(float* dst, const float* a, int lda, bool trans, int m, int k);
  // op(B) block (k,n) starting at b; trans means B is stored (n,k) with row stride ldb.
  void (*pack_b)(float* dst, const float* b, int ldb, bool trans, int k, int n);
  // c(m,n) = alpha * a_panel · b_panel + beta * c for m <= mr, n <= v * lanes, from micro[v]: a
  // tile at the right edge of C spends FMAs only on the vectors it has. beta == 0 never reads c.
  void (*micro[kMaxTileVectors + 1])(int k, const float* a, const float* b, float alpha, float beta, float* c,
                                     int ldc, int m, int n);
  // The products that read a layer's weights where they are, against a batch of at most max_rows
  // (a multiple of nr) packed (gemm.cpp), have a tile of their own: its width must divide the
  // batch, which AVX2's 24 columns do not. max_rows is 0 where the path does not pay (wasm's
  // unfused arithmetic: packing the weights costs little next to the product).
  struct InPlace {
    int mr, nr, max_rows;
    // Batches up to which weights stored transposed to the product's reading (dx = Wᵀ·dy over
    // columns, dx = dy·W over rows: each k a row of the weights' storage) are read in place too.
    int max_strided_rows;
    void (*pack_b)(float* dst, const float* b, int ldb, bool trans, int k, int n);
    // micro[] with A read where it is: element (i, p) of the tile at a[i * row_step + p * k_step]
    // (row_step 1 for a transposed A). Rows past m are never read.
    void (*micro[kMaxTileVectors + 1])(int k, const float* a, int row_step, int k_step, const float* b,
                                       float alpha, float beta, float* c, int ldc, int m, int n);
  } in_place;
  // C(m,n) = alpha * Tᵀ + beta * C for T (n,m) with row stride ldt, each element with the
  // micro-kernel's arithmetic (store_scaled): a transposed product put in place.
  void (*add_transposed)(float alpha, const float* t, int ldt, int m, int n, float beta, float* c, int ldc);
  // The whole product, for one too small to repay packing (K at most one slice): A and B are read
  // where they are, and every element gets the micro-kernel's arithmetic, so the result is the
  // same bit for bit.
  void (*small)(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc);
};

const GemmKernel& gemm_kernel_scalar();
#if defined(NNLAB_HAVE_AVX2)
const GemmKernel& gemm_kernel_avx2();
const GemmKernel& gemm_kernel_avx512();
#endif
#if defined(__wasm_simd128__)
const GemmKernel& gemm_kernel_simd128();
#endif

// Internal linkage: the instantiations in a file compiled with AVX2 enabled must never be merged by
// the linker with those of another file, or a CPU without AVX2 could end up running them.
namespace gemm_detail {
namespace {

// P is an ops struct whose vectors hold MR floats, if the instruction set has one: then MR rows
// of A are turned into panel order MR values of k at a time, by a transpose in registers.
template <class P, int MR>
void pack_a(float* dst, const float* a, int lda, bool trans, int m, int k) {
  for (int i0 = 0; i0 < m; i0 += MR, dst += MR * k) {
    int rows = m - i0 < MR ? m - i0 : MR;
    if (trans) {
      const float* src = a + i0;
      if (rows == MR) {
        for (int p = 0; p < k; p++, src += lda) std::memcpy(dst + p * MR, src, sizeof(float) * MR);
        continue;
      }
      for (int p = 0; p < k; p++, src += lda) {
        for (int r = 0; r < rows; r++) dst[p * MR + r] = src[r];
        for (int r = rows; r < MR; r++) dst[p * MR + r] = 0.0f;
      }
    } else if (rows == MR) {
      // k outer: the panel is written in order from MR row streams.
      const float* src[MR];
      for (int r = 0; r < MR; r++) src[r] = a + (i0 + r) * lda;
      int p = 0;
      if constexpr (P::kLanes == MR) {
        for (; p + MR <= k; p += MR) {
          typename P::V block[MR];
          for (int r = 0; r < MR; r++) block[r] = P::load(src[r] + p);
          P::transpose(block);  // block[j] = column p + j of the MR rows
          for (int j = 0; j < MR; j++) P::store(dst + (p + j) * MR, block[j]);
        }
      }
      for (; p < k; p++)
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) dst[p * MR + r] = src[r][p];
    } else {
      for (int r = 0; r < rows; r++) {
        const float* src = a + (i0 + r) * lda;
        for (int p = 0; p < k; p++) dst[p * MR + r] = src[p];
      }
      for (int r = rows; r < MR; r++)
        for (int p = 0; p < k; p++) dst[p * MR + r] = 0.0f;
    }
  }
}

template <class S, int NR>
void pack_b(float* dst, const float* b, int ldb, bool trans, int k, int n) {
  constexpr int L = S::kLanes;
  if (trans) {
    // B is stored (n,k): L rows of L floats at a time are transposed in registers. The L rows of a
    // group are read front to back before the next group's: L streams, which the hardware
    // prefetchers follow (a weight matrix is usually read from L3).
    for (int j0 = 0; j0 < n; j0 += NR, dst += NR * k) {
      const int cols = n - j0 < NR ? n - j0 : NR;
      const float* src = b + j0 * ldb;
      for (int c0 = 0; c0 < NR; c0 += L) {
        int p0 = 0;
        for (; p0 + L <= k; p0 += L) {
          typename S::V r[L];
          for (int i = 0; i < L; i++) r[i] = c0 + i < cols ? S::load(src + (c0 + i) * ldb + p0) : S::zero();
          S::transpose(r);
          for (int i = 0; i < L; i++) S::store(dst + (p0 + i) * NR + c0, r[i]);
        }
        for (int p = p0; p < k; p++)
          for (int c = c0; c < c0 + L; c++) dst[p * NR + c] = c < cols ? src[c * ldb + p] : 0.0f;
      }
    }
    return;
  }
  // B is stored (k,n): each row is read once, front to back, and dealt out to the panels.
  const size_t panel_floats = size_t(NR) * k;
  for (int p = 0; p < k; p++) {
    const float* src = b + size_t(p) * ldb;
    float* d = dst + p * NR;
    for (int j0 = 0; j0 < n; j0 += NR, d += panel_floats)
      for (int c0 = 0; c0 < NR; c0 += L) {
        const int left = n - j0 - c0;
        S::store(d + c0, left >= L ? S::load(src + j0 + c0) : S::load_partial(src + j0 + c0, left > 0 ? left : 0));
      }
  }
}

// c = alpha * acc + beta * c for the first `cols` floats at c (a whole vector when cols == lanes):
// every kernel's last step, so every element of C gets the same arithmetic whatever the path.
template <class S>
[[gnu::always_inline]] inline void store_scaled(float* c, typename S::V acc, typename S::V va, typename S::V vb,
                                                float beta, int cols) {
  const typename S::V r = S::mul(va, acc);
  if (cols == S::kLanes)
    S::store(c, beta == 0.0f ? r : S::fmadd(vb, S::load(c), r));
  else
    S::store_partial(c, beta == 0.0f ? r : S::fmadd(vb, S::load_partial(c, cols), r), cols);
}

// The tile of C in registers stored: c = alpha * acc + beta * c over its m rows and n columns.
template <class S, int MR, int NV>
[[gnu::always_inline]] inline void store_tile(const typename S::V (&acc)[MR][NV], float alpha, float beta, float* c,
                                              int ldc, int m, int n) {
  constexpr int L = S::kLanes;
  const typename S::V va = S::set1(alpha), vb = S::set1(beta);
  if (m == MR && n == NV * L) {
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NV; j++) store_scaled<S>(c + i * ldc + j * L, acc[i][j], va, vb, beta, L);
    return;
  }
  // An edge tile stores only its m rows and n columns.
  for (int i = 0; i < m; i++)
    for (int j = 0; j < NV && j * L < n; j++)
      store_scaled<S>(c + i * ldc + j * L, acc[i][j], va, vb, beta, n - j * L < L ? n - j * L : L);
}

// Nearly all the time of a GEMM is spent in this loop: MR x NV vectors of C stay in registers
// while k runs, each step one broadcast of A per row and one load of B per vector. The B panel is
// NR floats wide; an edge tile uses its first NV vectors.
template <class S, int MR, int NV, int NR>
void micro(int k, const float* a, const float* b, float alpha, float beta, float* c, int ldc, int m, int n) {
  using V = typename S::V;
  constexpr int L = S::kLanes;
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++) acc[i][j] = S::zero();
  for (int p = 0; p < k; p++, a += MR, b += NR) {
    V bv[NV];
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++) bv[j] = S::load(b + j * L);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      V ai = S::set1(a[i]);
#pragma GCC unroll 16
      for (int j = 0; j < NV; j++) acc[i][j] = S::fmadd(ai, bv[j], acc[i][j]);
    }
  }
  store_tile<S, MR, NV>(acc, alpha, beta, c, ldc, m, n);
}

// A transposed A read in place (row_step 1) takes each k's MR values from another row of its
// storage, a few KB apart, where the hardware prefetchers do not follow (they keep within a 4 KB
// page): the row this many k ahead is prefetched. `nnlab bench`, AVX-512 on an Intel Xeon, dx =
// Wᵀ·dy over a batch of columns 64x512x784 99 -> 134 GFLOP/s, 64x784x150 137 -> 158, 32x150x784
// 126 -> 149 (4 and 12 ahead: less).
constexpr int kPrefetchStridedAhead = 8;

// micro() with A in place: the same sums in the same order, so the same bits. Rows past m read
// row m-1 (valid memory) and are not stored.
template <class S, int MR, int NV, int NR>
void micro_in_place(int k, const float* a, int row_step, int k_step, const float* b, float alpha, float beta,
                    float* c, int ldc, int m, int n) {
  using V = typename S::V;
  constexpr int L = S::kLanes;
  const float* rows[MR];
  for (int i = 0; i < MR; i++) rows[i] = a + size_t(i < m ? i : m - 1) * size_t(row_step);
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++) acc[i][j] = S::zero();
  size_t offset = 0;
  const float* ahead = row_step == 1 ? rows[0] + kPrefetchStridedAhead * size_t(k_step) : nullptr;
  for (int p = 0; p < k; p++, offset += size_t(k_step), b += NR) {
    if (ahead) __builtin_prefetch(ahead + offset);
    V bv[NV];
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++) bv[j] = S::load(b + j * L);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      V ai = S::set1(rows[i][offset]);
#pragma GCC unroll 16
      for (int j = 0; j < NV; j++) acc[i][j] = S::fmadd(ai, bv[j], acc[i][j]);
    }
  }
  store_tile<S, MR, NV>(acc, alpha, beta, c, ldc, m, n);
}

// L x L blocks of T are transposed in registers and stored into C's rows; edge blocks load and
// store only their rows and columns.
template <class S>
void add_transposed(float alpha, const float* t, int ldt, int m, int n, float beta, float* c, int ldc) {
  using V = typename S::V;
  constexpr int L = S::kLanes;
  const V va = S::set1(alpha), vb = S::set1(beta);
  for (int j0 = 0; j0 < n; j0 += L) {
    const int cols = n - j0 < L ? n - j0 : L;
    for (int i0 = 0; i0 < m; i0 += L) {
      const int rows = m - i0 < L ? m - i0 : L;
      V block[L];  // block[jj] lane ii = T(j0 + jj, i0 + ii) = element (i0 + ii, j0 + jj) of the sum
      for (int jj = 0; jj < L; jj++) {
        const float* src = t + size_t(j0 + jj) * ldt + i0;
        block[jj] = jj >= cols ? S::zero() : rows == L ? S::load(src) : S::load_partial(src, rows);
      }
      S::transpose(block);
      for (int ii = 0; ii < rows; ii++) store_scaled<S>(c + size_t(i0 + ii) * ldc + j0, block[ii], va, vb, beta, cols);
    }
  }
}

// R rows of C at a time: R independent FMA chains over k, in the order micro() sums them. A's
// element (i, p) is at a[i * row_step + p * k_step], whether A is transposed or not.
template <class S, int R>
void small_rows(int K, const float* a, int row_step, int k_step, const typename S::V* bv, typename S::V va,
                typename S::V vb, float beta, float* c, int ldc, int cols) {
  using V = typename S::V;
  V acc[R];
  for (int r = 0; r < R; r++) acc[r] = S::zero();
  for (int p = 0; p < K; p++, a += k_step)
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) acc[r] = S::fmadd(S::set1(a[r * row_step]), bv[p], acc[r]);
  for (int r = 0; r < R; r++) store_scaled<S>(c + r * ldc, acc[r], va, vb, beta, cols);
}

// For each vector of C's columns, the matching vectors of B for every k are gathered once (from
// B's rows, or from its columns when transposed); then 4 rows at a time, as above (the grouping
// of rows changes no element's arithmetic).
template <class S>
void small(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc) {
  using V = typename S::V;
  constexpr int L = S::kLanes;
  constexpr int MR = 4;
  V bv[kSmallMaxK];
  const V va = S::set1(alpha), vb = S::set1(beta);
  const int row_step = trans_a ? 1 : lda, k_step = trans_a ? lda : 1;
  for (int j = 0; j < N; j += L) {
    const int cols = N - j < L ? N - j : L;
    for (int p = 0; p < K; p++) {
      if (!trans_b) {
        bv[p] = cols == L ? S::load(B + p * ldb + j) : S::load_partial(B + p * ldb + j, cols);
      } else {
        float column[L] = {};
        for (int c = 0; c < cols; c++) column[c] = B[(j + c) * ldb + p];
        bv[p] = S::load(column);
      }
    }
    int i = 0;
    for (; i + MR <= M; i += MR)
      small_rows<S, MR>(K, A + i * row_step, row_step, k_step, bv, va, vb, beta, C + i * ldc + j, ldc, cols);
    const float* a = A + i * row_step;
    float* c = C + i * ldc + j;
    switch (M - i) {
      case 3: small_rows<S, 3>(K, a, row_step, k_step, bv, va, vb, beta, c, ldc, cols); break;
      case 2: small_rows<S, 2>(K, a, row_step, k_step, bv, va, vb, beta, c, ldc, cols); break;
      case 1: small_rows<S, 1>(K, a, row_step, k_step, bv, va, vb, beta, c, ldc, cols); break;
      default: break;
    }
  }
}

// The packed products' tile MR x NV vectors; the in-place products' IMR x INV vectors, for batches
// of up to InPlaceMaxRows (0: no in-place path), InPlaceMaxStridedRows where the reads are strided.
template <class S, int MR, int NV, class P = S, int InPlaceMaxRows = 0, int IMR = MR, int INV = NV,
          int InPlaceMaxStridedRows = InPlaceMaxRows>
constexpr GemmKernel make_kernel() {
  static_assert(NV >= 2 && NV <= kMaxTileVectors && INV >= 2 && INV <= kMaxTileVectors,
                "micro[] holds 1..kMaxTileVectors vectors");
  constexpr int NR = NV * S::kLanes, INR = INV * S::kLanes;
  static_assert(InPlaceMaxRows % INR == 0 && InPlaceMaxStridedRows % INR == 0, "whole panels");
  constexpr bool in_place = InPlaceMaxRows > 0;
  return {MR,
          NR,
          S::kLanes,
          pack_a<P, MR>,
          pack_b<S, NR>,
          {nullptr, micro<S, MR, 1, NR>, micro<S, MR, 2, NR>, NV > 2 ? micro<S, MR, NV, NR> : nullptr},
          {IMR,
           INR,
           InPlaceMaxRows,
           InPlaceMaxStridedRows,
           in_place ? pack_b<S, INR> : nullptr,
           {nullptr, in_place ? micro_in_place<S, IMR, 1, INR> : nullptr,
            in_place ? micro_in_place<S, IMR, 2, INR> : nullptr,
            in_place && INV > 2 ? micro_in_place<S, IMR, INV, INR> : nullptr}},
          add_transposed<S>,
          small<S>};
}

}  // namespace
}  // namespace gemm_detail
}  // namespace nn
