// Embedding: lookup, and scatter-add backward against finite differences.
#include <vector>

#include "core/ops/embedding.h"
#include "core/thread_pool.h"
#include "simd_backends.h"
#include "testing.h"

using namespace nn_test;

TEST_CASE("embedding") {
  const int V = 5, C = 3, N = 4;
  const int tokens[N] = {2, 0, 2, 4};  // token 2 twice: its gradient rows must add up
  Rng rng{51};
  std::vector<float> table = rng.vector(V * C), out(N * C);

  SUBCASE("forward copies the token rows") {
    nn::embedding_forward(out.data(), tokens, table.data(), N, V, C);
    for (int n = 0; n < N; n++)
      for (int c = 0; c < C; c++) CHECK(out[n * C + c] == table[tokens[n] * C + c]);
  }
  SUBCASE("backward matches finite differences") {
    std::vector<float> dout = rng.vector(N * C), dtable(V * C);
    nn::embedding_backward(dtable.data(), dout.data(), tokens, N, V, C);
    CHECK(dtable[1 * C] == 0.0f);  // token 1 never appears
    check_gradient("dtable", table.data(), dtable.data(), table.size(), [&] {
      nn::embedding_forward(out.data(), tokens, table.data(), N, V, C);
      return weighted_sum(out.data(), dout.data(), out.size());
    });
  }
}

TEST_CASE("embedding backward: the same bits on every backend and thread count") {
  // Large enough to be split by columns over the threads (a char-RNN step's size): each element's
  // sum runs in token order whatever the split, so the result is exact against plain float sums.
  const int V = 65, C = 520, N = 1024;  // C not a multiple of the 16-float blocks
  Rng rng{52};
  std::vector<int> tokens(N);
  for (int n = 0; n < N; n++) tokens[n] = (n * 13) % V;
  const std::vector<float> dout = rng.vector(size_t(N) * C), start = rng.vector(size_t(V) * C);
  std::vector<float> want = start;
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++) want[size_t(tokens[n]) * C + c] += dout[size_t(n) * C + c];
  for_each_backend([&] {
    for (int threads : {1, 2, 3}) {
      CAPTURE(threads);
      nn::set_num_threads(threads);
      std::vector<float> dtable = start;
      nn::embedding_backward(dtable.data(), dout.data(), tokens.data(), N, V, C);
      CHECK(dtable == want);
    }
    nn::set_num_threads(1);
  });
}
