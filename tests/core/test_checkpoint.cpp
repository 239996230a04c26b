// Checkpoints: CRC32, round trips, and rejection of every kind of bad file with the model untouched.
#include <doctest/doctest.h>

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "core/crc32.h"
#include "core/init.h"

namespace {

constexpr std::size_t kHeaderBytes = 20;  // magic 8, version 4, file size 8
constexpr std::size_t kCrcBytes = 4;

// A small character-level LSTM's worth of tensors, trained with Adam for a few steps.
struct Model {
  nn::ModelArch arch;
  nn::ParamStore params;
  nn::OptimizerState optim;
};

nn::ParamLayout lstm_layout(int H, int V) {
  nn::ParamLayout layout;
  layout.add("wx", {4 * H, V});
  layout.add("wh", {4 * H, H});
  layout.add("b", {4 * H});
  layout.add("wy", {V, H});
  layout.add("by", {V});
  return layout;
}

Model make_model(nn::ParamLayout layout, std::string kind = "lstm", std::string hidden = "5",
                 nn::OptimizerKind optimizer = nn::OptimizerKind::Adam) {
  nn::ParamStore params(std::move(layout));
  std::size_t n = params.layout.size();
  return {{std::move(kind), {{"hidden", std::move(hidden)}, {"vocab", "9"}}}, std::move(params),
          nn::optimizer_state_make(optimizer, n)};
}

// Distinct values everywhere a checkpoint stores something, as after some training.
void fill(Model& m, std::uint64_t seed) {
  nn::Rng rng = nn::rng_seeded(seed);
  nn::init_uniform(m.params.value.data(), m.params.value.size(), 0.5f, rng);
  nn::init_normal(m.optim.moments.data(), m.optim.moments.size(), 0.0f, 0.1f, rng);
  m.optim.step = std::int64_t(seed) + 6;
}

Model trained_model(std::uint64_t seed) {
  Model m = make_model(lstm_layout(5, 9));
  fill(m, seed);
  return m;
}

// Everything loading may change, to show that a rejected file changed none of it.
std::vector<float> snapshot(const Model& m) {
  std::vector<float> s(m.params.value.data(), m.params.value.data() + m.params.value.size());
  s.insert(s.end(), m.optim.moments.data(), m.optim.moments.data() + m.optim.moments.size());
  s.push_back(float(m.optim.step));
  return s;
}

void reseal(std::vector<std::uint8_t>& bytes) {
  std::uint32_t crc = nn::crc32(bytes.data(), bytes.size() - kCrcBytes);
  std::memcpy(bytes.data() + bytes.size() - kCrcBytes, &crc, kCrcBytes);
}

template <class T>
void poke(std::vector<std::uint8_t>& bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);
}

// Where the u64 layout size sits: after it come kind, slots, step, the data and the CRC.
std::size_t layout_size_offset(const Model& m, const std::vector<std::uint8_t>& bytes) {
  std::size_t data = (m.params.value.size() + m.optim.moments.size()) * sizeof(float);
  return bytes.size() - kCrcBytes - data - 8 - 4 - 4 - 8;
}

// Loads `bytes` into `target`, given values of its own, and expects a rejection that mentions
// `expected` and leaves the model exactly as it was.
void check_rejected(const std::vector<std::uint8_t>& bytes, const std::string& expected,
                    Model target = make_model(lstm_layout(5, 9))) {
  fill(target, 99);
  std::vector<float> before = snapshot(target);
  nn::Status status = nn::checkpoint_load(bytes, target.arch, target.params, target.optim);
  CHECK_FALSE(status.ok());
  CHECK_MESSAGE(status.error.find(expected) != std::string::npos, "message: ", status.error);
  CHECK(snapshot(target) == before);
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* entry = readdir(d))
    if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
  closedir(d);
  return names;
}

}  // namespace

TEST_CASE("checkpoint crc32 standard check values") {
  const char check[] = "123456789";
  CHECK(nn::crc32(check, 9) == 0xCBF43926u);
  CHECK(nn::crc32("", 0) == 0u);
  const char fox[] = "The quick brown fox jumps over the lazy dog";
  CHECK(nn::crc32(fox, sizeof fox - 1) == 0x414FA339u);
  CHECK(nn::crc32(check + 4, 5, nn::crc32(check, 4)) == 0xCBF43926u);  // in pieces
}

