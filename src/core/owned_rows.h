#pragma once
// Owner computes: on T threads, thread t owns the same rows of every weight matrix (a layer's
// output units) for the whole of training. It computes them in the forward product and in the
// weight gradient, and it updates them in the optimizer, so a weight, its gradient and its
// optimizer state stay in one core's cache from step to step.
//
// Why it pays: handing a cache line from one core to the other is cheap (AMD EPYC, 2 cores: ~2
// ns a line), but a line that both cores have read and one then writes is not (~12 ns a line to
// take back the other copy). A GAN step whose products split weights one way and whose optimizer
// splits them another pays that on every weight, twice a step.
#include <algorithm>

#include "core/thread_pool.h"

namespace nn {

struct RowRange {
  int begin, end;
  int size() const { return end - begin; }
};

// Rows go out in blocks of 16: whole micro-tiles of the GEMM kernels' packed products (4 or 8 rows;
// AVX2's in-place tiles are 6 rows, and a share ends in a partial one), and whole cache lines of a
// layer's output when its width is a multiple of 16.
inline constexpr int kOwnedRowBlock = 16;

// A matrix smaller than this is not split: thread 0 owns it whole. Its products cost less than
// the split would save (AMD EPYC, 2 threads: a GAN's 100x150 layer, batch 64, forward 11.2 µs on
// one thread, 9.5 µs on two), and the optimizer leaves its rows where the products ran.
inline constexpr long kOwnedSplitMinFloats = 16384;

inline bool owners_split(int rows, int row_floats, int threads) {
  return threads > 1 && static_cast<long>(rows) * row_floats >= kOwnedSplitMinFloats;
}

// Thread t's rows of a (rows, row_floats) matrix on `threads` threads; empty for some t when
// there are fewer blocks than threads, and for every t but 0 when the matrix is not split.
inline RowRange owned_rows(int rows, int row_floats, int t, int threads) {
  if (!owners_split(rows, row_floats, threads)) return t == 0 ? RowRange{0, rows} : RowRange{0, 0};
  const int blocks = (rows + kOwnedRowBlock - 1) / kOwnedRowBlock;
  auto edge = [&](int i) { return std::min(rows, int(static_cast<long long>(blocks) * i / threads) * kOwnedRowBlock); };
  return {edge(t), edge(t + 1)};
}

// fn(t) for every thread t of the default pool, on that thread: range t of a parallel_for of
// num_threads() ranges. On 2 threads the worker always takes range 1; on more, workers take the
// ranges in the order they arrive, so ownership holds for the calling thread's range only.
template <class Fn>
void for_each_owner(Fn&& fn) {
  ThreadPool& pool = default_thread_pool();
  pool.parallel_for(pool.num_threads(), [&](int t0, int t1) {
    for (int t = t0; t < t1; t++) fn(t);
  });
}

// fn(RowRange) once per thread with the rows it owns of a (rows, row_floats) matrix, on that
// thread; once with all the rows, on the calling thread, when the matrix is not split.
template <class Fn>
void for_each_owned_rows(int rows, int row_floats, Fn&& fn) {
  const int threads = num_threads();
  if (!owners_split(rows, row_floats, threads)) {
    fn(RowRange{0, rows});
    return;
  }
  for_each_owner([&](int t) {
    if (RowRange r = owned_rows(rows, row_floats, t, threads); r.size() > 0) fn(r);
  });
}

}  // namespace nn
