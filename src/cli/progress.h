#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and pipes stay
// clean). update() redraws at most ten times a second.
#include <chrono>
#include <string>

namespace nn::cli {

class Progress {
 public:
  Progress(const char* label, long total);
  ~Progress();
  void update(long done, const std::string& status = "");
  void finish();

 private:
  const char* label_;
  long total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nn::cli
