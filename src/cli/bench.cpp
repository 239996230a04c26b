// `nnlab bench`: kernel throughput. Speed is measured here, never asserted in tests.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cli/commands.h"
#include "core/gemm.h"
#include "core/simd.h"

namespace nn::cli {

int cmd_bench(int argc, char** argv) {
  bool json = false;
  for (int i = 0; i < argc; i++) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: nnlab bench [--json]\n\nGEMM GFLOP/s at the shapes the demos use.\n");
      return 0;
    } else {
      std::fprintf(stderr, "nnlab bench: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  const int M = 64, N = 512, K = 784;
  std::vector<float> A(M * K, 0.5f), B(K * N, 0.25f), C(M * N);
  int reps = 0;
  auto t0 = std::chrono::steady_clock::now();
  double seconds = 0;
  do {
    gemm(false, false, M, N, K, 1.0f, A.data(), K, B.data(), N, 0.0f, C.data(), N);
    reps++;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (seconds < 0.3);
  double gflops = 2.0 * M * N * K * reps / seconds * 1e-9;
  const char* simd = simd_backend_name(simd_backend());
  if (json)
    std::printf("{\"simd\": \"%s\", \"gemm\": [{\"M\": %d, \"N\": %d, \"K\": %d, \"gflops\": %.3f}]}\n", simd, M, N, K, gflops);
  else
    std::printf("gemm %dx%dx%d (%s): %.2f GFLOP/s\n", M, N, K, simd, gflops);
  return 0;
}

}  // namespace nn::cli
