// The next-word training session: it learns the six sentences, resumes bit-exactly from a
// checkpoint, refuses bad checkpoints without a trace, and rolls back when training diverges.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "testing.h"
#include "train/nextword_session.h"

namespace {

constexpr int kEpochs = 500;
// Seed 0 ends near 0.009 after 500 epochs, twenty times below this; an untrained model sits
// at ln 9 = 2.2, and one that learned only the first word of each sentence at ln 2 / 3 = 0.23.
constexpr float kLearnedLoss = 0.2f;

std::vector<float> floats(const nn::FloatBuffer& v) { return {v.data(), v.data() + v.size()}; }

// Everything a step or a load may change.
struct Snapshot {
  std::vector<float> params, moments, loss;
  std::int64_t optimizer_step;
  long epoch;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(const nn::NextWordSession& s) {
  return {floats(s.model.params.value), floats(s.optim.moments), s.loss.values, s.optim.step, s.epoch};
}

nn::NextWordSession make_session(nn::TrainOptions options = nn::nextword_default_options()) {
  nn::NextWordSession s;
  nn::Status status = nn::nextword_session_init(s, options);
  INFO(status.error);
  REQUIRE(status.ok());
  return s;
}

void train(nn::NextWordSession& s, int epochs) {
  for (int e = 0; e < epochs; e++) {
    nn::Status status = nn::nextword_session_step(s);
    INFO("epoch " << s.epoch + 1 << ": " << status.error);
    REQUIRE(status.ok());
  }
}

bool all_finite(const std::vector<float>& v) {
  for (float x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

TEST_CASE("nextword session learns the six sentences") {
  nn::NextWordSession s = make_session();
  CHECK(nn::nextword_session_correct(s) < nn::kNextWordSentences);  // not by luck at the start
  train(s, kEpochs);
  CHECK(s.epoch == kEpochs);
  REQUIRE(s.loss.values.size() == std::size_t(kEpochs));
  CHECK(s.loss.values.front() > 2.0f);
  CHECK(s.loss.last() < kLearnedLoss);
  float final_loss = nn::nextword_session_evaluate(s);
  CHECK(final_loss < s.loss.last());
  CHECK(nn::nextword_session_correct(s) == nn::kNextWordSentences);
}

TEST_CASE("nextword session trains in portions") {
  nn::NextWordSession portions = make_session(), steps = make_session();
  const double kNoDeadline = 1e12;
  REQUIRE(nn::nextword_session_train(portions, 30, kNoDeadline).ok());
  CHECK(portions.epoch == 30);
  REQUIRE(nn::nextword_session_train(portions, 1, 0.0).ok());  // a spent budget still steps once
  CHECK(portions.epoch == 31);
  train(steps, 31);
  CHECK(snapshot(portions) == snapshot(steps));

  REQUIRE(nn::nextword_session_set_optimizer(portions, {.kind = nn::OptimizerKind::Adam, .lr = 1e6}).ok());
  CHECK_FALSE(nn::nextword_session_train(portions, 100, kNoDeadline).ok());
  CHECK(portions.epoch <= 32);  // stopped at the divergence, not after 100 epochs
}

TEST_CASE("nextword session resumes from a checkpoint bit-exactly") {
  nn::NextWordSession straight = make_session();
  train(straight, 200);

  nn::NextWordSession first_half = make_session();
  train(first_half, 100);
  std::vector<std::uint8_t> bytes = nn::nextword_session_save(first_half);

  nn::TrainOptions other_seed = nn::nextword_default_options();
  other_seed.seed = 99;  // whatever it starts from, the checkpoint replaces it
  nn::NextWordSession resumed = make_session(other_seed);
  nn::Status status = nn::nextword_session_load(resumed, bytes);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(resumed.epoch == 100);
  CHECK(resumed.loss.empty());
  train(resumed, 100);

  CHECK(resumed.epoch == 200);
  CHECK(floats(resumed.model.params.value) == floats(straight.model.params.value));
  CHECK(floats(resumed.optim.moments) == floats(straight.optim.moments));
  CHECK(resumed.optim.step == straight.optim.step);
  std::vector<float> second_half(straight.loss.values.begin() + 100, straight.loss.values.end());
  CHECK(resumed.loss.values == second_half);
}

TEST_CASE("nextword session refuses a bad checkpoint and keeps its state") {
  nn::NextWordSession s = make_session();
  train(s, 20);
  const Snapshot before = snapshot(s);

  nn::NextWordSession donor = make_session();
  train(donor, 30);
  std::vector<std::uint8_t> good = nn::nextword_session_save(donor);

  SUBCASE("a flipped byte") {
    std::vector<std::uint8_t> bytes = good;
    bytes[bytes.size() / 2] ^= 0x10;
    nn::Status status = nn::nextword_session_load(s, bytes);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("CRC") != std::string::npos);
  }
  SUBCASE("a truncated file") {
    std::vector<std::uint8_t> bytes(good.begin(), good.begin() + good.size() / 3);
    CHECK_FALSE(nn::nextword_session_load(s, bytes).ok());
  }
  SUBCASE("another hidden size") {
    nn::NextWordSession wide;
    REQUIRE(nn::nextword_session_init(wide, nn::nextword_default_options(), {.hidden = 6}).ok());
    nn::Status status = nn::nextword_session_load(s, nn::nextword_session_save(wide));
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("hidden=6") != std::string::npos);
  }
  SUBCASE("another optimizer") {
    nn::TrainOptions sgd = nn::nextword_default_options();
    sgd.optimizer.kind = nn::OptimizerKind::Sgd;
    CHECK_FALSE(nn::nextword_session_load(s, nn::nextword_session_save(make_session(sgd))).ok());
  }
  SUBCASE("non-finite values with a valid CRC") {
    donor.model.params.value[3] = NAN;
    nn::Status status = nn::nextword_session_load(s, nn::nextword_session_save(donor));
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("not finite") != std::string::npos);
  }
  CHECK(snapshot(s) == before);
  train(s, 1);  // and it trains on from where it was
  CHECK(s.epoch == 21);
}

TEST_CASE("nextword session rolls back when training diverges") {
  SUBCASE("a huge learning rate") {
    nn::TrainOptions options = nn::nextword_default_options();
    options.optimizer = {.kind = nn::OptimizerKind::Sgd, .lr = 1e6};
    nn::NextWordSession s = make_session(options);
    std::vector<Snapshot> after_epoch = {snapshot(s)};  // [e]: the state after e epochs
    nn::Status status;
    while (s.epoch < 20 && (status = nn::nextword_session_step(s)).ok()) after_epoch.push_back(snapshot(s));
    INFO(status.error);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error.find("lower") != std::string::npos);
    CHECK(status.error.find("learning rate") != std::string::npos);
    // Rolled back to the last parameters whose loss and gradients were fine: the step before.
    REQUIRE(after_epoch.size() >= 2);
    CHECK(s.epoch == long(after_epoch.size()) - 2);
    CHECK(snapshot(s) == after_epoch[std::size_t(s.epoch)]);
    CHECK(all_finite(floats(s.model.params.value)));
    CHECK(nn::nextword_session_evaluate(s) < nn::nextword_loss_limit(s.model.config));

    // With a sensible learning rate it carries on from there.
    REQUIRE(nn::nextword_session_set_optimizer(s, {.kind = nn::OptimizerKind::Sgd, .lr = 1.0}).ok());
    train(s, 5);
  }
  SUBCASE("a parameter that is not a number") {
    nn::NextWordSession s = make_session();
    train(s, 10);
    s.model.params.value[s.model.params.layout.find("fc.bias")->offset] = NAN;
    nn::Status status = nn::nextword_session_step(s);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find("not finite") != std::string::npos);
    // The parameters of epoch 10 gave a NaN: back to those of epoch 9, the last that gave a loss.
    nn::NextWordSession replay = make_session();
    train(replay, 9);
    CHECK(snapshot(s) == snapshot(replay));
  }
}

