#pragma once
// State of the char-RNN panel: the corpus, the session the worker trains, the UI's copy of the
// model, and the sampler that streams text from that copy.
#include <optional>
#include <string>
#include <vector>

#include "app/heatmap.h"
#include "app/panels/autosave.h"
#include "app/panels/sample_text.h"
#include "app/panels/training_controls.h"
#include "core/rng.h"
#include "train/charrnn_session.h"
#include "train/worker.h"

namespace nn {

struct CharRnnPanel {
  bool started = false;
  bool corpus_requested = false;
  std::string corpus_name;  // where the text came from
  TextCorpus corpus;        // kept to start over (reset, another configuration)
  bool has_session = false;

  CharRnnConfig config;     // what Apply builds; the session's own is in session.config
  int cell_index = 2;       // rnn, gru, lstm
  CharRnnSession session;   // trained by the worker thread
  TrainingWorker worker;
  TrainingControls controls;
  int validate_every = 100;

  // What the worker publishes for the UI.
  struct View {
    bool ready = false;
    CharRnnModel model;
    std::int64_t step = 0;
    MetricSeries train_bpc, val_bpc;
    std::vector<float> hidden;  // (T, H) of the first window of the last batch, first layer
    int hidden_steps = 0;
  } view;

  CharRnnSampler sampler;
  Rng sample_rng{};
  bool sampler_ready = false;
  bool streaming = true;
  double chars_due = 0.0;  // characters owed to the stream (it runs at a fixed rate, not per frame)
  float temperature = 0.8f;
  char prime[128] = "ROMEO:";
  SampleText sample;                    // the text streamed so far, with what the model weighed
  bool tint_by_surprise = true;
  std::vector<std::string> token_text;  // each token of the session's corpus as UTF-8
  Heatmap hidden_map;
  std::string message;
  bool message_error = false;
  Autosave autosave;
  std::optional<SavedRun> pending_resume;  // a saved run waiting for its text to arrive
};

void charrnn_panel_shutdown(CharRnnPanel& panel);

}  // namespace nn
