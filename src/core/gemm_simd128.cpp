// GEMM micro-kernel and packing for wasm SIMD128 (only in wasm builds with -msimd128).
#if defined(__wasm_simd128__)
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 4x16: V8 maps v128 onto 16 xmm registers; 16 accumulators would spill, 4x16 = 16 was measured
// against 4x8 and 6x8 in `nnlab bench`.
const GemmKernel& gemm_kernel_simd128() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Simd128, 4, 2>();
  return kernel;
}

}  // namespace nn
#endif
