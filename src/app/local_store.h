#pragma once
// Files the lab keeps between visits: each demo's saved run, the text a char-RNN learns.
//   browser: a folder in the page's IndexedDB (Emscripten's IDBFS, mounted at /persist). Writes
//            land in memory at once and are copied to IndexedDB in the background (FS.syncfs);
//            one copy runs at a time, and writes made meanwhile wait in memory for the next.
//   desktop: a folder on disk: $NNLAB_SAVE_DIR, else $XDG_DATA_HOME/nnlab, else
//            ~/.local/share/nnlab.
// Every file is written to a temporary name and renamed over the old one, so a closed tab or a
// crash leaves the previous version or the new one, never a mix (IndexedDB commits each copy as
// one transaction). Call these from the UI thread only: in the browser the file system and its
// callbacks live there.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

// At startup. In the browser the saved files arrive asynchronously: see store_ready().
void store_open();
// True once the saved files can be read (at once on the desktop; in the browser after IndexedDB
// answered, even if it failed: store_error() then says why nothing is kept).
bool store_ready();
std::string store_error();

// Writes `name` (a plain file name) and returns the write's number: the write is durable once
// store_durable() reaches it.
Status store_write(const std::string& name, std::vector<std::uint8_t> bytes, long& write_number);
long store_durable();
// Reads `name`; false (with no error) if it does not exist.
bool store_read(const std::string& name, std::vector<std::uint8_t>& out, std::size_t max_bytes, Status& status);
void store_remove(const std::string& name);

// Where the files are, for messages ("this browser", or the desktop folder).
std::string store_where();

}  // namespace nn
