#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and pipes stay
// clean). update() redraws at most ten times a second, and asks for the status text only then:
// a loop of microsecond steps formats nothing between redraws.
#include <chrono>
#include <string>

namespace nn::cli {

class Progress {
 public:
  Progress(const char* label, long total);
  ~Progress();
  template <class StatusText>
  void update(long done, StatusText status_text) {
    if (due(done)) draw(done, status_text());
  }
  void finish();

 private:
  bool due(long done);
  void draw(long done, const std::string& status);

  const char* label_;
  long total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nn::cli
