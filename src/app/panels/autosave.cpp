#include "app/panels/autosave.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "app/local_store.h"
#include "app/style.h"
#include "app/ui_probe.h"
#include "imgui.h"

namespace nn {

namespace {

// A saved run holds the model and its optimizer state: 13 MB for the GAN. Anything far larger
// is not one of ours.
constexpr std::size_t kMaxRunBytes = std::size_t(512) << 20;

#if defined(__EMSCRIPTEN__)
constexpr const char* kSaveLabel = "Save in browser";
#else
constexpr const char* kSaveLabel = "Save locally";
#endif

std::string file_name(const Autosave& save) { return std::string(save.name) + ".run"; }

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string clock_time(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

// Runs on the worker thread: the session as bytes, with what the controls show about it.
void capture_run(Autosave& save) {
  SavedRun run = save.capture();
  const std::time_t now = std::time(nullptr);
  {
    std::lock_guard<std::mutex> lock(save.mutex);
    for (const auto& [key, value] : save.extra) saved_run_set(run, key, value);
  }
  saved_run_set(run, "saved_at", double(now));
  long step = 0;
  if (!saved_run_get(run, "step", step).ok()) step = 0;
  double loss = run.metrics.empty() || run.metrics[0].second.empty() ? 0.0 : run.metrics[0].second.last();
  std::vector<std::uint8_t> bytes = saved_run_encode(run);
  run.checkpoint = {};  // the model's copy goes before the lock, not after
  std::lock_guard<std::mutex> lock(save.mutex);
  save.bytes = std::move(bytes);
  save.bytes_ready = true;
  save.bytes_step = step;
  save.bytes_loss = loss;
  save.bytes_time = now;
}

// Hands captured bytes to the store.
void write_captured(Autosave& save) {
  std::vector<std::uint8_t> bytes;
  {
    std::lock_guard<std::mutex> lock(save.mutex);
    if (!save.bytes_ready) return;
    bytes.swap(save.bytes);
    save.bytes_ready = false;
    save.written_step = save.bytes_step;
    save.written_loss = save.bytes_loss;
    save.written_time = save.bytes_time;
  }
  save.capturing = false;
  if (save.discard_capture) {
    save.discard_capture = false;
    return;
  }
  long number = 0;
  Status status = store_write(file_name(save), std::move(bytes), number);
  if (!status.ok()) {
    save.error = status.error;
    return;
  }
  save.error.clear();
  save.write_number = number;
}

}  // namespace

void autosave_tick(Autosave& save, TrainingWorker& worker) {
  const double now = seconds_now();
  const double elapsed = save.last_tick > 0.0 ? now - save.last_tick : 0.0;
  save.last_tick = now;
  const bool running = worker.running();
  // Publications, not the running flag, tell that something changed: a run that diverges at
  // its second step pauses before the UI ever sees it running.
  const long publications = worker.publications();
  if (!save.enabled) {
    save.publications_saved = publications;  // what the panel resumed or built is saved already, or new
    return;
  }
  if (running) save.trained_seconds += elapsed;
  if (running && save.trained_seconds >= kAutosaveSeconds) save.wanted = true;
  if (!running && publications != save.publications_saved) save.wanted = true;

  write_captured(save);
  if (save.write_number > 0 && store_durable() >= save.write_number) {
    save.saved_step = save.written_step;
    save.saved_loss = save.written_loss;
    save.saved_at = save.written_time;
    save.saves++;
    save.write_number = 0;
  }
  if (save.wanted && !save.capturing && store_ready()) {
    save.wanted = false;
    save.capturing = true;
    save.trained_seconds = 0.0;
    save.publications_saved = publications;
    worker.post([&save] { capture_run(save); });
  }
}

void autosave_enable(Autosave& save, const TrainingWorker& worker) {
  save.enabled = true;
  save.publications_saved = worker.publications();
}

void autosave_request(Autosave& save) { save.wanted = true; }

void autosave_new_model(Autosave& save) {
  save.wanted = true;
  save.resumed_step = -1;
}

void autosave_set_extra(Autosave& save, const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(save.mutex);
  for (auto& [k, v] : save.extra)
    if (k == key) {
      v = value;
      return;
    }
  save.extra.emplace_back(key, value);
}

bool autosave_saved_run(const Autosave& save, SavedRun& run, std::string& problem) {
  std::vector<std::uint8_t> bytes;
  Status status;
  if (!store_read(file_name(save), bytes, kMaxRunBytes, status)) return false;
  if (status.ok()) status = saved_run_decode(bytes, run);
  if (!status.ok()) problem = status.error;
  return true;
}

void autosave_resumed(Autosave& save, const SavedRun& run) {
  long step = 0;
  double saved_at = 0.0;
  if (!saved_run_get(run, "step", step).ok()) step = 0;
  if (!saved_run_get(run, "saved_at", saved_at).ok()) saved_at = 0.0;
  save.resumed_step = step;
  save.resumed_saved_at = std::time_t(saved_at);
}

void autosave_clear(Autosave& save, const TrainingWorker& worker) {
  store_remove(file_name(save));
  save.resumed_step = -1;
  save.saved_step = -1;
  save.saves = 0;
  save.write_number = 0;
  save.wanted = false;
  save.discard_capture = save.capturing;
  save.trained_seconds = 0.0;
  save.publications_saved = worker.publications();
}

void autosave_button(Autosave& save, const char* probe_name) {
  ImGui::BeginDisabled(!save.enabled);
  if (ImGui::Button(kSaveLabel)) autosave_request(save);
  ImGui::EndDisabled();
  ui_probe_item(std::string(probe_name) + ".save_in_browser");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Kept in %s every %.0f s of training and on pause; a reload resumes from it", store_where().c_str(),
                      kAutosaveSeconds);
}

bool autosave_status(Autosave& save, const char* probe_name) {
  const std::string probe = probe_name;
  ui_probe_value(probe + ".saves", double(save.saves));
  ui_probe_value(probe + ".saved_step", double(save.saved_step));
  ui_probe_value(probe + ".saved_loss", save.saved_step >= 0 ? save.saved_loss : NAN);
  ui_probe_value(probe + ".resumed_step", double(save.resumed_step));
  const std::string error = !save.error.empty() ? save.error : store_error();
  if (!error.empty()) {
    ui_probe_text(probe + ".save_error", error);
    ImGui::TextColored(kWarningColor, "not saved: %s", error.c_str());
    return false;
  }
  std::string saved;
  if (save.capturing || save.write_number > 0) saved = "saving...";
  else if (save.saved_step >= 0) saved = "saved " + clock_time(save.saved_at) + " (" + save.unit + " " + std::to_string(save.saved_step) + ")";
  if (save.resumed_step < 0) {
    ImGui::TextDisabled("%s", saved.c_str());
    return false;
  }
  char resumed[128];
  std::snprintf(resumed, sizeof resumed, "Resumed from %s %ld, saved %s.", save.unit, save.resumed_step,
                clock_time(save.resumed_saved_at).c_str());
  ui_probe_text(probe + ".resumed", resumed);
  ImGui::TextColored(kAccentColor, "%s", resumed);
  ImGui::SameLine();
  bool start_fresh = ImGui::SmallButton("Start fresh");
  ui_probe_item(probe + ".start_fresh");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Forget the saved run and start again from a new model");
  if (!saved.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", saved.c_str());
  }
  return start_fresh;
}

}  // namespace nn
