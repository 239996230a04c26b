// libFuzzer target: checkpoint_load on arbitrary bytes, against a model with optimizer state and
// one without. Almost every mutation breaks the CRC, so each input is also tried resealed (its
// file size and CRC rewritten), which lets the fuzzer reach the tables behind the checksum.
// A rejected file must leave the model exactly as it was; an accepted one must save back to the
// very same bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/crc32.h"
#include "fuzz_checkpoint_model.h"

namespace {

constexpr std::size_t kSizeField = 12;  // after the magic and the version
constexpr std::size_t kCrcBytes = 4;

std::vector<float> snapshot(const nn_fuzz::FuzzModel& m) {
  std::vector<float> s(m.params.value.data(), m.params.value.data() + m.params.value.size());
  s.insert(s.end(), m.optim.moments.data(), m.optim.moments.data() + m.optim.moments.size());
  s.push_back(float(m.optim.step));
  return s;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {  // NaNs compare too
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void check_load(std::span<const std::uint8_t> bytes, nn::OptimizerKind kind) {
  nn_fuzz::FuzzModel model = nn_fuzz::fuzz_model(kind);
  nn_fuzz::fuzz_fill(model, 0.5f);
  const std::vector<float> before = snapshot(model);
  nn::Status status = nn::checkpoint_load(bytes, model.arch, model.params, model.optim);
  if (!status.ok()) {
    if (status.error.empty() || !same_bits(snapshot(model), before)) __builtin_trap();
    return;
  }
  std::vector<std::uint8_t> saved = nn::checkpoint_save(model.arch, model.params, model.optim);
  if (saved.size() != bytes.size() || !std::equal(saved.begin(), saved.end(), bytes.begin())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  for (nn::OptimizerKind kind : {nn::OptimizerKind::Adam, nn::OptimizerKind::Sgd}) check_load(bytes, kind);
  if (size < kSizeField + 8 + kCrcBytes) return 0;
  std::vector<std::uint8_t> sealed(data, data + size);
  std::uint64_t file_size = size;
  std::memcpy(sealed.data() + kSizeField, &file_size, sizeof file_size);
  std::uint32_t crc = nn::crc32(sealed.data(), size - kCrcBytes);
  std::memcpy(sealed.data() + size - kCrcBytes, &crc, kCrcBytes);
  for (nn::OptimizerKind kind : {nn::OptimizerKind::Adam, nn::OptimizerKind::Sgd}) check_load(sealed, kind);
  return 0;
}
