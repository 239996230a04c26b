#pragma once
// Checkpoints: a model's parameters with its optimizer state and step count, so that training
// resumes where it stopped. Loading validates the whole file against the model in memory before
// it writes a single float, so a rejected file leaves the model exactly as it was.
//
// Format, version 1. Little-endian throughout; a string is a u32 byte length then the bytes.
//   magic        8 bytes  "NNLABCKP"
//   version      u32      1
//   file size    u64      bytes in the whole file, this header and the CRC included
//   architecture string kind, u32 count, then count × (string key, string value)
//   tensor table u32 count, then count × (string name, u32 rank, rank × u32 dim, u64 offset)
//   layout size  u64      N, floats in a parameter buffer (ParamLayout::size, padding included)
//   optimizer    u32 kind (OptimizerKind), u32 state slots S, i64 step
//   parameters   N × f32
//   state        S × N × f32
//   crc32        u32      of every byte before it
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/optim.h"
#include "core/params.h"
#include "core/status.h"

namespace nn {

inline constexpr std::uint32_t kCheckpointVersion = 1;

// What a model is, beyond its tensor shapes: its kind and the hyper-parameters that make a
// checkpoint of one configuration meaningless for another.
struct ModelArch {
  std::string kind;                                         // "lstm"
  std::vector<std::pair<std::string, std::string>> hyper;   // {"hidden","5"}, {"vocab","9"}
};
std::string arch_describe(const ModelArch& arch);           // "lstm hidden=5 vocab=9"

std::vector<std::uint8_t> checkpoint_save(const ModelArch& arch, const ParamStore& params,
                                          const OptimizerState& optim);
// The same bytes appended to `out`, which grows once, to the exact size, if it must grow at all;
// checkpoint_bytes tells that size beforehand, for a caller that writes several into one buffer.
void checkpoint_append(std::vector<std::uint8_t>& out, const ModelArch& arch, const ParamStore& params,
                       const OptimizerState& optim);
std::size_t checkpoint_bytes(const ModelArch& arch, const ParamStore& params, const OptimizerState& optim);
// Restores params.value, the optimizer's moments and step from `bytes` if and only if every
// field matches the model (architecture, tensor names and shapes, optimizer kind, sizes and CRC)
// and every stored float is finite.
Status checkpoint_load(std::span<const std::uint8_t> bytes, const ModelArch& arch,
                                 ParamStore& params, OptimizerState& optim);

// Atomic: writes a temporary file in the same folder, syncs it and renames it over `path`, so a
// crash leaves either the old checkpoint or the new one, never a mix.
Status checkpoint_save_file(const std::string& path, const ModelArch& arch,
                                      const ParamStore& params, const OptimizerState& optim);
Status checkpoint_load_file(const std::string& path, const ModelArch& arch,
                                      ParamStore& params, OptimizerState& optim);

}  // namespace nn
