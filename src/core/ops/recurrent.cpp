#include "core/ops/recurrent.h"

#include <algorithm>
#include <cstring>

#include "core/thread_pool.h"
#include "core/vec.h"

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

void state_add_units(float* dst, const float* src, int rows, int H, int u0, int u1) {
  if (!src) return;
  for (int b = 0; b < rows; b++) vec_add(dst + size_t(b) * H + u0, dst + size_t(b) * H + u0, src + size_t(b) * H + u0, u1 - u0);
}

void for_unit_shares(int rows, int H, int gates, int panel, void (*step)(void* ctx, int u0, int u1), void* ctx) {
  constexpr double kMinFlops = 64e3;
  const int panels = (H + panel - 1) / panel;
  if (2.0 * rows * gates * H * H < kMinFlops || panels == 1) {
    step(ctx, 0, H);
    return;
  }
  struct Job {
    void (*step)(void*, int, int);
    void* ctx;
    int H, panel;
  } job{step, ctx, H, panel};
  default_thread_pool().parallel_for(panels, [&job](int p0, int p1) {
    job.step(job.ctx, p0 * job.panel, std::min(job.H, p1 * job.panel));
  });
}

}  // namespace nn
