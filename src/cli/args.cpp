#include "cli/args.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/env.h"
#include "core/thread_pool.h"

namespace nn::cli {

Args::Args(int argc, char** argv) : items_(argv, argv + argc), used_(std::size_t(argc), false) {}

int Args::find(const char* name) {
  for (std::size_t i = 0; i < items_.size(); i++)
    if (!used_[i] && items_[i] == name) return int(i);
  return -1;
}

bool Args::flag(const char* name) {
  int i = find(name);
  if (i < 0) return false;
  used_[std::size_t(i)] = true;
  return true;
}

bool Args::value(const char* name, std::string& out) {
  int i = find(name);
  if (i < 0) return false;
  used_[std::size_t(i)] = true;
  if (std::size_t(i) + 1 >= items_.size()) {
    errors_.push_back(std::string(name) + " needs a value");
    return false;
  }
  used_[std::size_t(i) + 1] = true;
  out = items_[std::size_t(i) + 1];
  return true;
}

namespace {

template <class T, class Parse>
bool parse_number(Args& args, const char* name, T& out, std::vector<std::string>& errors, Parse parse) {
  std::string text;
  if (!args.value(name, text)) return false;
  char* end = nullptr;
  auto parsed = parse(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    errors.push_back(std::string(name) + " expects a number, not '" + text + "'");
    return false;
  }
  out = T(parsed);
  return true;
}

}  // namespace

bool Args::value(const char* name, long& out) {
  return parse_number(*this, name, out, errors_, [](const char* s, char** e) { return std::strtol(s, e, 10); });
}
bool Args::value(const char* name, int& out) {
  long v = out;
  if (!value(name, v)) return false;
  out = int(v);
  return true;
}
bool Args::value(const char* name, double& out) {
  return parse_number(*this, name, out, errors_, [](const char* s, char** e) { return std::strtod(s, e); });
}
bool Args::value(const char* name, float& out) {
  double v = out;
  if (!value(name, v)) return false;
  out = float(v);
  return true;
}

void Args::error(std::string message) { errors_.push_back(std::move(message)); }

bool Args::finish(const char* command) {
  for (std::size_t i = 0; i < items_.size(); i++)
    if (!used_[i]) errors_.push_back("unknown option '" + items_[i] + "'");
  for (const std::string& e : errors_) std::fprintf(stderr, "nnlab %s: %s\n", command, e.c_str());
  if (!errors_.empty()) std::fprintf(stderr, "Run `nnlab %s --help` for its options.\n", command);
  return errors_.empty();
}

const char* const kTrainFlagsHelp =
    "  --seed S            random seed (default 0)\n"
    "  --lr X              learning rate\n"
    "  --optimizer NAME    sgd, momentum, nesterov, rmsprop or adam\n"
    "  --threads N         worker threads for the large matrix products (default 1)\n"
    "  --backend NAME      the kernels' instruction set: avx512, avx2+fma or scalar natively,\n"
    "                      wasm-simd128 or scalar in wasm (default: the widest there is), to\n"
    "                      compare them on one machine\n"
    "  --warmup N          train N steps before the timed ones (default 0; for benchmarks)\n"
    "  --save FILE         write a checkpoint at the end\n"
    "  --load FILE         resume from a checkpoint\n"
    "  --json              print the results as one JSON object on the last line\n";

void read_train_flags(Args& args, TrainFlags& flags) {
  long seed = long(flags.options.seed);
  if (args.value("--seed", seed)) flags.options.seed = std::uint64_t(seed);
  args.value("--lr", flags.options.optimizer.lr);
  std::string optimizer;
  if (args.value("--optimizer", optimizer) && !optimizer_kind_from_name(optimizer, flags.options.optimizer.kind))
    args.error("--optimizer must be sgd, momentum, nesterov, rmsprop or adam, not '" + optimizer + "'");
  if (flags.options.optimizer.lr <= 0.0) args.error("--lr must be positive");
  if (args.value("--threads", flags.options.threads) && (flags.options.threads < 1 || flags.options.threads > 64))
    args.error("--threads must be between 1 and 64");
  std::string backend;
  if (args.value("--backend", backend)) {
    if (!simd_backend_from_name(backend.c_str(), flags.backend))
      args.error("--backend must be avx512, avx2+fma, scalar or wasm-simd128, not '" + backend + "'");
    else if (!simd_backend_supported(flags.backend))
      args.error("--backend " + backend + " is not available in this build or on this CPU");
  }
  if (args.value("--warmup", flags.warmup) && (flags.warmup < 0 || flags.warmup > 1'000'000))
    args.error("--warmup must be between 0 and 1000000");
  args.value("--save", flags.save_path);
  args.value("--load", flags.load_path);
  flags.json = args.flag("--json");
}

std::string read_mnist_dir(Args& args) {
  std::string dir = env_var("NNLAB_MNIST_DIR");
  args.value("--data", dir);
  if (dir.empty()) args.error("no MNIST folder: pass --data DIR or set NNLAB_MNIST_DIR (scripts/setup.sh fetches it)");
  return dir;
}

const char* const kMnistDataHint = "pass --data DIR with the four MNIST idx files (scripts/setup.sh fetches them)";

void use_threads_and_backend(const TrainFlags& flags) {
  set_num_threads(flags.options.threads);
  simd_set_backend(flags.backend);
}

}  // namespace nn::cli
