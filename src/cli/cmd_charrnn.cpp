// `nnlab charrnn`: trains the char-RNN demo on a text (tiny Shakespeare by default), reports
// bits per character on the validation part and prints a sample.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json.h"
#include "cli/progress.h"
#include "core/thread_pool.h"
#include "data/file.h"
#include "train/charrnn_session.h"

namespace nn::cli {

namespace {

constexpr double kTrainFraction = 0.9;

const char* const kHelp =
    "usage: nnlab charrnn [options]\n\n"
    "Trains a character-level RNN on a text (first 90%% train, last 10%% validation) and prints\n"
    "the validation bits per character and a sample.\n\n"
    "  --corpus FILE       UTF-8 text (default $NNLAB_SHAKESPEARE, else\n"
    "                      ../shared/data/tinyshakespeare.txt)\n"
    "  --steps N           training steps (default 2000)\n"
    "  --cell NAME         lstm, gru or rnn (default lstm)\n"
    "  --hidden H          hidden size (default 128)\n"
    "  --layers L          stacked layers, 1 to 3 (default 1)\n"
    "  --seq T             characters per window (default 64)\n"
    "  --batch B           windows per step (default 32)\n"
    "  --sample N          characters to generate at the end (default 200)\n"
    "  --temperature t     sampling temperature, 0 for the most likely character (default 0.8)\n"
    "  --prime TEXT        text the sample continues (default: none)\n"
    "%s\n"
    "Defaults: Adam, --lr 0.002, gradient norm clipped to 5. With --json the last line has\n"
    "chars_per_s (training characters per second of training time), train_bpc (mean of the\n"
    "last 100 steps), val_bpc, sample, steps, train_ms, seed, cell, hidden and the rest.\n";

struct CharRnnFlags {
  std::string corpus;
  long steps = 2000;
  int sample = 200;
  float temperature = 0.8f;
  std::string prime;
  CharRnnConfig config;
  TrainFlags train;
};

bool read_flags(int argc, char** argv, CharRnnFlags& f) {
  Args args(argc, argv);
  const char* env_corpus = std::getenv("NNLAB_SHAKESPEARE");
  f.corpus = env_corpus ? env_corpus : "../shared/data/tinyshakespeare.txt";
  args.value("--corpus", f.corpus);
  if (args.value("--steps", f.steps) && f.steps < 0) args.error("--steps must be 0 or more");
  std::string cell;
  if (args.value("--cell", cell) && !cell_kind_from_name(cell, f.config.cell))
    args.error("--cell must be lstm, gru or rnn, not '" + cell + "'");
  args.value("--hidden", f.config.hidden);
  args.value("--layers", f.config.layers);
  args.value("--seq", f.config.seq);
  args.value("--batch", f.config.batch);
  if (args.value("--sample", f.sample) && f.sample < 0) args.error("--sample must be 0 or more");
  args.value("--temperature", f.temperature);
  args.value("--prime", f.prime);
  f.train.options = charrnn_default_options();
  read_train_flags(args, f.train);
  return args.finish("charrnn");
}

// The mean of the last `count` values: one batch's loss is noisy.
float recent_mean(const MetricSeries& series, size_t count) {
  const size_t n = std::min(count, series.values.size());
  if (n == 0) return 0.0f;
  double sum = 0.0;
  for (size_t i = series.values.size() - n; i < series.values.size(); i++) sum += series.values[i];
  return float(sum / double(n));
}

// Continues `prime` with n characters, as UTF-8.
Status generate(const CharRnnSession& session, const CharRnnFlags& f, std::string& text) {
  std::vector<int> prime;
  if (Status status = charrnn_session_tokens(session, f.prime, prime); !status.ok())
    return Status::failure("--prime: %s", status.error.c_str());
  CharRnnSampler sampler;
  charrnn_sampler_init(sampler, session.config);
  charrnn_sample_reset(sampler, session.model, prime.data(), int(prime.size()));
  Rng rng = rng_seeded(session.options.seed, ~std::uint64_t(0));
  for (int i = 0; i < f.sample; i++)
    text += corpus_char_utf8(session.corpus,
                             charrnn_sample_next(sampler, session.model, f.temperature, rng));
  return Status::success();
}

int fail(const std::string& message) {
  std::fprintf(stderr, "nnlab charrnn: %s\n", message.c_str());
  return 1;
}

}  // namespace

int cmd_charrnn(int argc, char** argv) {
  for (int i = 0; i < argc; i++)
    if (std::string(argv[i]) == "--help") {
      std::printf(kHelp, kTrainFlagsHelp);
      return 0;
    }
  CharRnnFlags f;
  if (!read_flags(argc, argv, f)) return 2;
  use_threads_and_backend(f.train);

  std::vector<std::uint8_t> bytes;
  TextCorpus corpus;
  if (Status s = read_file(f.corpus, bytes, kCorpusMaxBytes); !s.ok()) return fail(s.error);
  if (Status s = corpus_parse(bytes, kTrainFraction, corpus); !s.ok())
    return fail(f.corpus + ": " + s.error);
  CharRnnSession session;
  if (Status s = charrnn_session_init(session, f.config, std::move(corpus), f.train.options);
      !s.ok())
    return fail(f.corpus + ": " + s.error);
  if (!f.train.load_path.empty())
    if (Status s = charrnn_session_load(session, f.train.load_path); !s.ok()) return fail(s.error);

  for (long w = 0; w < f.train.warmup; w++)
    if (Status s = charrnn_session_step(session); !s.ok()) return fail(s.error);
  // Only the steps are timed: validation and sampling are not training.
  Progress progress("charrnn", f.steps);
  double train_seconds = 0.0;
  long steps_done = 0;
  for (; steps_done < f.steps; steps_done++) {
    auto start = std::chrono::steady_clock::now();
    Status s = charrnn_session_step(session);
    train_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!s.ok()) return fail(s.error);
    progress.update(steps_done + 1, [&] {
      char status[48];
      std::snprintf(status, sizeof status, "%.3f bits/char", session.train_bpc.last());
      return std::string(status);
    });
  }
  progress.finish();

