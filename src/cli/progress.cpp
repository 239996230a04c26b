#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace nn::cli {

namespace {

bool stderr_is_terminal() {
#if defined(__EMSCRIPTEN__)
  // Under node, isatty() answers yes for any stream; ask node itself, on the main thread (the CLI
  // runs in a worker thread, whose process.stderr is a pipe to the main one). A page has none.
  return MAIN_THREAD_EM_ASM_INT({ return typeof process !== 'undefined' && process.stderr.isTTY ? 1 : 0; }) != 0;
#else
  return isatty(STDERR_FILENO);
#endif
}

}  // namespace

Progress::Progress(const char* label, long total)
    : label_(label), total_(total > 0 ? total : 1), enabled_(stderr_is_terminal()),
      start_(std::chrono::steady_clock::now()), last_draw_(start_ - std::chrono::seconds(1)) {}

Progress::~Progress() { finish(); }

bool Progress::due(long done) {
  if (!enabled_ || finished_) return false;
  auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return false;
  last_draw_ = now;
  return true;
}

void Progress::draw(long done, const std::string& status) {
  constexpr int kWidth = 30;
  int filled = int(kWidth * done / total_);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; i++) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  double seconds = std::chrono::duration<double>(last_draw_ - start_).count();
  std::fprintf(stderr, "\r%s [%s] %ld/%ld %.1fs %s\033[K", label_, bar, done, total_, seconds, status.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\n");
}

}  // namespace nn::cli
