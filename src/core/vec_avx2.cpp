// The vector kernels for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#include "core/simd_ops.h"
#include "core/vec_kernels.h"

namespace nn {

const VecKernels& vec_kernels_avx2() {
  static constexpr VecKernels kernels = vec_detail::make_kernels<simd::Avx2Fma>();
  return kernels;
}

}  // namespace nn
