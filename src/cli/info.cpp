// `nnlab info`: what this build is and what it runs on.
#include <cstdio>
#include <cstring>
#include <thread>

#include "cli/commands.h"
#include "core/build_info.h"
#include "core/simd.h"

namespace nn::cli {

int cmd_info(int argc, char** argv) {
  bool json = false;
  for (int i = 0; i < argc; i++) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: nnlab info [--json]\n\nPrints the version, the SIMD backend in use and the threads available.\n");
      return 0;
    } else {
      std::fprintf(stderr, "nnlab info: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
#if defined(__EMSCRIPTEN__)
  const char* platform = "wasm";
#else
  const char* platform = "native";
#endif
  const char* simd = simd_backend_name(simd_backend());
  unsigned threads = std::thread::hardware_concurrency();
  if (json) {
    std::printf("{\"version\": \"%s\", \"revision\": \"%s\", \"platform\": \"%s\", \"simd\": \"%s\", \"threads\": %u}\n",
                NNLAB_VERSION, NNLAB_GIT_REVISION, platform, simd, threads);
  } else {
    std::printf("nnlab %s (%s, %s build)\nplatform: %s\nsimd:     %s\nthreads:  %u\n", NNLAB_VERSION,
                NNLAB_GIT_REVISION, NNLAB_BUILD_TYPE, platform, simd, threads);
  }
  return 0;
}

}  // namespace nn::cli
