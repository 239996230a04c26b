#include "core/ops/recurrent.h"

#include <algorithm>
#include <cstring>

#include "core/gemm.h"
#include "core/ops/embedding.h"
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
  const int blocks = sequence_blocks(B);
  if (pool.num_threads() == 1 || blocks < 2 || flops < kGemmParallelMinFlops) {
    run(ctx, 0, B);
    return;
  }
  struct Job {
    void (*run)(void*, int, int);
    void* ctx;
    int B;
  } job{run, ctx, B};
  pool.parallel_for(blocks, [&job](int k0, int k1) {
    job.run(job.ctx, k0 * kSequenceBlock, std::min(job.B, k1 * kSequenceBlock));
  });
}

void bias_partials_clear(float* partials, int B, int G) {
  std::memset(partials, 0, sizeof(float) * size_t(sequence_blocks(B)) * 2 * G);
}

void bias_partials_add(float* db_ih, float* db_hh, const float* partials, int B, int G) {
  for (int k = 0; k < sequence_blocks(B); k++) {
    const float* block = partials + size_t(k) * 2 * G;
    if (db_ih) vec_add(db_ih, db_ih, block, G);
    if (db_hh) vec_add(db_hh, db_hh, block + G, G);
  }
}

void OneHotInput::gather_step(float* out, int t, int B, int b0, int rows, int G) const {
  embedding_forward(out, tokens + size_t(t) * B + b0, table, rows, V, G);
}

size_t one_hot_grad_floats(int B, int V, int G) { return size_t(sequence_blocks(B)) * V * G; }

void OneHotGrad::clear_blocks(int b0, int b1, int G) const {
  const size_t table = size_t(V) * G;
  std::memset(partials + b0 / kSequenceBlock * table, 0, sizeof(float) * table * sequence_blocks(b1 - b0));
}

void OneHotGrad::add_step(const float* dgates, int t, int B, int b, int rows, int G) const {
  // A block's rows are far below a fork's worth: the scatter-add runs on this thread.
  embedding_backward(partials + size_t(b / kSequenceBlock) * V * G, dgates, tokens + size_t(t) * B + b, rows, V, G);
}

void one_hot_grad_add(float* dtable, const OneHotGrad& grad, int B, int G) {
  const int n = grad.V * G, blocks = sequence_blocks(B);
  // Each thread sums every block over its own lines of the table.
  auto add_range = [&](int i0, int i1) {
    for (int k = 0; k < blocks; k++) vec_add(dtable + i0, dtable + i0, grad.partials + size_t(k) * n + i0, i1 - i0);
  };
  parallel_for_cache_lines(n, double(n) * blocks, add_range);
}

}  // namespace nn
