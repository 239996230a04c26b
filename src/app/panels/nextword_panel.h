#pragma once
// State of the next-word panel: the training session (the worker's), the UI's copy of it, and
// what the panel draws with.
#include <string>

#include "app/heatmap.h"
#include "app/panels/autosave.h"
#include "app/panels/training_controls.h"
#include "train/nextword_session.h"
#include "train/worker.h"

namespace nn {

struct NextWordPanel {
  bool started = false;
  NextWordSession session;  // trained by the worker thread
  NextWordSession view;     // the copy the UI draws, refreshed by the worker after steps
  TrainingWorker worker;
  TrainingControls controls;
  int target_epochs = 500;
  float epochs_per_second = 100.0f;  // slow motion, so the curves and gates can be watched
  char word0[16] = "you";
  char word1[16] = "love";
  std::string message;  // outcome of the last save, load or reset
  bool message_error = false;
  Autosave autosave;
  Heatmap inputs;       // (6, 2 x 9) one-hot words
  Heatmap probabilities;  // (6, 9)
  Heatmap signals[6][2];  // i f g o c h at steps 1 and 2: (6 sentences, H)
};

void nextword_panel_shutdown(NextWordPanel& panel);

}  // namespace nn