TEST_CASE("checkpoint round trip in memory restores every float and the step") {
  Model saved = trained_model(1);
  std::vector<std::uint8_t> bytes = nn::checkpoint_save(saved.arch, saved.params, saved.optim);
  Model loaded = make_model(lstm_layout(5, 9));
  nn::Status status = nn::checkpoint_load(bytes, loaded.arch, loaded.params, loaded.optim);
  REQUIRE_MESSAGE(status.ok(), status.error);
  CHECK(snapshot(loaded) == snapshot(saved));
  CHECK(loaded.optim.step == saved.optim.step);
  CHECK(nn::checkpoint_save(loaded.arch, loaded.params, loaded.optim) == bytes);
}

TEST_CASE("checkpoint appended after other bytes is the same checkpoint, in one exact allocation") {
  Model saved = trained_model(2);
  const std::vector<std::uint8_t> alone = nn::checkpoint_save(saved.arch, saved.params, saved.optim);
  CHECK(alone.size() == nn::checkpoint_bytes(saved.arch, saved.params, saved.optim));
  CHECK(alone.capacity() == alone.size());  // written once into its own size, never doubled

  std::vector<std::uint8_t> joined = {1, 2, 3};
  nn::checkpoint_append(joined, saved.arch, saved.params, saved.optim);
  REQUIRE(joined.size() == 3 + alone.size());
  CHECK(joined.capacity() == joined.size());
  CHECK(std::vector<std::uint8_t>(joined.begin(), joined.begin() + 3) == std::vector<std::uint8_t>{1, 2, 3});
  CHECK(std::vector<std::uint8_t>(joined.begin() + 3, joined.end()) == alone);

  // Room reserved beforehand is used as it is: two checkpoints, one buffer.
  std::vector<std::uint8_t> both;
  both.reserve(2 * alone.size());
  const std::uint8_t* storage = both.data();
  nn::checkpoint_append(both, saved.arch, saved.params, saved.optim);
  nn::checkpoint_append(both, saved.arch, saved.params, saved.optim);
  CHECK(both.data() == storage);
  CHECK(std::vector<std::uint8_t>(both.begin() + alone.size(), both.end()) == alone);
}

TEST_CASE("checkpoint round trip for an optimizer without state") {
  Model saved = make_model(lstm_layout(2, 3), "mlp", "2", nn::OptimizerKind::Sgd);
  saved.params.value[3] = 1.5f;
  saved.optim.step = 3;
  std::vector<std::uint8_t> bytes = nn::checkpoint_save(saved.arch, saved.params, saved.optim);
  Model loaded = make_model(lstm_layout(2, 3), "mlp", "2", nn::OptimizerKind::Sgd);
  REQUIRE(nn::checkpoint_load(bytes, loaded.arch, loaded.params, loaded.optim).ok());
  CHECK(snapshot(loaded) == snapshot(saved));
}

