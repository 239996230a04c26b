#pragma once
// The vector kernels, written once over a simd_ops.h struct S and instantiated per instruction
// set (vec_avx2.cpp, vec_simd128.cpp). VecKernels is the table vec.cpp dispatches through.
#include <cstring>
#include <limits>

#include "core/simd_ops.h"
#include "core/vec.h"

namespace nn {

struct VecKernels {
  void (*add)(float* out, const float* a, const float* b, int n);
  void (*mul)(float* out, const float* a, const float* b, int n);
  void (*axpy)(float* y, float alpha, const float* x, int n);
  void (*scale)(float* x, float alpha, int n);
  float (*sum)(const float* x, int n);
  float (*dot)(const float* a, const float* b, int n);
  float (*max)(const float* x, int n);
  bool (*all_finite)(const float* x, int n);
  void (*exp)(float* out, const float* x, int n);
  void (*tanh)(float* out, const float* x, int n);
  void (*sigmoid)(float* out, const float* x, int n);
  float (*exp_sum)(float* out, const float* x, float shift, int n);
  void (*softmax_rows)(float* out, const float* x, int rows, int cols);
  void (*add_bias_rows)(float* out, const float* x, const float* bias, int rows, int cols);
  void (*sum_rows_add)(float* acc, const float* x, int rows, int cols);
  void (*leaky_relu)(float* out, const float* x, float slope, int n);
  void (*selu)(float* out, const float* x, int n);
  void (*selu_backward_add)(float* dx, const float* dout, const float* x, int n);
  void (*leaky_relu_backward_add)(float* dx, const float* dout, const float* x, float slope, int n);
  void (*adam_update)(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n);
  void (*rmsprop_update)(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n);
  void (*lstm_cell_forward)(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c,
                            float* h, int rows, int H, int n);
  void (*lstm_cell_backward)(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh,
                             const float* gates, const float* c_prev, const float* h, int rows, int H, int n);
  void (*gru_cell_forward)(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev,
                           float* h, int rows, int H, int n);
  void (*gru_cell_backward)(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                            const float* hh, const float* h_prev, int rows, int H, int n);
};

#if defined(NNLAB_HAVE_AVX2)
const VecKernels& vec_kernels_avx2();
const VecKernels& vec_kernels_avx512();
#endif
#if defined(__wasm_simd128__)
const VecKernels& vec_kernels_simd128();
#endif

// Internal linkage, as in gemm_kernel.h: AVX2 instantiations must stay in the AVX2 file.
namespace vec_detail {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// ---------------------------------------------------------------------------------------------
// Transcendentals on one vector: always inlined, as a call would spill the fused cell kernels'
// live vectors around each one.

// What exp<S, Arg> may assume of its argument (NaN aside): its sign, when the caller knows it,
// bounds n below and lets the last step scale by 2^n in two products, one by a constant.
enum class ExpArg { Any, NonPositive, NonNegative };

// y * 2^n for integral n, y in [0.7, 1.42], rounded once, like std::exp's results near the ends of
// its range. In one instruction where the backend has one; else 2^n as two factors, each a normal
// float even where 2^n itself is denormal or overflows: 2^(n+25) and 2^-25 for n in [-150, 0]
// (y * 2^(n+25) is normal, so exact), 2^(n-1) and 2 for n in [0, 128], or 2^(n/2) twice, which
// costs three more operations, for n in [-150, 128]. Every way gives the same bits.
template <class S, ExpArg Arg>
[[gnu::always_inline]] inline typename S::V scale_pow2(typename S::V y, typename S::V n) {
  if constexpr (requires { S::scalef(y, n); }) {
    return S::scalef(y, n);
  } else if constexpr (Arg == ExpArg::NonPositive) {
    return S::mul(S::mul(y, S::template pow2<25>(n)), S::set1(0x1p-25f));
  } else if constexpr (Arg == ExpArg::NonNegative) {
    return S::mul(S::mul(y, S::template pow2<-1>(n)), S::set1(2.0f));
  } else {
    typename S::V n1 = S::round(S::mul(n, S::set1(0.5f)));
    return S::mul(S::mul(y, S::pow2(n1)), S::pow2(S::sub(n, n1)));
  }
}

// e^x = 2^n * e^r with n = round(x / ln2), |r| <= ln2/2 (Cephes expf: degree-6 polynomial, 1 ulp).
template <class S, ExpArg Arg = ExpArg::Any>
[[gnu::always_inline]] inline typename S::V exp(typename S::V x) {
  using V = typename S::V;
  // Beyond these bounds e^x is inf or 0 anyway; they keep n within [-150, 128].
  if constexpr (Arg != ExpArg::NonPositive) x = S::min(x, S::set1(88.8f));
  if constexpr (Arg != ExpArg::NonNegative) x = S::max(x, S::set1(-104.0f));
  V n = S::round(S::mul(x, S::set1(1.44269504088896341f)));
  // x - n*ln2 with ln2 split in two (Cody-Waite): n * 0.693359375 is exact.
  V r = S::fmadd(n, S::set1(-0.693359375f), x);
  r = S::fmadd(n, S::set1(2.12194440e-4f), r);
  V p = S::set1(1.9875691500e-4f);
  p = S::fmadd(p, r, S::set1(1.3981999507e-3f));
  p = S::fmadd(p, r, S::set1(8.3334519073e-3f));
  p = S::fmadd(p, r, S::set1(4.1665795894e-2f));
  p = S::fmadd(p, r, S::set1(1.6666665459e-1f));
  p = S::fmadd(p, r, S::set1(5.0000001201e-1f));
  V y = S::add(S::fmadd(p, S::mul(r, r), r), S::set1(1.0f));
  return scale_pow2<S, Arg>(y, n);
}

template <class S>
[[gnu::always_inline]] inline typename S::V tanh(typename S::V x) {
  using V = typename S::V;
  const V sign = S::set1(-0.0f);
  V ax = S::bit_andnot(sign, x);
  // tanh is odd: work on |x|, copy the sign of x back at the end (tanh(-0) = -0).
  // |x| < 0.625: x + x^3 P(x^2) (Cephes tanhf), free of the cancellation 1 - 2/(e+1) has near 0.
  V s = S::mul(ax, ax);
  V p = S::set1(-5.70498872745e-3f);
  p = S::fmadd(p, s, S::set1(2.06390887954e-2f));
  p = S::fmadd(p, s, S::set1(-5.37397155531e-2f));
  p = S::fmadd(p, s, S::set1(1.33314422036e-1f));
  p = S::fmadd(p, s, S::set1(-3.33332819422e-1f));
  V small = S::fmadd(S::mul(p, s), ax, ax);
  // Otherwise 1 - 2/(e^2|x| + 1), exactly 1 once e^2|x| overflows.
  V e = exp<S, ExpArg::NonNegative>(S::add(ax, ax));
  V large = S::sub(S::set1(1.0f), S::div(S::set1(2.0f), S::add(e, S::set1(1.0f))));
  V t = S::select(S::less(ax, S::set1(0.625f)), small, large);
  return S::bit_or(t, S::bit_and(sign, x));
}

// 1/(1 + e^-x) from e = e^-|x|, which never overflows: 1/(1+e) for x >= 0, e/(1+e) below.
template <class S>
[[gnu::always_inline]] inline typename S::V sigmoid(typename S::V x) {
  using V = typename S::V;
  V e = exp<S, ExpArg::NonPositive>(S::bit_or(x, S::set1(-0.0f)));
  V r = S::div(S::set1(1.0f), S::add(S::set1(1.0f), e));
  return S::select(S::less(x, S::zero()), S::mul(e, r), r);
}

// e^x - 1 for x <= 0 (SELU's negative side): near 0, where e^x - 1 would cancel, the Taylor
// series to x^8 (its remainder below 2e-8 relative on [-0.5, 0]); below -0.5, e^x - 1 itself.
template <class S>
[[gnu::always_inline]] inline typename S::V expm1_nonpositive(typename S::V x) {
  using V = typename S::V;
  V p = S::set1(1.0f / 40320);
  p = S::fmadd(p, x, S::set1(1.0f / 5040));
  p = S::fmadd(p, x, S::set1(1.0f / 720));
  p = S::fmadd(p, x, S::set1(1.0f / 120));
  p = S::fmadd(p, x, S::set1(1.0f / 24));
  p = S::fmadd(p, x, S::set1(1.0f / 6));
  p = S::fmadd(p, x, S::set1(0.5f));
  p = S::fmadd(p, x, S::set1(1.0f));
  V near = S::mul(p, x);
  V far = S::sub(exp<S, ExpArg::NonPositive>(x), S::set1(1.0f));
  return S::select(S::less(x, S::set1(-0.5f)), far, near);
}

// ---------------------------------------------------------------------------------------------
// Loops over arrays

// One vector of an array: all its lanes, or the first n of the array's last partial vector
// (zero-padded on loading), so tail elements get the same arithmetic as the others.
template <class S>
struct AllLanes {
  static typename S::V load(const float* p) { return S::load(p); }
  static void store(float* p, typename S::V v) { S::store(p, v); }
};
template <class S>
struct FirstLanes {
  int n;
  typename S::V load(const float* p) const { return S::load_partial(p, n); }
  void store(float* p, typename S::V v) const { S::store_partial(p, v, n); }
};

// out[i] = f(x[i]).
template <class S, class F>
void map(float* out, const float* x, int n, F f) {
  constexpr int L = S::kLanes;
  int i = 0;
#pragma GCC unroll 4
  for (; i + L <= n; i += L) S::store(out + i, f(S::load(x + i)));
  if (i < n) S::store_partial(out + i, f(S::load_partial(x + i, n - i)), n - i);
}

template <class S, class F>
void map2(float* out, const float* a, const float* b, int n, F f) {
  constexpr int L = S::kLanes;
  int i = 0;
#pragma GCC unroll 4
  for (; i + L <= n; i += L) S::store(out + i, f(S::load(a + i), S::load(b + i)));
  if (i < n) S::store_partial(out + i, f(S::load_partial(a + i, n - i), S::load_partial(b + i, n - i)), n - i);
}

template <class S>
void add(float* out, const float* a, const float* b, int n) {
  map2<S>(out, a, b, n, [](auto x, auto y) { return S::add(x, y); });
}

template <class S>
void mul(float* out, const float* a, const float* b, int n) {
  map2<S>(out, a, b, n, [](auto x, auto y) { return S::mul(x, y); });
}

template <class S>
void axpy(float* y, float alpha, const float* x, int n) {
  auto va = S::set1(alpha);
  map2<S>(y, y, x, n, [va](auto yv, auto xv) { return S::fmadd(va, xv, yv); });
}

template <class S>
void scale(float* x, float alpha, int n) {
  auto va = S::set1(alpha);
  map<S>(x, x, n, [va](auto v) { return S::mul(va, v); });
}

template <class S>
void exp_array(float* out, const float* x, int n) {
  map<S>(out, x, n, [](auto v) { return exp<S>(v); });
}

template <class S>
void tanh_array(float* out, const float* x, int n) {
  map<S>(out, x, n, [](auto v) { return tanh<S>(v); });
}

template <class S>
void sigmoid_array(float* out, const float* x, int n) {
  map<S>(out, x, n, [](auto v) { return sigmoid<S>(v); });
}

// Reductions keep four vector accumulators: one would serialize on the add latency. load(i)
// returns the vector at i, zero-padded past n.
template <class S, class Load>
float sum_of(int n, Load load) {
  constexpr int L = S::kLanes;
  auto s0 = S::zero(), s1 = S::zero(), s2 = S::zero(), s3 = S::zero();
  int i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    s0 = S::add(s0, load(i));
    s1 = S::add(s1, load(i + L));
    s2 = S::add(s2, load(i + 2 * L));
    s3 = S::add(s3, load(i + 3 * L));
  }
  for (; i < n; i += L) s0 = S::add(s0, load(i));
  return S::hsum(S::add(S::add(s0, s1), S::add(s2, s3)));
}

// The vector of x (n floats) at i, zero past n.
template <class S>
typename S::V load_upto(const float* x, int i, int n) {
  return i + S::kLanes <= n ? S::load(x + i) : S::load_partial(x + i, n - i);
}

template <class S>
float sum(const float* x, int n) {
  return sum_of<S>(n, [x, n](int i) { return load_upto<S>(x, i, n); });
}

template <class S>
float dot(const float* a, const float* b, int n) {
  return sum_of<S>(n, [a, b, n](int i) { return S::mul(load_upto<S>(a, i, n), load_upto<S>(b, i, n)); });
}

template <class S>
float max(const float* x, int n) {
  constexpr int L = S::kLanes;
  auto m0 = S::set1(-kInf), m1 = S::set1(-kInf);
  int i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    m0 = S::max(m0, S::load(x + i));
    m1 = S::max(m1, S::load(x + i + L));
  }
  for (; i + L <= n; i += L) m0 = S::max(m0, S::load(x + i));
  float m = S::hmax(S::max(m0, m1));
  for (; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

template <class S>
bool all_finite(const float* x, int n) {
  // x - x is 0 for a finite x and NaN for an infinity or a NaN; a sum of zeros cannot overflow.
  return sum_of<S>(n, [x, n](int i) {
           auto v = load_upto<S>(x, i, n);
           return S::sub(v, v);
         }) == 0.0f;
}

template <class S>
float exp_sum(float* out, const float* x, float shift, int n) {
  constexpr int L = S::kLanes;
  auto vm = S::set1(shift), vsum = S::zero();
  int i = 0;
  for (; i + L <= n; i += L) {
    auto e = exp<S>(S::sub(S::load(x + i), vm));
    S::store(out + i, e);
    vsum = S::add(vsum, e);
  }
  if (i < n) {
    // Padding with -inf makes the padded lanes e^-inf = 0, out of the sum.
    float buf[L];
    for (int j = 0; j < L; j++) buf[j] = i + j < n ? x[i + j] : -kInf;
    auto e = exp<S>(S::sub(S::load(buf), vm));
    S::store_partial(out + i, e, n - i);
    vsum = S::add(vsum, e);
  }
  return S::hsum(vsum);
}

template <class S>
void softmax_rows(float* out, const float* x, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols)
    scale<S>(out, 1.0f / exp_sum<S>(out, x, max<S>(x, cols), cols), cols);
}

template <class S>
void add_bias_rows(float* out, const float* x, const float* bias, int rows, int cols) {
  for (int r = 0; r < rows; r++, x += cols, out += cols) add<S>(out, x, bias, cols);
}

// Four vectors of acc at a time stay in registers while the rows go by.
template <class S>
void sum_rows_add(float* acc, const float* x, int rows, int cols) {
  constexpr int L = S::kLanes;
  int j = 0;
  for (; j + 4 * L <= cols; j += 4 * L) {
    auto a0 = S::load(acc + j), a1 = S::load(acc + j + L), a2 = S::load(acc + j + 2 * L), a3 = S::load(acc + j + 3 * L);
    for (const float* row = x + j; row < x + size_t(rows) * cols; row += cols) {
      a0 = S::add(a0, S::load(row));
      a1 = S::add(a1, S::load(row + L));
      a2 = S::add(a2, S::load(row + 2 * L));
      a3 = S::add(a3, S::load(row + 3 * L));
    }
    S::store(acc + j, a0);
    S::store(acc + j + L, a1);
    S::store(acc + j + 2 * L, a2);
    S::store(acc + j + 3 * L, a3);
  }
  auto column = [&](int c, auto io) {
    auto a = io.load(acc + c);
    for (int r = 0; r < rows; r++) a = S::add(a, io.load(x + size_t(r) * cols + c));
    io.store(acc + c, a);
  };
  for (; j + L <= cols; j += L) column(j, AllLanes<S>{});
  if (j < cols) column(j, FirstLanes<S>{cols - j});
}

// Runs lanes(ptrs, io) over units [0, n) of each row, where ptrs are NA row pointers (float*) that
// advance by their row strides; lanes loads and stores one vector at each ptrs[a] through io
// (AllLanes, or FirstLanes for the last partial vector of a row).
template <class S, int NA, class Lanes>
void over_units(float* const (&rows0)[NA], const int (&stride)[NA], int rows, int n, Lanes lanes) {
  constexpr int L = S::kLanes;
  for (int r = 0; r < rows; r++) {
    float* p[NA];
    for (int a = 0; a < NA; a++) p[a] = rows0[a] + size_t(r) * stride[a];
    int k = 0;
    for (; k + L <= n; k += L) {
      float* q[NA];
      for (int a = 0; a < NA; a++) q[a] = p[a] + k;
      lanes(q, AllLanes<S>{});
    }
    if (k < n) {
      float* q[NA];
      for (int a = 0; a < NA; a++) q[a] = p[a] + k;
      lanes(q, FirstLanes<S>{n - k});
    }
  }
}

// A sum over rows that over_units_summing adds into an array once per column: target[k] +=
// acc[source] lanes (the same sum may go to several arrays, as a layer's two bias gradients).
struct SumTarget {
  float* target;
  int source;
};

// over_units with the loops swapped, for kernels that also sum some of their values over the rows:
// lanes(ptrs, io, acc) adds into acc[0..NS), which starts at zero for each vector of units and is
// added into the targets after the last row. The sums stay in registers: one store per vector of
// units rather than one per row.
template <class S, int NA, int NS, int NT, class Lanes>
void over_units_summing(float* const (&rows0)[NA], const int (&stride)[NA], const SumTarget (&targets)[NT],
                        int rows, int n, Lanes lanes) {
  constexpr int L = S::kLanes;
  auto units = [&](int k, auto io) {
    typename S::V acc[NS];
    for (auto& a : acc) a = S::zero();
    for (int r = 0; r < rows; r++) {
      float* q[NA];
      for (int a = 0; a < NA; a++) q[a] = rows0[a] + size_t(r) * stride[a] + k;
      lanes(q, io, acc);
    }
    for (const SumTarget& t : targets) io.store(t.target + k, S::add(io.load(t.target + k), acc[t.source]));
  };
  int k = 0;
  for (; k + L <= n; k += L) units(k, AllLanes<S>{});
  if (k < n) units(k, FirstLanes<S>{n - k});
}

// Casts away const for over_units' pointer table; the lanes functions only store to outputs.
inline float* rw(const float* p) { return const_cast<float*>(p); }

template <class S>
void leaky_relu(float* out, const float* x, float slope, int n) {
  auto vs = S::set1(slope);
  map<S>(out, x, n, [vs](auto v) { return S::select(S::less(S::zero(), v), v, S::mul(vs, v)); });
}

// dx[i] = f(dout[i], x[i], dx[i]): the loop of every elementwise backward that adds into dx.
template <class S, class F>
void backward_add(float* dx, const float* dout, const float* x, int n, F f) {
  constexpr int L = S::kLanes;
  int i = 0;
  for (; i + L <= n; i += L) S::store(dx + i, f(S::load(dout + i), S::load(x + i), S::load(dx + i)));
  if (i < n) {
    const FirstLanes<S> io{n - i};
    io.store(dx + i, f(io.load(dout + i), io.load(x + i), io.load(dx + i)));
  }
}

template <class S>
void selu(float* out, const float* x, int n) {
  const auto scale = S::set1(kSeluScale), scale_alpha = S::set1(kSeluScale * kSeluAlpha);
  map<S>(out, x, n, [=](auto v) {
    // min(v, 0) keeps a NaN a NaN; positive inputs take the other branch.
    auto negative = S::mul(scale_alpha, expm1_nonpositive<S>(S::min(v, S::zero())));
    return S::select(S::less(S::zero(), v), S::mul(scale, v), negative);
  });
}

template <class S>
void selu_backward_add(float* dx, const float* dout, const float* x, int n) {
  const auto scale = S::set1(kSeluScale), scale_alpha = S::set1(kSeluScale * kSeluAlpha);
  backward_add<S>(dx, dout, x, n, [=](auto d, auto xv, auto acc) {
    auto negative = S::mul(scale_alpha, exp<S, ExpArg::NonPositive>(S::min(xv, S::zero())));
    auto slope = S::select(S::less(S::zero(), xv), scale, negative);
    return S::fmadd(d, slope, acc);
  });
}

template <class S>
void leaky_relu_backward_add(float* dx, const float* dout, const float* x, float slope, int n) {
  // dx += x > 0 ? dout : slope * dout, as dout * (x > 0 ? 1 : slope).
  auto vs = S::set1(slope), one = S::set1(1.0f);
  backward_add<S>(dx, dout, x, n, [=](auto d, auto xv, auto acc) {
    return S::fmadd(d, S::select(S::less(S::zero(), xv), one, vs), acc);
  });
}

// The optimizers' loops over parameters: one row of n (the zero padding of a partial vector gives
// finite, discarded values).
template <class S, int NA, class Lanes>
void over_params(float* const (&arrays)[NA], int n, Lanes lanes) {
  const int no_stride[NA] = {};
  over_units<S>(arrays, no_stride, 1, n, lanes);
}

template <class S>
void adam_update(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n) {
  float* const arrays[] = {w, const_cast<float*>(g), m, v};
  const auto b1 = S::set1(c.beta1), b1c = S::set1(c.one_minus_beta1), b2 = S::set1(c.beta2),
             b2c = S::set1(c.one_minus_beta2), inv_bc2 = S::set1(c.inv_bias_correction2_sqrt), eps = S::set1(c.eps),
             wd = S::set1(c.weight_decay), step = S::set1(c.step_size);
  over_params<S>(arrays, n, [&](float* const (&q)[4], auto io) {
    auto wv = io.load(q[0]);
    auto grad = S::fmadd(wd, wv, io.load(q[1]));
    auto mv = S::fmadd(b1, io.load(q[2]), S::mul(b1c, grad));
    auto vv = S::fmadd(b2, io.load(q[3]), S::mul(S::mul(b2c, grad), grad));
    auto denom = S::add(S::mul(S::sqrt(vv), inv_bc2), eps);
    io.store(q[2], mv);
    io.store(q[3], vv);
    io.store(q[0], S::sub(wv, S::mul(step, S::div(mv, denom))));
  });
}

template <class S>
void rmsprop_update(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n) {
  float* const arrays[] = {w, const_cast<float*>(g), s};
  const auto a = S::set1(c.alpha), ac = S::set1(c.one_minus_alpha), eps = S::set1(c.eps), wd = S::set1(c.weight_decay),
             lr = S::set1(c.lr);
  over_params<S>(arrays, n, [&](float* const (&q)[3], auto io) {
    auto wv = io.load(q[0]);
    auto grad = S::fmadd(wd, wv, io.load(q[1]));
    auto sv = S::fmadd(a, io.load(q[2]), S::mul(S::mul(ac, grad), grad));
    io.store(q[2], sv);
    io.store(q[0], S::sub(wv, S::mul(lr, S::div(grad, S::add(S::sqrt(sv), eps)))));
  });
}

// ---------------------------------------------------------------------------------------------
// Recurrent cells

// tanh(c) again in the backward cell, as h / o: h = o * tanh(c) was rounded once, so the quotient
// is within an ulp or so of tanh(c), for a division rather than a tanh. Where o is 0 (its sigmoid
// underflowed), so is h: tanh(c) is taken as 0 there, and every use of it is multiplied by o.
template <class S>
[[gnu::always_inline]] inline typename S::V tanh_c_from_h(typename S::V h, typename S::V o) {
  return S::select(S::less(S::zero(), o), S::div(h, o), S::zero());
}

template <class S>
void lstm_cell_forward(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c, float* h,
                       int rows, int H, int n) {
  float* const p[] = {gates,       gates + H,       gates + 2 * H,       gates + 3 * H,
                      rw(b_ih),    rw(b_ih) + H,    rw(b_ih) + 2 * H,    rw(b_ih) + 3 * H,
                      rw(b_hh),    rw(b_hh) + H,    rw(b_hh) + 2 * H,    rw(b_hh) + 3 * H,
                      rw(c_prev),  c,               h};
  const int G = 4 * H, stride[] = {G, G, G, G, 0, 0, 0, 0, 0, 0, 0, 0, H, H, H};
  over_units<S>(p, stride, rows, n, [](float* const (&q)[15], auto io) {
    auto pre = [&](int g) { return S::add(S::add(io.load(q[g]), io.load(q[4 + g])), io.load(q[8 + g])); };
    auto i = sigmoid<S>(pre(0)), f = sigmoid<S>(pre(1)), g = tanh<S>(pre(2)), o = sigmoid<S>(pre(3));
    auto cv = S::fmadd(f, io.load(q[12]), S::mul(i, g));
    io.store(q[0], i);
    io.store(q[1], f);
    io.store(q[2], g);
    io.store(q[3], o);
    io.store(q[13], cv);
    io.store(q[14], S::mul(o, tanh<S>(cv)));
  });
}

template <class S>
void lstm_cell_backward(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh, const float* gates,
                        const float* c_prev, const float* h, int rows, int H, int n) {
  float* const p[] = {dgates,    dgates + H,    dgates + 2 * H,    dgates + 3 * H,    dc, rw(dh),
                      rw(gates), rw(gates) + H, rw(gates) + 2 * H, rw(gates) + 3 * H, rw(c_prev), rw(h)};
  const int G = 4 * H, stride[] = {G, G, G, G, H, H, G, G, G, G, H, H};
  // Both biases sit where the gates' pre-activations are summed: both get the same gradient.
  const SumTarget sums[] = {{db_ih, 0}, {db_ih + H, 1}, {db_ih + 2 * H, 2}, {db_ih + 3 * H, 3},
                            {db_hh, 0}, {db_hh + H, 1}, {db_hh + 2 * H, 2}, {db_hh + 3 * H, 3}};
  over_units_summing<S, 12, 4>(p, stride, sums, rows, n, [](float* const (&q)[12], auto io, auto (&acc)[4]) {
    const auto one = S::set1(1.0f);
    auto dhv = io.load(q[5]);
    auto i = io.load(q[6]), f = io.load(q[7]), g = io.load(q[8]), o = io.load(q[9]);
    auto tc = tanh_c_from_h<S>(io.load(q[11]), o);
    auto dcv = S::fmadd(S::mul(dhv, o), S::sub(one, S::mul(tc, tc)), io.load(q[4]));
    const typename S::V d[] = {S::mul(S::mul(dcv, g), S::mul(i, S::sub(one, i))),
                               S::mul(S::mul(dcv, io.load(q[10])), S::mul(f, S::sub(one, f))),
                               S::mul(S::mul(dcv, i), S::sub(one, S::mul(g, g))),
                               S::mul(S::mul(dhv, tc), S::mul(o, S::sub(one, o)))};
    for (int gate = 0; gate < 4; gate++) {
      io.store(q[gate], d[gate]);
      acc[gate] = S::add(acc[gate], d[gate]);
    }
    io.store(q[4], S::mul(dcv, f));
  });
}

template <class S>
void gru_cell_forward(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev, float* h,
                      int rows, int H, int n) {
  float* const p[] = {gates,    gates + H,    gates + 2 * H,    hh,       hh + H,       hh + 2 * H,
                      rw(b_ih), rw(b_ih) + H, rw(b_ih) + 2 * H, rw(b_hh), rw(b_hh) + H, rw(b_hh) + 2 * H,
                      rw(h_prev), h};
  const int G = 3 * H, stride[] = {G, G, G, G, G, G, 0, 0, 0, 0, 0, 0, H, H};
  over_units<S>(p, stride, rows, n, [](float* const (&q)[14], auto io) {
    auto hr = S::add(io.load(q[3]), io.load(q[9]));
    auto hz = S::add(io.load(q[4]), io.load(q[10]));
    auto hn = S::add(io.load(q[5]), io.load(q[11]));
    auto r = sigmoid<S>(S::add(S::add(io.load(q[0]), io.load(q[6])), hr));
    auto z = sigmoid<S>(S::add(S::add(io.load(q[1]), io.load(q[7])), hz));
    auto nv = tanh<S>(S::fmadd(r, hn, S::add(io.load(q[2]), io.load(q[8]))));
    io.store(q[0], r);
    io.store(q[1], z);
    io.store(q[2], nv);
    io.store(q[3], hr);
    io.store(q[4], hz);
    io.store(q[5], hn);
    // (1-z)*n + z*h_prev as n + z*(h_prev - n): one rounding fewer, same value.
    io.store(q[13], S::fmadd(z, S::sub(io.load(q[12]), nv), nv));
  });
}

template <class S>
void gru_cell_backward(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                       const float* hh, const float* h_prev, int rows, int H, int n) {
  float* const p[] = {dgi, dgi + H, dgi + 2 * H, dgh, dgh + H, dgh + 2 * H, dh,
                      rw(gates), rw(gates) + H, rw(gates) + 2 * H, rw(hh) + 2 * H, rw(h_prev)};
  const int G = 3 * H, stride[] = {G, G, G, G, G, G, H, G, G, G, G, H};
  // Sums of dr, dz, dn and dn·r: r and z see the same gradient from both projections; n's hidden
  // side goes through r.
  const SumTarget sums[] = {{db_ih, 0}, {db_ih + H, 1}, {db_ih + 2 * H, 2},
                            {db_hh, 0}, {db_hh + H, 1}, {db_hh + 2 * H, 3}};
  over_units_summing<S, 12, 4>(p, stride, sums, rows, n, [](float* const (&q)[12], auto io, auto (&acc)[4]) {
    const auto one = S::set1(1.0f);
    auto dhv = io.load(q[6]);
    auto r = io.load(q[7]), z = io.load(q[8]), nv = io.load(q[9]);
    auto dn = S::mul(S::mul(dhv, S::sub(one, z)), S::sub(one, S::mul(nv, nv)));
    auto dz = S::mul(S::mul(dhv, S::sub(io.load(q[11]), nv)), S::mul(z, S::sub(one, z)));
    auto dr = S::mul(S::mul(dn, io.load(q[10])), S::mul(r, S::sub(one, r)));
    auto dn_h = S::mul(dn, r);
    io.store(q[0], dr);
    io.store(q[3], dr);
    io.store(q[1], dz);
    io.store(q[4], dz);
    io.store(q[2], dn);
    io.store(q[5], dn_h);
    io.store(q[6], S::mul(dhv, z));
    acc[0] = S::add(acc[0], dr);
    acc[1] = S::add(acc[1], dz);
    acc[2] = S::add(acc[2], dn);
    acc[3] = S::add(acc[3], dn_h);
  });
}

// The cells with exps and divisions in their chains take two vectors at a time (simd::Pair); the
// GRU backward cell has none.
template <class S>
constexpr VecKernels make_kernels() {
  return {add<S>, mul<S>, axpy<S>, scale<S>, sum<S>, dot<S>, max<S>, all_finite<S>, exp_array<S>, tanh_array<S>, sigmoid_array<S>,
          exp_sum<S>, softmax_rows<S>, add_bias_rows<S>, sum_rows_add<S>, leaky_relu<S>, selu<S>,
          selu_backward_add<S>, leaky_relu_backward_add<S>, adam_update<S>,
          rmsprop_update<S>, lstm_cell_forward<simd::Pair<S>>, lstm_cell_backward<simd::Pair<S>>,
          gru_cell_forward<simd::Pair<S>>, gru_cell_backward<S>};
}

}  // namespace
}  // namespace vec_detail
}  // namespace nn
