#pragma once
// A training run as the lab keeps it between visits: the session's checkpoint (core/checkpoint.h)
// and what a checkpoint leaves out (the settings the session was built from, the metric history
// the plots show), in one file, so that the parts can never be out of step with each other.
//
// Format, version 1. Little-endian; a string is a u32 byte length then the bytes.
//   magic       8 bytes  "NNLABRUN"
//   version     u32      1
//   file size   u64      bytes in the whole file, this header and the CRC included
//   settings    u32 count, then count x (string key, string value)
//   metrics     u32 count, then count x (string name, u32 n, n x f32 steps, n x f32 values)
//   checkpoint  u64 length, then the bytes
//   crc32       u32      of every byte before it
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "train/metrics.h"
#include "train/train_options.h"

namespace nn {

struct SavedRun {
  std::vector<std::pair<std::string, std::string>> settings;  // {"seed", "0"}, {"step", "120"}
  std::vector<std::pair<std::string, MetricSeries>> metrics;  // {"loss", ...}
  std::vector<std::uint8_t> checkpoint;
};

std::vector<std::uint8_t> saved_run_encode(const SavedRun& run);
// Fills `run` only if the whole file is sound (magic, version, sizes, CRC); otherwise `run` is
// untouched and the Status says what is wrong.
Status saved_run_decode(std::span<const std::uint8_t> bytes, SavedRun& run);

// Settings, written and read as text. A missing key or a value that does not parse fails with a
// message that names the key.
void saved_run_set(SavedRun& run, const std::string& key, const std::string& value);
void saved_run_set(SavedRun& run, const std::string& key, double value);
Status saved_run_get(const SavedRun& run, const std::string& key, std::string& value);
Status saved_run_get(const SavedRun& run, const std::string& key, double& value);
Status saved_run_get(const SavedRun& run, const std::string& key, long& value);
// Null if the run has no metric of that name.
const MetricSeries* saved_run_metric(const SavedRun& run, const std::string& name);

// The seed, optimizer kind and learning rate: what every session is built from. Reading starts
// from `options` (a demo's defaults), so what a run does not record keeps its default.
void saved_run_put_options(SavedRun& run, const TrainOptions& options);
Status saved_run_get_options(const SavedRun& run, TrainOptions& options);

}  // namespace nn
