#pragma once
// Which SIMD backend the kernels run on. Intrinsics live in simd_ops.h alone, used by the kernel
// files; the rest of the program asks here. gemm and the vec_ kernels follow simd_backend() on
// every call.
namespace nn {

enum class SimdBackend { Scalar, Avx2Fma, Avx512, Simd128 };
constexpr SimdBackend kAllSimdBackends[] = {SimdBackend::Scalar, SimdBackend::Avx2Fma, SimdBackend::Avx512,
                                            SimdBackend::Simd128};

// The backend chosen for this process (best the CPU supports, unless overridden).
SimdBackend simd_backend();
// Tests and benchmarks switch backends to compare them; returns false if unsupported here.
bool simd_set_backend(SimdBackend backend);
bool simd_backend_supported(SimdBackend backend);
const char* simd_backend_name(SimdBackend backend);
// The backend named `name` (as simd_backend_name gives it); false if there is none.
bool simd_backend_from_name(const char* name, SimdBackend& backend);

}  // namespace nn
