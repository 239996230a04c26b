// GEMM micro-kernel and packing for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 6x16: 12 accumulators + 2 vectors of B + 1 broadcast of A fill 15 of the 16 ymm registers, and
// 12 independent FMA chains cover the 4-cycle latency of 2 FMA units.
const GemmKernel& gemm_kernel_avx2() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Avx2Fma, 6, 2>();
  return kernel;
}

}  // namespace nn
