// libFuzzer target: a GAN session's checkpoint file, two checkpoints back to back (generator,
// then discriminator) split by the size the first one records. Each input is also tried with
// both halves resealed (sizes and CRCs rewritten) so that mutations reach the tables behind
// the checksums. A rejected file must leave both networks, their optimizers and the iteration
// as they were; an accepted one must save back to the very same bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/crc32.h"
#include "fuzz_gan_model.h"

namespace {

constexpr std::size_t kSizeField = 12;  // after the magic and the version
constexpr std::size_t kHeaderBytes = 20;
constexpr std::size_t kCrcBytes = 4;

std::vector<float> state_of(const nn::GanSession& s) {
  std::vector<float> v;
  for (const nn::FloatBuffer* b : {&s.model.g.value, &s.model.d.value, &s.g_optim.moments, &s.d_optim.moments})
    v.insert(v.end(), b->data(), b->data() + b->size());
  v.push_back(float(s.g_optim.step));
  v.push_back(float(s.d_optim.step));
  v.push_back(float(s.iteration));
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {  // NaNs compare too
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void reseal(std::uint8_t* part, std::size_t size) {
  std::uint64_t file_size = size;
  std::memcpy(part + kSizeField, &file_size, sizeof file_size);
  std::uint32_t crc = nn::crc32(part, size - kCrcBytes);
  std::memcpy(part + size - kCrcBytes, &crc, kCrcBytes);
}

void check_load(nn::GanSession& s, std::span<const std::uint8_t> bytes) {
  const std::vector<float> before = state_of(s);
  nn::Status status = nn::gan_session_load(s, bytes);
  if (!status.ok()) {
    if (status.error.empty() || !same_bits(state_of(s), before)) __builtin_trap();
    return;
  }
  std::vector<std::uint8_t> saved = nn::gan_session_save(s);
  if (saved.size() != bytes.size() || !std::equal(saved.begin(), saved.end(), bytes.begin())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static nn::GanSession session;
  static const bool ready = nn_fuzz::fuzz_gan_init(session, 1);
  if (!ready) __builtin_trap();
  check_load(session, {data, size});

  if (size < 2 * (kHeaderBytes + kCrcBytes)) return 0;
  std::vector<std::uint8_t> sealed(data, data + size);
  std::uint64_t first = 0;
  std::memcpy(&first, sealed.data() + kSizeField, sizeof first);
  // Where the generator's part ends: as recorded if that leaves room for a second part, else half way.
  if (first < kHeaderBytes + kCrcBytes || first > size - (kHeaderBytes + kCrcBytes)) first = size / 2;
  reseal(sealed.data(), std::size_t(first));
  reseal(sealed.data() + first, size - std::size_t(first));
  check_load(session, sealed);
  return 0;
}
