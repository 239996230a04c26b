// `nnlab gan`: trains the MNIST GAN, writes a preview grid and samples, and scores the generator
// with the LeNet-5 that `nnlab lenet` saved. Also scores samples made elsewhere (the PyTorch peer).
#include <algorithm>
#include <chrono>
#include <cmath>
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
#include "data/idx.h"
#include "data/png.h"
#include "train/gan_scores.h"
#include "train/gan_session.h"
#include "train/lenet_session.h"

namespace nn::cli {

namespace {

const char* const kUsage =
    "usage: nnlab gan [--model NAME] [--data DIR] [--epochs E | --iters N] [--k K] [options]\n"
    "       nnlab gan --score-samples FILE [--lenet FILE] [--data DIR] [--json]\n\n"
    "Trains an MNIST GAN of two MLPs and scores 1000 samples with LeNet-5: inception score\n"
    "(up to 10) and Frechet distance to the test set (lower is better).\n\n"
    "  --model NAME             default: z 100, 256-512 / 512-256 LeakyReLU(0.2), tanh, pixels\n"
    "                           in [-1, 1], Adam 2e-4 beta1 0.5, batch 64\n"
    "                           textbook: z 30, 100-150 / 150-100 SELU, sigmoid, pixels in\n"
    "                           [0, 1], RMSprop 1e-3, batch 32\n"
    "                           (--lr and --optimizer override the model's optimizer)\n"
    "  --data DIR               MNIST idx files (default $NNLAB_MNIST_DIR)\n"
    "  --epochs E               epochs of real images to train on (default 3)\n"
    "  --iters N                generator updates to train for, instead of --epochs\n"
    "  --k K                    discriminator updates per generator update (default 1)\n"
    "  --lenet FILE             LeNet-5 checkpoint for the scores (default build/lenet.ckpt)\n"
    "  --no-scores              skip the scores (benchmarks: no LeNet, no test set in memory)\n"
    "  --out FILE               write the 8x8 preview grid as a PNG\n"
    "  --export-samples N FILE  write N generated images as an idx3 file of bytes\n"
    "  --score-samples FILE     only score the images of an idx3 file (N, 28, 28)\n\n"
    "With --json the last line has model, iters_per_s, d_loss, g_loss, d_real, d_fake (means\n"
    "over the last 100 iterations), inception_score and frechet_distance (null without a LeNet).\n\n";

constexpr int kScoreSamples = 1000;
constexpr long kLossWindow = 100;  // losses are reported as means over the last iterations
constexpr std::size_t kMaxSampleFileBytes = std::size_t(256) << 20;

struct GanFlags {
  TrainFlags train;
  std::string model = "default";
  GanConfig config;  // the model's
  std::string data_dir, lenet_path = "build/lenet.ckpt", grid_path, export_path, score_path;
  bool lenet_given = false;
  bool no_scores = false;  // benchmarks: no LeNet, no test set in memory
  int epochs = 3, k = 1, export_count = 0;
  long iters = -1;
};

// Pixels in `range` as the bytes of an image file.
std::vector<std::uint8_t> to_bytes(const std::vector<float>& pixels, PixelRange range) {
  std::vector<std::uint8_t> bytes(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); i++)
    bytes[i] = std::uint8_t(std::clamp(std::round(pixel_rescale(pixels[i], range, kBytePixels)), 0.0f, 255.0f));
  return bytes;
}

Status write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::failure("cannot write '%s'", path.c_str());
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) return Status::failure("cannot write '%s'", path.c_str());
  return Status::success();
}

double window_mean(const MetricSeries& series) {
  std::size_t n = series.values.size(), from = n > std::size_t(kLossWindow) ? n - kLossWindow : 0;
  if (n == 0) return NAN;
  double sum = 0.0;
  for (std::size_t i = from; i < n; i++) sum += series.values[i];
  return sum / double(n - from);
}

// LeNet and the test set's feature statistics, the reference the scores compare against.
struct Scorer {
  LenetModel lenet;
  FeatureStats real;
};

Status scorer_load(const GanFlags& f, Scorer& scorer) {
  Rng unused = rng_seeded(0);
  lenet_model_init(scorer.lenet, LenetConfig{}, unused);
  if (Status status = lenet_load_weights(scorer.lenet, f.lenet_path); !status.ok())
    return Status::failure("LeNet checkpoint: %s", status.error.c_str());
  MnistSet test;
  if (Status status = mnist_load_dir(f.data_dir, "t10k", test); !status.ok()) return status;
  scorer.real = lenet_feature_stats(scorer.lenet, test, 0);
  return Status::success();
}

