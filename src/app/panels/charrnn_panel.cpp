// The char-RNN demo: a recurrent network learns a text one character at a time, and writes.
#include "app/panels/charrnn_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/file_transfer.h"
#include "app/local_store.h"
#include "app/plot.h"
#include "app/ui_probe.h"
#include "app/panels/sample_text.h"
#include "app/panels/widgets.h"

namespace nn {

namespace {

constexpr const char* kCorpusPurpose = "charrnn-corpus";
constexpr const char* kCheckpointPurpose = "charrnn-checkpoint";
constexpr const char* kCheckpointName = "charrnn.ckpt";
constexpr const char* kDefaultCorpusUrl = "assets/tinyshakespeare.txt";
constexpr const char* kStoredTextName = "charrnn-text";  // the text the user opened, in the store
constexpr std::size_t kMaxStoredText = std::size_t(32) << 20;
constexpr const char* kCellLabels[] = {"RNN", "GRU", "LSTM"};
constexpr int kSampleLimit = 6000;  // characters kept on screen
constexpr double kCharsPerSecond = 150.0;  // streaming speed, whatever the frame rate
constexpr int kMaxCharsPerFrame = 30;

#if defined(NNLAB_DEFAULT_CORPUS)
const char* kDesktopCorpus = NNLAB_DEFAULT_CORPUS;
#else
const char* kDesktopCorpus = "";
#endif

void publish(CharRnnPanel& panel) {
  CharRnnPanel::View& view = panel.view;
  const CharRnnSession& s = panel.session;
  if (view.model.params.value.size() != s.model.params.value.size() || view.model.config.cell != s.model.config.cell) {
    Rng unused = rng_seeded(0);
    charrnn_init(view.model, s.model.config, unused);  // allocates the same layout once
  }
  std::copy(s.model.params.value.data(), s.model.params.value.data() + s.model.params.value.size(), view.model.params.value.data());
  view.step = s.step;
  view.train_bpc = s.train_bpc;
  view.val_bpc = s.val_bpc;
  const int T = s.acts.T, B = s.acts.B, H = s.config.hidden;
  view.hidden_steps = 0;
  if (T > 0 && B > 0) {
    const float* states = charrnn_hidden_states(s.model, s.acts, 0);
    view.hidden.resize(std::size_t(T) * H);
    for (int t = 0; t < T; t++) std::copy(states + std::size_t(t * B) * H, states + std::size_t(t * B + 1) * H, &view.hidden[std::size_t(t) * H]);
    view.hidden_steps = T;
  }
  view.ready = true;
}

Status train_step(CharRnnPanel& panel) {
  Status status = charrnn_session_step(panel.session);
  if (status.ok() && panel.session.step % panel.validate_every == 0) charrnn_session_validate(panel.session);
  return status;
}

void restart_sampler(CharRnnPanel& panel) {
  sample_text_clear(panel.sample);
  panel.sampler_ready = false;
  panel.token_text.clear();
  for (int t = 0; t < int(panel.session.corpus.vocabulary.size()); t++)
    panel.token_text.push_back(corpus_char_utf8(panel.session.corpus, t));
}

// A new model from the panel's settings, or (given a saved run) the one the run stopped at.
Status build_session(CharRnnPanel& panel, const SavedRun* saved = nullptr) {
  CharRnnConfig config = panel.config;
  config.cell = CellKind(panel.cell_index);
  TrainOptions options = charrnn_default_options();
  options.seed = std::uint64_t(panel.controls.seed);
  options.optimizer.kind = panel.controls.optimizer;
  options.optimizer.lr = panel.controls.learning_rate;
  if (saved) {
    if (Status status = charrnn_saved_config(*saved, config); !status.ok()) return status;
    if (Status status = saved_run_get_options(*saved, options); !status.ok()) return status;
  }
  CharRnnSession fresh;
  Status status = charrnn_session_init(fresh, config, panel.corpus, options);
  if (status.ok() && saved) status = charrnn_session_resume(fresh, *saved);
  if (!status.ok()) return status;
  panel.config = config;
  panel.cell_index = int(config.cell);
  panel.controls.seed = int(options.seed);
  panel.controls.optimizer = options.optimizer.kind;
  panel.controls.learning_rate = float(options.optimizer.lr);
  panel.worker.pause();
  panel.worker.with_session([&] { panel.session = std::move(fresh); });
  panel.has_session = true;
  panel.worker.publish_now();
  panel.worker.with_snapshot([&] { panel.view.ready = true; });
  panel.sample_rng = rng_seeded(options.seed, 7);
  restart_sampler(panel);
  return Status::success();
}

// Where a text came from decides how a saved run finds it again: the page's own text is fetched
// again, a text the user opened is kept in the store beside the run.
enum class TextOrigin { Default, Stored, Opened };

// A text becomes the corpus with a model for it: the saved run waiting for its text if there is
// one, else a new model. A text that does not parse, or fits no model, leaves everything as it was.
void use_text(CharRnnPanel& panel, const std::string& name, const std::vector<std::uint8_t>& bytes, TextOrigin origin) {
  TextCorpus corpus;
  Status status = corpus_parse(bytes, 0.9, corpus);
  if (!status.ok()) {
    panel.message = name + ": " + status.error;  // the text in use stays
    panel.message_error = true;
    return;
  }
  TextCorpus previous = std::move(panel.corpus);
  panel.corpus = std::move(corpus);
  std::string problem;
  bool resumed = false;
  if (panel.pending_resume) {
    status = build_session(panel, &*panel.pending_resume);
    resumed = status.ok();
    if (resumed) autosave_resumed(panel.autosave, *panel.pending_resume);
    else problem = status.error;
    panel.pending_resume.reset();
  }
  if (!resumed) status = build_session(panel);
  if (!status.ok()) {
    panel.corpus = std::move(previous);
    panel.message = name + ": " + status.error;
    panel.message_error = true;
    return;
  }
  panel.corpus_name = name;
  panel.message = problem.empty() ? "" : "the saved run could not be resumed on " + name + " (" + problem + "); started afresh";
  panel.message_error = !problem.empty();
  std::string kept = origin == TextOrigin::Opened ? "stored" : origin == TextOrigin::Stored ? "stored" : "default";
  if (origin == TextOrigin::Opened) {
    long unused = 0;
    Status stored = bytes.size() <= kMaxStoredText ? store_write(kStoredTextName, bytes, unused)
                                                   : Status::failure("%s is too large to keep", name.c_str());
    if (!stored.ok()) {
      kept = "none";  // a saved run then waits for the user to open the text again
      panel.message = name + ": " + stored.error + " in " + store_where() + "; open it again after a reload to resume";
    }
  }
  autosave_set_extra(panel.autosave, "text", kept);
  autosave_set_extra(panel.autosave, "text_name", name);
  autosave_enable(panel.autosave, panel.worker);
  if (origin == TextOrigin::Opened && !resumed) autosave_request(panel.autosave);  // the run and its text stay a pair
}

void take_corpus(CharRnnPanel& panel, const OpenedFile& file) {
  if (!file.error.empty()) {
    panel.message = file.error;
    panel.message_error = true;
    return;
  }
  bool page_text = file.purpose == kCorpusPurpose && (file.name == kDefaultCorpusUrl || file.name == kDesktopCorpus);
  use_text(panel, file.name, file.bytes, page_text ? TextOrigin::Default : TextOrigin::Opened);
}

// Waits for the saved files: a run saved on an earlier visit is picked up where it stopped, on the
// text it was trained on.
void ensure_started(CharRnnPanel& panel) {
  if (panel.started || !store_ready()) return;
  panel.started = true;
  TrainOptions defaults = charrnn_default_options();
  panel.controls.learning_rate = float(defaults.optimizer.lr);
  panel.controls.optimizer = defaults.optimizer.kind;
  panel.worker.start([&panel] { return train_step(panel); }, [&panel] { publish(panel); }, std::chrono::milliseconds(50));
  panel.autosave.name = "charrnn";
  panel.autosave.capture = [&panel] { return charrnn_session_saved_run(panel.session); };
  SavedRun saved;
  std::string problem, text = "default", text_name;
  if (autosave_saved_run(panel.autosave, saved, problem) && problem.empty()) {
    if (!saved_run_get(saved, "text", text).ok()) text = "default";
    if (!saved_run_get(saved, "text_name", text_name).ok()) text_name = "the saved text";
    panel.pending_resume = std::move(saved);
  }
  if (!problem.empty()) {
    panel.message = "the run saved in " + store_where() + " could not be read (" + problem + ")";
    panel.message_error = true;
  }
  if (text == "stored") {
    std::vector<std::uint8_t> bytes;
    Status status;
    if (store_read(kStoredTextName, bytes, kMaxStoredText, status) && status.ok()) {
      use_text(panel, text_name, bytes, TextOrigin::Stored);
      return;
    }
    panel.pending_resume.reset();
    panel.message = "the text of the saved run is missing from " + store_where() + "; started afresh";
    panel.message_error = true;
  } else if (text == "none") {
    panel.message = "open " + text_name + " again to resume the saved run";
  }
  panel.corpus_requested = true;
  file_fetch(kCorpusPurpose, kDefaultCorpusUrl, kDesktopCorpus);
}

void handle_action(CharRnnPanel& panel, TrainingAction action) {
  TrainingHandlers handlers{
      [&panel] { return build_session(panel); },
      [&panel] {
        CharRnnSession& s = panel.session;
        apply_optimizer_controls(panel.controls, s.options.optimizer, {{&s.optim, s.model.params.value.size()}});
      },
      [&panel] { return charrnn_session_save(panel.session); },
  };
  handle_training_action(action, panel.worker, {kCheckpointPurpose, kCheckpointName}, handlers, panel.controls.seed,
                         panel.message);
  if (action == TrainingAction::Reset || action == TrainingAction::StartFresh) panel.message_error = false;
  if (action == TrainingAction::Reset) autosave_new_model(panel.autosave);
  if (action == TrainingAction::StartFresh) autosave_clear(panel.autosave, panel.worker);
}

bool is_checkpoint_name(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".ckpt") == 0;
}

// Texts (opened or dropped) replace the corpus; checkpoints (opened, or dropped .ckpt files)
// resume training on the current text.
void take_files(CharRnnPanel& panel) {
  OpenedFile file;
  bool opened = file_take_opened(kCorpusPurpose, file) || file_take_opened("drop", file) ||
                file_take_opened(kCheckpointPurpose, file);
  if (!opened) return;
  if (file.purpose != kCheckpointPurpose && !is_checkpoint_name(file.name)) {
    take_corpus(panel, file);
    return;
  }
  if (!panel.has_session) {
    panel.message = "load a text first: a checkpoint belongs to the text it was trained on";
    panel.message_error = true;
    return;
  }
  bool loaded = take_opened_checkpoint(file, panel.worker, [&panel](std::span<const std::uint8_t> bytes) {
    return charrnn_session_load(panel.session, bytes);
  }, panel.message);
  panel.message_error = !loaded;
  if (loaded) {
    restart_sampler(panel);
    autosave_new_model(panel.autosave);
  }
}

void corpus_controls(App& app, CharRnnPanel& panel) {
  float progress = 0.0f;
  if (file_progress(kCorpusPurpose, progress)) {
    ImGui::ProgressBar(progress, ImVec2(300, 0), "loading the text");
    app_animate(app);
  } else if (!panel.corpus_name.empty()) {
    ImGui::Text("text: %s, %zu characters, %zu distinct", panel.corpus_name.c_str(), panel.corpus.tokens.size(),
                panel.corpus.vocabulary.size());
  }
  ImGui::SameLine();
  if (ImGui::Button("Open a text file...")) file_request_open(kCorpusPurpose, ".txt,text/plain", kDesktopCorpus);
  ImGui::SameLine();
  ImGui::TextDisabled("(or drop one here)");
}

void config_controls(CharRnnPanel& panel) {
  ImGui::SetNextItemWidth(90);
  ImGui::Combo("cell", &panel.cell_index, kCellLabels, 3);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::SliderInt("layers", &panel.config.layers, 1, kCharRnnMaxLayers);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::SliderInt("hidden", &panel.config.hidden, 16, 512);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::SliderInt("sequence", &panel.config.seq, 8, 256);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::SliderInt("batch", &panel.config.batch, 1, 128);
  ImGui::SameLine();
  ImGui::BeginDisabled(panel.corpus.tokens.empty());
  if (ImGui::Button("Apply")) {
    Status status = build_session(panel);
    panel.message = status.ok() ? "new model" : status.error;
    panel.message_error = !status.ok();
    if (status.ok()) autosave_new_model(panel.autosave);
  }
  ImGui::EndDisabled();
}

void sample_view(App& app, CharRnnPanel& panel) {
  CharRnnPanel::View& view = panel.view;
  const int V = view.model.config.vocab;
  if (!panel.sampler_ready) {
    charrnn_sampler_init(panel.sampler, view.model.config);
    std::vector<int> prime;
    Status status = charrnn_session_tokens(panel.session, panel.prime, prime);
    if (!status.ok()) prime.clear();
    charrnn_sample_reset(panel.sampler, view.model, prime.data(), int(prime.size()));
    for (int token : prime) sample_text_append(panel.sample, token, nullptr, V);
    panel.sampler_ready = true;
  }
  ImGui::Checkbox("stream", &panel.streaming);
  ui_probe_item("charrnn.stream");
  ui_probe_value("charrnn.streaming", panel.streaming);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  ImGui::SliderFloat("temperature", &panel.temperature, 0.05f, 2.0f, "%.2f");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  ImGui::InputText("priming text", panel.prime, sizeof panel.prime);
  ImGui::SameLine();
  if (ImGui::Button("Restart")) restart_sampler(panel);
  ImGui::SameLine();
  ImGui::Checkbox("mark surprises", &panel.tint_by_surprise);
  int chars = 0;
  if (panel.streaming) {
    panel.chars_due = std::min(panel.chars_due + kCharsPerSecond * ImGui::GetIO().DeltaTime, double(kMaxCharsPerFrame));
    chars = int(panel.chars_due);
    panel.chars_due -= chars;
  }
  for (int i = 0; i < chars; i++) {
    int token = charrnn_sample_next(panel.sampler, view.model, panel.temperature, panel.sample_rng);
    sample_text_append(panel.sample, token, panel.sampler.probs, V);  // what the draw came from, for the hover view
  }
  sample_text_trim(panel.sample, kSampleLimit);
  if (panel.streaming) app_animate(app);
  ui_probe_value("charrnn.sample_length", double(panel.sample.chars.size()));
  int hovered = sample_text_view("charrnn.sample", panel.sample, panel.token_text, ImVec2(0, 220), panel.tint_by_surprise);
  ui_probe_item("charrnn.sample");

  // The mouse over a drawn character shows what the model weighed there; otherwise the bars show
  // what it expects after the end of the sample, at this temperature.
  const SampledChar* at = hovered >= 0 ? &panel.sample.chars[std::size_t(hovered)] : nullptr;
  ui_probe_value("charrnn.hovered_p", at ? double(at->p) : NAN);
  if (at && at->p >= 0.0f) {
    char heading[96];
    std::snprintf(heading, sizeof heading, "under the mouse: '%s' had %.1f%%; the model weighed:",
                  sample_char_label(panel.token_text[at->token]).c_str(), 100.0 * at->p);
    ImGui::TextDisabled("%s", heading);
    sample_alternatives_bars(at->top, at->top_p, at->top_count, at->token, panel.token_text);
    ImGui::BeginTooltip();  // the bars above may be scrolled out of view: the same at the mouse
    ImGui::TextDisabled("%s", heading);
    sample_alternatives_bars(at->top, at->top_p, std::min(at->top_count, 5), at->token, panel.token_text);
    ImGui::EndTooltip();
  } else {
    ImGui::TextDisabled(at ? "under the mouse: priming text (typed, not drawn); next character:" : "next character:");
    std::uint16_t tokens[10];
    float p[10];
    int count = sample_top_k(charrnn_next_distribution(panel.sampler, view.model, panel.temperature), V, tokens, p, 10);
    sample_alternatives_bars(tokens, p, count, -1, panel.token_text);
  }
}

}  // namespace

