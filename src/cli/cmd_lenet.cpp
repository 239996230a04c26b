// `nnlab lenet`: trains LeNet-5 on MNIST and saves it, the classifier `nnlab gan` scores with.
#include <chrono>
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json.h"
#include "cli/progress.h"
#include "core/thread_pool.h"
#include "train/lenet_session.h"

namespace nn::cli {

namespace {

const char* const kUsage =
    "usage: nnlab lenet [--data DIR] [--epochs E] [options]\n\n"
    "Trains LeNet-5 on MNIST (Adam 1e-3, batch 64, the last epoch at a tenth of the learning\n"
    "rate) and reports its test accuracy.\n"
    "The checkpoint it saves is what `nnlab gan` scores generated digits with.\n\n"
    "  --data DIR          MNIST idx files (default $NNLAB_MNIST_DIR)\n"
    "  --epochs E          passes over the 60,000 training images (default 4)\n"
    "  --save FILE         checkpoint to write (default build/lenet.ckpt)\n";

}  // namespace

int cmd_lenet(int argc, char** argv) {
  Args args(argc, argv);
  if (args.flag("--help")) {
    std::printf("%s%s", kUsage, kTrainFlagsHelp);
    return 0;
  }
  TrainFlags flags;
  flags.options = lenet_default_options();
  flags.save_path = "build/lenet.ckpt";
  read_train_flags(args, flags);
  const std::string data_dir = read_mnist_dir(args);
  int epochs = 4;
  if (args.value("--epochs", epochs) && epochs < 0) args.error("--epochs must be 0 or more");
  if (!args.finish("lenet")) return 2;
  use_threads_and_backend(flags);

  MnistSet train, test;
  Status status = mnist_load_dir(data_dir, "train", train);
  if (status.ok()) status = mnist_load_dir(data_dir, "t10k", test);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab lenet: %s; %s\n", status.error.c_str(), kMnistDataHint);
    return 1;
  }
  LenetSession session;
  status = lenet_session_init(session, LenetConfig{}, std::move(train), flags.options);
  if (status.ok() && !flags.load_path.empty()) status = lenet_session_load(session, flags.load_path);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab lenet: %s\n", status.error.c_str());
    return 1;
  }

  const long per_epoch = lenet_session_iterations_per_epoch(session), total = epochs * per_epoch;
  const double base_lr = session.options.optimizer.lr;
  Progress progress("lenet", total);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < total; i++) {
    // A last epoch at a tenth of the rate settles the weights into the minimum Adam circles.
    bool last_epoch = epochs > 1 && i >= total - per_epoch;
    session.options.optimizer.lr = last_epoch ? base_lr / 10 : base_lr;
    if (status = lenet_session_step(session); !status.ok()) break;
    progress.update(i + 1, [&] { return "loss " + std::to_string(session.loss.last()); });
  }
  double train_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab lenet: %s\n", status.error.c_str());
    return 1;
  }
  double accuracy = lenet_accuracy(session.model, test);
  if (status = lenet_session_save(session, flags.save_path); !status.ok()) {
    std::fprintf(stderr, "nnlab lenet: %s\n", status.error.c_str());
    return 1;
  }
  if (flags.json) {
    JsonObject json;
    json.string("command", "lenet")
        .integer("epochs", epochs)
        .integer("iterations", session.iteration)
        .number("train_ms", train_ms)
        .number("loss", session.loss.last())
        .number("test_accuracy", accuracy)
        .string("checkpoint", flags.save_path);
    std::printf("%s\n", json.text().c_str());
  } else {
    std::printf("LeNet-5: test accuracy %.2f%% after %d epochs (%ld iterations, %.1f s); saved %s\n",
                100.0 * accuracy, epochs, session.iteration, train_ms / 1000.0, flags.save_path.c_str());
  }
  return 0;
}

}  // namespace nn::cli
