#pragma once
// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, rank), rank big-endian
// u32 dimensions, then the values. Only unsigned bytes (type 0x08) are used by the data sets.
// gzip-compressed files are recognized and decompressed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace nn {

struct IdxArray {
  std::vector<int> dims;
  std::vector<std::uint8_t> values;  // product of dims
};

// `max_values` bounds what a header may claim before anything is allocated.
Status idx_parse(std::span<const std::uint8_t> bytes, IdxArray& out, std::size_t max_values);

// Writes an IDX file of unsigned bytes (the GAN exports its samples this way).
std::vector<std::uint8_t> idx_encode(const std::vector<int>& dims, std::span<const std::uint8_t> values);

}  // namespace nn
