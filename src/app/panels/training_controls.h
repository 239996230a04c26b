#pragma once
// The controls every demo shares: run/pause, single step, reset with a seed, learning rate,
// optimizer, checkpoint save/load, and the speed readout. The panel owns the state and acts on
// what the controls return.
#include "core/optim.h"
#include "train/worker.h"

namespace nn {

struct TrainingControls {
  int seed = 0;
  float learning_rate = 1e-3f;
  OptimizerKind optimizer = OptimizerKind::Adam;
};

enum class TrainingAction { None, Reset, OptimizerChanged, Save, Load };

// `samples_per_step` turns steps/s into samples/s (batch size, or batch x sequence for text);
// `sample_unit` names them ("sentences", "chars", "images").
// `probe_name` prefixes the names under which the buttons are visible to the browser test.
TrainingAction training_controls(const char* probe_name, TrainingWorker& worker, TrainingControls& controls,
                                 double samples_per_step, const char* sample_unit);

// A banner for the worker's last error (divergence...), with a button to dismiss it.
void training_error_banner(TrainingWorker& worker);

}  // namespace nn
