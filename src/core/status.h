#pragma once
// The result of anything that can fail on user input (a file, a checkpoint, a setting): either
// success or one sentence saying what is wrong, for the UI and the CLI to show as it is.
// Library code never aborts on bad input; it returns a Status.
#include <cstdarg>
#include <cstdio>
#include <string>

namespace nn {

struct [[nodiscard]] Status {
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
  static Status success() { return {}; }
#if defined(__GNUC__)
  __attribute__((format(printf, 1, 2)))
#endif
  static Status failure(const char* format, ...) {
    char buffer[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    return Status{buffer};
  }
};

}  // namespace nn
