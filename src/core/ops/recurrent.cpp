#include "core/ops/recurrent.h"

#include <algorithm>
#include <cstring>

#include "core/gemm.h"
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

void for_sequence_shares(int B, double flops, void (*run)(void* ctx, int b0, int b1), void* ctx) {
  ThreadPool& pool = default_thread_pool();
  if (pool.num_threads() == 1 || B < 2 || flops < kGemmParallelMinFlops) {
    run(ctx, 0, B);
    return;
  }
  // Shares of whole blocks of 8 rows (a micro-tile of every GEMM kernel) when each thread gets at
  // least one; single rows otherwise.
  const int block = B >= 8 * pool.num_threads() ? 8 : 1;
  const int blocks = (B + block - 1) / block;
  struct Job {
    void (*run)(void*, int, int);
    void* ctx;
    int B, block;
  } job{run, ctx, B, block};
  pool.parallel_for(blocks, [&job](int k0, int k1) { job.run(job.ctx, k0 * job.block, std::min(job.B, k1 * job.block)); });
}

void bias_grad_add(float* db, const float* dg, int rows, int G) {
  if (!db) return;
  // Column by column, each adds the rows one after the other, as sum_rows_add does: any split of
  // the columns gives the same bits.
  constexpr int kColumnBlock = 16;
  auto columns = [&](int c0, int c1) {
    for (int r = 0; r < rows; r++) sum_rows_add(db + c0, dg + size_t(r) * G + c0, 1, c1 - c0);
  };
  if (num_threads() == 1 || 2.0 * rows * G < kGemmParallelMinFlops) {
    sum_rows_add(db, dg, rows, G);
    return;
  }
  default_thread_pool().parallel_for((G + kColumnBlock - 1) / kColumnBlock, [&](int k0, int k1) {
    columns(k0 * kColumnBlock, std::min(G, k1 * kColumnBlock));
  });
}

}  // namespace nn
