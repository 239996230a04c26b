#pragma once
// DEFLATE (RFC 1951) and gzip (RFC 1952) decompression, for data sets shipped as .gz files
// (Fashion-MNIST in Debian). Emscripten's zlib is a port the frozen toolchain cannot build, so
// the lab carries its own small decoder. Every length is checked against the input and against
// `max_output`, so a corrupt or hostile file ends in an error, never a crash or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace nn {

// True when `bytes` starts with the gzip magic (1f 8b).
bool is_gzip(std::span<const std::uint8_t> bytes);

// Decompresses a whole gzip file (all members) into `out`, checking each member's CRC32 and size.
Status gunzip(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& out, std::size_t max_output);

// Decompresses a raw DEFLATE stream; `consumed` receives the bytes of input it used.
Status inflate_raw(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& out, std::size_t max_output,
                   std::size_t* consumed);

}  // namespace nn
