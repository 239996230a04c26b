#pragma once
// Whole files: reads with a size limit checked before anything is allocated, and writes that
// never leave a half-written file behind.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

Status read_file(const std::string& path, std::vector<std::uint8_t>& out, std::size_t max_bytes);

// Writes a temporary file next to `path`, syncs it and renames it over `path`: a crash or a full
// disk leaves either the old file or the new one, never a mix.
Status write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace nn
