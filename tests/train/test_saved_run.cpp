// Saved runs: the file the lab keeps between visits round-trips exactly, and a damaged one is
// refused with a message that says what is wrong, leaving the caller's run untouched.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "train/saved_run.h"

namespace {

nn::SavedRun sample_run() {
  nn::SavedRun run;
  nn::saved_run_set(run, "step", 120.0);
  nn::saved_run_set(run, "text", "stored");
  nn::saved_run_set(run, "lr", 2e-3);
  nn::MetricSeries loss;
  for (int i = 1; i <= 5; i++) loss.push(float(i), 1.0f / float(i));
  run.metrics.emplace_back("loss", loss);
  run.metrics.emplace_back("empty", nn::MetricSeries{});
  run.checkpoint = {1, 2, 3, 4, 5, 250};
  return run;
}

}  // namespace

TEST_CASE("saved run: encode and decode round-trip every field") {
  const nn::SavedRun run = sample_run();
  const std::vector<std::uint8_t> bytes = nn::saved_run_encode(run);
  CHECK(bytes.capacity() == bytes.size());  // one allocation of the exact size: no doublings
  nn::SavedRun back;
  nn::Status status = nn::saved_run_decode(bytes, back);
  INFO(status.error);
  REQUIRE(status.ok());
  CHECK(back.settings == run.settings);
  REQUIRE(back.metrics.size() == 2);
  CHECK(back.metrics[0].first == "loss");
  CHECK(back.metrics[0].second.steps == run.metrics[0].second.steps);
  CHECK(back.metrics[0].second.values == run.metrics[0].second.values);
  CHECK(back.metrics[1].second.empty());
  CHECK(back.checkpoint == run.checkpoint);
  long step = 0;
  double lr = 0.0;
  std::string text;
  CHECK(nn::saved_run_get(back, "step", step).ok());
  CHECK(step == 120);
  CHECK(nn::saved_run_get(back, "lr", lr).ok());
  CHECK(lr == 2e-3);  // doubles are written with enough digits to come back bit for bit
  CHECK(nn::saved_run_get(back, "text", text).ok());
  CHECK(text == "stored");
  REQUIRE(nn::saved_run_metric(back, "loss") != nullptr);
  CHECK(nn::saved_run_metric(back, "missing") == nullptr);
}

TEST_CASE("saved run: damaged files are refused and change nothing") {
  const std::vector<std::uint8_t> good = nn::saved_run_encode(sample_run());
  nn::SavedRun untouched;
  nn::saved_run_set(untouched, "kept", "yes");
  auto refused = [&](std::vector<std::uint8_t> bytes, const char* expected) {
    nn::SavedRun run = untouched;
    nn::Status status = nn::saved_run_decode(bytes, run);
    INFO(status.error);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find(expected) != std::string::npos);
    CHECK(run.settings == untouched.settings);
  };
  refused({}, "too short");
  std::vector<std::uint8_t> bytes = good;
  bytes[0] = 'X';
  refused(bytes, "magic");
  bytes = good;
  bytes[bytes.size() / 2] ^= 0x40;
  refused(bytes, "CRC");
  bytes = good;
  bytes.resize(bytes.size() - 7);
  refused(bytes, "truncated");
  bytes = good;
  bytes.push_back(0);
  refused(bytes, "truncated");
  bytes = good;
  bytes[8] = 9;  // the version
  refused(bytes, "version");
}

TEST_CASE("saved run: a missing or malformed setting names its key") {
  nn::SavedRun run;
  nn::saved_run_set(run, "step", "twelve");
  nn::saved_run_set(run, "half", 2.5);
  long value = 0;
  nn::Status status = nn::saved_run_get(run, "seed", value);
  CHECK(status.error.find("'seed'") != std::string::npos);
  status = nn::saved_run_get(run, "step", value);
  CHECK(status.error.find("'step' is not a number") != std::string::npos);
  status = nn::saved_run_get(run, "half", value);
  CHECK(status.error.find("not a whole number") != std::string::npos);
  nn::saved_run_set(run, "step", 12.0);  // setting a key again replaces it
  CHECK(nn::saved_run_get(run, "step", value).ok());
  CHECK(value == 12);
}

TEST_CASE("saved run: training options round-trip and unknown optimizers are refused") {
  nn::TrainOptions options;
  options.seed = 42;
  options.optimizer.kind = nn::OptimizerKind::RmsProp;
  options.optimizer.lr = 3.5e-4;
  options.optimizer.beta1 = 0.5;
  nn::SavedRun run;
  nn::saved_run_put_options(run, options);
  nn::TrainOptions back;
  back.optimizer.beta1 = 0.5;  // what a run does not record keeps the demo's default
  REQUIRE(nn::saved_run_get_options(run, back).ok());
  CHECK(back.seed == 42);
  CHECK(back.optimizer.kind == nn::OptimizerKind::RmsProp);
  CHECK(back.optimizer.lr == 3.5e-4);
  CHECK(back.optimizer.beta1 == 0.5);
  nn::saved_run_set(run, "optimizer", "lion");
  nn::TrainOptions unchanged = back;
  nn::Status status = nn::saved_run_get_options(run, unchanged);
  CHECK(status.error.find("unknown optimizer") != std::string::npos);
  CHECK(unchanged.optimizer.kind == nn::OptimizerKind::RmsProp);
}
