// Embedding: lookup, and scatter-add backward against finite differences.
#include <vector>

#include "core/ops/embedding.h"
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
