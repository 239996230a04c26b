#include "core/ops/embedding.h"

#include <cassert>
#include <cstring>

namespace nn {

void embedding_forward(float* out, const int* tokens, const float* table, int N, int V, int C) {
  for (int n = 0; n < N; n++) {
    assert(tokens[n] >= 0 && tokens[n] < V);
    std::memcpy(out + n * C, table + tokens[n] * C, sizeof(float) * size_t(C));
  }
}

void embedding_backward(float* dtable, const float* dout, const int* tokens, int N, int V, int C) {
  for (int n = 0; n < N; n++) {
    assert(tokens[n] >= 0 && tokens[n] < V);
    float* row = dtable + tokens[n] * C;
    for (int c = 0; c < C; c++) row[c] += dout[n * C + c];
  }
}

}  // namespace nn
