// The next-word demo: train the six-sentence LSTM live and look inside it.
#include "app/panels/nextword_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/file_transfer.h"
#include "app/local_store.h"
#include "app/plot.h"
#include "app/ui_probe.h"
#include "app/panels/widgets.h"

namespace nn {

namespace {

constexpr const char* kCheckpointPurpose = "nextword-checkpoint";
constexpr const char* kCheckpointName = "nextword.ckpt";

// A new session from the controls, or (given a saved run) the one the run stopped at.
Status start_session(NextWordPanel& panel, const SavedRun* saved = nullptr) {
  TrainOptions options = nextword_default_options();
  options.seed = std::uint64_t(panel.controls.seed);
  options.optimizer.kind = panel.controls.optimizer;
  options.optimizer.lr = panel.controls.learning_rate;
  if (saved)
    if (Status status = saved_run_get_options(*saved, options); !status.ok()) return status;
  NextWordSession fresh;
  Status status = nextword_session_init(fresh, options);
  if (status.ok() && saved) status = nextword_session_resume(fresh, *saved);
  if (!status.ok()) return status;
  panel.controls.seed = int(options.seed);
  panel.controls.optimizer = options.optimizer.kind;
  panel.controls.learning_rate = float(options.optimizer.lr);
  panel.worker.with_session([&] {
    panel.session = std::move(fresh);
    nextword_session_evaluate(panel.session);
  });
  panel.worker.publish_now();
  return Status::success();
}

// Waits for the saved files: a run saved on an earlier visit is picked up where it stopped.
void ensure_started(NextWordPanel& panel) {
  if (panel.started || !store_ready()) return;
  panel.started = true;
  TrainOptions defaults = nextword_default_options();
  panel.controls.learning_rate = float(defaults.optimizer.lr);
  panel.controls.optimizer = defaults.optimizer.kind;
  panel.worker.start([&panel] { return nextword_session_step(panel.session); },
                     [&panel] { nextword_session_copy(panel.view, panel.session); });
  panel.worker.set_finished([&panel] { return panel.session.epoch >= panel.target_epochs; });
  panel.autosave.name = "nextword";
  panel.autosave.unit = "epoch";
  panel.autosave.capture = [&panel] { return nextword_session_saved_run(panel.session); };
  SavedRun saved;
  std::string problem;
  if (autosave_saved_run(panel.autosave, saved, problem) && problem.empty()) {
    Status status = start_session(panel, &saved);
    if (status.ok()) autosave_resumed(panel.autosave, saved);
    else problem = status.error;
  }
  if (panel.autosave.resumed_step < 0) {
    Status status = start_session(panel);
    if (!status.ok()) panel.message = status.error;
  }
  if (!problem.empty()) {
    panel.message = "the run saved in " + store_where() + " could not be resumed (" + problem + "); started afresh";
    panel.message_error = true;
  }
  autosave_enable(panel.autosave, panel.worker);
}

void handle_action(NextWordPanel& panel, TrainingAction action) {
  TrainingHandlers handlers{
      [&panel] { return start_session(panel); },
      [&panel] {
        OptimizerConfig optimizer = panel.session.options.optimizer;
        optimizer.kind = panel.controls.optimizer;
        optimizer.lr = panel.controls.learning_rate;
        Status status = nextword_session_set_optimizer(panel.session, optimizer);
        if (!status.ok()) panel.message = status.error;
      },
      [&panel] { return nextword_session_save(panel.session); },
  };
  handle_training_action(action, panel.worker, {kCheckpointPurpose, kCheckpointName}, handlers, panel.controls.seed,
                         panel.message);
  if (action == TrainingAction::Reset || action == TrainingAction::StartFresh) panel.message_error = false;
  if (action == TrainingAction::Reset) autosave_new_model(panel.autosave);
  if (action == TrainingAction::StartFresh) autosave_clear(panel.autosave, panel.worker);
}

void take_checkpoint(NextWordPanel& panel) {
  OpenedFile file;
  if (!file_take_opened(kCheckpointPurpose, file) && !file_take_opened("drop", file)) return;
  bool loaded = take_opened_checkpoint(file, panel.worker, [&panel](std::span<const std::uint8_t> bytes) {
    Status status = nextword_session_load(panel.session, bytes);
    if (status.ok()) nextword_session_evaluate(panel.session);
    return status;
  }, panel.message);
  panel.message_error = !loaded;
  if (loaded) autosave_new_model(panel.autosave);
}

// One row per sentence: what it reads, what the model predicts and how sure it is, and the whole
// distribution over the nine words as a strip of colour.
void predictions_table(NextWordPanel& panel, App& app) {
  NextWordModel& model = panel.view.model;
  const NextWordActivations& acts = model.batch;
  const int V = model.config.vocab;
  std::vector<float> probs(std::size_t(kNextWordSentences) * V);
  std::copy(acts.probs, acts.probs + probs.size(), probs.begin());
  heatmap_update(panel.probabilities, app.heatmap_renderer, probs.data(), kNextWordSentences, V, 0.0f, 1.0f,
                 HeatmapScale::Sequential);
  int tokens[kSixSentencesCount][3];
  six_sentences_tokens(tokens);
  std::array<int, kNextWordSentences> predicted = nextword_session_predictions(panel.view);

  if (!ImGui::BeginTable("predictions", 4, ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("sentence");
  ImGui::TableSetupColumn("predicted");
  ImGui::TableSetupColumn("p(right word)", ImGuiTableColumnFlags_WidthFixed, 200.0f);
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  for (int b = 0; b < kNextWordSentences; b++) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    char text[64];
    std::snprintf(text, sizeof text, "%s %s", kSixSentencesVocabulary[tokens[b][0]], kSixSentencesVocabulary[tokens[b][1]]);
    mono_text(text);
    ImGui::TableNextColumn();
    bool right = predicted[std::size_t(b)] == tokens[b][2];
    ImGui::PushStyleColor(ImGuiCol_Text, right ? ImVec4(0.48f, 0.84f, 0.52f, 1) : ImVec4(0.94f, 0.43f, 0.55f, 1));
    mono_text(predicted[std::size_t(b)] >= 0 ? kSixSentencesVocabulary[predicted[std::size_t(b)]] : "?");
    ImGui::PopStyleColor();
    ImGui::TableNextColumn();
    float p = probs[std::size_t(b * V + tokens[b][2])];
    std::snprintf(text, sizeof text, "%s %.0f%%", kSixSentencesVocabulary[tokens[b][2]], 100.0f * p);
    ImGui::ProgressBar(p, ImVec2(-1, 0), text);
    ImGui::TableNextColumn();
  }
  ImGui::EndTable();
  ImGui::TextDisabled("next-word distribution of each sentence (columns: cat coffee dog hate i like love milk you)");
  heatmap_image(panel.probabilities, 20.0f);
}

void ask_box(NextWordPanel& panel) {
  ImGui::SetNextItemWidth(100);
  ImGui::InputText("##w0", panel.word0, sizeof panel.word0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(100);
  ImGui::InputText("##w1", panel.word1, sizeof panel.word1);
  ImGui::SameLine();
  ImGui::TextUnformatted("->");
  int w0 = six_sentences_word_index(panel.word0), w1 = six_sentences_word_index(panel.word1);
  if (w0 < 0 || w1 < 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("unknown word '%s': the model knows cat coffee dog hate i like love milk you", w0 < 0 ? panel.word0 : panel.word1);
    return;
  }
  float probs[kSixSentencesVocab];
  int best = nextword_predict(panel.view.model, w0, w1, probs);
  ImGui::SameLine();
  mono_text(best >= 0 ? kSixSentencesVocabulary[best] : "?");
  for (int v = 0; v < kSixSentencesVocab; v++) {
    char label[32];
    std::snprintf(label, sizeof label, "%.1f%%", 100.0f * probs[v]);
    ImGui::SetNextItemWidth(60);
    ImGui::TextUnformatted(kSixSentencesVocabulary[v]);
    ImGui::SameLine(80);
    ImGui::ProgressBar(probs[v], ImVec2(260, 0), label);
  }
}

// The gates i f o (0..1), the candidate g and the states c h (-1..1) of every sentence at both
// steps: rows are sentences, columns the hidden units.
void lstm_heatmaps(NextWordPanel& panel, App& app) {
  const NextWordActivations& acts = panel.view.model.batch;
  const NextWordConfig& config = panel.view.model.config;
  const int H = config.hidden;
  std::vector<float> image(std::size_t(kNextWordSentences) * H);
  if (!ImGui::BeginTable("signals", kLstmSignals, ImGuiTableFlags_SizingFixedFit)) return;
  for (int s = 0; s < kLstmSignals; s++) {
    ImGui::TableNextColumn();
    auto signal = LstmSignal(s);
    bool gate = signal == LstmSignal::InputGate || signal == LstmSignal::ForgetGate || signal == LstmSignal::OutputGate;
    ImGui::Text("%s", lstm_signal_name(signal));
    for (int t = 0; t < kNextWordSteps; t++) {
      float largest = 0.0f;
      for (int b = 0; b < kNextWordSentences; b++) {
        const float* values = nextword_signal(acts, config, signal, t, b);
        for (int j = 0; j < H; j++) {
          image[std::size_t(b * H + j)] = values[j];
          largest = std::max(largest, std::fabs(values[j]));
        }
      }
      heatmap_update(panel.signals[s][t], app.heatmap_renderer, image.data(), kNextWordSentences, H, 0.0f,
                     gate ? 1.0f : std::max(1.0f, largest), gate ? HeatmapScale::Sequential : HeatmapScale::Diverging);
      heatmap_image(panel.signals[s][t], 12.0f);
      if (t == 0) ImGui::SameLine(0, 4);
    }
  }
  ImGui::EndTable();
  ImGui::TextDisabled("each block: 6 sentences (rows) x %d hidden units, step 1 then step 2; gates in viridis 0..1, g c h blue-white-red", H);
}

}  // namespace

void nextword_panel(App& app) {
  NextWordPanel& panel = app.nextword;
  ensure_started(panel);
  panel_header("Next-word LSTM",
               "Six sentences over a nine-word vocabulary. An LSTM reads the first two words of each "
               "sentence, one-hot, and learns to predict the third. Press Train and watch the loss fall, "
               "the predictions turn green and the gates settle.");
  if (!panel.started) {
    ImGui::TextDisabled("opening the run saved in %s...", store_where().c_str());
    return;
  }
  take_checkpoint(panel);

  TrainingAction action = training_controls("nextword", panel.worker, panel.controls, kNextWordSentences, "sentences", panel.autosave);
  handle_action(panel, action);
  ImGui::SetNextItemWidth(200);
  if (ImGui::SliderFloat("epochs/s", &panel.epochs_per_second, 5.0f, 5000.0f, "%.0f", ImGuiSliderFlags_Logarithmic))
    panel.worker.set_max_steps_per_second(panel.epochs_per_second);
  panel.worker.set_max_steps_per_second(panel.epochs_per_second);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(120);
  ImGui::InputInt("stop at epoch", &panel.target_epochs, 100);
  ui_probe_item("nextword.stop_at");
  panel.target_epochs = std::clamp(panel.target_epochs, 1, 1000000);
  ui_probe_value("nextword.target_epochs", panel.target_epochs);
  if (training_error_banner(panel.worker, "nextword", &panel.controls)) handle_action(panel, TrainingAction::OptimizerChanged);
  panel_message("nextword", panel.message, panel.message_error);

  panel.worker.with_snapshot([&] {
    NextWordSession& view = panel.view;
    if (view.model.batch.B == 0) return;  // not published yet
    ui_probe_value("nextword.epoch", double(view.epoch));
    ui_probe_value("nextword.loss", view.loss.empty() ? NAN : double(view.loss.last()));
    ui_probe_value("nextword.correct", nextword_session_correct(view));
    bool finite = true;
    for (std::size_t i = 0; i < view.model.params.value.size(); i++) finite = finite && std::isfinite(view.model.params.value[i]);
    ui_probe_value("nextword.weights_finite", finite);
    if (view.loss.empty())
      ImGui::Text("epoch %ld   not trained yet   %d of 6 right", view.epoch, nextword_session_correct(view));
    else
      ImGui::Text("epoch %ld   loss %.4f   %d of 6 right", view.epoch, double(view.loss.last()), nextword_session_correct(view));
    PlotSeries loss{"cross-entropy", view.loss.steps.data(), view.loss.values.data(), int(view.loss.values.size()), plot_color(0)};
    plot_lines("loss", &loss, 1, ImVec2(0, 170), "loss");

    section("PREDICTIONS");
    predictions_table(panel, app);
    section("ASK THE MODEL");
    ask_box(panel);
    section("INSIDE THE LSTM");
    lstm_heatmaps(panel, app);
  });

  section("THE DATA");
  ImGui::TextDisabled("The one-hot inputs: one row per sentence, first word then second word, columns in vocabulary order.");
  if (panel.inputs.rows == 0) {
    float batch[kSixSentencesPrefix * kSixSentencesCount * kSixSentencesVocab];
    int targets[kSixSentencesCount];
    six_sentences_batch(batch, targets);
    float image[kSixSentencesCount][kSixSentencesPrefix * kSixSentencesVocab];
    for (int b = 0; b < kSixSentencesCount; b++)
      for (int t = 0; t < kSixSentencesPrefix; t++)
        for (int v = 0; v < kSixSentencesVocab; v++)
          image[b][t * kSixSentencesVocab + v] = batch[(t * kSixSentencesCount + b) * kSixSentencesVocab + v];
    heatmap_update(panel.inputs, app.heatmap_renderer, &image[0][0], kSixSentencesCount, kSixSentencesPrefix * kSixSentencesVocab,
                   0.0f, 1.0f, HeatmapScale::Sequential);
  }
  heatmap_image(panel.inputs, 16.0f);
  const char* model[] = {
      "model", "one-hot word (9) -> LSTM, hidden 5 -> linear 5x9 -> softmax cross-entropy",
      "training", "all six sentences every epoch; Adam, learning rate 0.01, 500 epochs",
  };
  key_value_table("model", model, 2);
}

void nextword_panel_shutdown(NextWordPanel& panel) {
  panel.worker.stop();
  heatmap_destroy(panel.inputs);
  heatmap_destroy(panel.probabilities);
  for (auto& row : panel.signals)
    for (Heatmap& h : row) heatmap_destroy(h);
}

}  // namespace nn
