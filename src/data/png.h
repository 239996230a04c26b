#pragma once
// A minimal PNG writer for 8-bit greyscale images (the GAN's sample grids). The zlib stream
// uses stored deflate blocks, uncompressed: a 224x224 grid is 50 KB either way, and any PNG
// reader accepts it.
#include <cstdint>
#include <span>
#include <vector>

namespace nn {

// pixels (height, width), row-major, 0 = black. Width and height must be positive.
std::vector<std::uint8_t> png_encode_gray(std::span<const std::uint8_t> pixels, int width, int height);

// Adler-32 as zlib computes it (RFC 1950): adler32("Wikipedia") == 0x11E60398.
std::uint32_t adler32(std::span<const std::uint8_t> data);

}  // namespace nn
