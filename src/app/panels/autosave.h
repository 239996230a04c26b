#pragma once
// Keeping a demo's run between visits (local_store.h), and the controls for it. A panel owns an
// Autosave; autosave_tick() runs every frame for every demo, open or not, and saves the run
//   - every kAutosaveSeconds of training,
//   - when training is paused and the worker has published something new since the last save
//     (the user paused, the run ended or diverged and rolled back, single steps),
//   - when the panel asks (autosave_request: a reset, a loaded checkpoint, "Save in browser").
// The run is captured on the training worker's thread between two steps (TrainingWorker::post),
// so the UI never waits for a step; the UI thread then hands the bytes to the store, which copies
// them to IndexedDB in the background.
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "train/saved_run.h"
#include "train/worker.h"

namespace nn {

inline constexpr double kAutosaveSeconds = 15.0;

struct Autosave {
  const char* name = "";     // the demo's key; its file in the store is "<name>.run"
  const char* unit = "step"; // what the run counts: "epoch", "step", "iteration"
  // Off until the panel has looked for a saved run and resumed or started afresh: a new session
  // must not overwrite a saved run before that.
  bool enabled = false;
  std::function<SavedRun()> capture;  // the panel's session as a saved run, on the worker thread

  double trained_seconds = 0.0;  // of training since the last save
  double last_tick = 0.0;
  long publications_saved = 0;  // the worker's publications when the last save was asked for
  bool wanted = false;     // a save is due
  bool capturing = false;  // posted to the worker, bytes not back yet
  bool discard_capture = false;  // the run was cleared while a capture was under way

  // Filled by the worker's job, taken by the UI thread; `extra` goes the other way.
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> extra;  // settings the panel adds (the text's origin)
  std::vector<std::uint8_t> bytes;
  bool bytes_ready = false;
  long bytes_step = 0;
  double bytes_loss = 0.0;
  std::time_t bytes_time = 0;

  long write_number = 0;  // the store's number of the last write, durable once store_durable() reaches it
  long written_step = 0;
  double written_loss = 0.0;
  std::time_t written_time = 0;
  long saved_step = -1;  // what is safely kept: the last durable save
  double saved_loss = 0.0;
  std::time_t saved_at = 0;
  long saves = 0;
  long resumed_step = -1;  // the run this page resumed from, -1 if it started afresh
  std::time_t resumed_saved_at = 0;
  std::string error;
};

void autosave_tick(Autosave& save, TrainingWorker& worker);
// Once the panel has resumed its saved run or built a new model: saving starts from here.
void autosave_enable(Autosave& save, const TrainingWorker& worker);
void autosave_request(Autosave& save);
// The panel replaced its model (reset, new configuration, a loaded checkpoint): saves it soon, and
// the controls stop saying the run was resumed.
void autosave_new_model(Autosave& save);
// A setting added to every saved run from now on (UI thread).
void autosave_set_extra(Autosave& save, const std::string& key, const std::string& value);

// The demo's saved run: false if there is none; true with `run` filled, or with `problem` set
// when the file cannot be read.
bool autosave_saved_run(const Autosave& save, SavedRun& run, std::string& problem);
// After a panel resumed from `run`: the controls say so.
void autosave_resumed(Autosave& save, const SavedRun& run);
// Forgets the saved run ("Start fresh"); the model on screen is saved again once it trains.
void autosave_clear(Autosave& save, const TrainingWorker& worker);

// The "Save in browser" button. `probe_name` prefixes the names the browser test sees.
void autosave_button(Autosave& save, const char* probe_name);
// One line of text: what is saved and when, and after a resume where it started from, with a
// "Start fresh" button: true when pressed (the panel resets, then calls autosave_clear).
bool autosave_status(Autosave& save, const char* probe_name);

}  // namespace nn