TEST_CASE("nextword session validates its settings") {
  nn::NextWordSession s;
  nn::TrainOptions options = nn::nextword_default_options();
  options.optimizer.lr = -1.0;
  CHECK_FALSE(nn::nextword_session_init(s, options).ok());
  options.optimizer.lr = NAN;
  CHECK_FALSE(nn::nextword_session_init(s, options).ok());
  CHECK_FALSE(nn::nextword_session_init(s, nn::nextword_default_options(), {.hidden = 0}).ok());

  s = make_session();
  CHECK_FALSE(nn::nextword_session_set_optimizer(s, {.kind = nn::OptimizerKind::Adam, .lr = 0.0}).ok());
  REQUIRE(nn::nextword_session_set_optimizer(s, {.kind = nn::OptimizerKind::RmsProp, .lr = 0.01}).ok());
  CHECK(s.optim.kind == nn::OptimizerKind::RmsProp);
  train(s, 3);
}

TEST_CASE("nextword session copy is a snapshot a UI can hold") {
  nn::NextWordSession s = make_session();
  train(s, 50);
  nn::NextWordSession view;
  nn::nextword_session_copy(view, s);
  const Snapshot copied = snapshot(view);
  CHECK(copied == snapshot(s));
  CHECK(nn::nextword_session_predictions(view) == nn::nextword_session_predictions(s));
  train(s, 10);
  CHECK(snapshot(view) == copied);
  train(view, 10);  // the copy trains on its own, to the same place
  CHECK(snapshot(view) == snapshot(s));
}

TEST_CASE("nextword session resumes from a saved run exactly where it stopped") {
  nn::TrainOptions options = nn::nextword_default_options();
  options.seed = 3;
  options.optimizer.lr = 0.02;
  nn::NextWordSession s = make_session(options);
  train(s, 40);
  nn::SavedRun run;
  REQUIRE(nn::saved_run_decode(nn::saved_run_encode(nn::nextword_session_saved_run(s)), run).ok());

  nn::TrainOptions read = nn::nextword_default_options();
  REQUIRE(nn::saved_run_get_options(run, read).ok());
  CHECK(read.seed == 3);
  CHECK(read.optimizer.lr == 0.02);
  nn::NextWordSession resumed = make_session(read);
  nn::Status status = nn::nextword_session_resume(resumed, run);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(snapshot(resumed) == snapshot(s));
  CHECK(resumed.loss.steps == s.loss.steps);
  train(s, 10);
  train(resumed, 10);
  CHECK(snapshot(resumed) == snapshot(s));

  run.checkpoint[run.checkpoint.size() / 2] ^= 1;
  nn::NextWordSession other = make_session(read);
  const Snapshot before = snapshot(other);
  CHECK_FALSE(nn::nextword_session_resume(other, run).ok());
  CHECK(snapshot(other) == before);
}
