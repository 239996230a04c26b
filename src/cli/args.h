#pragma once
// Command-line flags: `--name value` and bare `--name` switches. Each subcommand declares what it
// reads; anything left over is reported as unknown, so typos never pass silently.
#include <string>
#include <vector>

#include "core/simd.h"
#include "train/train_options.h"

namespace nn::cli {

class Args {
 public:
  Args(int argc, char** argv);

  bool flag(const char* name);  // --name present (consumed)
  // --name VALUE: false if absent; an unparsable value is recorded as an error.
  bool value(const char* name, std::string& out);
  bool value(const char* name, int& out);
  bool value(const char* name, long& out);
  bool value(const char* name, double& out);
  bool value(const char* name, float& out);

  // Records a problem with a value the caller has read (reported by finish()).
  void error(std::string message);

  // Call after reading every flag: prints "nnlab CMD: ..." for unknown flags or bad values.
  bool finish(const char* command);

 private:
  std::vector<std::string> items_;
  std::vector<bool> used_;
  std::vector<std::string> errors_;
  int find(const char* name);
};

// The flags every training subcommand takes: --seed S --lr X --optimizer NAME --threads N
// --backend NAME --warmup N --save FILE --load FILE --json. `options` starts at the demo's defaults.
struct TrainFlags {
  TrainOptions options;
  SimdBackend backend = simd_backend();  // the kernels' instruction set (--backend)
  long warmup = 0;  // untimed steps before the timed ones: benchmarks leave out one-time costs
  std::string save_path, load_path;
  bool json = false;
};
void read_train_flags(Args& args, TrainFlags& flags);
// Puts the process's kernels on the flags' thread count and SIMD backend.
void use_threads_and_backend(const TrainFlags& flags);
extern const char* const kTrainFlagsHelp;  // their description, for --help texts

// The MNIST folder `nnlab gan` and `nnlab lenet` read: --data DIR, else $NNLAB_MNIST_DIR; an error
// for finish() to report when neither names one.
std::string read_mnist_dir(Args& args);
extern const char* const kMnistDataHint;  // what to do when the folder cannot be read

}  // namespace nn::cli
