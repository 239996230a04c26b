#pragma once
// Runs a test body once per SIMD backend that this build and this CPU support.
#include <doctest/doctest.h>

#include "core/simd.h"

namespace nn_test {

enum class ScalarBackend { Include, Skip };

// body() once per supported backend (the scalar one too unless skipped, for tests that compare
// every other backend against it), with the backend's name in any failure; the backend in force
// before is restored after.
template <class F>
void for_each_backend(F body, ScalarBackend scalar = ScalarBackend::Include) {
  const nn::SimdBackend saved = nn::simd_backend();
  for (nn::SimdBackend b : nn::kAllSimdBackends) {
    if (scalar == ScalarBackend::Skip && b == nn::SimdBackend::Scalar) continue;
    if (!nn::simd_set_backend(b)) continue;
    INFO("backend: ", nn::simd_backend_name(b));
    body();
  }
  nn::simd_set_backend(saved);
}

}  // namespace nn_test