void charrnn_panel(App& app) {
  CharRnnPanel& panel = app.charrnn;
  ensure_started(panel);
  panel_header("Char-RNN",
               "A recurrent network reads a text one character at a time and learns to guess the next "
               "one. Within a few hundred steps it spells words; within a few thousand it writes "
               "plausible verse. The sample below streams from the model as it trains.");
  if (!panel.started) {
    ImGui::TextDisabled("opening the run saved in %s...", store_where().c_str());
    return;
  }
  take_files(panel);
  corpus_controls(app, panel);
  ui_probe_value("charrnn.ready", panel.has_session);
  panel_message("charrnn", panel.message, panel.message_error);
  if (!panel.has_session) return;

  config_controls(panel);
  const CharRnnConfig& config = panel.session.config;
  TrainingAction action = training_controls("charrnn", panel.worker, panel.controls, double(config.batch) * config.seq, "chars", panel.autosave);
  handle_action(panel, action);
  if (training_error_banner(panel.worker, "charrnn", &panel.controls)) handle_action(panel, TrainingAction::OptimizerChanged);

  panel.worker.with_snapshot([&] {
    CharRnnPanel::View& view = panel.view;
    if (!view.ready || view.model.params.value.size() == 0) return;
    ui_probe_value("charrnn.step", double(view.step));
    ui_probe_value("charrnn.first_train_bpc", view.train_bpc.empty() ? NAN : double(view.train_bpc.values.front()));
    ui_probe_value("charrnn.train_bpc", view.train_bpc.empty() ? NAN : double(view.train_bpc.last()));
    bool finite = true;
    for (std::size_t i = 0; i < view.model.params.value.size(); i++) finite = finite && std::isfinite(view.model.params.value[i]);
    ui_probe_value("charrnn.weights_finite", finite);
    ImGui::Text("step %lld   train %.3f bits/char   validation %s", (long long)view.step, double(view.train_bpc.last()),
                view.val_bpc.empty() ? "(every 100 steps)" : std::to_string(view.val_bpc.last()).substr(0, 5).c_str());
    PlotSeries curves[2] = {
        {"train", view.train_bpc.steps.data(), view.train_bpc.values.data(), int(view.train_bpc.values.size()), plot_color(0)},
        {"validation", view.val_bpc.steps.data(), view.val_bpc.values.data(), int(view.val_bpc.values.size()), plot_color(1)},
    };
    plot_lines("bpc", curves, 2, ImVec2(0, 170), "bits per character");
    section("SAMPLE");
    sample_view(app, panel);
    section("HIDDEN STATE OVER THE LAST WINDOW");
    if (view.hidden_steps > 0) {
      const int H = view.model.config.hidden;
      heatmap_update(panel.hidden_map, app.heatmap_renderer, view.hidden.data(), view.hidden_steps, H, 0.0f, 1.0f,
                     HeatmapScale::Diverging);
      ImGui::TextDisabled("rows: the %d characters of one training window; columns: the %d hidden units (blue -1, red +1)",
                          view.hidden_steps, H);
      heatmap_image(panel.hidden_map, std::clamp(600.0f / float(H), 1.0f, 6.0f));
    }
  });
}

void charrnn_panel_shutdown(CharRnnPanel& panel) {
  panel.worker.stop();
  heatmap_destroy(panel.hidden_map);
}

}  // namespace nn
