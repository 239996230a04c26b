#pragma once
// Training a char-RNN on a text: the corpus, the model, its optimizer, the step counter and the
// metric history, driven one batch at a time by whoever owns it (the app's worker thread, the
// CLI, the tests). No globals: sessions are independent of each other.
//
// Each step draws config.batch windows of config.seq + 1 characters at random positions of the
// training part, starts every window from a zero state, and takes one optimizer step after
// clipping the global gradient norm. The windows of step k come from a generator seeded with
// (seed, k), so a run resumed from a checkpoint sees the same batches as the run that wrote it.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/optim.h"
#include "core/status.h"
#include "data/text_corpus.h"
#include "models/charrnn.h"
#include "train/metrics.h"
#include "train/saved_run.h"
#include "train/train_options.h"

namespace nn {

inline constexpr float kCharRnnClipNorm = 5.0f;
// Validation: this many windows of config.seq characters from the validation part, at positions
// drawn once from a fixed seed, so that every run (whatever its seed) is scored on the same text.
inline constexpr int kCharRnnValidationWindows = 200;
// Parameters and optimizer state are copied aside every this many steps, to roll back to when
// training diverges; only weights that have just given a finite loss are kept. Not every step:
// weights on their way to blowing up often still give a finite loss for a step or two, and a
// copy of those would rescue nothing; one from up to 50 steps back usually does, and redoing
// those steps costs little. (The copy itself, 1.3 MB for the default model, is cheap either way.)
inline constexpr int kCharRnnSnapshotInterval = 50;

// The loss (nats per character) above which training counts as diverged: ten times that of a
// uniform guess, ln V. A far too large step does not always overflow: with the gradient clipped,
// Adam at learning rate 1e30 moves every weight by about 1e30 and the loss settles near 2e31
// bits per character, finite. A model that learns starts near ln V and only goes down.
float charrnn_loss_limit(const CharRnnConfig& config);

// The demo's defaults: Adam, learning rate 2e-3.
TrainOptions charrnn_default_options();

struct CharRnnSession {
  TextCorpus corpus;
  CharRnnConfig config;
  TrainOptions options;  // lr may change between steps, the optimizer kind may not
  CharRnnModel model;
  CharRnnActs acts;
  OptimizerState optim;
  std::int64_t step = 0;   // optimizer steps taken, checkpoints included
  MetricSeries train_bpc;  // per step: the batch's mean cross-entropy in bits per character
  MetricSeries val_bpc;    // per charrnn_session_validate call

  std::vector<int> inputs, targets;              // (T, B) the current batch
  std::vector<std::uint32_t> validation_starts;  // kCharRnnValidationWindows token positions
  // The last known-good state: parameters that gave a finite loss, and the optimizer with them.
  FloatBuffer snapshot_params, snapshot_moments;
  std::int64_t snapshot_step = 0;
};

// Builds everything from scratch: the vocabulary size comes from the corpus (config.vocab is
// overwritten), the weights from options.seed. Fails, leaving the session as it was, when the
// configuration is out of range or either part of the corpus is shorter than a window.
Status charrnn_session_init(CharRnnSession& session, const CharRnnConfig& config, TextCorpus corpus,
                            const TrainOptions& options);

// One batch: forward, backward, clip, optimizer step; appends to train_bpc. If the loss, the
// gradient or the updated weights are not finite, or the loss is above charrnn_loss_limit, the
// session goes back to its last snapshot (at most kCharRnnSnapshotInterval steps earlier) and the
// Status says so.
Status charrnn_session_step(CharRnnSession& session);

// Bits per character over the validation windows; appends it to val_bpc.
float charrnn_session_validate(CharRnnSession& session);

// Checkpoints (core/checkpoint.h). Loading accepts only a file of the same cell, layers, hidden
// size, vocabulary (its characters, not just their number) and optimizer, holding only finite
// values; otherwise the session is untouched and the Status says what differs. A loaded session resumes at the file's step.
// The file versions save atomically; the in-memory ones serve the browser (download, upload).
Status charrnn_session_save(const CharRnnSession& session, const std::string& path);
Status charrnn_session_load(CharRnnSession& session, const std::string& path);
std::vector<std::uint8_t> charrnn_session_save(const CharRnnSession& session);
Status charrnn_session_load(CharRnnSession& session, std::span<const std::uint8_t> bytes);

// The session as a saved run (saved_run.h): checkpoint, options, configuration (cell, layers,
// hidden, seq, batch), step and both bits-per-character histories.
SavedRun charrnn_session_saved_run(const CharRnnSession& session);
// The configuration a saved run was trained with (the vocabulary comes from its text).
Status charrnn_saved_config(const SavedRun& run, CharRnnConfig& config);
// Back to where a saved run stopped, all or nothing: the session must come from
// charrnn_session_init with the run's configuration, options and text.
Status charrnn_session_resume(CharRnnSession& session, const SavedRun& run);

// Text to token ids; fails on the first character the corpus does not contain.
Status charrnn_session_tokens(const CharRnnSession& session, std::string_view text,
                              std::vector<int>& tokens);

}  // namespace nn
