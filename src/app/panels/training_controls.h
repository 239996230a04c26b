#pragma once
// The controls every demo shares: run/pause, single step, reset with a seed, learning rate,
// optimizer, checkpoint save/load, and the speed readout. The panel owns the state and acts on
// what the controls return.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/file_transfer.h"
#include "app/panels/autosave.h"
#include "core/optim.h"
#include "train/worker.h"

namespace nn {

struct TrainingControls {
  int seed = 0;
  float learning_rate = 1e-3f;
  OptimizerKind optimizer = OptimizerKind::Adam;
};

enum class TrainingAction { None, Reset, OptimizerChanged, Save, Load, StartFresh };

// `samples_per_step` turns steps/s into samples/s (batch size, or batch x sequence for text);
// `sample_unit` names them ("sentences", "chars", "images").
// `probe_name` prefixes the names under which the buttons are visible to the browser test.
// The demo's autosave shows its button and what it keeps beside the other controls.
TrainingAction training_controls(const char* probe_name, TrainingWorker& worker, TrainingControls& controls,
                                 double samples_per_step, const char* sample_unit, Autosave& autosave);

// What a panel does for each action, the parts every demo shares written once:
//   reset:     rebuild the session from the controls (seed, optimizer, learning rate);
//   optimizer: apply the controls' optimizer and learning rate to the session, between steps;
//   save:      the session's checkpoint bytes, taken between steps;
//   start fresh: a reset (the panel then forgets its saved run).
// Loading only opens the file picker; the file arrives later (take_opened_checkpoint).
struct TrainingHandlers {
  std::function<Status()> reset;
  std::function<void()> apply_optimizer;
  std::function<std::vector<std::uint8_t>()> save;
};
struct CheckpointFile {
  const char* purpose;   // file_transfer.h's purpose of the open request
  const char* filename;  // what a download or a desktop save is called
};
void handle_training_action(TrainingAction action, TrainingWorker& worker, const CheckpointFile& checkpoint,
                            const TrainingHandlers& handlers, int seed, std::string& message);

// The controls' optimizer and learning rate applied to a session's optimizer: a new kind starts
// each state in `states` afresh (sized by its own moments' layout, `floats`).
void apply_optimizer_controls(const TrainingControls& controls, OptimizerConfig& config,
                              std::initializer_list<std::pair<OptimizerState*, std::size_t>> states);

// If a checkpoint for `purpose` was opened, pauses training and loads it with `load` (between
// steps); the message says how it went. A failed load leaves the session as it was. True if loaded.
bool take_opened_checkpoint(const OpenedFile& file, TrainingWorker& worker,
                            const std::function<Status(std::span<const std::uint8_t>)>& load, std::string& message);

// A banner for the worker's last error (a divergence: what happened, where training went back to,
// what to change), with a button to dismiss it and, given the controls, one that lowers the
// learning rate tenfold: true when that was pressed (the panel applies the controls).
bool training_error_banner(TrainingWorker& worker, const char* probe_name, TrainingControls* controls = nullptr);

// The outcome of the last save, load or reset: errors (a refused checkpoint...) stand out.
void panel_message(const char* probe_name, const std::string& message, bool error);

}  // namespace nn
