#include "train/saved_run.h"

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/byte_writer.h"
#include "core/crc32.h"

namespace nn {

static_assert(std::endian::native == std::endian::little, "saved runs are stored little-endian and copied as they are");

namespace {

constexpr char kMagic[8] = {'N', 'N', 'L', 'A', 'B', 'R', 'U', 'N'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = sizeof kMagic + 4 + 8;  // magic, version, file size
constexpr std::size_t kCrcBytes = 4;

// Reads fields in order. Every length is checked against the bytes left before anything is
// allocated for it, so a corrupt count cannot ask for gigabytes.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  bool bytes(void* p, std::size_t n) {
    if (failed_ || n > in_.size() - pos_) return fail();
    if (n > 0) std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool u32(std::uint32_t& v) { return bytes(&v, sizeof v); }
  bool u64(std::uint64_t& v) { return bytes(&v, sizeof v); }
  bool string(std::string& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > remaining()) return fail();
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool floats(std::vector<float>& v, std::uint32_t n) {
    if (failed_ || std::uint64_t(n) * sizeof(float) > remaining()) return fail();
    v.resize(n);
    return bytes(v.data(), std::size_t(n) * sizeof(float));
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  bool failed() const { return failed_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

const std::string* find_setting(const SavedRun& run, const std::string& key) {
  for (const auto& [k, v] : run.settings)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

namespace {

// Run twice by saved_run_encode: once counting, once writing.
void write_run(ByteWriter& w, const SavedRun& run) {
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.u64(0);  // the file size, patched below
  w.u32(std::uint32_t(run.settings.size()));
  for (const auto& [key, value] : run.settings) {
    w.str(key);
    w.str(value);
  }
  w.u32(std::uint32_t(run.metrics.size()));
  for (const auto& [name, series] : run.metrics) {
    w.str(name);
    const std::size_t n = std::min(series.steps.size(), series.values.size());
    w.u32(std::uint32_t(n));
    w.bytes(series.steps.data(), n * sizeof(float));
    w.bytes(series.values.data(), n * sizeof(float));
  }
  w.u64(run.checkpoint.size());
  w.bytes(run.checkpoint.data(), run.checkpoint.size());
  w.patch_u64(12, w.written() + kCrcBytes);
  w.u32(w.begin() ? crc32(w.begin(), w.written()) : 0);
}

}  // namespace

std::vector<std::uint8_t> saved_run_encode(const SavedRun& run) {
  ByteWriter count;
  write_run(count, run);
  std::vector<std::uint8_t> out;
  out.reserve(count.written());
  ByteWriter w(out);
  write_run(w, run);
  return out;
}

Status saved_run_decode(std::span<const std::uint8_t> bytes, SavedRun& run) {
  if (bytes.size() < kHeaderBytes + kCrcBytes)
    return Status::failure("the saved run is too short (%zu bytes)", bytes.size());
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return Status::failure("not a saved nnlab run (wrong magic bytes)");
  std::uint32_t version = 0;
  std::uint64_t file_size = 0;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&file_size, bytes.data() + 12, 8);
  if (version != kVersion)
    return Status::failure("the saved run has format version %u; this build reads version %u", version, kVersion);
  if (file_size != bytes.size())
    return Status::failure("the saved run is truncated: its header says %llu bytes, there are %zu",
                           (unsigned long long)file_size, bytes.size());
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - kCrcBytes, kCrcBytes);
  if (stored != crc32(bytes.data(), bytes.size() - kCrcBytes)) return Status::failure("the saved run is corrupted (CRC mismatch)");

  Reader r(bytes.first(bytes.size() - kCrcBytes).subspan(kHeaderBytes));
  SavedRun decoded;
  std::uint32_t count = 0;
  r.u32(count);
  for (std::uint32_t i = 0; i < count && !r.failed(); i++) {
    std::string key, value;
    r.string(key) && r.string(value);
    decoded.settings.emplace_back(std::move(key), std::move(value));
  }
  count = 0;
  r.u32(count);
  for (std::uint32_t i = 0; i < count && !r.failed(); i++) {
    std::string name;
    std::uint32_t n = 0;
    MetricSeries series;
    r.string(name) && r.u32(n) && r.floats(series.steps, n) && r.floats(series.values, n);
    decoded.metrics.emplace_back(std::move(name), std::move(series));
  }
  std::uint64_t checkpoint_size = 0;
  bool sound = !r.failed() && r.u64(checkpoint_size) && checkpoint_size <= r.remaining();
  if (sound) {
    decoded.checkpoint.resize(std::size_t(checkpoint_size));
    sound = r.bytes(decoded.checkpoint.data(), decoded.checkpoint.size());
  }
  if (!sound) return Status::failure("the saved run is malformed: a field runs past its end");
  if (r.remaining() != 0) return Status::failure("the saved run is malformed: %zu bytes follow its checkpoint", r.remaining());
  run = std::move(decoded);
  return Status::success();
}

void saved_run_set(SavedRun& run, const std::string& key, const std::string& value) {
  for (auto& [k, v] : run.settings)
    if (k == key) {
      v = value;
      return;
    }
  run.settings.emplace_back(key, value);
}

void saved_run_set(SavedRun& run, const std::string& key, double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);  // round-trips every double
  saved_run_set(run, key, std::string(text));
}

Status saved_run_get(const SavedRun& run, const std::string& key, std::string& value) {
  const std::string* found = find_setting(run, key);
  if (!found) return Status::failure("the saved run has no '%s'", key.c_str());
  value = *found;
  return Status::success();
}

Status saved_run_get(const SavedRun& run, const std::string& key, double& value) {
  std::string text;
  if (Status status = saved_run_get(run, key, text); !status.ok()) return status;
  char* end = nullptr;
  errno = 0;
  double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(parsed))
    return Status::failure("the saved run's '%s' is not a number ('%s')", key.c_str(), text.c_str());
  value = parsed;
  return Status::success();
}

Status saved_run_get(const SavedRun& run, const std::string& key, long& value) {
  double number = 0.0;
  if (Status status = saved_run_get(run, key, number); !status.ok()) return status;
  if (number != std::floor(number) || std::fabs(number) > 9e15)
    return Status::failure("the saved run's '%s' is not a whole number (%g)", key.c_str(), number);
  value = long(number);
  return Status::success();
}

const MetricSeries* saved_run_metric(const SavedRun& run, const std::string& name) {
  for (const auto& [n, series] : run.metrics)
    if (n == name) return &series;
  return nullptr;
}

void saved_run_put_options(SavedRun& run, const TrainOptions& options) {
  saved_run_set(run, "seed", std::to_string(options.seed));
  saved_run_set(run, "optimizer", optimizer_name(options.optimizer.kind));
  saved_run_set(run, "lr", options.optimizer.lr);
}

Status saved_run_get_options(const SavedRun& run, TrainOptions& options) {
  long seed = 0;
  double lr = 0.0;
  std::string optimizer;
  TrainOptions read = options;
  if (Status status = saved_run_get(run, "seed", seed); !status.ok()) return status;
  if (Status status = saved_run_get(run, "lr", lr); !status.ok()) return status;
  if (Status status = saved_run_get(run, "optimizer", optimizer); !status.ok()) return status;
  if (seed < 0) return Status::failure("the saved run's seed is negative (%ld)", seed);
  if (!optimizer_kind_from_name(optimizer, read.optimizer.kind))
    return Status::failure("the saved run names an unknown optimizer '%s'", optimizer.c_str());
  read.seed = std::uint64_t(seed);
  read.optimizer.lr = lr;
  options = read;
  return Status::success();
}

}  // namespace nn
