#pragma once
// The SIMD layer: the only header with intrinsics. Each struct maps the handful of vector operations
// the kernels need onto one instruction set. Kernels are templates over these structs, written once
// (vec_kernels.h, gemm_kernel.h) and instantiated in the files built for each instruction set:
//   Avx2Fma  8 lanes, exists where the file is compiled with -mavx2 -mfma (the *_avx2.cpp files)
//   Avx512   16 lanes, where it is compiled with -mavx512f -mavx512dq (the *_avx512.cpp files)
//   Simd128  4 lanes, exists in wasm builds with -msimd128 (no FMA in clang 14: mul then add)
//   Scalar   1 lane, everywhere: the portable fallback the blocked GEMM runs on without SIMD
// min(a, b) and max(a, b) return a when a is NaN, so clamping x keeps a NaN input a NaN.
// load_partial(p, n) and store_partial(p, v, n), 0 <= n < kLanes, touch only p[0..n): the lanes
// past n load as zero and are not stored. They carry an array's last partial vector, so its
// elements get the same arithmetic as the others without a padded copy (a call to memcpy).
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NNLAB_SIMD_AVX2 1
#endif
#if defined(__AVX512F__) && defined(__AVX512DQ__)
#define NNLAB_SIMD_AVX512 1
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define NNLAB_SIMD_128 1
#endif

namespace nn::simd {

struct Scalar {
  using V = float;
  static constexpr int kLanes = 1;
  static V zero() { return 0.0f; }
  static V set1(float x) { return x; }
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V load_partial(const float*, int) { return 0.0f; }  // one lane: nothing is partial
  static void store_partial(float*, V, int) {}
  static V add(V a, V b) { return a + b; }
  static V mul(V a, V b) { return a * b; }
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static void transpose(V (&)[1]) {}
};

#if defined(NNLAB_SIMD_AVX2)
// 4 lanes of SSE, only for moving data: the AVX2 GEMM packs its 4-row panels with it.
struct Sse4 {
  using V = __m128;
  static constexpr int kLanes = 4;
  static V load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, V v) { _mm_storeu_ps(p, v); }
  static void transpose(V (&r)[4]) { _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]); }
};

struct Avx2Fma {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  // A masked load is cheap everywhere; a masked store is microcoded on AMD, so the tail is
  // stored in pieces of 4, 2 and 1 floats.
  static V load_partial(const float* p, int n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes));
  }
  static void store_partial(float* p, V v, int n) {
    __m128 x = _mm256_castps256_ps128(v);
    if (n & 4) {
      _mm_storeu_ps(p, x);
      x = _mm256_extractf128_ps(v, 1);
      p += 4;
    }
    if (n & 2) {
      _mm_storel_pi(reinterpret_cast<__m64*>(p), x);
      x = _mm_movehl_ps(x, x);
      p += 2;
    }
    if (n & 1) _mm_store_ss(p, x);
  }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V sqrt(V a) { return _mm256_sqrt_ps(a); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  // vminps/vmaxps return their second operand when either is NaN.
  static V min(V a, V b) { return _mm256_min_ps(b, a); }
  static V max(V a, V b) { return _mm256_max_ps(b, a); }
  static V bit_and(V a, V b) { return _mm256_and_ps(a, b); }
  static V bit_or(V a, V b) { return _mm256_or_ps(a, b); }
  static V bit_andnot(V a, V b) { return _mm256_andnot_ps(a, b); }  // ~a & b
  static V less(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static V select(V mask, V if_true, V if_false) { return _mm256_blendv_ps(if_false, if_true, mask); }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^(n+K) for integral n + K in [-126, 127], built in the exponent field.
  template <int K = 0>
  static V pow2(V n) {
    __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127 + K));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
  }
  // rows[i] lane j <-> rows[j] lane i
  static void transpose(V (&r)[8]) {
    V t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
      r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
      r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
  }
  static float hsum(V a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static float hmax(V a) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
  }
};
#endif

