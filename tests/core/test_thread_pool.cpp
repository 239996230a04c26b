// The thread pool: every index runs exactly once, ranges follow the documented split, nested
// loops run inline, and the default pool can be resized.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_pool.h"

TEST_CASE("parallel_for covers every index exactly once, for any count and thread count") {
  for (int threads : {1, 2, 3, 4}) {
    nn::ThreadPool pool(threads);
    CHECK(pool.num_threads() == threads);
    for (int count : {0, 1, 2, 3, 5, 64, 1001}) {
      CAPTURE(threads); CAPTURE(count);
      std::vector<std::atomic<int>> hits(count);
      std::atomic<int> calls{0};
      pool.parallel_for(count, [&](int begin, int end) {
        calls++;
        for (int i = begin; i < end; i++) hits[i]++;
      });
      for (int i = 0; i < count; i++) REQUIRE(hits[i] == 1);
      CHECK(calls == std::min(count, threads));
    }
  }
}

TEST_CASE("parallel_for splits into contiguous ranges, the same every time; the caller runs range 0") {
  nn::ThreadPool pool(3);
  std::mutex m;
  std::vector<std::pair<int, int>> ranges;
  for (int rep = 0; rep < 20; rep++) {
    ranges.clear();
    pool.parallel_for(10, [&](int begin, int end) {
      std::lock_guard lock(m);
      ranges.push_back({begin, end});
    });
    std::sort(ranges.begin(), ranges.end());
    CHECK(ranges == std::vector<std::pair<int, int>>{{0, 3}, {3, 6}, {6, 10}});
  }
  // The caller runs range 0 itself.
  std::thread::id first;
  pool.parallel_for(3, [&](int begin, int) {
    if (begin == 0) first = std::this_thread::get_id();
  });
  CHECK(first == std::this_thread::get_id());
}

TEST_CASE("a parallel_for inside a task runs inline instead of deadlocking") {
  nn::ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.parallel_for(4, [&](int begin, int end) {
    for (int i = begin; i < end; i++)
      pool.parallel_for(10, [&](int b, int e) { total += e - b; });
  });
  CHECK(total == 40);
}

TEST_CASE("the default pool starts with 1 thread and can be resized") {
  CHECK(nn::num_threads() == 1);
  nn::set_num_threads(3);
  CHECK(nn::num_threads() == 3);
  std::atomic<int> sum{0};
  nn::default_thread_pool().parallel_for(100, [&](int b, int e) {
    for (int i = b; i < e; i++) sum += i;
  });
  CHECK(sum == 4950);
  nn::set_num_threads(0);
  CHECK(nn::num_threads() == 1);
}

TEST_CASE("back-to-back loops, with workers spinning, sleeping or late, each run every range once") {
  // Ranges are handed out by claims that carry the loop's generation: a worker waking up late
  // must never run a range of the wrong loop, nor a range twice.
  nn::ThreadPool pool(3);
  std::vector<int> hits(7);
  for (int loop = 0; loop < 20000; loop++) {
    std::fill(hits.begin(), hits.end(), 0);
    pool.parallel_for(7, [&](int begin, int end) {
      for (int i = begin; i < end; i++) hits[i]++;
    });
    for (int i = 0; i < 7; i++) REQUIRE(hits[i] == 1);
    if (loop % 5000 == 4999) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let them sleep
  }
}
