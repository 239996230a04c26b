// The training worker: commands, publishing, errors, and exclusive access to the session.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "train/worker.h"

namespace {

// Polls for a condition the worker thread should bring about; fails the test after 10 s.
template <class F>
bool eventually(F condition) {
  for (int i = 0; i < 10000; i++) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

TEST_CASE("worker: paused at start, single steps, runs, pauses, stops") {
  long session = 0;    // the "model": touched by steps only
  long published = -1; // what the UI sees
  nn::TrainingWorker worker;
  worker.start([&] { session++; return nn::Status::success(); }, [&] { published = session; },
               std::chrono::milliseconds(0));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(worker.steps_done() == 0);

  worker.step_once();
  REQUIRE(eventually([&] { return worker.steps_done() == 1; }));
  worker.with_snapshot([&] { CHECK(published == 1); });
  CHECK_FALSE(worker.running());

  worker.run();
  REQUIRE(eventually([&] { return worker.steps_done() > 100; }));
  worker.pause();
  long after_pause = 0;
  worker.with_session([&] { after_pause = session; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  worker.with_session([&] { CHECK(session <= after_pause + 1); });  // at most the step in flight

  worker.with_session([&] { session = 1000; });  // the UI resets the model while paused
  long publications = worker.publications();
  worker.publish_now();
  worker.with_snapshot([&] { CHECK(published == 1000); });
  CHECK(worker.publications() == publications + 1);  // the UI redraws when this moves
  worker.stop();
}

TEST_CASE("worker: a failing step pauses training and reports its message") {
  int calls = 0;
  nn::TrainingWorker worker;
  worker.start(
      [&] { return ++calls == 5 ? nn::Status::failure("loss became NaN") : nn::Status::success(); }, [] {},
      std::chrono::milliseconds(0));
  worker.run();
  REQUIRE(eventually([&] { return !worker.error().empty(); }));
  CHECK(worker.error() == "loss became NaN");
  REQUIRE(eventually([&] { return !worker.running(); }));
  CHECK(worker.steps_done() == 4);
  worker.clear_error();
  CHECK(worker.error().empty());
}

TEST_CASE("worker: pauses by itself when the run is finished, and publishes the last step") {
  int session = 0, published = 0;
  nn::TrainingWorker worker;
  // A publish interval far longer than the run: only the finish can publish the last step.
  worker.start([&] { session++; return nn::Status::success(); }, [&] { published = session; }, std::chrono::hours(1));
  worker.set_finished([&] { return session >= 50; });
  worker.run();
  REQUIRE(eventually([&] { return !worker.running(); }));
  worker.with_session([&] { CHECK(session == 50); });
  worker.with_snapshot([&] { CHECK(published == 50); });
  CHECK(worker.publications() == 2);  // the first step's, and the last one's
}

TEST_CASE("worker: posted jobs run on the worker thread, paused or running") {
  long session = 0;
  nn::TrainingWorker worker;
  worker.start([&] { session++; return nn::Status::success(); }, [] {}, std::chrono::milliseconds(0));
  std::thread::id job_thread;
  long seen = -1;
  worker.post([&] { job_thread = std::this_thread::get_id(); seen = session; });
  REQUIRE(eventually([&] { long s = -2; worker.with_session([&] { s = seen; }); return s == 0; }));
  worker.with_session([&] { CHECK(job_thread != std::this_thread::get_id()); });

  worker.set_max_steps_per_second(20);  // slow motion: the job must not wait for the pause between steps
  worker.run();
  REQUIRE(eventually([&] { return worker.steps_done() >= 1; }));
  bool done = false;
  worker.post([&] { done = true; });
  REQUIRE(eventually([&] { bool d = false; worker.with_session([&] { d = done; }); return d; }));
  worker.stop();
}

TEST_CASE("worker: the last step before a pause is published, whatever the publish interval") {
  long session = 0, published = -1;
  nn::TrainingWorker worker;
  worker.start([&] { session++; return nn::Status::success(); }, [&] { published = session; }, std::chrono::hours(1));
  worker.run();
  REQUIRE(eventually([&] { return worker.steps_done() > 10; }));
  worker.pause();
  REQUIRE(eventually([&] {
    long s = 0, p = -2;
    worker.with_session([&] { s = session; });
    worker.with_snapshot([&] { p = published; });
    return s == p;
  }));
  worker.stop();
}