#if defined(NNLAB_SIMD_AVX512)
struct Avx512 {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static __mmask16 first_lanes(int n) { return __mmask16((1u << n) - 1u); }
  static V load_partial(const float* p, int n) { return _mm512_maskz_loadu_ps(first_lanes(n), p); }
  static void store_partial(float* p, V v, int n) { _mm512_mask_storeu_ps(p, first_lanes(n), v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V sqrt(V a) { return _mm512_sqrt_ps(a); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  // As AVX2's: vminps/vmaxps return their second operand when either is NaN.
  static V min(V a, V b) { return _mm512_min_ps(b, a); }
  static V max(V a, V b) { return _mm512_max_ps(b, a); }
  static V bit_and(V a, V b) { return _mm512_and_ps(a, b); }
  static V bit_or(V a, V b) { return _mm512_or_ps(a, b); }
  static V bit_andnot(V a, V b) { return _mm512_andnot_ps(a, b); }  // ~a & b
  // Comparisons give mask registers; the kernels hold masks as vectors, as on the other backends.
  static V less(V a, V b) { return _mm512_castsi512_ps(_mm512_movm_epi32(_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ))); }
  static V select(V mask, V if_true, V if_false) {
    return _mm512_mask_blend_ps(_mm512_movepi32_mask(_mm512_castps_si512(mask)), if_false, if_true);
  }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // y * 2^n for integral n, rounded once (vscalefps): what exp's last step needs in one instruction.
  static V scalef(V y, V n) { return _mm512_scalef_ps(y, n); }
  // rows[i] lane j <-> rows[j] lane i: 4x4 transposes inside each 128-bit lane, as on AVX2,
  // then a 4x4 transpose of the 128-bit lanes themselves.
  static void transpose(V (&r)[16]) {
    V t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
      u[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      u[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // u[4g + j], 128-bit lane k: column 4k + j of rows 4g..4g+3.
    for (int j = 0; j < 4; j++) {
      V v0 = _mm512_shuffle_f32x4(u[j], u[4 + j], _MM_SHUFFLE(1, 0, 1, 0));
      V v1 = _mm512_shuffle_f32x4(u[j], u[4 + j], _MM_SHUFFLE(3, 2, 3, 2));
      V v2 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], _MM_SHUFFLE(1, 0, 1, 0));
      V v3 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], _MM_SHUFFLE(3, 2, 3, 2));
      r[j] = _mm512_shuffle_f32x4(v0, v2, _MM_SHUFFLE(2, 0, 2, 0));
      r[4 + j] = _mm512_shuffle_f32x4(v0, v2, _MM_SHUFFLE(3, 1, 3, 1));
      r[8 + j] = _mm512_shuffle_f32x4(v1, v3, _MM_SHUFFLE(2, 0, 2, 0));
      r[12 + j] = _mm512_shuffle_f32x4(v1, v3, _MM_SHUFFLE(3, 1, 3, 1));
    }
  }
  static float hsum(V a) { return _mm512_reduce_add_ps(a); }
  static float hmax(V a) { return _mm512_reduce_max_ps(a); }
};
#endif

