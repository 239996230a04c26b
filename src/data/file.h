#pragma once
// Whole-file reads with a size limit checked before anything is allocated.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

Status read_file(const std::string& path, std::vector<std::uint8_t>& out, std::size_t max_bytes);

}  // namespace nn