// `--export-samples N FILE` takes two values, which Args does not read: it is taken out of the
// arguments first. Returns false with a message on a malformed use.
bool take_export_flag(std::vector<char*>& argv, GanFlags& f) {
  for (std::size_t i = 0; i < argv.size(); i++) {
    if (std::string(argv[i]) != "--export-samples") continue;
    char* end = nullptr;
    long count = i + 2 < argv.size() ? std::strtol(argv[i + 1], &end, 10) : 0;
    if (i + 2 >= argv.size() || *end != '\0' || count < 1 || count > 1000000) {
      std::fprintf(stderr, "nnlab gan: --export-samples expects a count (1 to 1000000) and a file\n");
      return false;
    }
    f.export_count = int(count);
    f.export_path = argv[i + 2];
    argv.erase(argv.begin() + std::ptrdiff_t(i), argv.begin() + std::ptrdiff_t(i + 3));
    return true;
  }
  return true;
}

bool parse_flags(Args& args, GanFlags& f) {
  // The model comes first: its optimizer is where --lr and --optimizer start from.
  args.value("--model", f.model);
  f.train.options = gan_default_options();
  if (f.model == "textbook") {
    f.config = gan_config_textbook();
    f.train.options = gan_textbook_options();
  } else if (f.model != "default") {
    args.error("--model must be default or textbook, not '" + f.model + "'");
  }
  read_train_flags(args, f.train);
  f.data_dir = read_mnist_dir(args);
  if (args.value("--epochs", f.epochs) && f.epochs < 0) args.error("--epochs must be 0 or more");
  if (args.value("--iters", f.iters) && f.iters < 0) args.error("--iters must be 0 or more");
  if (args.value("--k", f.k) && f.k < 1) args.error("--k must be at least 1");
  f.lenet_given = args.value("--lenet", f.lenet_path);
  f.no_scores = args.flag("--no-scores");
  args.value("--out", f.grid_path);
  args.value("--score-samples", f.score_path);
  return args.finish("gan");
}

// Scores an idx3 file of 28x28 byte images made by another tool.
int score_file(const GanFlags& f) {
  std::vector<std::uint8_t> bytes;
  IdxArray samples;
  Status status = read_file(f.score_path, bytes, kMaxSampleFileBytes);
  if (status.ok()) status = idx_parse(bytes, samples, kMaxSampleFileBytes);
  if (status.ok() && (samples.dims.size() != 3 || samples.dims[1] != kMnistSide || samples.dims[2] != kMnistSide))
    status = Status::failure("expected an idx3 file of (N, 28, 28) images");
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s: %s\n", f.score_path.c_str(), status.error.c_str());
    return 1;
  }
  Scorer scorer;
  const int n = samples.dims[0];
  std::vector<float> images(samples.values.size());
  for (std::size_t i = 0; i < images.size(); i++)
    images[i] = pixel_rescale(samples.values[i], kBytePixels, PixelRange{});
  GanScores scores{};
  status = scorer_load(f, scorer);
  if (status.ok()) status = gan_scores(scorer.lenet, images.data(), n, scorer.real, scores);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
    return 1;
  }
  if (f.train.json) {
    JsonObject json;
    json.string("command", "gan-score").string("samples_file", f.score_path).integer("samples", n)
        .number("inception_score", scores.inception_score).number("frechet_distance", scores.frechet_distance);
    std::printf("%s\n", json.text().c_str());
  } else {
    std::printf("%d samples from %s: inception score %.3f, Frechet distance %.3f\n", n, f.score_path.c_str(),
                scores.inception_score, scores.frechet_distance);
  }
  return 0;
}

// Everything written after training: checkpoint, grid, samples.
Status write_outputs(const GanFlags& f, const GanSession& session) {
  if (!f.train.save_path.empty())
    if (Status status = gan_session_save(session, f.train.save_path); !status.ok()) return status;
  if (!f.grid_path.empty()) {
    std::vector<float> grid(std::size_t(kGanGridPixels) * kGanGridPixels);
    gan_session_grid(session, grid.data());
    std::vector<std::uint8_t> pixels = to_bytes(grid, session.config.range);
    if (Status status = write_bytes(f.grid_path, png_encode_gray(pixels, kGanGridPixels, kGanGridPixels)); !status.ok())
      return status;
  }
  if (f.export_count > 0) {
    std::vector<float> images(std::size_t(f.export_count) * kMnistPixels);
    Rng rng = rng_seeded(f.train.options.seed, 2);
    gan_session_sample(session, rng, f.export_count, images.data());
    std::vector<std::uint8_t> pixels = to_bytes(images, session.config.range);
    if (Status status = write_bytes(f.export_path, idx_encode({f.export_count, kMnistSide, kMnistSide}, pixels)); !status.ok())
      return status;
  }
  return Status::success();
}

// Runs up to `iterations` iterations; *done counts those that succeeded, *seconds is the wall time
// of the loop. The warm-up runs through this same loop, so the timed one runs code V8 has
// already optimized.
Status run_iterations(GanSession& session, const char* label, long iterations, long* done, double* seconds) {
  Progress progress(label, iterations);
  auto start = std::chrono::steady_clock::now();
  Status status;
  for (*done = 0; *done < iterations; ++*done) {
    if (status = gan_session_step(session); !status.ok()) break;
    progress.update(*done + 1, [&] {
      char text[64];
      std::snprintf(text, sizeof text, "D %.3f G %.3f", session.d_loss.last(), session.g_loss.last());
      return std::string(text);
    });
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  return status;
}

}  // namespace

