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
};

const GemmKernel& gemm_kernel_scalar();
#if defined(NNLAB_HAVE_AVX2)
const GemmKernel& gemm_kernel_avx2();
#endif
#if defined(__wasm_simd128__)
const GemmKernel& gemm_kernel_simd128();
#endif

// Internal linkage: the instantiations in a file compiled with AVX2 enabled must never be merged by
// the linker with those of another file, or a CPU without AVX2 could end up running them.
namespace gemm_detail {
namespace {

template <int MR>
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
      for (int p = 0; p < k; p++)
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
  for (int j0 = 0; j0 < n; j0 += NR, dst += NR * k) {
    int cols = n - j0 < NR ? n - j0 : NR;
    if (trans) {
      // B is stored (n,k): L rows of L floats at a time are transposed in registers.
      const float* src = b + j0 * ldb;
      int p0 = 0;
      for (; p0 + L <= k; p0 += L)
        for (int c0 = 0; c0 < NR; c0 += L) {
          typename S::V r[L];
          for (int i = 0; i < L; i++) r[i] = c0 + i < cols ? S::load(src + (c0 + i) * ldb + p0) : S::zero();
          S::transpose(r);
          for (int i = 0; i < L; i++) S::store(dst + (p0 + i) * NR + c0, r[i]);
        }
      for (int p = p0; p < k; p++)
        for (int c = 0; c < NR; c++) dst[p * NR + c] = c < cols ? src[c * ldb + p] : 0.0f;
    } else {
      const float* src = b + j0;
      for (int p = 0; p < k; p++, src += ldb) {
        if (cols == NR) {
          std::memcpy(dst + p * NR, src, sizeof(float) * NR);
        } else {
          for (int c = 0; c < cols; c++) dst[p * NR + c] = src[c];
          for (int c = cols; c < NR; c++) dst[p * NR + c] = 0.0f;
        }
      }
    }
  }
}

// Nearly all the time of a GEMM is spent in this loop: MR x NV vectors of C stay in registers
// while k runs, each step one broadcast of A per row and one load of B per vector. The B panel is
// NR floats wide; an edge tile uses its first NV vectors.
template <class S, int MR, int NV, int NR>
void micro(int k, const float* a, const float* b, float alpha, float beta, float* c, int ldc, int m, int n) {
  using V = typename S::V;
  constexpr int L = S::kLanes, NC = NV * L;
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
  // An edge tile goes through a full-size copy so every element of C sees the same arithmetic.
  float tile[MR * NC];
  bool edge = m < MR || n < NC;
  float* out = c;
  int ldo = ldc;
  if (edge) {
    out = tile;
    ldo = NC;
    std::memset(tile, 0, sizeof(tile));
    if (beta != 0.0f)
      for (int i = 0; i < m; i++) std::memcpy(tile + i * NC, c + i * ldc, sizeof(float) * n);
  }
  V va = S::set1(alpha), vb = S::set1(beta);
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NV; j++) {
      float* o = out + i * ldo + j * L;
      V r = S::mul(va, acc[i][j]);
      S::store(o, beta == 0.0f ? r : S::fmadd(vb, S::load(o), r));
    }
  if (edge)
    for (int i = 0; i < m; i++) std::memcpy(c + i * ldc, tile + i * NC, sizeof(float) * n);
}

template <class S, int MR, int NV>
constexpr GemmKernel make_kernel() {
  static_assert(NV >= 2 && NV <= kMaxTileVectors, "micro[] holds 1..kMaxTileVectors vectors");
  constexpr int NR = NV * S::kLanes;
  return {MR,
          NR,
          S::kLanes,
          pack_a<MR>,
          pack_b<S, NR>,
          {nullptr, micro<S, MR, 1, NR>, micro<S, MR, 2, NR>, NV > 2 ? micro<S, MR, NV, NR> : nullptr}};
}

}  // namespace
}  // namespace gemm_detail
}  // namespace nn
