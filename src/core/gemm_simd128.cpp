// GEMM micro-kernel and packing for wasm SIMD128 (only in wasm builds with -msimd128).
#if defined(__wasm_simd128__)
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 4x8: without FMA each step needs a product register besides the 8 accumulators, 2 vectors of
// B and the broadcast of A. V8 gives wasm 16 xmm registers, and larger tiles spill: measured with
// node, 4x8 ran at 37 GFLOP/s on the demo shapes against 20-28 for 4x12, 4x16, 6x8 and 8x8.
const GemmKernel& gemm_kernel_simd128() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Simd128, 4, 2>();
  return kernel;
}

}  // namespace nn
#endif
