#pragma once
// CRC-32 as in zlib, PNG and gzip (reflected polynomial 0xEDB88320): crc32("123456789") == 0xCBF43926.
#include <cstddef>
#include <cstdint>

namespace nn {

// Pass the previous result as `crc` to continue over data that arrives in pieces.
std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc = 0);

}  // namespace nn
