// The vector kernels for AVX-512 (this file is compiled with -mavx512f -mavx512dq).
#include "core/simd_ops.h"
#include "core/vec_kernels.h"

namespace nn {

const VecKernels& vec_kernels_avx512() {
  static constexpr VecKernels kernels = vec_detail::make_kernels<simd::Avx512>();
  return kernels;
}

}  // namespace nn
