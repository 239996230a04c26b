// Encoding and validating checkpoints in memory; checkpoint_file.cpp moves the bytes to disk.
#include "core/checkpoint.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "core/byte_writer.h"
#include "core/crc32.h"

namespace nn {

static_assert(std::endian::native == std::endian::little,
              "checkpoints are stored little-endian and copied as they are");

namespace {

constexpr char kMagic[8] = {'N', 'N', 'L', 'A', 'B', 'C', 'K', 'P'};
constexpr std::size_t kHeaderBytes = sizeof kMagic + 4 + 8;  // magic, version, file size
constexpr std::size_t kCrcBytes = 4;

// Reads fields in order; any read past the end fails and names the field, and every later read
// fails too, so a parser checks once after a group of fields.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}

  bool bytes(void* p, std::size_t n, const char* what) {
    if (!error_.empty()) return false;
    if (n > in_.size() - pos_) {
      error_ = std::string("checkpoint is malformed: ") + what + " runs past the end of the file";
      return false;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool u32(std::uint32_t& v, const char* what) { return bytes(&v, sizeof v, what); }
  bool u64(std::uint64_t& v, const char* what) { return bytes(&v, sizeof v, what); }
  bool i64(std::int64_t& v, const char* what) { return bytes(&v, sizeof v, what); }
  // The length is checked against what is left before anything is allocated for it.
  bool str(std::string& s, const char* what) {
    std::uint32_t n = 0;
    if (!u32(n, what)) return false;
    if (n > remaining()) {
      error_ = std::string("checkpoint is malformed: ") + what + " claims " + std::to_string(n) +
               " bytes, more than the file holds";
      return false;
    }
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  const std::string& error() const { return error_; }
  void fail(std::string message) { if (error_.empty()) error_ = std::move(message); }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::string error_;
};

template <class Dim>
std::string describe_shape(const std::vector<Dim>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); i++) {
    if (i > 0) s += ',';
    s += std::to_string(shape[i]);
  }
  return s + ")";
}

// Strings read from a file go into messages the UI shows: control bytes become '?' and a long
// one is cut, so that a foreign file's tables cannot fill the screen with garbage.
std::string printable(const std::string& s) {
  constexpr std::size_t kMaxShown = 120;
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < kMaxShown; i++) {
    auto c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c == 0x7f ? '?' : s[i];
  }
  if (s.size() > kMaxShown) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

// Index of the first float in `data` (n floats, any alignment) that is NaN or infinite, or n.
std::size_t first_non_finite(const std::uint8_t* data, std::size_t n) {
  for (std::size_t i = 0; i < n; i++) {
    float v;
    std::memcpy(&v, data + i * sizeof v, sizeof v);
    if (!std::isfinite(v)) return i;
  }
  return n;
}

std::string hex32(std::uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xF];
  return s;
}

// Reads the header: magic, version and the file size it promises.
Status check_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes + kCrcBytes)
    return {"file is too short to be a checkpoint (" + std::to_string(bytes.size()) + " bytes)"};
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return {"not an nnlab checkpoint (wrong magic bytes)"};
  std::uint32_t version;
  std::uint64_t file_size;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&file_size, bytes.data() + 12, 8);
  if (version != kCheckpointVersion)
    return {"checkpoint format version " + std::to_string(version) +
            " is not supported (this build reads version " + std::to_string(kCheckpointVersion) + ")"};
  if (file_size != bytes.size())
    return {"checkpoint is truncated or padded: its header says " + std::to_string(file_size) +
            " bytes, the file has " + std::to_string(bytes.size())};
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - kCrcBytes, kCrcBytes);
  std::uint32_t computed = crc32(bytes.data(), bytes.size() - kCrcBytes);
  if (stored != computed)
    return {"checkpoint is corrupted: CRC mismatch (stored " + hex32(stored) + ", computed " +
            hex32(computed) + ")"};
  return {};
}

