#include "core/ops/loss.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/ops/activation.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace nn {

namespace {

// Rows [n0, n1) of cross_entropy_loss: each row's loss into row_loss[n].
void cross_entropy_rows(float* dlogits, float* probs, const float* logits, const int* targets, int N, int V,
                        float* row_loss, int n0, int n1) {
  // The exponentials go somewhere the caller asked for, or to a buffer kept for the next call.
  thread_local std::vector<float> row_buffer;
  if (!dlogits && !probs && row_buffer.size() < size_t(V)) row_buffer.resize(size_t(V));
  for (int n = n0; n < n1; n++) {
    const float* z = logits + size_t(n) * V;
    const int target = targets[n];
    assert(target >= 0 && target < V);
    float* p = probs ? probs + size_t(n) * V : dlogits ? dlogits + size_t(n) * V : row_buffer.data();
    const float max = vec_max(z, V);
    const float sum = vec_exp_sum(p, z, max, V);
    row_loss[n] = std::log(sum) + max - z[target];
    if (!dlogits && !probs) continue;
    vec_scale(p, 1.0f / sum, V);
    if (dlogits) {
      float* d = dlogits + size_t(n) * V;
      if (d != p) std::memcpy(d, p, sizeof(float) * size_t(V));
      d[target] -= 1.0f;
      vec_scale(d, 1.0f / float(N), V);
    }
  }
}

// Rows go to threads in blocks; below this many logits one thread takes them all.
constexpr int kRowBlock = 64;
constexpr long kParallelMinLogits = 1 << 16;

}  // namespace

float cross_entropy_loss(float* dlogits, float* probs, const float* logits, const int* targets,
                         int N, int V) {
  thread_local std::vector<float> row_loss_buffer;  // kept for the next call
  if (row_loss_buffer.size() < size_t(N)) row_loss_buffer.resize(size_t(N));
  float* row_loss = row_loss_buffer.data();  // the caller's: a worker's thread_local would be its own
  ThreadPool& pool = default_thread_pool();
  if (pool.num_threads() == 1 || long(N) * V < kParallelMinLogits) {
    cross_entropy_rows(dlogits, probs, logits, targets, N, V, row_loss, 0, N);
  } else {
    pool.parallel_for((N + kRowBlock - 1) / kRowBlock, [&](int k0, int k1) {
      cross_entropy_rows(dlogits, probs, logits, targets, N, V, row_loss, k0 * kRowBlock,
                         std::min(N, k1 * kRowBlock));
    });
  }
  // Summed in row order whatever the threads, and in double: over a big batch float loses digits.
  double total = 0.0;
  for (int n = 0; n < N; n++) total += row_loss[n];
  return float(total / N);
}

float bce_with_logits_loss(float* dlogits, const float* logits, const float* targets, int N) {
  double total = 0.0;
  for (int n = 0; n < N; n++) {
    float z = logits[n], y = targets[n];
    total += std::fmax(z, 0.0f) - z * y + std::log1p(std::exp(-std::fabs(z)));
    if (dlogits) dlogits[n] = (sigmoidf(z) - y) / float(N);
  }
  return float(total / N);
}

float mse_loss(float* dpred, const float* pred, const float* target, int N) {
  double total = 0.0;
  for (int n = 0; n < N; n++) {
    float diff = pred[n] - target[n];
    total += double(diff) * diff;
    if (dpred) dpred[n] = 2.0f * diff / float(N);
  }
  return float(total / N);
}

}  // namespace nn