int cmd_gan(int argc, char** argv) {
  GanFlags f;
  std::vector<char*> rest(argv, argv + argc);
  if (!take_export_flag(rest, f)) return 2;
  Args args(int(rest.size()), rest.data());
  if (args.flag("--help")) {
    std::printf("%s%s", kUsage, kTrainFlagsHelp);
    return 0;
  }
  if (!parse_flags(args, f)) return 2;
  use_threads_and_backend(f.train);
  if (!f.score_path.empty()) return score_file(f);

  MnistSet train;
  GanSession session;
  GanConfig config = f.config;
  config.d_steps = f.k;
  Status status = mnist_load_dir(f.data_dir, "train", train);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s; %s\n", status.error.c_str(), kMnistDataHint);
    return 1;
  }
  status = gan_session_init(session, config, std::move(train), f.train.options);
  if (status.ok() && !f.train.load_path.empty()) status = gan_session_load(session, f.train.load_path);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
    return 1;
  }

  // Scores need LeNet, loaded before training so that a bad --lenet fails fast; the default path
  // may simply not exist yet.
  Scorer scorer;
  GanScores scores{NAN, NAN};
  std::string scores_note = "scored " + std::to_string(kScoreSamples) + " samples with " + f.lenet_path;
  bool scorable = false;
  if (f.no_scores) {
    scores_note = "no scores (--no-scores)";
  } else if (status = scorer_load(f, scorer); status.ok()) {
    scorable = true;
  } else {
    if (f.lenet_given) {
      std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
      return 1;
    }
    scores_note = "no scores: " + status.error + " (run `nnlab lenet` first)";
    std::fprintf(stderr, "nnlab gan: %s\n", scores_note.c_str());
  }

  double warmup_s = 0.0, train_s = 0.0;
  long done = 0;
  status = f.train.warmup > 0 ? run_iterations(session, "warm-up", f.train.warmup, &done, &warmup_s)
                              : Status::success();
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
    return 1;
  }
  const long total = f.iters >= 0 ? f.iters : f.epochs * gan_session_iterations_per_epoch(session);
  status = run_iterations(session, "gan", total, &done, &train_s);
  if (!status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
    return 1;
  }
  if (status = write_outputs(f, session); !status.ok()) {
    std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
    return 1;
  }

  if (scorable) {
    std::vector<float> samples(std::size_t(kScoreSamples) * kMnistPixels);
    Rng rng = rng_seeded(f.train.options.seed, 3);
    gan_session_sample(session, rng, kScoreSamples, samples.data());
    // LeNet was trained on pixels in [-1, 1].
    if (session.config.range != PixelRange{})
      for (float& v : samples) v = pixel_rescale(v, session.config.range, PixelRange{});
    if (status = gan_scores(scorer.lenet, samples.data(), kScoreSamples, scorer.real, scores); !status.ok()) {
      std::fprintf(stderr, "nnlab gan: %s\n", status.error.c_str());
      return 1;
    }
  }

  if (f.train.json) {
    JsonObject json;
    json.string("command", "gan")
        .string("model", f.model)
        .integer("iterations", session.iteration)
        .integer("k", f.k)
        .integer("warmup", f.train.warmup)
        .integer("threads", f.train.options.threads)
        .string("backend", simd_backend_name(simd_backend()))
        .number("epochs", gan_session_epoch(session))
        .number("train_ms", train_s * 1000.0)
        .number("iters_per_s", done / train_s)
        .number("d_loss", window_mean(session.d_loss))
        .number("g_loss", window_mean(session.g_loss))
        .number("d_real", window_mean(session.d_real))
        .number("d_fake", window_mean(session.d_fake))
        .number("inception_score", scores.inception_score)
        .number("frechet_distance", scores.frechet_distance)
        .string("scores", scores_note);
    std::printf("%s\n", json.text().c_str());
  } else {
    std::printf("GAN (%s): %ld iterations (%.2f epochs) in %.1f s, %.1f iterations/s\n", f.model.c_str(),
                session.iteration, gan_session_epoch(session), train_s, done / train_s);
    std::printf("losses (mean of the last %ld iterations): D %.4f, G %.4f; D(x) %.3f, D(G(z)) %.3f\n",
                kLossWindow, window_mean(session.d_loss), window_mean(session.g_loss),
                window_mean(session.d_real), window_mean(session.d_fake));
    if (std::isfinite(scores.inception_score))
      std::printf("%d samples: inception score %.3f, Frechet distance %.3f\n", kScoreSamples,
                  scores.inception_score, scores.frechet_distance);
  }
  return 0;
}

}  // namespace nn::cli
