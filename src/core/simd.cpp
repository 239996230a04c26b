#include "core/simd.h"

#include <cstring>

namespace nn {

namespace {

#if defined(NNLAB_HAVE_AVX2)
bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool cpu_has_avx512() {
  __builtin_cpu_init();
  return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}
#endif

SimdBackend best_backend() {
#if defined(NNLAB_SCALAR_ONLY)
  return SimdBackend::Scalar;
#elif defined(__wasm_simd128__)
  return SimdBackend::Simd128;
#elif defined(NNLAB_HAVE_AVX2)
  if (cpu_has_avx512()) return SimdBackend::Avx512;
  if (cpu_has_avx2()) return SimdBackend::Avx2Fma;
  return SimdBackend::Scalar;
#else
  return SimdBackend::Scalar;
#endif
}

SimdBackend& current_backend() {
  static SimdBackend backend = best_backend();
  return backend;
}

}  // namespace

SimdBackend simd_backend() { return current_backend(); }

bool simd_backend_supported(SimdBackend backend) {
  switch (backend) {
    case SimdBackend::Scalar: return true;
    case SimdBackend::Avx2Fma:
#if defined(NNLAB_HAVE_AVX2)
      return cpu_has_avx2();
#else
      return false;
#endif
    case SimdBackend::Avx512:
#if defined(NNLAB_HAVE_AVX2)
      return cpu_has_avx512();
#else
      return false;
#endif
    case SimdBackend::Simd128:
#if defined(__wasm_simd128__)
      return true;
#else
      return false;
#endif
  }
  return false;
}

bool simd_set_backend(SimdBackend backend) {
  if (!simd_backend_supported(backend)) return false;
  current_backend() = backend;
  return true;
}

bool simd_backend_from_name(const char* name, SimdBackend& backend) {
  for (SimdBackend b : kAllSimdBackends)
    if (std::strcmp(name, simd_backend_name(b)) == 0) {
      backend = b;
      return true;
    }
  return false;
}

const char* simd_backend_name(SimdBackend backend) {
  switch (backend) {
    case SimdBackend::Scalar: return "scalar";
    case SimdBackend::Avx2Fma: return "avx2+fma";
    case SimdBackend::Avx512: return "avx512";
    case SimdBackend::Simd128: return "wasm-simd128";
  }
  return "unknown";
}

}  // namespace nn
