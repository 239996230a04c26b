#include "core/ops/embedding.h"

#include <cassert>
#include <cstring>

#include "core/thread_pool.h"
#include "core/vec.h"

namespace nn {

void embedding_forward(float* out, const int* tokens, const float* table, int N, int V, int C) {
  for (int n = 0; n < N; n++) {
    assert(tokens[n] >= 0 && tokens[n] < V);
    std::memcpy(out + n * C, table + tokens[n] * C, sizeof(float) * size_t(C));
  }
}

void embedding_backward(float* dtable, const float* dout, const int* tokens, int N, int V, int C) {
  for (int n = 0; n < N; n++) assert(tokens[n] >= 0 && tokens[n] < V);
  // Each thread adds into columns of its own, whole cache lines, every row in token order: the
  // same sums in the same order on any number of threads.
  auto add_columns = [&](int c0, int c1) {
    for (int n = 0; n < N; n++) {
      float* row = dtable + size_t(tokens[n]) * C + c0;
      vec_add(row, row, dout + size_t(n) * C + c0, c1 - c0);
    }
  };
  parallel_for_cache_lines(C, double(N) * C, add_columns);
}

}  // namespace nn
