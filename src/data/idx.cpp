#include "data/idx.h"

#include "data/inflate.h"

namespace nn {

namespace {

constexpr int kMaxRank = 4;
constexpr std::uint8_t kTypeUnsignedByte = 0x08;

}  // namespace

Status idx_parse(std::span<const std::uint8_t> bytes, IdxArray& out, std::size_t max_values) {
  std::vector<std::uint8_t> inflated;
  if (is_gzip(bytes)) {
    // An IDX file's header is at most 4 + 4*kMaxRank bytes on top of its values.
    Status status = gunzip(bytes, inflated, max_values + 4 + 4 * kMaxRank);
    if (!status.ok()) return status;
    bytes = inflated;
  }
  if (bytes.size() < 4) return Status::failure("not an IDX file: only %zu bytes", bytes.size());
  if (bytes[0] != 0 || bytes[1] != 0) return Status::failure("not an IDX file (bad magic number)");
  if (bytes[2] != kTypeUnsignedByte)
    return Status::failure("IDX file holds type 0x%02x; only unsigned bytes (0x08) are supported", bytes[2]);
  int rank = bytes[3];
  if (rank < 1 || rank > kMaxRank) return Status::failure("IDX file claims %d dimensions (1 to %d expected)", rank, kMaxRank);
  std::size_t header = 4 + 4 * std::size_t(rank);
  if (bytes.size() < header) return Status::failure("IDX file is truncated inside its header");
  IdxArray array;
  std::size_t total = 1;
  for (int d = 0; d < rank; d++) {
    const std::uint8_t* p = &bytes[4 + 4 * std::size_t(d)];
    std::uint32_t dim = std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
    if (dim == 0) return Status::failure("IDX file has an empty dimension");
    if (dim > max_values || dim > std::uint32_t(INT32_MAX) || total > max_values / dim)
      return Status::failure("IDX file claims more than %zu values; refusing to load it", max_values);
    total *= dim;
    array.dims.push_back(int(dim));
  }
  if (bytes.size() - header < total)
    return Status::failure("IDX file is truncated: %zu values announced, %zu present", total, bytes.size() - header);
  if (bytes.size() - header > total)
    return Status::failure("IDX file has %zu bytes after its %zu values", bytes.size() - header - total, total);
  array.values.assign(bytes.begin() + std::ptrdiff_t(header), bytes.end());
  out = std::move(array);
  return Status::success();
}

std::vector<std::uint8_t> idx_encode(const std::vector<int>& dims, std::span<const std::uint8_t> values) {
  std::vector<std::uint8_t> bytes = {0, 0, kTypeUnsignedByte, std::uint8_t(dims.size())};
  for (int dim : dims) {
    auto d = std::uint32_t(dim);
    bytes.insert(bytes.end(), {std::uint8_t(d >> 24), std::uint8_t(d >> 16), std::uint8_t(d >> 8), std::uint8_t(d)});
  }
  bytes.insert(bytes.end(), values.begin(), values.end());
  return bytes;
}

}  // namespace nn
