// GEMM micro-kernel and packing without SIMD: the same blocking on a 4x2 tile of scalars (8
// accumulators and 6 operands fit the 16 registers of x86-64 and of V8 without spilling), the
// fallback for CPUs without AVX2 and the baseline the SIMD backends are measured against (this
// file is compiled without auto-vectorization).
#include "core/gemm_kernel.h"
#include "core/simd_ops.h"

namespace nn {

const GemmKernel& gemm_kernel_scalar() {
  static constexpr GemmKernel kernel = gemm_detail::make_kernel<simd::Scalar, 4, 2>();
  return kernel;
}

}  // namespace nn