// Reads the architecture and tensor table and compares them with the model; on success the
// reader stands at the layout size.
void check_arch_and_tensors(Reader& r, const ModelArch& arch, const ParamLayout& layout) {
  ModelArch stored;
  std::uint32_t hyper_count = 0;
  r.str(stored.kind, "the model kind");
  r.u32(hyper_count, "the hyper-parameter count");
  for (std::uint32_t i = 0; i < hyper_count && r.error().empty(); i++) {
    std::string key, value;
    r.str(key, "a hyper-parameter name");
    r.str(value, "a hyper-parameter value");
    stored.hyper.emplace_back(std::move(key), std::move(value));
  }
  if (!r.error().empty()) return;
  if (stored.kind != arch.kind || stored.hyper != arch.hyper)
    return r.fail("checkpoint is for a different model: '" + printable(arch_describe(stored)) +
                  "', the model in memory is '" + arch_describe(arch) + "'");

  const std::vector<TensorSpec>& tensors = layout.tensors();
  std::uint32_t count = 0;
  if (!r.u32(count, "the tensor count")) return;
  if (count != tensors.size())
    return r.fail("checkpoint has " + std::to_string(count) + " tensors, the model has " +
                  std::to_string(tensors.size()));
  for (const TensorSpec& t : tensors) {
    std::string name;
    std::uint32_t rank = 0;
    if (!r.str(name, "a tensor name") || !r.u32(rank, "a tensor rank")) return;
    // A rank is small; one larger than the model's cannot match and must not size a vector.
    if (rank != t.shape.size())
      return r.fail("tensor '" + printable(name) + "' has rank " + std::to_string(rank) + " in the checkpoint, '" +
                    t.name + "' has rank " + std::to_string(t.shape.size()) + " in the model");
    std::vector<std::uint32_t> shape(rank);
    bool same_shape = true;
    for (std::uint32_t d = 0; d < rank; d++) {
      if (!r.u32(shape[d], "a tensor dimension")) return;
      same_shape = same_shape && shape[d] == std::uint32_t(t.shape[d]);
    }
    std::uint64_t offset = 0;
    if (!r.u64(offset, "a tensor offset")) return;
    if (name != t.name || !same_shape)
      return r.fail("checkpoint tensor '" + printable(name) + "' " + describe_shape(shape) +
                    " does not match the model's '" + t.name + "' " + describe_shape(t.shape));
    if (offset != t.offset)
      return r.fail("checkpoint tensor '" + printable(name) + "' sits at float " + std::to_string(offset) +
                    ", the model's at " + std::to_string(t.offset));
  }
}

}  // namespace

std::string arch_describe(const ModelArch& arch) {
  std::string s = arch.kind;
  for (const auto& [key, value] : arch.hyper) s += " " + key + "=" + value;
  return s;
}

namespace {

// Run twice by checkpoint_append: once counting, once writing.
void write_checkpoint(ByteWriter& w, const ModelArch& arch, const ParamStore& params,
                      const OptimizerState& optim) {
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kCheckpointVersion);
  w.u64(0);  // the file size, patched below
  w.str(arch.kind);
  w.u32(std::uint32_t(arch.hyper.size()));
  for (const auto& [key, value] : arch.hyper) {
    w.str(key);
    w.str(value);
  }
  w.u32(std::uint32_t(params.layout.tensors().size()));
  for (const TensorSpec& t : params.layout.tensors()) {
    w.str(t.name);
    w.u32(std::uint32_t(t.shape.size()));
    for (int d : t.shape) w.u32(std::uint32_t(d));
    w.u64(t.offset);
  }
  w.u64(params.layout.size());
  w.u32(std::uint32_t(optim.kind));
  w.u32(std::uint32_t(optimizer_state_slots(optim.kind)));
  w.i64(optim.step);
  w.bytes(params.value.data(), params.value.size() * sizeof(float));
  w.bytes(optim.moments.data(), optim.moments.size() * sizeof(float));
  w.patch_u64(12, w.written() + kCrcBytes);
  w.u32(w.begin() ? crc32(w.begin(), w.written()) : 0);
}

}  // namespace