#if defined(NNLAB_SIMD_128)
struct Simd128 {
  using V = v128_t;
  static constexpr int kLanes = 4;
  static V zero() { return wasm_f32x4_splat(0.0f); }
  static V set1(float x) { return wasm_f32x4_splat(x); }
  static V load(const float* p) { return wasm_v128_load(p); }
  static void store(float* p, V v) { wasm_v128_store(p, v); }
  static V load_partial(const float* p, int n) {
    if (n == 1) return wasm_v128_load32_zero(p);
    if (n == 2) return wasm_v128_load64_zero(p);
    if (n == 3) return wasm_v128_load32_lane(p + 2, wasm_v128_load64_zero(p), 2);
    return zero();
  }
  static void store_partial(float* p, V v, int n) {
    if (n & 2) {
      wasm_v128_store64_lane(p, v, 0);
      if (n & 1) wasm_v128_store32_lane(p + 2, v, 2);
    } else if (n & 1) {
      wasm_v128_store32_lane(p, v, 0);
    }
  }
  static V add(V a, V b) { return wasm_f32x4_add(a, b); }
  static V sub(V a, V b) { return wasm_f32x4_sub(a, b); }
  static V mul(V a, V b) { return wasm_f32x4_mul(a, b); }
  static V div(V a, V b) { return wasm_f32x4_div(a, b); }
  static V sqrt(V a) { return wasm_f32x4_sqrt(a); }
  static V fmadd(V a, V b, V c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
  // pmin(a, b) = b < a ? b : a, one minps in V8 (f32x4.min, NaN-exact, takes several).
  static V min(V a, V b) { return wasm_f32x4_pmin(a, b); }
  static V max(V a, V b) { return wasm_f32x4_pmax(a, b); }
  static V bit_and(V a, V b) { return wasm_v128_and(a, b); }
  static V bit_or(V a, V b) { return wasm_v128_or(a, b); }
  static V bit_andnot(V a, V b) { return wasm_v128_andnot(b, a); }  // ~a & b
  static V less(V a, V b) { return wasm_f32x4_lt(a, b); }
  static V select(V mask, V if_true, V if_false) { return wasm_v128_bitselect(if_true, if_false, mask); }
  static V round(V a) { return wasm_f32x4_nearest(a); }
  // Adding 1.5·2^23 puts integral n in the low mantissa bits, cheaper in V8 than a saturating
  // float-to-int conversion.
  template <int K = 0>
  static V pow2(V n) {
    V biased = wasm_f32x4_add(n, wasm_f32x4_splat(12582912.0f));
    return wasm_i32x4_shl(wasm_i32x4_add(biased, wasm_i32x4_splat(127 + K - 0x4B400000)), 23);
  }
  // rows[i] lane j <-> rows[j] lane i
  static void transpose(V (&r)[4]) {
    V t0 = wasm_i32x4_shuffle(r[0], r[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r[0], r[1], 2, 6, 3, 7);
    V t2 = wasm_i32x4_shuffle(r[2], r[3], 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r[2], r[3], 2, 6, 3, 7);
    r[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
    r[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
    r[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
    r[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
  }
  static float hsum(V a) {
    V s = wasm_f32x4_add(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
    s = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
    return wasm_f32x4_extract_lane(s, 0);
  }
  static float hmax(V a) {
    V m = wasm_f32x4_max(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
    m = wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 1, 0, 3, 2));
    return wasm_f32x4_extract_lane(m, 0);
  }
};
#endif

// Two vectors of S as one of twice the lanes, each operation done on both halves in turn. For
// kernels whose every vector is a long chain of dependent operations (the recurrent cells, with
// their exps and divisions): the two chains' instructions come interleaved, so one chain's
// latency hides behind the other's work even where the CPU's out-of-order window cannot reach
// the next iteration. Each lane gets the arithmetic it would get from S.
template <class S>
struct Pair {
  static constexpr int kHalf = S::kLanes;
  static constexpr int kLanes = 2 * kHalf;
  struct V {
    typename S::V lo, hi;
  };
  static V zero() { return {S::zero(), S::zero()}; }
  static V set1(float x) { return {S::set1(x), S::set1(x)}; }
  static V load(const float* p) { return {S::load(p), S::load(p + kHalf)}; }
  static void store(float* p, V v) {
    S::store(p, v.lo);
    S::store(p + kHalf, v.hi);
  }
  static V load_partial(const float* p, int n) {
    if (n < kHalf) return {S::load_partial(p, n), S::zero()};
    return {S::load(p), S::load_partial(p + kHalf, n - kHalf)};
  }
  static void store_partial(float* p, V v, int n) {
    if (n < kHalf) return S::store_partial(p, v.lo, n);
    S::store(p, v.lo);
    S::store_partial(p + kHalf, v.hi, n - kHalf);
  }
  static V add(V a, V b) { return {S::add(a.lo, b.lo), S::add(a.hi, b.hi)}; }
  static V sub(V a, V b) { return {S::sub(a.lo, b.lo), S::sub(a.hi, b.hi)}; }
  static V mul(V a, V b) { return {S::mul(a.lo, b.lo), S::mul(a.hi, b.hi)}; }
  static V div(V a, V b) { return {S::div(a.lo, b.lo), S::div(a.hi, b.hi)}; }
  static V fmadd(V a, V b, V c) { return {S::fmadd(a.lo, b.lo, c.lo), S::fmadd(a.hi, b.hi, c.hi)}; }
  static V min(V a, V b) { return {S::min(a.lo, b.lo), S::min(a.hi, b.hi)}; }
  static V max(V a, V b) { return {S::max(a.lo, b.lo), S::max(a.hi, b.hi)}; }
  static V bit_and(V a, V b) { return {S::bit_and(a.lo, b.lo), S::bit_and(a.hi, b.hi)}; }
  static V bit_or(V a, V b) { return {S::bit_or(a.lo, b.lo), S::bit_or(a.hi, b.hi)}; }
  static V bit_andnot(V a, V b) { return {S::bit_andnot(a.lo, b.lo), S::bit_andnot(a.hi, b.hi)}; }
  static V less(V a, V b) { return {S::less(a.lo, b.lo), S::less(a.hi, b.hi)}; }
  static V select(V mask, V if_true, V if_false) {
    return {S::select(mask.lo, if_true.lo, if_false.lo), S::select(mask.hi, if_true.hi, if_false.hi)};
  }
  static V round(V a) { return {S::round(a.lo), S::round(a.hi)}; }
  template <int K = 0>
  static V pow2(V n) {
    return {S::template pow2<K>(n.lo), S::template pow2<K>(n.hi)};
  }
  // Only where S has it (AVX-512), as the kernels test for it.
  static V scalef(V y, V n)
    requires requires(typename S::V v) { S::scalef(v, v); }
  {
    return {S::scalef(y.lo, n.lo), S::scalef(y.hi, n.hi)};
  }
};

}  // namespace nn::simd
