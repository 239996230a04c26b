#pragma once
// State of the GAN panel: MNIST as it arrives, the session the worker trains, and what the
// worker publishes for the UI (the preview grid, an interpolation, the curves).
#include <string>
#include <vector>

#include "app/heatmap.h"
#include "app/panels/autosave.h"
#include "app/panels/training_controls.h"
#include "train/gan_scores.h"
#include "train/gan_session.h"
#include "train/lenet_session.h"
#include "train/worker.h"

namespace nn {

struct GanPanel {
  bool started = false;
  std::vector<std::uint8_t> images_file, labels_file;  // the raw IDX files as they arrive
  bool has_session = false;
  MnistSet train;  // kept to start over
  GanSession session;  // trained by the worker thread
  TrainingWorker worker;
  TrainingControls controls;
  int d_steps = 1;  // k

  std::vector<float> z_a, z_b;  // the ends of the latent interpolation
  struct View {
    bool ready = false;
    long iteration = 0;
    double epoch = 0.0;
    std::vector<float> grid;    // (224, 224) in [-1, 1]
    std::vector<float> interpolation;  // (28, 8 x 28)
    MetricSeries d_loss, g_loss, d_real, d_fake;
  } view;
  Heatmap grid_map, interpolation_map;
  std::string message;
  bool message_error = false;
  Autosave autosave;

  // The scorer: LeNet-5, trained here for one epoch by the same core, then used to compute the
  // inception score and the Frechet distance of 1000 generated digits. It has a worker of its
  // own, so scoring never stalls the UI and barely slows the GAN.
  struct Scorer {
    bool requested = false;        // the user asked for a scorer (test set being fetched...)
    std::vector<std::uint8_t> test_images, test_labels;
    MnistSet test;
    LenetSession lenet;
    TrainingWorker worker;
    bool trained = false;          // worker side: one epoch done and the real statistics taken
    bool score_wanted = false;     // worker side: score at the next step
    FeatureStats real;
    struct View {
      long iteration = 0, total = 1;
      bool trained = false;
      double accuracy = 0.0;
      bool scored = false;
      long scored_at = 0;          // the GAN iteration the scores belong to
      GanScores scores{};
    } view;
  } scorer;
};

void gan_panel_shutdown(GanPanel& panel);

}  // namespace nn
