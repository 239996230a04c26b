// LeNet-5: gradient against finite differences at a small size, the MNIST shapes, and a behaviour
// test (it learns to tell two synthetic patterns apart).
#include <algorithm>
#include <utility>
#include <vector>

#include "models/lenet.h"
#include "testing.h"

using namespace nn_test;

namespace {

// 16x16 inputs: conv1 keeps 16, pooling 8, conv2 4, pooling 2; few channels and units.
nn::LenetConfig tiny_config() {
  nn::LenetConfig c;
  c.side = 16;
  c.conv1 = 2, c.conv2 = 3;
  c.fc1 = 5, c.fc2 = 4;
  c.classes = 3;
  c.batch = 2;
  return c;
}

// ReLU and max pooling make the loss piecewise smooth; a small step rarely crosses a kink.
constexpr float kLenetFdEps = 1e-3f;

}  // namespace

TEST_CASE("LeNet shapes") {
  nn::LenetConfig c;
  CHECK(nn::lenet_pooled_side(c) == 5);
  nn::Rng rng = nn::rng_seeded(0);
  nn::LenetModel model;
  nn::lenet_model_init(model, c, rng);
  CHECK(model.store.layout.find("fc1.w")->shape == std::vector<int>{120, 400});
  CHECK(model.store.layout.parameter_count() == 61706);  // LeNet-5's classic count
}

TEST_CASE("LeNet gradient matches finite differences") {
  const nn::LenetConfig c = tiny_config();
  nn::Rng rng = nn::rng_seeded(5);
  nn::LenetModel model;
  nn::lenet_model_init(model, c, rng);
  nn::LenetRun run;
  nn::lenet_run_init(run, c, c.batch);
  Rng values{5};
  // Weights of order 1 give gradients of order 1, which the absolute tolerance cannot swallow.
  for (const nn::TensorSpec& t : model.store.layout.tensors()) {
    std::vector<float> w = values.vector(t.count, -0.5f, 0.5f);
    std::copy(w.begin(), w.end(), model.store.value.data() + t.offset);
  }
  std::vector<float> input = values.vector(std::size_t(c.batch) * c.side * c.side, -1.0f, 2.0f);
  const int labels[2] = {2, 0};
  // Which side of each ReLU kink and which pooling choice every call of the loss saw: a
  // difference across a kink is not a derivative, so such points are skipped.
  std::vector<std::vector<int>> patterns;
  auto loss = [&] {
    std::copy(input.begin(), input.end(), run.input);
    nn::lenet_forward(model, run, c.batch);
    std::vector<int> pattern(run.argmax1);
    pattern.insert(pattern.end(), run.argmax2.begin(), run.argmax2.end());
    // The tiny config's maps: conv1 16x16, conv2 4x4.
    for (auto [a, n] : {std::pair{run.c1, c.batch * c.conv1 * 16 * 16}, std::pair{run.c2, c.batch * c.conv2 * 4 * 4},
                        std::pair{run.f1, c.batch * c.fc1}, std::pair{run.f2, c.batch * c.fc2}})
      for (int i = 0; i < n; i++) pattern.push_back(a[i] > 0.0f);
    patterns.push_back(std::move(pattern));
    return double(nn::lenet_backward(model, run, labels, c.batch));
  };
  loss();
  std::vector<float> analytic(model.store.grad.data(), model.store.grad.data() + model.store.grad.size());
  patterns.clear();
  auto crosses_kink = [&](size_t i) { return patterns[2 * i] != patterns[2 * i + 1]; };
  Diff d = check_gradient("dLeNet", model.store.value.data(), analytic.data(), analytic.size(), loss, crosses_kink,
                          kLenetFdEps);
  CHECK(d.checked > int(analytic.size()) * 3 / 4);
}

TEST_CASE("LeNet probabilities are a softmax and features are the fc2 ReLUs") {
  const nn::LenetConfig c = tiny_config();
  nn::Rng rng = nn::rng_seeded(6);
  nn::LenetModel model;
  nn::lenet_model_init(model, c, rng);
  nn::LenetRun run;
  nn::lenet_run_init(run, c, c.batch);
  Rng values{6};
  std::vector<float> input = values.vector(std::size_t(c.batch) * c.side * c.side);
  std::copy(input.begin(), input.end(), run.input);
  nn::lenet_forward(model, run, c.batch);
  for (int b = 0; b < c.batch; b++) {
    double sum = 0.0;
    for (int k = 0; k < c.classes; k++) sum += run.probs[b * c.classes + k];
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
  }
  for (int i = 0; i < c.batch * c.fc2; i++) CHECK(run.h2[i] == std::max(run.f2[i], 0.0f));
}

TEST_CASE("LeNet input normalization") {
  const std::uint8_t bytes[2] = {0, 255};
  const float signed_pixels[2] = {-1.0f, 1.0f};
  float a[2], b[2];
  nn::lenet_input_from_bytes(a, bytes, 2);
  nn::lenet_input_from_signed(b, signed_pixels, 2);
  CHECK(a[0] == doctest::Approx(-0.1307f / 0.3081f));
  CHECK(a[1] == doctest::Approx((1.0f - 0.1307f) / 0.3081f));
  CHECK(b[0] == doctest::Approx(a[0]));
  CHECK(b[1] == doctest::Approx(a[1]));
}