  const CharRnnConfig& c = session.config;
  const double chars_per_s =
      train_seconds > 0.0 ? double(steps_done) * c.batch * c.seq / train_seconds : 0.0;
  const float train_bpc = recent_mean(session.train_bpc, 100);
  const float val_bpc = charrnn_session_validate(session);
  std::string sample;
  if (Status s = generate(session, f, sample); !s.ok()) return fail(s.error);
  if (!f.train.save_path.empty())
    if (Status s = charrnn_session_save(session, f.train.save_path); !s.ok()) return fail(s.error);

  if (f.train.json) {
    JsonObject json;
    json.string("cell", cell_name(c.cell))
        .integer("layers", c.layers)
        .integer("hidden", c.hidden)
        .integer("seq", c.seq)
        .integer("batch", c.batch)
        .integer("vocab", c.vocab)
        .string("optimizer", optimizer_name(session.options.optimizer.kind))
        .number("lr", session.options.optimizer.lr)
        .integer("seed", long(session.options.seed))
        .integer("threads", f.train.options.threads)
        .string("backend", simd_backend_name(simd_backend()))
        .integer("warmup", f.train.warmup)
        .integer("steps", steps_done)
        .integer("step", long(session.step))
        .number("train_ms", train_seconds * 1e3)
        .number("chars_per_s", chars_per_s)
        .number("train_bpc", train_bpc)
        .number("val_bpc", val_bpc)
        .string("sample", sample);
    std::printf("%s\n", json.text().c_str());
  } else {
    std::printf("%s %dx%d, %ld steps of %dx%d characters in %.1f s (%.0f chars/s)\n",
                cell_name(c.cell), c.layers, c.hidden, steps_done, c.batch, c.seq, train_seconds,
                chars_per_s);
    std::printf("train %.3f bits/char (last 100 steps), validation %.3f bits/char\n\n%s%s\n",
                train_bpc, val_bpc, f.prime.c_str(), sample.c_str());
  }
  return 0;
}

}  // namespace nn::cli
