#include "core/thread_pool.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace nn {

namespace {

// True on pool workers, and on a caller while it runs its own share: a parallel_for issued from
// inside a task runs inline rather than wait for workers that are busy with the outer loop.
thread_local bool t_inside_loop = false;

int range_begin(int count, int chunks, int t) { return int(static_cast<long long>(count) * t / chunks); }

}  // namespace

struct ThreadPool::Shared {
  std::mutex mutex;
  std::condition_variable start, finished;
  std::mutex loop_mutex;  // one loop at a time when several threads share a pool
  std::vector<std::thread> workers;
  unsigned long generation = 0;  // bumped once per loop; workers wait for it to change
  int pending = 0;               // workers that have not finished the current loop
  bool stop = false;
  void (*task)(void*, int, int) = nullptr;
  void* ctx = nullptr;
  int count = 0, chunks = 0;

  void worker_loop(int id) {
    t_inside_loop = true;
    unsigned long seen = 0;
    std::unique_lock lock(mutex);
    for (;;) {
      start.wait(lock, [&] { return stop || generation != seen; });
      if (stop) return;
      seen = generation;
      if (id < chunks) {
        auto* fn = task;
        void* arg = ctx;
        int begin = range_begin(count, chunks, id), end = range_begin(count, chunks, id + 1);
        lock.unlock();
        fn(arg, begin, end);
        lock.lock();
      }
      if (--pending == 0) finished.notify_one();
    }
  }
};

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(num_threads < 1 ? 1 : num_threads), shared_(std::make_unique<Shared>()) {
  for (int id = 1; id < num_threads_; id++)
    shared_->workers.emplace_back([s = shared_.get(), id] { s->worker_loop(id); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
  }
  shared_->start.notify_all();
  for (std::thread& w : shared_->workers) w.join();
}

void ThreadPool::run(int count, void (*task)(void* ctx, int begin, int end), void* ctx) {
  if (count <= 0) return;
  int chunks = count < num_threads_ ? count : num_threads_;
  if (chunks == 1 || t_inside_loop) {
    task(ctx, 0, count);
    return;
  }
  Shared& s = *shared_;
  std::lock_guard one_loop(s.loop_mutex);
  {
    std::lock_guard lock(s.mutex);
    s.task = task;
    s.ctx = ctx;
    s.count = count;
    s.chunks = chunks;
    s.pending = int(s.workers.size());
    s.generation++;
  }
  s.start.notify_all();
  t_inside_loop = true;
  task(ctx, 0, range_begin(count, chunks, 1));
  t_inside_loop = false;
  std::unique_lock lock(s.mutex);
  s.finished.wait(lock, [&] { return s.pending == 0; });
}

namespace {

std::unique_ptr<ThreadPool>& default_pool_slot() {
  static std::unique_ptr<ThreadPool> pool = std::make_unique<ThreadPool>(1);
  return pool;
}

}  // namespace

ThreadPool& default_thread_pool() { return *default_pool_slot(); }

void set_num_threads(int num_threads) {
  std::unique_ptr<ThreadPool>& pool = default_pool_slot();
  if (num_threads < 1) num_threads = 1;
  if (pool->num_threads() != num_threads) {
    pool.reset();
    pool = std::make_unique<ThreadPool>(num_threads);
  }
}

int num_threads() { return default_thread_pool().num_threads(); }

}  // namespace nn
