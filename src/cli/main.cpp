// nnlab: the headless command line of the lab. The same binary runs natively and under node.
#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "core/build_info.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Command kCommands[] = {
    {"info", nn::cli::cmd_info, "build and machine information (SIMD backend, threads)"},
    {"bench", nn::cli::cmd_bench, "benchmark the kernels (GEMM GFLOP/s per backend)"},
    {"nextword", nn::cli::cmd_nextword, "train the next-word LSTM on six sentences"},
    {"charrnn", nn::cli::cmd_charrnn, "train the char-RNN on a text (tiny Shakespeare by default)"},
    {"lenet", nn::cli::cmd_lenet, "train LeNet-5 on MNIST (the classifier that scores the GAN)"},
    {"gan", nn::cli::cmd_gan, "train the MNIST GAN; preview grid, samples, inception score and FD"},
};

void print_usage(FILE* out) {
  std::fprintf(out,
               "nnlab %s - a neural-network lab (headless command line)\n\n"
               "usage: nnlab <command> [options]\n"
               "       nnlab --help | --version\n\n"
               "commands:\n",
               NNLAB_VERSION);
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun `nnlab <command> --help` for the options of one command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage(stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("nnlab %s (%s)\n", NNLAB_VERSION, NNLAB_GIT_REVISION);
    return 0;
  }
  for (const Command& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc - 2, argv + 2);
  std::fprintf(stderr, "nnlab: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return 2;
}
