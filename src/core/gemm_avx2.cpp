// GEMM micro-kernel and packing for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 4x24: 12 accumulators + 3 vectors of B + 1 broadcast of A fill the 16 ymm registers, and 12
// independent FMA chains cover the 4-cycle latency of 2 FMA units. Measured against 6x16 with
// `nnlab bench`: 4 rows divide the batch sizes exactly (6 wastes 4 of 36 rows at batch 32), and
// 24 columns waste fewer lanes at the odd widths (65 -> 72 rather than 80). The products that read
// the weights in place against a batch take 6x16 tiles (12 accumulators + 2 vectors of B + 1
// broadcast), 16 dividing the batch where 24 does not; weights read strided, against batches of
// 32 only. `nnlab bench` on an Intel Xeon against the packed 4x24 products, GFLOP/s: y = W·x over
// columns 32x150x784 73 -> 106, 64x512x784 92 -> 103; dx = Wᵀ·dy 32x150x784 74 -> 94, but
// 64x512x784 81 -> 78 (kept packed); dx = dy·W over rows 32x128x512 83 -> 97, 64x512x256 93 -> 82.
const GemmKernel& gemm_kernel_avx2() {
  static constexpr GemmKernel kernel =
      gemm_detail::make_kernel<simd::Avx2Fma, 4, 3, simd::Sse4, 64, 6, 2, 32>();
  return kernel;
}

}  // namespace nn
