#pragma once
// Which SIMD backend the kernels run on. The only file allowed to include intrinsics headers is
// the kernel layer itself; the rest of the program asks here.
namespace nn {

enum class SimdBackend { Scalar, Avx2Fma, Simd128 };

// The backend chosen for this process (best the CPU supports, unless overridden).
SimdBackend simd_backend();
// Tests and benchmarks switch backends to compare them; returns false if unsupported here.
bool simd_set_backend(SimdBackend backend);
bool simd_backend_supported(SimdBackend backend);
const char* simd_backend_name(SimdBackend backend);

}  // namespace nn
