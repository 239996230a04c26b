#include "train/worker.h"

namespace nn {

void TrainingWorker::start(StepFn step, PublishFn publish, std::chrono::milliseconds publish_every) {
  stop();
  step_ = std::move(step);
  publish_ = std::move(publish);
  publish_every_ = publish_every;
  mode_ = Mode::Paused;
  steps_done_ = 0;
  steps_per_second_ = 0.0;
  clear_error();
  thread_ = std::thread([this] { loop(); });
}

void TrainingWorker::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(command_mutex_);
    mode_ = Mode::Stopping;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(command_mutex_);
  jobs_.clear();
}

void TrainingWorker::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(command_mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_all();
}

void TrainingWorker::run_jobs() {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard<std::mutex> lock(command_mutex_);
      if (jobs_.empty() || mode_ == Mode::Stopping) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::lock_guard<std::mutex> lock(session_mutex_);
    job();
  }
}

void TrainingWorker::run() {
  {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (mode_ != Mode::Stopping) mode_ = Mode::Running;
  }
  wake_.notify_all();
}

void TrainingWorker::pause() {
  {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (mode_ != Mode::Stopping) mode_ = Mode::Paused;
  }
  wake_.notify_all();  // ends a slow-motion wait at once
}

void TrainingWorker::step_once() {
  {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (mode_ == Mode::Paused) mode_ = Mode::SingleStep;
  }
  wake_.notify_all();
}

std::string TrainingWorker::error() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return error_;
}

void TrainingWorker::clear_error() {
  std::lock_guard<std::mutex> lock(error_mutex_);
  error_.clear();
}

void TrainingWorker::publish_now() {
  std::lock_guard<std::mutex> session(session_mutex_);
  std::lock_guard<std::mutex> snapshot(snapshot_mutex_);
  publish();
}

void TrainingWorker::publish() {
  publish_();
  publications_++;
}

void TrainingWorker::loop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_publish = Clock::now() - publish_every_, rate_start = Clock::now();
  long rate_steps = 0;
  bool unpublished = false;  // a step the UI has not seen: the publish interval skipped it
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(command_mutex_);
      while (mode_ == Mode::Paused && jobs_.empty()) {
        if (unpublished) {  // what the UI shows while paused is where training stopped
          lock.unlock();
          {
            std::lock_guard<std::mutex> session(session_mutex_);
            std::lock_guard<std::mutex> snapshot(snapshot_mutex_);
            publish();
          }
          unpublished = false;
          lock.lock();
          continue;
        }
        wake_.wait(lock);
      }
      if (mode_ == Mode::Stopping) return;
    }
    run_jobs();
    if (mode_.load() == Mode::Paused) continue;
    Status status;
    Clock::time_point step_start = Clock::now();
    bool finished = false;
    {
      std::lock_guard<std::mutex> lock(session_mutex_);
      finished = finished_ && finished_();
      if (finished) {  // the UI must see the last step, which the publish interval may have skipped
        std::lock_guard<std::mutex> snapshot(snapshot_mutex_);
        publish();
        unpublished = false;
      }
    }
    if (finished) {
      std::lock_guard<std::mutex> lock(command_mutex_);
      if (mode_ != Mode::Stopping) mode_ = Mode::Paused;
      steps_per_second_ = 0.0;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(session_mutex_);
      status = step_();
      if (status.ok()) {
        steps_done_++;
        rate_steps++;
      }
      Clock::time_point now = Clock::now();
      bool single = mode_ == Mode::SingleStep;
      if (single || !status.ok() || now - last_publish >= publish_every_) {
        std::lock_guard<std::mutex> snapshot(snapshot_mutex_);
        publish();
        last_publish = now;
        unpublished = false;
      } else {
        unpublished = true;
      }
      double seconds = std::chrono::duration<double>(now - rate_start).count();
      if (seconds >= 1.0) {
        steps_per_second_ = rate_steps / seconds;
        rate_steps = 0;
        rate_start = now;
      }
    }
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      error_ = status.error;
    }
    double rate = max_rate_.load();
    if (rate > 0.0 && mode_ == Mode::Running) {
      std::unique_lock<std::mutex> lock(command_mutex_);
      auto next = step_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
      // Jobs posted during the wait run at once; the wait goes on after them.
      wake_.wait_until(lock, next, [this] { return mode_ != Mode::Running || !jobs_.empty(); });
      while (!jobs_.empty() && mode_ == Mode::Running) {
        lock.unlock();
        run_jobs();
        lock.lock();
        wake_.wait_until(lock, next, [this] { return mode_ != Mode::Running || !jobs_.empty(); });
      }
    }
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (mode_ == Mode::SingleStep || (!status.ok() && mode_ == Mode::Running)) mode_ = Mode::Paused;
    if (mode_ == Mode::Paused) {
      steps_per_second_ = 0.0;
      rate_steps = 0;
      rate_start = Clock::now();
    }
  }
}

}  // namespace nn
