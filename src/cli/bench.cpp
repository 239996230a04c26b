// `nnlab bench`: GEMM throughput at the shapes the demo layers use, per SIMD backend, as GFLOP/s
// and as a fraction of the machine's peak. Speed is measured here, never asserted in tests.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "core/arena.h"
#include "core/gemm.h"
#include "core/simd.h"
#include "core/thread_pool.h"
#include "core/vec.h"

namespace nn::cli {

namespace {

// A dense layer with batch M, K inputs and N outputs: x (M,K), W (N,K), y (M,N), a batch of rows;
// or, for the GANs' layers, a batch of columns: x (K,M), y (N,M). The shapes in rows: the char-RNN
// head and LSTM gates, the MNIST GAN's layers, and a recurrent layer's products over all its time
// steps (the 2-layer GRU: 100 steps of 32 rows, 128 units, 3 gates): its input projection and its
// weight gradients. In columns: the textbook GAN's 784-pixel layers (D's first over its batch of
// real and generated images, G's last) and the MNIST GAN's G output layer.
struct Shape {
  int M, K, N;
  bool columns = false;
};
constexpr Shape kShapes[] = {{32, 65, 512},         {32, 128, 512},        {64, 784, 512},       {64, 512, 256},
                             {64, 256, 784},        {3200, 128, 384},      {64, 784, 150, true}, {32, 150, 784, true},
                             {64, 512, 784, true}};
constexpr int kBigShapesFrom = 2;  // the shapes also timed on 1 and 2 threads

// The three products of a layer's step, each 2·M·N·K flops.
enum class Pass { Forward, BackwardInput, BackwardWeights };
constexpr Pass kPasses[] = {Pass::Forward, Pass::BackwardInput, Pass::BackwardWeights};

// With which of A and B stored as in op() (N) or transposed (T).
const char* pass_name(Pass p, bool columns) {
  switch (p) {
    case Pass::Forward: return columns ? "y=W*x (N,N)" : "y=x*W^T (N,T)";
    case Pass::BackwardInput: return columns ? "dx=W^T*dy (T,N)" : "dx=dy*W (N,N)";
    case Pass::BackwardWeights: return columns ? "dW+=dy*x^T (N,T)" : "dW+=dy^T*x (T,N)";
  }
  return "";
}

// The peak, as the speed goals define it: threads x 2 FMA units x 8 fp32 lanes x 2 flops x clock,
// for every backend. A CPU with two full 512-bit FMA units can pass it with AVX-512 (up to 200%);
// Zen 4 splits each 512-bit FMA in two halves, so this is its AVX-512 peak too. The clock is
// measured rather than read from /proc/cpuinfo, whose "cpu MHz" is the nominal frequency in a VM
// while the cores run at boost.
constexpr int kFmaUnits = 2, kPeakLanes = 8;

struct Clock {
  double ghz;
  double cpuinfo_mhz;  // 0 when unavailable
};

// A chain of dependent xor+add pairs takes 2 cycles per pair on any x86-64 (1-cycle ALU
// latency), natively and through V8; the constants come from volatiles so nothing folds.
volatile uint32_t g_chain_xor = 0x9e3779b9u, g_chain_add = 7, g_chain_sink;

double measure_clock_ghz() {
  // Many short runs (about 0.5 ms each): on a busy machine some of them run undisturbed.
  double best = 0.0;
  for (int rep = 0; rep < 40; rep++) {
    uint32_t x = uint32_t(rep), a = g_chain_xor, b = g_chain_add;
    const long pairs = 1000000;
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < pairs; i += 4) {
      x = (x ^ a) + b;
      x = (x ^ a) + b;
      x = (x ^ a) + b;
      x = (x ^ a) + b;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    g_chain_sink = x;
    best = std::max(best, 2.0 * pairs / s * 1e-9);  // other load only slows it down
  }
  return best;
}

// Nanoseconds for a cache line to go from one thread to another and back (two threads taking
// turns to bump a counter), the least every fork and join of the thread pool pays. Between two
// cores of one chiplet it is tens of nanoseconds; two virtual cores on different chiplets (or
// sockets) of the host take hundreds, and small products then gain little from a second thread.
std::atomic<int> g_turn{0};

// Spins until the counter reaches `value`, yielding now and then: with both threads on one core
// (a single-core machine, or a process pinned to one) each turn then costs a switch, not a slice.
void wait_for_turn(int value) {
  for (int spins = 1; g_turn.load(std::memory_order_acquire) != value; spins++)
    if (spins % 1024 == 0) std::this_thread::yield();
}

double round_trip_sample_ns() {
  constexpr int kRounds = 50000;
  g_turn.store(0);
  std::thread other([] {
    for (int i = 0; i < kRounds; i++) {
      wait_for_turn(2 * i + 1);
      g_turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; i++) {
    g_turn.store(2 * i + 1, std::memory_order_release);
    wait_for_turn(2 * i + 2);
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  other.join();
  return ns / kRounds;
}

// The host may move virtual cores between its chiplets: a few samples a little apart, sorted.
std::vector<double> measure_round_trips_ns() {
  std::vector<double> samples;
  for (int i = 0; i < 5; i++) {
    samples.push_back(round_trip_sample_ns());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::sort(samples.begin(), samples.end());
  return samples;
}

// One elementwise pass (a bias added) over a batch of 32 rows of 784 on 2 threads, split two ways:
// each thread a block of whole rows, or a stripe of every row (each row cut at a cache line near
// its middle, as the owners' split of a layer's output units cuts a batch stored one sample per
// row). Both move the same bytes; on a host where the stripes cost many times the blocks, a layer
// split by owners pays that on its outputs, which is why the GANs store a batch one sample per
// column (linear_columns_* in core/ops/linear.h).
struct SplitPass {
  double row_blocks_us, column_stripes_us;
};

SplitPass measure_split_pass_us() {
  constexpr int kRows = 32, kWidth = 784, kCalls = 2000;
  FloatBuffer batch(std::size_t(kRows) * kWidth);  // 64-byte aligned, as a run's activations are
  std::vector<float> bias(kWidth, 1e-7f);
  const int saved_threads = num_threads();
  set_num_threads(2);
  auto pass_us = [&](bool stripes) {
    auto one_pass = [&] {
      default_thread_pool().parallel_for(2, [&](int t, int) {
        constexpr int kCut = kWidth / 2 / 16 * 16;  // whole 64-byte lines on either side
        const int rows = stripes ? kRows : kRows / 2, width = stripes ? (t == 0 ? kCut : kWidth - kCut) : kWidth;
        float* first = batch.data() + (stripes ? std::size_t(t) * kCut : std::size_t(t) * rows * kWidth);
        for (int i = 0; i < rows; i++) add_bias_rows(first + std::size_t(i) * kWidth, first + std::size_t(i) * kWidth,
                                                     bias.data(), 1, width);
      });
    };
    std::vector<double> samples;
    for (int rep = 0; rep < 8; rep++) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < kCalls; i++) one_pass();
      samples.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kCalls);
    }
    std::sort(samples.begin() + 1, samples.end());  // the first sample warms up
    return samples[1 + (samples.size() - 1) / 2];   // the median of the other seven
  };
  const SplitPass result{pass_us(false), pass_us(true)};
  set_num_threads(saved_threads);
  return result;
}

double cpuinfo_mhz() {
  FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (!f) return 0.0;
  char line[256];
  double mhz = 0.0;
  while (std::fgets(line, sizeof(line), f))
    if (!std::strncmp(line, "cpu MHz", 7) && std::strchr(line, ':')) {
      mhz = std::atof(std::strchr(line, ':') + 1);
      break;
    }
  std::fclose(f);
  return mhz;
}

struct Result {
  SimdBackend backend;
  Shape shape;
  Pass pass;
  int threads;
  double gflops;       // median sample
  double gflops_best;  // fastest sample: on a shared machine, the one least disturbed by others
};

// The buffers of one shape, shared by its three passes.
struct LayerBuffers {
  std::vector<float> x, w, y, dy, dx, dw;
  explicit LayerBuffers(Shape s)
      : x(size_t(s.M) * s.K), w(size_t(s.N) * s.K), y(size_t(s.M) * s.N), dy(y.size()), dx(x.size()), dw(w.size()) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (auto* v : {&x, &w, &dy})
      for (float& f : *v) f = u(rng);
  }
};

void run_pass(Pass p, Shape s, LayerBuffers& b) {
  const int M = s.M, K = s.K, N = s.N;
  if (s.columns) {
    switch (p) {
      case Pass::Forward: gemm(false, false, N, M, K, 1.0f, b.w.data(), K, b.x.data(), M, 0.0f, b.y.data(), M); break;
      case Pass::BackwardInput: gemm(true, false, K, M, N, 1.0f, b.w.data(), K, b.dy.data(), M, 0.0f, b.dx.data(), M); break;
      case Pass::BackwardWeights: gemm(false, true, N, K, M, 1.0f, b.dy.data(), M, b.x.data(), M, 1.0f, b.dw.data(), K); break;
    }
    return;
  }
  switch (p) {
    case Pass::Forward: gemm(false, true, M, N, K, 1.0f, b.x.data(), K, b.w.data(), K, 0.0f, b.y.data(), N); break;
    case Pass::BackwardInput: gemm(false, false, M, K, N, 1.0f, b.dy.data(), N, b.w.data(), K, 0.0f, b.dx.data(), K); break;
    case Pass::BackwardWeights: gemm(true, false, N, K, M, 1.0f, b.dy.data(), N, b.x.data(), K, 1.0f, b.dw.data(), K); break;
  }
}

struct Speed {
  double median, best;
};

// GFLOP/s over 7 samples of at least 10 ms each, after warm-up calls that also fill the caches
// and allocate the packing buffers.
Speed time_gflops(Pass p, Shape s, LayerBuffers& b) {
  using clock = std::chrono::steady_clock;
  auto seconds_since = [](clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); };
  int calls = 0;
  auto t0 = clock::now();
  do {
    run_pass(p, s, b);
    calls++;
  } while (seconds_since(t0) < 0.01);
  std::vector<double> samples;
  for (int rep = 0; rep < 7; rep++) {
    t0 = clock::now();
    for (int i = 0; i < calls; i++) run_pass(p, s, b);
    samples.push_back(seconds_since(t0) / calls);
  }
  std::sort(samples.begin(), samples.end());
  const double flops = 2.0 * s.M * s.N * s.K;
  return {flops / samples[samples.size() / 2] * 1e-9, flops / samples[0] * 1e-9};
}

double peak_gflops(const Clock& c, int threads) { return threads * kFmaUnits * kPeakLanes * 2.0 * c.ghz; }

std::string result_json(const Result& r, const Clock& c) {
  char buf[400];
  std::snprintf(buf, sizeof(buf),
                "{\"backend\": \"%s\", \"M\": %d, \"K\": %d, \"N\": %d, \"pass\": \"%s\", \"threads\": %d, "
                "\"gflops\": %.2f, \"peak_fraction\": %.3f, \"gflops_best\": %.2f, \"peak_fraction_best\": %.3f}",
                simd_backend_name(r.backend), r.shape.M, r.shape.K, r.shape.N, pass_name(r.pass, r.shape.columns), r.threads, r.gflops,
                r.gflops / peak_gflops(c, r.threads), r.gflops_best, r.gflops_best / peak_gflops(c, r.threads));
  return buf;
}

void print_table(const char* title, const std::vector<Result>& results, const Clock& c) {
  std::printf("\n%s\n%-14s %-12s %-17s %7s %9s %6s %9s %6s\n", title, "backend", "MxKxN", "pass", "threads", "median",
              "peak", "best", "peak");
  for (const Result& r : results) {
    char shape[32];
    std::snprintf(shape, sizeof(shape), "%dx%dx%d", r.shape.M, r.shape.K, r.shape.N);
    const double peak = peak_gflops(c, r.threads);
    std::printf("%-14s %-12s %-17s %7d %9.2f %5.1f%% %9.2f %5.1f%%\n", simd_backend_name(r.backend), shape,
                pass_name(r.pass, r.shape.columns), r.threads, r.gflops, 100.0 * r.gflops / peak, r.gflops_best, 100.0 * r.gflops_best / peak);
  }
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  bool json = false;
  int threads = 1;
  const char* only_backend = nullptr;
  for (int i = 0; i < argc; i++) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
      if (threads < 1) {
        std::fprintf(stderr, "nnlab bench: --threads needs a positive count\n");
        return 2;
      }
    } else if (!std::strcmp(argv[i], "--backend") && i + 1 < argc) {
      only_backend = argv[++i];
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf(
          "usage: nnlab bench [--json] [--threads N] [--backend NAME]\n\n"
          "GEMM GFLOP/s at the demo layer shapes (batch M, inputs K, outputs N), forward and both\n"
          "backward products, on each SIMD backend (or only NAME), with N threads (default 1);\n"
          "then the big shapes on 1 and 2 threads. --json prints one JSON object as the last line.\n"
          "Backends: scalar, avx2+fma (x86-64 with AVX2 and FMA), avx512 (AVX-512 F and DQ),\n"
          "wasm-simd128 (wasm builds).\n");
      return 0;
    } else {
      std::fprintf(stderr, "nnlab bench: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  std::vector<SimdBackend> backends;
  for (SimdBackend b : kAllSimdBackends)
    if (simd_backend_supported(b) && (!only_backend || !std::strcmp(only_backend, simd_backend_name(b))))
      backends.push_back(b);
  if (backends.empty()) {
    std::fprintf(stderr, "nnlab bench: backend '%s' is not available in this build or on this CPU\n", only_backend);
    return 2;
  }
  const SimdBackend saved_backend = simd_backend();
  const int saved_threads = num_threads();
  const Clock clk{measure_clock_ghz(), cpuinfo_mhz()};
  const std::vector<double> round_trips = measure_round_trips_ns();
  const double round_trip_ns = round_trips[round_trips.size() / 2];
  const SplitPass split_pass = measure_split_pass_us();

  std::vector<Result> results, scaling;
  set_num_threads(threads);
  for (SimdBackend b : backends) {
    simd_set_backend(b);
    for (Shape s : kShapes) {
      LayerBuffers buffers(s);
      for (Pass p : kPasses) {
        Speed v = time_gflops(p, s, buffers);
        results.push_back({b, s, p, threads, v.median, v.best});
      }
    }
  }
  // Thread scaling on the fastest backend, the first listed being the scalar reference.
  simd_set_backend(backends.back());
  for (int i = kBigShapesFrom; i < int(std::size(kShapes)); i++) {
    LayerBuffers buffers(kShapes[i]);
    for (Pass p : kPasses)
      for (int t : {1, 2}) {
        set_num_threads(t);
        Speed v = time_gflops(p, kShapes[i], buffers);
        scaling.push_back({backends.back(), kShapes[i], p, t, v.median, v.best});
      }
  }
  simd_set_backend(saved_backend);
  set_num_threads(saved_threads);

#if defined(__EMSCRIPTEN__)
  const char* platform = "wasm";
#else
  const char* platform = "native";
#endif
  const char* peak_formula = "threads x 2 FMA units x 8 fp32 lanes x 2 flops x clock";
  std::printf("nnlab bench (%s): GEMM GFLOP/s, median and best of 7 samples after warm-up\n", platform);
  std::printf("clock: %.2f GHz measured (dependent xor+add chain, 2 cycles per pair); /proc/cpuinfo says %.0f MHz\n",
              clk.ghz, clk.cpuinfo_mhz);
  std::printf("peak:  %s = %.1f GFLOP/s per core, every backend (AVX-512 passes it only with two 512-bit FMA units)\n",
              peak_formula, peak_gflops(clk, 1));
  std::printf("threads: a cache line from one thread to the other and back in %.0f ns, median of 5 (%.0f-%.0f): the\n"
              "         least each fork and join of the pool costs\n",
              round_trip_ns, round_trips.front(), round_trips.back());
  std::printf("         an elementwise pass over a batch of 32 x 784 on 2 threads: %.2f us split into blocks of\n"
              "         whole rows, %.2f us into stripes of every row (the owners' split of a layer's outputs\n"
              "         over a batch of rows; the GANs' batches are columns, each thread's units whole rows)\n",
              split_pass.row_blocks_us, split_pass.column_stripes_us);
  print_table("layer products", results, clk);
  print_table("threads 1 vs 2", scaling, clk);
  if (json) {
    std::string out = "{\"platform\": \"" + std::string(platform) + "\", \"threads\": " + std::to_string(threads);
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  ", \"clock_ghz\": %.3f, \"clock_source\": \"measured: dependent xor+add chain\", "
                  "\"cpuinfo_mhz\": %.1f, \"peak_gflops_per_core\": %.2f, \"thread_round_trip_ns\": %.0f, "
                  "\"split_pass_row_blocks_us\": %.2f, \"split_pass_column_stripes_us\": %.2f",
                  clk.ghz, clk.cpuinfo_mhz, peak_gflops(clk, 1), round_trip_ns, split_pass.row_blocks_us,
                  split_pass.column_stripes_us);
    out += buf;
    out += ", \"peak_formula\": \"" + std::string(peak_formula) + "\", \"gemm\": [";
    for (size_t i = 0; i < results.size(); i++) out += (i ? ", " : "") + result_json(results[i], clk);
    out += "], \"threads_scaling\": [";
    for (size_t i = 0; i < scaling.size(); i++) out += (i ? ", " : "") + result_json(scaling[i], clk);
    out += "]}";
    std::printf("%s\n", out.c_str());
  }
  return 0;
}

}  // namespace nn::cli
