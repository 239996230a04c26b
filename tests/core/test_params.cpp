// Parameter layout: one buffer for every tensor of a model, walked to give each its slice.
#include <doctest/doctest.h>

#include <cstdint>

#include "core/params.h"

namespace {

// A two-layer perceptron's parameters, as a model would point them.
struct MlpParams {
  float* w1;  // (H, C)
  float* b1;  // (H)
  float* w2;  // (V, H)
  float* b2;  // (V)
};

nn::ParamLayout mlp_layout(int C, int H, int V) {
  nn::ParamLayout layout;
  layout.add("w1", {H, C});
  layout.add("b1", {H});
  layout.add("w2", {V, H});
  layout.add("b2", {V});
  return layout;
}

}  // namespace

TEST_CASE("params layout places each tensor on an aligned offset in declaration order") {
  nn::ParamLayout layout = mlp_layout(3, 5, 2);
  const auto& t = layout.tensors();
  REQUIRE(t.size() == 4);
  CHECK(t[0].offset == 0);
  CHECK(t[0].count == 15);
  CHECK(t[1].offset == 16);
  CHECK(t[2].offset == 32);
  CHECK(t[2].count == 10);
  CHECK(t[3].offset == 48);
  CHECK(layout.size() == 64);
  CHECK(layout.parameter_count() == 15 + 5 + 10 + 2);
  REQUIRE(layout.find("w2") != nullptr);
  CHECK(layout.find("w2")->shape == std::vector<int>{2, 5});
  CHECK(layout.find("nope") == nullptr);
}

TEST_CASE("params layout_point gives slices of values, gradients and state alike") {
  nn::ParamStore store(mlp_layout(3, 5, 2));
  MlpParams p{}, g{};
  REQUIRE(nn::layout_point(store.layout, store.value.data(), {&p.w1, &p.b1, &p.w2, &p.b2}));
  REQUIRE(nn::layout_point(store.layout, store.grad.data(), {&g.w1, &g.b1, &g.w2, &g.b2}));
  CHECK(p.w1 == store.value.data());
  CHECK(p.b2 == store.value.data() + 48);
  CHECK(g.w2 == store.grad.data() + 32);
  CHECK(reinterpret_cast<std::uintptr_t>(p.b1) % nn::kAlignBytes == 0);

  float* only_one = nullptr;
  CHECK_FALSE(nn::layout_point(store.layout, store.value.data(), {&only_one}));
  CHECK(only_one == nullptr);
}

TEST_CASE("params zero_grad clears every gradient and no value") {
  nn::ParamStore store(mlp_layout(4, 3, 2));
  for (std::size_t i = 0; i < store.layout.size(); i++) {
    store.value[i] = 1.0f;
    store.grad[i] = 2.0f;
  }
  store.zero_grad();
  for (std::size_t i = 0; i < store.layout.size(); i++) {
    CHECK(store.grad[i] == 0.0f);
    CHECK(store.value[i] == 1.0f);
  }
}
