#pragma once
// A small pool of persistent worker threads running one parallel loop at a time. The calling
// thread takes a share of the work, so a pool of 1 thread has no workers and runs loops inline.
#include <memory>

namespace nn {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Splits [0, count) into at most num_threads() contiguous ranges, the same split every time for
  // the same count, and calls fn(begin, end) once per range. The caller runs range 0 and then
  // takes any range no worker has started yet, so a worker that the OS has not scheduled (a busy
  // machine) delays nothing. Returns when every range is done. From inside fn, nested loops run
  // inline.
  template <class Fn>
  void parallel_for(int count, Fn&& fn) {
    run(count, [](void* ctx, int begin, int end) { (*static_cast<Fn*>(ctx))(begin, end); }, &fn);
  }

 private:
  struct Shared;
  void run(int count, void (*task)(void* ctx, int begin, int end), void* ctx);

  int num_threads_;
  std::unique_ptr<Shared> shared_;
};

// The pool GEMM uses. It starts with 1 thread, so results are reproducible run to run unless a
// program asks for more; set it between computations, not while one runs.
ThreadPool& default_thread_pool();
void set_num_threads(int num_threads);
int num_threads();

// Below this many floats an elementwise pass (a scatter-add, a sum of partial tables) is not worth
// a fork and join.
constexpr double kParallelMinElements = 64 * 1024;

// fn(i0, i1) over the floats [0, n) of an array, split over the default pool's threads in whole
// cache lines, so that no two threads write one line; on the calling thread alone when the pass
// touches fewer than kParallelMinElements floats (`work`).
template <class Fn>
void parallel_for_cache_lines(int n, double work, Fn&& fn) {
  constexpr int kLineFloats = 16;
  ThreadPool& pool = default_thread_pool();
  if (pool.num_threads() == 1 || work < kParallelMinElements) return fn(0, n);
  pool.parallel_for((n + kLineFloats - 1) / kLineFloats, [&](int l0, int l1) {
    fn(l0 * kLineFloats, l1 * kLineFloats < n ? l1 * kLineFloats : n);
  });
}

}  // namespace nn
