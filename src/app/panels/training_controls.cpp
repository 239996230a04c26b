#include "app/panels/training_controls.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "app/style.h"
#include "app/ui_probe.h"
#include "imgui.h"

namespace nn {

namespace {

const OptimizerKind kOptimizers[] = {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                                     OptimizerKind::RmsProp, OptimizerKind::Adam};
const char* const kOptimizerLabels[] = {"SGD", "Momentum", "Nesterov", "RMSprop", "Adam"};

}  // namespace

TrainingAction training_controls(const char* probe_name, TrainingWorker& worker, TrainingControls& controls,
                                 double samples_per_step, const char* sample_unit, Autosave& autosave) {
  TrainingAction action = TrainingAction::None;
  bool running = worker.running();
  if (ImGui::Button(running ? "Pause" : "Train", ImVec2(90, 0))) running ? worker.pause() : worker.run();
  ui_probe_item(std::string(probe_name) + ".train");
  ui_probe_value(std::string(probe_name) + ".running", running);
  ui_probe_value(std::string(probe_name) + ".steps_per_second", worker.steps_per_second());
  ImGui::SameLine();
  ImGui::BeginDisabled(running);
  if (ImGui::Button("Step")) worker.step_once();
  ui_probe_item(std::string(probe_name) + ".step");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Reset")) action = TrainingAction::Reset;
  ui_probe_item(std::string(probe_name) + ".reset");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("seed", &controls.seed);
  if (controls.seed < 0) controls.seed = 0;
  ImGui::SameLine();
  if (ImGui::Button("Download")) action = TrainingAction::Save;
  ui_probe_item(std::string(probe_name) + ".download");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The model and its optimizer state as a checkpoint file");
  ImGui::SameLine();
  if (ImGui::Button("Upload...")) action = TrainingAction::Load;
  ui_probe_item(std::string(probe_name) + ".upload");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Resume from a checkpoint file downloaded before");

  int optimizer = 0;
  for (int i = 0; i < 5; i++)
    if (kOptimizers[i] == controls.optimizer) optimizer = i;
  ImGui::SetNextItemWidth(130);
  if (ImGui::Combo("optimizer", &optimizer, kOptimizerLabels, 5)) {
    controls.optimizer = kOptimizers[optimizer];
    action = TrainingAction::OptimizerChanged;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  if (ImGui::SliderFloat("learning rate", &controls.learning_rate, 1e-5f, 1.0f, "%.2e", ImGuiSliderFlags_Logarithmic))
    action = TrainingAction::OptimizerChanged;
  ui_probe_item(std::string(probe_name) + ".learning_rate");
  ui_probe_value(std::string(probe_name) + ".lr", controls.learning_rate);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+click to type any value");
  ImGui::SameLine();
  autosave_button(autosave, probe_name);

  double steps = worker.steps_per_second();
  ImGui::TextDisabled("%s  %ld steps  %.1f steps/s  %.0f %s/s", running ? "training" : "paused", worker.steps_done(), steps,
                      steps * samples_per_step, sample_unit);
  ImGui::SameLine(0.0f, 24.0f);
  if (autosave_status(autosave, probe_name)) action = TrainingAction::StartFresh;
  return action;
}

void handle_training_action(TrainingAction action, TrainingWorker& worker, const CheckpointFile& checkpoint,
                            const TrainingHandlers& handlers, int seed, std::string& message) {
  switch (action) {
    case TrainingAction::None: return;
    case TrainingAction::Reset:
    case TrainingAction::StartFresh: {
      worker.pause();
      worker.clear_error();
      Status status = handlers.reset();
      message = !status.ok() ? status.error
                : action == TrainingAction::Reset ? "reset with seed " + std::to_string(seed)
                                                  : "started afresh with seed " + std::to_string(seed) + ": the saved run is forgotten";
      return;
    }
    case TrainingAction::OptimizerChanged:
      worker.with_session(handlers.apply_optimizer);
      return;
    case TrainingAction::Save: {
      std::vector<std::uint8_t> bytes;
      worker.with_session([&] { bytes = handlers.save(); });
      std::string where;
      Status status = file_save(checkpoint.filename, bytes, where);
      message = status.ok() ? "checkpoint " + where : status.error;
      return;
    }
    case TrainingAction::Load:
      file_request_open(checkpoint.purpose, ".ckpt", checkpoint.filename);
      return;
  }
}

void apply_optimizer_controls(const TrainingControls& controls, OptimizerConfig& config,
                              std::initializer_list<std::pair<OptimizerState*, std::size_t>> states) {
  config.lr = controls.learning_rate;
  if (config.kind == controls.optimizer) return;  // same kind: its moments stay valid
  config.kind = controls.optimizer;
  for (auto [state, floats] : states) *state = optimizer_state_make(config.kind, floats);
}

bool take_opened_checkpoint(const OpenedFile& file, TrainingWorker& worker,
                            const std::function<Status(std::span<const std::uint8_t>)>& load, std::string& message) {
  if (!file.error.empty()) {
    message = file.error;
    return false;
  }
  worker.pause();
  Status status;
  worker.with_session([&] { status = load(file.bytes); });
  worker.publish_now();
  message = status.ok() ? "loaded " + file.name : "could not load " + file.name + ": " + status.error;
  return status.ok();
}

bool training_error_banner(TrainingWorker& worker, const char* probe_name, TrainingControls* controls) {
  std::string error = worker.error();
  if (error.empty()) return false;
  const std::string probe = probe_name;
  ui_probe_text(probe + ".error", error);
  // A tenth of the rate that failed: far enough down to stop most divergences in one go.
  const float lower = controls ? std::max(controls->learning_rate * 0.1f, 1e-7f) : 0.0f;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float wrap = ImGui::GetContentRegionAvail().x - 2.0f * style.WindowPadding.x;
  const float height = ImGui::GetTextLineHeightWithSpacing() + ImGui::CalcTextSize(error.c_str(), nullptr, false, wrap).y +
                       ImGui::GetFrameHeight() + 2.0f * style.WindowPadding.y + style.ItemSpacing.y;
  bool lowered = false;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.10f, 0.10f, 1.0f));
  ImGui::BeginChild("error", ImVec2(0, height), false, ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar);
  ImGui::TextColored(kAccentColor, "Training paused.");
  ImGui::TextWrapped("%s", error.c_str());
  if (controls) {
    char label[64];
    std::snprintf(label, sizeof label, "Use learning rate %.2e", double(lower));
    if (ImGui::Button(label)) {
      controls->learning_rate = lower;
      worker.clear_error();
      lowered = true;
    }
    ui_probe_item(probe + ".lower_lr");
    ImGui::SameLine();
  }
  if (ImGui::Button("Dismiss")) worker.clear_error();
  ImGui::EndChild();
  ImGui::PopStyleColor();
  return lowered;
}

void panel_message(const char* probe_name, const std::string& message, bool error) {
  if (message.empty()) return;
  ui_probe_text(std::string(probe_name) + ".message", message);
  if (error) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(kWarningColor, "%s", message.c_str());
    ImGui::PopTextWrapPos();
  } else {
    ImGui::TextDisabled("%s", message.c_str());
  }
}

}  // namespace nn
