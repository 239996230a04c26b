// GEMM micro-kernel and packing for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 4x24: 12 accumulators + 3 vectors of B + 1 broadcast of A fill the 16 ymm registers, and 12
// independent FMA chains cover the 4-cycle latency of 2 FMA units. Measured against 6x16 with
// `nnlab bench`: 4 rows divide the batch sizes exactly (6 wastes 4 of 36 rows at batch 32), and
// 24 columns waste fewer lanes at the odd widths (65 -> 72 rather than 80).
const GemmKernel& gemm_kernel_avx2() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Avx2Fma, 4, 3, simd::Sse4>();
  return kernel;
}

}  // namespace nn
