#include "app/panels/training_controls.h"

#include <cstdio>
#include <string>

#include "app/ui_probe.h"
#include "imgui.h"

namespace nn {

namespace {

const OptimizerKind kOptimizers[] = {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                                     OptimizerKind::RmsProp, OptimizerKind::Adam};
const char* const kOptimizerLabels[] = {"SGD", "Momentum", "Nesterov", "RMSprop", "Adam"};

}  // namespace

TrainingAction training_controls(const char* probe_name, TrainingWorker& worker, TrainingControls& controls,
                                 double samples_per_step, const char* sample_unit) {
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
  if (ImGui::Button("Save")) action = TrainingAction::Save;
  ImGui::SameLine();
  if (ImGui::Button("Load")) action = TrainingAction::Load;

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

  double steps = worker.steps_per_second();
  ImGui::TextDisabled("%s  %ld steps  %.1f steps/s  %.0f %s/s", running ? "training" : "paused", worker.steps_done(), steps,
                      steps * samples_per_step, sample_unit);
  return action;
}

void handle_training_action(TrainingAction action, TrainingWorker& worker, const CheckpointFile& checkpoint,
                            const TrainingHandlers& handlers, int seed, std::string& message) {
  switch (action) {
    case TrainingAction::None: return;
    case TrainingAction::Reset: {
      worker.pause();
      worker.clear_error();
      Status status = handlers.reset();
      message = status.ok() ? "reset with seed " + std::to_string(seed) : status.error;
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

void training_error_banner(TrainingWorker& worker) {
  std::string error = worker.error();
  if (error.empty()) return;
  ui_probe_text("error", error);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.10f, 0.10f, 1.0f));
  ImGui::BeginChild("error", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 3.2f), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::TextWrapped("%s", error.c_str());
  if (ImGui::SmallButton("Dismiss")) worker.clear_error();
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

}  // namespace nn
