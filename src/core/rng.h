#pragma once
// A seeded random generator that yields the same sequence natively and in wasm: PCG32 for the
// integers (O'Neill, pcg-random.org), floats made from integer bits, and normals from the polar
// Box–Muller method with a logarithm of our own, since libm's log differs between glibc (native)
// and musl (Emscripten) in the last bit. Only +, -, *, / and sqrt are used, which IEEE 754 rounds
// exactly; neither target contracts them into FMAs (no FMA in baseline x86-64 nor in wasm SIMD).
#include <cstddef>
#include <cstdint>

namespace nn {

struct Rng {
  std::uint64_t state;
  std::uint64_t inc;      // stream selector, always odd
  double spare_normal;    // the polar method makes normals in pairs
  bool has_spare_normal;
};

Rng rng_seeded(std::uint64_t seed, std::uint64_t stream = 0);
std::uint32_t rng_u32(Rng& rng);
// Uniform in [0, n) without modulo bias; n > 0.
std::uint32_t rng_below(Rng& rng, std::uint32_t n);
// Uniform in [0, 1): 24 random bits, every value exactly representable.
float rng_uniform(Rng& rng);
// Standard normal N(0, 1).
float rng_normal(Rng& rng);
// n standard normals: the same values, and the same generator state after, as n rng_normal calls.
void rng_normals(Rng& rng, float* out, std::size_t n);

// Natural logarithm for x > 0 from basic arithmetic only, accurate to a few ulps of a double.
// Exposed for its test; rng_normal is its reason to exist.
double rng_log(double x);

}  // namespace nn
