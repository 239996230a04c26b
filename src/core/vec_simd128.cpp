// The vector kernels for wasm SIMD128 (only in wasm builds with -msimd128).
#if defined(__wasm_simd128__)
#include "core/simd_ops.h"
#include "core/vec_kernels.h"

namespace nn {

const VecKernels& vec_kernels_simd128() {
  static constexpr VecKernels kernels = vec_detail::make_kernels<simd::Simd128>();
  return kernels;
}

}  // namespace nn
#endif
