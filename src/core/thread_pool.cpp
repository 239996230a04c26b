#include "core/thread_pool.h"

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace nn {

namespace {

// True on pool workers, and on a caller while it runs its own share: a parallel_for issued from
// inside a task runs inline rather than wait for workers that are busy with the outer loop.
thread_local bool t_inside_loop = false;

int range_begin(int count, int chunks, int t) { return int(static_cast<long long>(count) * t / chunks); }

// A recurrent layer forks and joins once per time step, every ~50 µs: waking a sleeping thread
// costs about as much, so both sides spin first. A worker spins this many rounds (about a
// millisecond) after its last task before it sleeps, so a pool nobody uses costs no CPU. Shorter
// is slower: the default GAN's noise (12800 normals) keeps the workers waiting ~100 µs, and a
// worker woken from sleep started its share of the next product 14 to 34 µs late (AMD EPYC, 4000
// rounds: 272 iterations/s on 2 threads; 40000 rounds: 287 to 329).
constexpr int kSpinRounds = 40000;

void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

}  // namespace

struct ThreadPool::Shared {
  // The loop being run. Written by the caller before it publishes the loop, read by whoever
  // claims one of its ranges: the loop cannot end, nor the next one be written, while a claimed
  // range runs.
  void (*task)(void*, int, int) = nullptr;
  void* ctx = nullptr;
  int count = 0, chunks = 0;
  // The loop's generation (bits 32-63), its number of ranges (16-31) and the next range to hand
  // out (0-15), in one word: a worker that wakes up late can never claim a range of a later loop
  // by mistake, and reads nothing of the loop before its claim succeeds.
  std::atomic<std::uint64_t> claim{0};
  std::atomic<int> unfinished{0};  // ranges 1..chunks-1 not done yet
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};

  std::mutex mutex;  // only for sleeping and waking
  std::condition_variable wake;
  std::mutex loop_mutex;  // one loop at a time when several threads share a pool
  std::vector<std::thread> workers;

  static unsigned generation_of(std::uint64_t word) { return unsigned(word >> 32); }

  // Claims and runs ranges of loop `generation` until none is left.
  void run_ranges(unsigned generation) {
    std::uint64_t word = claim.load(std::memory_order_acquire);
    for (;;) {
      if (generation_of(word) != generation) return;
      const int range = int(word & 0xFFFFu);
      if (range >= int((word >> 16) & 0xFFFFu)) return;
      if (!claim.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire))
        continue;
      task(ctx, range_begin(count, chunks, range), range_begin(count, chunks, range + 1));
      unfinished.fetch_sub(1, std::memory_order_release);
      word = claim.load(std::memory_order_acquire);
    }
  }

  // Waits until the generation differs from `seen`: spins, then sleeps.
  unsigned wait_for_loop(unsigned seen) {
    for (int i = 0; i < kSpinRounds; i++) {
      unsigned g = generation_of(claim.load(std::memory_order_acquire));
      if (g != seen || stop.load(std::memory_order_relaxed)) return g;
      spin_pause();
    }
    std::unique_lock lock(mutex);
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    wake.wait(lock, [&] {
      return generation_of(claim.load(std::memory_order_seq_cst)) != seen || stop.load(std::memory_order_relaxed);
    });
    sleepers.fetch_sub(1, std::memory_order_relaxed);
    return generation_of(claim.load(std::memory_order_acquire));
  }

  void worker_loop() {
    t_inside_loop = true;
    unsigned seen = 0;
    for (;;) {
      seen = wait_for_loop(seen);
      if (stop.load(std::memory_order_relaxed)) return;
      run_ranges(seen);
    }
  }

  // Makes `ranges` ranges of loop `generation` claimable from range 1 on (the caller runs range 0).
  void publish(unsigned generation, int ranges) {
    claim.store(std::uint64_t(generation) << 32 | std::uint64_t(ranges) << 16 | 1u, std::memory_order_seq_cst);
    // A worker that read the old generation under the mutex and is about to sleep has already
    // counted itself in `sleepers` (seq_cst on both sides): it cannot miss this notify.
    if (sleepers.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard lock(mutex);
      wake.notify_all();
    }
  }
};

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(num_threads < 1 ? 1 : num_threads > 0xFFFF ? 0xFFFF : num_threads),
      shared_(std::make_unique<Shared>()) {
  for (int id = 1; id < num_threads_; id++) shared_->workers.emplace_back([s = shared_.get()] { s->worker_loop(); });
}

ThreadPool::~ThreadPool() {
  Shared& s = *shared_;
  s.stop.store(true, std::memory_order_relaxed);
  s.publish(Shared::generation_of(s.claim.load()) + 1, 0);
  for (std::thread& w : s.workers) w.join();
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
  s.task = task;
  s.ctx = ctx;
  s.count = count;
  s.chunks = chunks;
  s.unfinished.store(chunks - 1, std::memory_order_relaxed);
  const unsigned generation = Shared::generation_of(s.claim.load(std::memory_order_relaxed)) + 1;
  s.publish(generation, chunks);
  t_inside_loop = true;
  task(ctx, 0, range_begin(count, chunks, 1));
  s.run_ranges(generation);  // whatever the workers have not started
  t_inside_loop = false;
  // Only ranges that workers are running are left: spin, yielding now and then so that a
  // descheduled worker gets a core back.
  for (int i = 0; s.unfinished.load(std::memory_order_acquire) != 0; i++) {
    if (i % 256 == 255)
      std::this_thread::yield();
    else
      spin_pause();
  }
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
