// `nnlab nextword`: trains the next-word LSTM on the six sentences and shows what it predicts.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json.h"
#include "cli/progress.h"
#include "core/checkpoint.h"
#include "core/thread_pool.h"
#include "data/file.h"
#include "train/nextword_session.h"

namespace nn::cli {

namespace {

constexpr long kDefaultEpochs = 500;
constexpr long kMaxEpochs = 1'000'000;  // the loss history keeps every epoch: 8 MB at most
constexpr std::size_t kMaxCheckpointBytes = std::size_t(16) << 20;

const char* const kHelp =
    "usage: nnlab nextword [options]\n\n"
    "Trains the next-word LSTM: six three-word sentences (\"i like dog\", ...), one LSTM layer of\n"
    "5 units reads the first two words one-hot, a linear layer and softmax predict the third.\n"
    "Full-batch epochs, Adam with learning rate 0.01 unless told otherwise. Prints the loss and the\n"
    "predicted third word of every sentence; the exit code is 1 if training diverges.\n\n"
    "options:\n"
    "  --epochs N          full-batch epochs to train (default 500)\n";

Status load_checkpoint(NextWordSession& session, const std::string& path) {
  std::vector<std::uint8_t> bytes;
  if (Status read = read_file(path, bytes, kMaxCheckpointBytes); !read.ok()) return read;
  if (Status loaded = nextword_session_load(session, bytes); !loaded.ok())
    return Status::failure("cannot resume from '%s': %s", path.c_str(), loaded.error.c_str());
  return Status::success();
}

// Trains `epochs` epochs; returns the wall time of the loop alone in *train_ms. The warm-up runs
// through this same loop: under V8, a wasm function is recompiled by the optimizing tier only after
// it has run a while, and this loop is what the timed epochs run in.
Status train(NextWordSession& session, const char* label, long epochs, double* train_ms) {
  Progress progress(label, epochs);
  auto start = std::chrono::steady_clock::now();
  Status status;
  for (long e = 0; e < epochs && status.ok(); e++) {
    status = nextword_session_step(session);
    progress.update(e + 1, [&] {
      char loss[32];
      std::snprintf(loss, sizeof loss, "loss %.4f", session.loss.last());
      return std::string(loss);
    });
  }
  *train_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  return status;
}

void print_report(const NextWordSession& session, long epochs, double train_ms) {
  const TrainOptions& o = session.options;
  std::printf("next-word LSTM, hidden %d: %ld epochs of %s (lr %g), seed %llu, in %.1f ms\n",
              session.model.config.hidden, epochs, optimizer_name(o.optimizer.kind), o.optimizer.lr,
              static_cast<unsigned long long>(o.seed), train_ms);
  if (!session.loss.empty())
    std::printf("loss %.4f at epoch %ld (%.4f at the first epoch of this run)\n", session.loss.last(),
                session.epoch, session.loss.values.front());
  int tokens[kSixSentencesCount][3];
  six_sentences_tokens(tokens);
  std::array<int, kNextWordSentences> predicted = nextword_session_predictions(session);
  for (int s = 0; s < kNextWordSentences; s++) {
    bool right = predicted[s] == tokens[s][2];
    std::printf("  %-4s %-5s -> %-7s %s\n", kSixSentencesVocabulary[tokens[s][0]],
                kSixSentencesVocabulary[tokens[s][1]], kSixSentencesVocabulary[predicted[s]],
                right ? "right" : "wrong");
  }
  std::printf("%d/%d correct\n", nextword_session_correct(session), kNextWordSentences);
}

void print_json(const NextWordSession& session, long epochs, long warmup, double train_ms) {
  std::vector<std::string> words;
  for (int w : nextword_session_predictions(session)) words.push_back(kSixSentencesVocabulary[w]);
  JsonObject json;
  json.string("command", "nextword")
      .integer("epochs", epochs)
      .integer("warmup", warmup)
      .integer("seed", long(session.options.seed))
      .string("optimizer", optimizer_name(session.options.optimizer.kind))
      .number("lr", session.options.optimizer.lr)
      .integer("threads", num_threads())
      .string("backend", simd_backend_name(simd_backend()))
      .number("loss", session.loss.last())
      .number("train_ms", train_ms)
      .strings("predictions", words)
      .integer("correct", nextword_session_correct(session));
  std::printf("%s\n", json.text().c_str());
}

}  // namespace

int cmd_nextword(int argc, char** argv) {
  Args args(argc, argv);
  if (args.flag("--help")) {
    std::printf("%s%s", kHelp, kTrainFlagsHelp);
    return 0;
  }
  long epochs = kDefaultEpochs;
  if (args.value("--epochs", epochs) && (epochs < 1 || epochs > kMaxEpochs))
    args.error("--epochs must be between 1 and " + std::to_string(kMaxEpochs));
  TrainFlags flags;
  flags.options = nextword_default_options();
  read_train_flags(args, flags);
  if (!args.finish("nextword")) return 2;
  use_threads_and_backend(flags);

  NextWordSession session;
  Status status = nextword_session_init(session, flags.options);
  if (status.ok() && !flags.load_path.empty()) status = load_checkpoint(session, flags.load_path);
  double warmup_ms = 0.0, train_ms = 0.0;
  if (status.ok() && flags.warmup > 0) status = train(session, "warm-up", flags.warmup, &warmup_ms);
  if (status.ok()) status = train(session, "nextword", epochs, &train_ms);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab nextword: %s\n", status.error.c_str());
    return 1;
  }
  nextword_session_evaluate(session);  // predictions of the final parameters
  if (!flags.save_path.empty()) {
    status = checkpoint_save_file(flags.save_path, nextword_arch(session.model.config),
                                  session.model.params, session.optim);
    if (!status.ok()) {
      std::fprintf(stderr, "nnlab nextword: %s\n", status.error.c_str());
      return 1;
    }
  }
  if (flags.json)
    print_json(session, epochs, flags.warmup, train_ms);
  else
    print_report(session, epochs, train_ms);
  return 0;
}

}  // namespace nn::cli