std::size_t checkpoint_bytes(const ModelArch& arch, const ParamStore& params, const OptimizerState& optim) {
  ByteWriter count;
  write_checkpoint(count, arch, params, optim);
  return count.written();
}

void checkpoint_append(std::vector<std::uint8_t>& out, const ModelArch& arch, const ParamStore& params,
                       const OptimizerState& optim) {
  const std::size_t size = checkpoint_bytes(arch, params, optim);
  if (out.capacity() - out.size() < size) out.reserve(out.size() + size);
  ByteWriter w(out);
  write_checkpoint(w, arch, params, optim);
}

std::vector<std::uint8_t> checkpoint_save(const ModelArch& arch, const ParamStore& params,
                                          const OptimizerState& optim) {
  std::vector<std::uint8_t> out;
  checkpoint_append(out, arch, params, optim);
  return out;
}

Status checkpoint_load(std::span<const std::uint8_t> bytes, const ModelArch& arch,
                                 ParamStore& params, OptimizerState& optim) {
  if (Status header = check_header(bytes); !header.ok()) return header;

  Reader r(bytes.first(bytes.size() - kCrcBytes).subspan(kHeaderBytes));
  check_arch_and_tensors(r, arch, params.layout);

  std::uint64_t layout_size = 0;
  std::uint32_t kind = 0, slots = 0;
  std::int64_t step = 0;
  r.u64(layout_size, "the layout size");
  r.u32(kind, "the optimizer kind");
  r.u32(slots, "the optimizer state slots");
  r.i64(step, "the step count");
  if (!r.error().empty()) return {r.error()};

  std::size_t n = params.layout.size();
  if (layout_size != n)
    return {"checkpoint holds " + std::to_string(layout_size) + " floats per buffer, the model " +
            std::to_string(n)};
  if (kind != std::uint32_t(optim.kind)) {
    bool known = kind <= std::uint32_t(OptimizerKind::Adam);
    return {"checkpoint holds optimizer state for " +
            (known ? std::string(optimizer_name(OptimizerKind(kind))) : "unknown kind " + std::to_string(kind)) +
            ", the model is trained with " + optimizer_name(optim.kind)};
  }
  if (slots != std::uint32_t(optimizer_state_slots(optim.kind)))
    return {"checkpoint holds " + std::to_string(slots) + " optimizer state buffers, " +
            optimizer_name(optim.kind) + " needs " + std::to_string(optimizer_state_slots(optim.kind))};
  if (step < 0) return {"checkpoint has a negative step count (" + std::to_string(step) + ")"};
  std::size_t data_bytes = (params.value.size() + optim.moments.size()) * sizeof(float);
  if (r.remaining() != data_bytes)
    return {"checkpoint data holds " + std::to_string(r.remaining()) + " bytes, the model needs " +
            std::to_string(data_bytes)};

  // A NaN or an infinity would only train into more of them; such a file comes from a run
  // that diverged, and resuming from it is never what is wanted.
  const std::uint8_t* data = bytes.data() + kHeaderBytes + r.position();
  if (std::size_t bad = first_non_finite(data, params.value.size()); bad < params.value.size()) {
    std::string where = "padding";
    for (const TensorSpec& t : params.layout.tensors())
      if (bad >= t.offset && bad < t.offset + t.count) where = "tensor '" + t.name + "'";
    return {"checkpoint holds a value that is not finite in " + where + " (saved from a run that diverged?)"};
  }
  if (first_non_finite(data + params.value.size() * sizeof(float), optim.moments.size()) < optim.moments.size())
    return {"checkpoint holds optimizer state that is not finite (saved from a run that diverged?)"};

  // Everything matched: only now does the model change.
  if (params.value.size() > 0) std::memcpy(params.value.data(), data, params.value.size() * sizeof(float));
  if (optim.moments.size() > 0)  // plain SGD keeps no state, and memcpy must not see null
    std::memcpy(optim.moments.data(), data + params.value.size() * sizeof(float),
                optim.moments.size() * sizeof(float));
  optim.step = step;
  return {};
}

}  // namespace nn
