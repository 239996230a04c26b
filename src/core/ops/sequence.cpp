#include "core/ops/sequence.h"

#include <cstring>

namespace nn {

void sequence_reverse(float* out, const float* x, int T, int N) {
  for (int t = 0; t < T; t++)
    std::memcpy(out + t * N, x + (T - 1 - t) * N, sizeof(float) * size_t(N));
}

void sequence_reverse_add(float* dx, const float* dout, int T, int N) {
  for (int t = 0; t < T; t++)
    for (int i = 0; i < N; i++) dx[t * N + i] += dout[(T - 1 - t) * N + i];
}

void concat_forward(float* out, const float* a, const float* b, int rows, int Ca, int Cb) {
  const int C = Ca + Cb;
  for (int r = 0; r < rows; r++) {
    std::memcpy(out + r * C, a + r * Ca, sizeof(float) * size_t(Ca));
    std::memcpy(out + r * C + Ca, b + r * Cb, sizeof(float) * size_t(Cb));
  }
}

void concat_backward(float* da, float* db, const float* dout, int rows, int Ca, int Cb) {
  const int C = Ca + Cb;
  for (int r = 0; r < rows; r++) {
    for (int i = 0; i < Ca; i++) da[r * Ca + i] += dout[r * C + i];
    for (int i = 0; i < Cb; i++) db[r * Cb + i] += dout[r * C + Ca + i];
  }
}

}  // namespace nn
