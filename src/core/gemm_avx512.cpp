// GEMM micro-kernel and packing for AVX-512 (this file is compiled with -mavx512f -mavx512dq).
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

// 8x32: 16 accumulators + 2 vectors of B, the broadcasts of A folded into the FMAs, use 18 of the
// 32 zmm registers; 16 independent FMA chains cover the latency of 2 FMA units. 8 rows divide the
// batch sizes, and 32 columns match the widest panel the packed recurrent layers are sized for.
const GemmKernel& gemm_kernel_avx512() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Avx512, 8, 2, simd::Avx2Fma, 64>();
  return kernel;
}

}  // namespace nn