TEST_CASE("checkpoint file save is atomic and loads back") {
  char dir_template[] = "/tmp/nnlab_checkpoint_XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template, path = dir + "/model.ckpt";

  Model first = trained_model(1), second = trained_model(2);
  REQUIRE(nn::checkpoint_save_file(path, first.arch, first.params, first.optim).ok());
  // Saving over an existing checkpoint replaces it and leaves no temporary file behind.
  REQUIRE(nn::checkpoint_save_file(path, second.arch, second.params, second.optim).ok());
  CHECK(files_in(dir) == std::vector<std::string>{"model.ckpt"});

  Model loaded = make_model(lstm_layout(5, 9));
  nn::Status status = nn::checkpoint_load_file(path, loaded.arch, loaded.params, loaded.optim);
  REQUIRE_MESSAGE(status.ok(), status.error);
  CHECK(snapshot(loaded) == snapshot(second));

  std::vector<float> before = snapshot(loaded);
  status = nn::checkpoint_load_file(dir + "/missing.ckpt", loaded.arch, loaded.params, loaded.optim);
  CHECK(status.error.find("cannot open") != std::string::npos);
  CHECK(snapshot(loaded) == before);
  status = nn::checkpoint_save_file(dir + "/no/such/dir/model.ckpt", first.arch, first.params, first.optim);
  CHECK(status.error.find("cannot create") != std::string::npos);

  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("checkpoint rejects damaged files and leaves the model untouched") {
  const Model saved = trained_model(1);
  const std::vector<std::uint8_t> good = nn::checkpoint_save(saved.arch, saved.params, saved.optim);

  SUBCASE("truncated at many cut points") {
    for (std::size_t cut = 0; cut < good.size(); cut += cut < 64 ? 1 : 37) {
      CAPTURE(cut);
      std::vector<std::uint8_t> bytes(good.begin(), good.begin() + std::ptrdiff_t(cut));
      check_rejected(bytes, cut < kHeaderBytes + kCrcBytes ? "too short" : "truncated");
    }
  }
  SUBCASE("padded") {
    std::vector<std::uint8_t> bytes = good;
    bytes.push_back(0);
    check_rejected(bytes, "truncated or padded");
  }
  SUBCASE("single bit flips anywhere after the header") {
    for (std::size_t at = kHeaderBytes; at < good.size(); at += 13) {
      CAPTURE(at);
      std::vector<std::uint8_t> bytes = good;
      bytes[at] ^= std::uint8_t(1u << (at % 8));
      check_rejected(bytes, "CRC mismatch");
    }
  }
  SUBCASE("wrong magic") {
    std::vector<std::uint8_t> bytes = good;
    bytes[0] = 'X';
    check_rejected(bytes, "not an nnlab checkpoint");
  }
  SUBCASE("wrong version") {
    std::vector<std::uint8_t> bytes = good;
    poke<std::uint32_t>(bytes, 8, 2);
    reseal(bytes);
    check_rejected(bytes, "version 2 is not supported");
  }
}

TEST_CASE("checkpoint rejects a checkpoint of another model") {
  const Model saved = trained_model(1);
  const std::vector<std::uint8_t> bytes = nn::checkpoint_save(saved.arch, saved.params, saved.optim);

  SUBCASE("other model kind") {
    check_rejected(bytes, "is for a different model: 'lstm hidden=5 vocab=9', the model in memory is 'gru hidden=5 vocab=9'",
                   make_model(lstm_layout(5, 9), "gru"));
  }
  SUBCASE("other hyper-parameter") {
    check_rejected(bytes, "'lstm hidden=6 vocab=9'", make_model(lstm_layout(5, 9), "lstm", "6"));
  }
  SUBCASE("other tensor shape") {
    nn::ParamLayout layout;
    layout.add("wx", {20, 9});
    layout.add("wh", {20, 5});
    layout.add("b", {20});
    layout.add("wy", {9, 6});
    layout.add("by", {9});
    check_rejected(bytes, "tensor 'wy' (9,5) does not match the model's 'wy' (9,6)", make_model(std::move(layout)));
  }
  SUBCASE("other tensor name") {
    nn::ParamLayout layout;
    layout.add("wx", {20, 9});
    layout.add("wh", {20, 5});
    layout.add("bias", {20});
    layout.add("wy", {9, 5});
    layout.add("by", {9});
    check_rejected(bytes, "'b' (20) does not match the model's 'bias' (20)", make_model(std::move(layout)));
  }
  SUBCASE("other tensor count") {
    nn::ParamLayout layout = lstm_layout(5, 9);
    layout.add("extra", {3});
    check_rejected(bytes, "checkpoint has 5 tensors, the model has 6", make_model(std::move(layout)));
  }
  SUBCASE("other optimizer") {
    check_rejected(bytes, "optimizer state for adam, the model is trained with momentum",
                   make_model(lstm_layout(5, 9), "lstm", "5", nn::OptimizerKind::Momentum));
  }
}

TEST_CASE("checkpoint rejects absurd sizes without allocating them") {
  // Each file below carries a valid CRC, so only the structural checks stand between its claim
  // and an allocation; under AddressSanitizer a 4 TB allocation would abort the test.
  const Model saved = trained_model(1);
  const std::vector<std::uint8_t> good = nn::checkpoint_save(saved.arch, saved.params, saved.optim);

  SUBCASE("a layout of 2^40 floats") {
    std::vector<std::uint8_t> bytes = good;
    poke<std::uint64_t>(bytes, layout_size_offset(saved, bytes), std::uint64_t(1) << 40);
    reseal(bytes);
    check_rejected(bytes, "1099511627776 floats per buffer");
  }
  SUBCASE("a tensor of 2^31 x 2^31 floats") {
    std::vector<std::uint8_t> bytes = good;
    // The first tensor's dims follow the kind "lstm", the hyper-parameter count, "hidden" "5",
    // "vocab" "9", the tensor count, the name "wx" and its rank; strings carry a u32 length.
    std::size_t dims = kHeaderBytes + (4 + 4) + 4 + (4 + 6 + 4 + 1) + (4 + 5 + 4 + 1) + 4 + (4 + 2) + 4;
    poke<std::uint32_t>(bytes, dims, 0x80000000u);
    poke<std::uint32_t>(bytes, dims + 4, 0x80000000u);
    reseal(bytes);
    check_rejected(bytes, "tensor 'wx' (2147483648,2147483648) does not match");
  }
  SUBCASE("a model kind string of 4 GB") {
    std::vector<std::uint8_t> bytes = good;
    poke<std::uint32_t>(bytes, kHeaderBytes, 0xFFFFFFF0u);
    reseal(bytes);
    check_rejected(bytes, "model kind claims 4294967280 bytes");
  }
  SUBCASE("a file size of 2^40 bytes") {
    std::vector<std::uint8_t> bytes = good;
    poke<std::uint64_t>(bytes, 12, std::uint64_t(1) << 40);
    reseal(bytes);
    check_rejected(bytes, "its header says 1099511627776 bytes");
  }
  SUBCASE("2^32 - 1 hyper-parameters") {
    std::vector<std::uint8_t> bytes = good;
    poke<std::uint32_t>(bytes, kHeaderBytes + 4 + 4, 0xFFFFFFFFu);
    reseal(bytes);
    check_rejected(bytes, "malformed");
  }
}

TEST_CASE("checkpoint rejects values that are not finite, even under a valid CRC") {
  Model saved = trained_model(1);
  SUBCASE("a NaN weight") {
    saved.params.value[saved.params.layout.find("wh")->offset + 3] = NAN;
    check_rejected(nn::checkpoint_save(saved.arch, saved.params, saved.optim),
                   "checkpoint holds a value that is not finite in tensor 'wh' (saved from a run that diverged?)");
  }
  SUBCASE("an infinite moment") {
    saved.optim.moments[saved.optim.moments.size() - 1] = INFINITY;
    check_rejected(nn::checkpoint_save(saved.arch, saved.params, saved.optim),
                   "checkpoint holds optimizer state that is not finite");
  }
}

TEST_CASE("checkpoint messages show a foreign file's strings tamed") {
  // A model kind of 300 bytes with control characters in it, as another program's file might
  // hold: the message shows the start of it, printable, and says how long it was.
  Model other = trained_model(1);
  other.arch.kind = std::string(300, 'x');
  other.arch.kind[1] = '\n';
  other.arch.kind[2] = '\x1b';
  nn::Status status;
  Model target = make_model(lstm_layout(5, 9));
  status = nn::checkpoint_load(nn::checkpoint_save(other.arch, other.params, other.optim), target.arch,
                               target.params, target.optim);
  CAPTURE(status.error);
  CHECK(status.error.find("checkpoint is for a different model: 'x??xxx") == 0);
  CHECK(status.error.find("... (317 bytes)'") != std::string::npos);  // the kind and " hidden=5 vocab=9"
  CHECK(status.error.find('\n') == std::string::npos);
  CHECK(status.error.size() < 300);
}

TEST_CASE("checkpoint file far larger than the model is refused before it is read") {
  char path[] = "/tmp/nnlab_checkpoint_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  // Sparse: 1 GB of nothing on disk. (Emscripten's ftruncate drops sizes of 4 GB and more.)
  REQUIRE(ftruncate(fd, off_t(1) << 30) == 0);
  close(fd);
  Model target = make_model(lstm_layout(5, 9));
  fill(target, 3);
  std::vector<float> before = snapshot(target);
  nn::Status status = nn::checkpoint_load_file(path, target.arch, target.params, target.optim);
  CAPTURE(status.error);
  CHECK(status.error.find(path) == 1);
  CHECK(status.error.find("' is 1073741824 bytes, too large to be a checkpoint of this model") != std::string::npos);
  CHECK(snapshot(target) == before);
  std::remove(path);
}
