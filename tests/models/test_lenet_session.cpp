// The LeNet-5 session: it learns (bars: horizontal or vertical), checkpoints round trip, the
// scorer loads weights saved with any optimizer, divergence rolls back.
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "testing.h"
#include "train/lenet_session.h"

using namespace nn_test;

namespace {

// Label 0: a horizontal bar on a random row; label 1: a vertical bar on a random column.
nn::MnistSet bars(int count, std::uint64_t seed) {
  nn::MnistSet set;
  set.count = count;
  set.images.assign(std::size_t(count) * nn::kMnistPixels, 0);
  Rng rng{seed};
  for (int i = 0; i < count; i++) {
    int label = i % 2, line = 4 + int(rng.next() % 20);
    std::uint8_t* image = &set.images[std::size_t(i) * nn::kMnistPixels];
    for (int t = 4; t < 24; t++) image[label == 0 ? line * 28 + t : t * 28 + line] = 255;
    set.labels.push_back(std::uint8_t(label));
  }
  return set;
}

nn::LenetConfig small_batch() {
  nn::LenetConfig c;
  c.batch = 8;
  return c;
}

void init(nn::LenetSession& s, nn::TrainOptions options = nn::lenet_default_options()) {
  nn::Status status = nn::lenet_session_init(s, small_batch(), bars(64, 1), options);
  INFO(status.error);
  REQUIRE(status.ok());
}

void step(nn::LenetSession& s, int n) {
  for (int i = 0; i < n; i++) {
    nn::Status status = nn::lenet_session_step(s);
    INFO(status.error);
    REQUIRE(status.ok());
  }
}

std::vector<float> copy_of(const nn::FloatBuffer& b) { return std::vector<float>(b.data(), b.data() + b.size()); }

}  // namespace

TEST_CASE("LeNet session learns to tell horizontal from vertical bars") {
  nn::LenetSession s;
  init(s);
  CHECK(nn::lenet_session_iterations_per_epoch(s) == 8);
  step(s, 79);
  int steps = -1;
  REQUIRE(nn::lenet_session_run_for(s, 0.0, &steps).ok());
  CHECK(steps == 1);
  CHECK(s.loss.values.size() == 80);
  CHECK(s.loss.last() < s.loss.values.front());
  CHECK(nn::lenet_accuracy(s.model, bars(50, 2)) >= 0.9);
}

TEST_CASE("LeNet checkpoints: sessions round trip, the scorer takes any optimizer's") {
  char dir[] = "/tmp/nnlab_lenet_XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/lenet.ckpt";
  nn::TrainOptions sgd = nn::lenet_default_options();
  sgd.optimizer.kind = nn::OptimizerKind::Momentum;
  sgd.optimizer.lr = 0.01;
  nn::LenetSession a;
  init(a, sgd);
  step(a, 3);
  REQUIRE(nn::lenet_session_save(a, path).ok());

  nn::LenetSession b;
  init(b, sgd);
  REQUIRE(nn::lenet_session_load(b, path).ok());
  CHECK(copy_of(b.model.store.value) == copy_of(a.model.store.value));
  CHECK(copy_of(b.optim.moments) == copy_of(a.optim.moments));
  CHECK(b.iteration == 3);

  nn::LenetSession adam;  // a session trained with another optimizer cannot resume from it
  init(adam);
  CHECK(nn::lenet_session_load(adam, path).error.find("momentum") != std::string::npos);

  nn::LenetModel scorer;
  nn::Rng rng = nn::rng_seeded(7);
  nn::lenet_model_init(scorer, nn::LenetConfig{}, rng);
  nn::Status status = nn::lenet_load_weights(scorer, path);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(copy_of(scorer.store.value) == copy_of(a.model.store.value));

  nn::LenetConfig other;
  other.fc2 = 80;
  nn::LenetModel wrong;
  nn::lenet_model_init(wrong, other, rng);
  CHECK(nn::lenet_load_weights(wrong, path).error.find("different model") != std::string::npos);
  std::remove(path.c_str());
  std::remove(dir);
}

TEST_CASE("LeNet divergence rolls back and advises a lower learning rate") {
  nn::LenetSession s;
  init(s);
  step(s, 2);
  std::vector<float> good = copy_of(s.good_params);
  s.model.store.value[3] = NAN;
  nn::Status status = nn::lenet_session_step(s);
  CHECK(status.error.find("lower learning rate") != std::string::npos);
  CHECK(s.iteration == 0);
  CHECK(copy_of(s.model.store.value) == good);
  CHECK(s.loss.empty());
  step(s, 1);
}
