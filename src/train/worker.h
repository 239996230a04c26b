#pragma once
// Runs training steps on a thread of their own, so the UI never waits for a step.
//
// The session belongs to the worker thread while it runs. The UI
//   - sends commands: run, pause, single step;
//   - reads what the worker publishes after each step (a snapshot the UI copies under a lock held
//     only for the copy);
//   - touches the session itself (reset, load, ask for a prediction) only inside with_session(),
//     which waits for the step in progress to end, or hands work to the worker thread with post(),
//     which does not wait at all.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"

namespace nn {

class TrainingWorker {
 public:
  using StepFn = std::function<Status()>;  // one training step, on the worker thread
  using PublishFn = std::function<void()>; // copies display state, on the worker thread, under the snapshot lock

  TrainingWorker() = default;
  TrainingWorker(const TrainingWorker&) = delete;
  TrainingWorker& operator=(const TrainingWorker&) = delete;
  ~TrainingWorker() { stop(); }

  // Starts the thread, paused. `publish_every` limits how often publish runs (the UI draws at most
  // once per frame, so there is no point copying after every one of 1000 steps a second); the
  // last step before a pause is always published.
  void start(StepFn step, PublishFn publish, std::chrono::milliseconds publish_every = std::chrono::milliseconds(15));
  void stop();  // finishes the step in progress and joins

  void run();
  void pause();
  void step_once();

  // Slow motion: at most this many steps a second (0: as fast as possible). A six-sentence epoch
  // takes microseconds; watching it learn needs a slower pace.
  void set_max_steps_per_second(double rate) { max_rate_ = rate; }
  // Checked before every step: when it returns true the worker pauses (e.g. 500 epochs done).
  void set_finished(std::function<bool()> finished) {
    std::lock_guard<std::mutex> lock(session_mutex_);
    finished_ = std::move(finished);
  }
  bool running() const { return mode_.load() == Mode::Running; }

  // The last error a step returned (divergence...), empty if none; the worker pauses on errors.
  std::string error() const;
  void clear_error();

  // Steps completed per second over the last second or so.
  double steps_per_second() const { return steps_per_second_.load(); }
  long steps_done() const { return steps_done_.load(); }

  // Runs f while the worker is between steps (f may read or change the session).
  template <class F>
  void with_session(F&& f) {
    std::lock_guard<std::mutex> lock(session_mutex_);
    f();
  }
  // Runs f while no snapshot is being published (f reads the snapshot).
  template <class F>
  void with_snapshot(F&& f) {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    f();
  }
  // Runs job on the worker thread between two steps, soon, running or paused; with the session
  // to itself, as in with_session. For work on the session that the UI should not wait for
  // (copying a large model out to save it). Jobs still queued when the worker stops are dropped.
  void post(std::function<void()> job);
  // Publishes now (after with_session changed the session while paused).
  void publish_now();
  // How many snapshots have been published: the UI redraws when this moves.
  long publications() const { return publications_.load(); }

 private:
  enum class Mode { Paused, Running, SingleStep, Stopping };
  void loop();
  void publish();  // with the snapshot lock held
  void run_jobs();  // with no lock held

  StepFn step_;
  PublishFn publish_;
  std::chrono::milliseconds publish_every_{15};
  std::thread thread_;
  std::atomic<Mode> mode_{Mode::Paused};
  std::mutex command_mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // under command_mutex_
  std::mutex session_mutex_;
  std::mutex snapshot_mutex_;
  mutable std::mutex error_mutex_;
  std::string error_;
  std::function<bool()> finished_;
  std::atomic<double> max_rate_{0.0};
  std::atomic<double> steps_per_second_{0.0};
  std::atomic<long> steps_done_{0};
  std::atomic<long> publications_{0};
};

}  // namespace nn
