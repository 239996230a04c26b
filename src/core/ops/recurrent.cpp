#include "core/ops/recurrent.h"

#include <cstring>

namespace nn {

void state_init(float* dst, const float* src, int n) {
  if (src)
    std::memcpy(dst, src, sizeof(float) * size_t(n));
  else
    std::memset(dst, 0, sizeof(float) * size_t(n));
}

void state_add(float* dst, const float* src, int n) {
  if (!dst || !src) return;
  for (int i = 0; i < n; i++) dst[i] += src[i];
}

}  // namespace nn
