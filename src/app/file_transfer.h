#pragma once
// Files the user saves or opens: checkpoints, corpora, exported images.
//   browser: saving downloads the bytes; opening shows the file picker; files dropped on the page
//            arrive the same way. Bytes are only ever parsed, never executed.
//   desktop: saving writes into the current folder; opening reads a path, and files dropped on
//            the window arrive the same way.
// Opened files arrive asynchronously: panels poll file_take_opened() each frame.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

struct OpenedFile {
  std::string purpose;  // who asked: "nextword-checkpoint", "charrnn-corpus", "drop"
  std::string name;
  std::vector<std::uint8_t> bytes;
  std::string error;  // set when the file could not be read (too large, missing...)
};

// Browser: starts a download. Desktop: writes `filename` (atomically) in the current folder.
// The message says where the file went.
Status file_save(const std::string& filename, const std::vector<std::uint8_t>& bytes, std::string& where);

// Browser: opens the file picker. Desktop: reads `desktop_path` now (if it exists).
void file_request_open(const std::string& purpose, const char* accept, const std::string& desktop_path);

// Loads a data file the app ships or knows about, for `purpose`, without blocking the UI.
// Browser: fetches `url` from the page's origin (a .gz is decompressed by the browser).
// Desktop: reads `desktop_path`. Progress is reported by file_progress().
void file_fetch(const std::string& purpose, const std::string& url, const std::string& desktop_path);

// Download progress of a fetch in flight, 0..1; false if none is in flight for `purpose`.
bool file_progress(const std::string& purpose, float& fraction);

// Called by the platform layer when a file is dropped on the window (or could not be read).
void file_dropped(const std::string& name, std::vector<std::uint8_t> bytes, std::string error = {});

// Takes the next opened file for `purpose` (or any dropped file when purpose is "drop").
bool file_take_opened(const std::string& purpose, OpenedFile& out);

}  // namespace nn
