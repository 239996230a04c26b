// A checkpoint that fails to load leaves the session it was meant for exactly as it was: the
// weights, the optimizer state and step, the counters and the metric history (a rejected file
// in the lab must not cost the training done so far).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/crc32.h"
#include "data/file.h"
#include "train/charrnn_session.h"
#include "train/gan_session.h"
#include "train/lenet_session.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<float> floats(const nn::FloatBuffer& v) { return {v.data(), v.data() + v.size()}; }

// Bitwise, so that the NaN a bad load might leave behind cannot compare equal by accident.
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The ways a checkpoint can be bad that do not depend on the model: cut short, one bit flipped,
// and one float made NaN with the CRC recomputed (so only the value check can catch it).
struct Damage {
  const char* name;
  const char* message;
  Bytes (*make)(const Bytes&);
};

void reseal(Bytes& b, std::size_t start, std::size_t size) {  // one checkpoint inside b
  std::uint32_t crc = nn::crc32(b.data() + start, size - 4);
  std::memcpy(b.data() + start + size - 4, &crc, 4);
}

const Damage kDamages[] = {
    {"truncated", "truncated", [](const Bytes& b) { return Bytes(b.begin(), b.begin() + std::ptrdiff_t(b.size() / 2)); }},
    {"bit flip", "CRC mismatch", [](const Bytes& b) { Bytes c = b; c[c.size() / 2] ^= 0x08; return c; }},
    {"NaN under a valid CRC", "not finite", [](const Bytes& b) {
       // The last checkpoint's last float before its CRC: an optimizer moment or a weight.
       Bytes c = b;
       std::uint64_t size = 0;
       std::size_t start = 0;
       for (;;) {  // walk the checkpoints back to back (a GAN file holds two)
         std::memcpy(&size, c.data() + start + 12, 8);
         if (start + size >= c.size()) break;
         start += std::size_t(size);
       }
       const float nan = NAN;
       std::memcpy(c.data() + c.size() - 8, &nan, 4);
       reseal(c, start, std::size_t(size));
       return c;
     }},
};

std::string temp_file(const Bytes& bytes) {
  char path[] = "/tmp/nnlab_session_load_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
  close(fd);
  return path;
}

nn::TextCorpus corpus_of(const std::string& unit) {
  std::string text;
  for (int i = 0; i < 100; i++) text += unit;
  nn::TextCorpus corpus;
  REQUIRE(nn::corpus_parse(Bytes(text.begin(), text.end()), 0.9, corpus).ok());
  return corpus;
}

void charrnn_init(nn::CharRnnSession& s, nn::CellKind cell, const std::string& unit, std::uint64_t seed) {
  nn::CharRnnConfig config;
  config.cell = cell;
  config.hidden = 8;
  config.seq = 8;
  config.batch = 4;
  nn::TrainOptions options = nn::charrnn_default_options();
  options.seed = seed;
  REQUIRE(nn::charrnn_session_init(s, config, corpus_of(unit), options).ok());
  for (int i = 0; i < 3; i++) REQUIRE(nn::charrnn_session_step(s).ok());
}

struct CharRnnState {
  std::vector<float> params, moments;
  std::int64_t step, optim_step;
  std::size_t train_points, tokens;
  bool operator==(const CharRnnState& o) const {
    return same_bits(params, o.params) && same_bits(moments, o.moments) && step == o.step &&
           optim_step == o.optim_step && train_points == o.train_points && tokens == o.tokens;
  }
};

CharRnnState state_of(const nn::CharRnnSession& s) {
  return {floats(s.model.params.value), floats(s.optim.moments), s.step, s.optim.step,
          s.train_bpc.values.size(), s.corpus.tokens.size()};
}

nn::GanConfig narrow_gan() {
  nn::GanConfig c;
  c.z_dim = 4;
  c.g_hidden1 = 8, c.g_hidden2 = 8;
  c.d_hidden1 = 8, c.d_hidden2 = 4;
  c.batch = 4;
  return c;
}

void gan_init(nn::GanSession& s, const nn::GanConfig& c, std::uint64_t seed) {
  nn::MnistSet set;
  set.count = 16;
  set.images.assign(std::size_t(set.count) * nn::kMnistPixels, 0);
  for (std::size_t i = 0; i < set.images.size(); i++) set.images[i] = std::uint8_t((i * 31 + seed) & 0xff);
  set.labels.assign(std::size_t(set.count), 3);
  nn::TrainOptions options = nn::gan_default_options();
  options.seed = seed;
  REQUIRE(nn::gan_session_init(s, c, std::move(set), options).ok());
  for (int i = 0; i < 2; i++) REQUIRE(nn::gan_session_step(s).ok());
}

struct GanState {
  std::vector<float> g, d, g_moments, d_moments;
  std::int64_t g_step, d_step;
  long iteration;
  std::size_t d_loss_points;
  bool operator==(const GanState& o) const {
    return same_bits(g, o.g) && same_bits(d, o.d) && same_bits(g_moments, o.g_moments) &&
           same_bits(d_moments, o.d_moments) && g_step == o.g_step && d_step == o.d_step &&
           iteration == o.iteration && d_loss_points == o.d_loss_points;
  }
};

GanState state_of(const nn::GanSession& s) {
  return {floats(s.model.g.value), floats(s.model.d.value), floats(s.g_optim.moments), floats(s.d_optim.moments),
          s.g_optim.step, s.d_optim.step, s.iteration, s.d_loss.values.size()};
}

}  // namespace

TEST_CASE("charrnn session: a checkpoint that fails to load changes nothing") {
  nn::CharRnnSession donor, s;
  charrnn_init(donor, nn::CellKind::Lstm, "abcbd", 1);
  charrnn_init(s, nn::CellKind::Lstm, "abcbd", 2);
  const Bytes good = nn::charrnn_session_save(donor);
  const CharRnnState before = state_of(s);
  for (const Damage& damage : kDamages) {
    CAPTURE(damage.name);
    const Bytes bad = damage.make(good);
    nn::Status status = nn::charrnn_session_load(s, bad);
    CAPTURE(status.error);
    CHECK(status.error.find(damage.message) != std::string::npos);
    CHECK(state_of(s) == before);
    const std::string path = temp_file(bad);  // the file path goes through checkpoint_load_file
    status = nn::charrnn_session_load(s, path);
    CHECK(status.error.find(damage.message) != std::string::npos);
    CHECK(status.error.find(path) != std::string::npos);
    CHECK(state_of(s) == before);
    std::remove(path.c_str());
  }
  nn::CharRnnSession gru;  // another model's architecture
  charrnn_init(gru, nn::CellKind::Gru, "abcbd", 3);
  nn::Status status = nn::charrnn_session_load(s, nn::charrnn_session_save(gru));
  CHECK(status.error.find("checkpoint is for a different model") != std::string::npos);
  CHECK(state_of(s) == before);
  REQUIRE(nn::charrnn_session_load(s, good).ok());  // and the good file still loads
  CHECK(same_bits(floats(s.model.params.value), floats(donor.model.params.value)));
}

TEST_CASE("GAN session: a checkpoint that fails to load changes nothing, in either network") {
  nn::GanSession donor, s;
  gan_init(donor, narrow_gan(), 1);
  gan_init(s, narrow_gan(), 2);
  const Bytes good = nn::gan_session_save(donor);
  const GanState before = state_of(s);
  for (const Damage& damage : kDamages) {
    CAPTURE(damage.name);
    nn::Status status = nn::gan_session_load(s, damage.make(good));
    CAPTURE(status.error);
    CHECK_FALSE(status.ok());
    CHECK(state_of(s) == before);
  }
  // The NaN sits in the discriminator's half, after a generator that loads: neither may change.
  nn::Status status = nn::gan_session_load(s, kDamages[2].make(good));
  CHECK(status.error.find("discriminator: checkpoint holds optimizer state that is not finite") == 0);

  std::uint64_t g_size = 0;
  std::memcpy(&g_size, good.data() + 12, 8);
  status = nn::gan_session_load(s, Bytes(good.begin(), good.begin() + std::ptrdiff_t(g_size)));
  CHECK(status.error == "discriminator: file is too short to be a checkpoint (0 bytes)");
  status = nn::gan_session_load(s, Bytes(good.begin(), good.begin() + 16));
  CHECK(status.error == "not a GAN checkpoint (too short, or its sizes do not add up)");
  Bytes claims_more = good;
  const std::uint64_t huge = std::uint64_t(1) << 40;
  std::memcpy(claims_more.data() + 12, &huge, 8);
  status = nn::gan_session_load(s, claims_more);
  CHECK(status.error == "not a GAN checkpoint (too short, or its sizes do not add up)");
  nn::GanConfig wider = narrow_gan();
  wider.g_hidden2 = 9;
  nn::GanSession other;
  gan_init(other, wider, 3);
  status = nn::gan_session_load(s, nn::gan_session_save(other));
  CHECK(status.error.find("generator: checkpoint is for a different model") == 0);
  CHECK(state_of(s) == before);
}

TEST_CASE("LeNet session: a checkpoint that fails to load changes nothing") {
  nn::MnistSet set;
  set.count = 16;
  set.images.assign(std::size_t(set.count) * nn::kMnistPixels, 0);
  for (int i = 0; i < set.count; i++) {
    set.images[std::size_t(i) * nn::kMnistPixels + std::size_t(i) * 29] = 255;
    set.labels.push_back(std::uint8_t(i % 10));
  }
  nn::LenetConfig config;
  config.batch = 4;
  nn::LenetSession donor, s;
  REQUIRE(nn::lenet_session_init(donor, config, set, nn::lenet_default_options()).ok());
  REQUIRE(nn::lenet_session_init(s, config, set, nn::lenet_default_options()).ok());
  for (int i = 0; i < 2; i++) REQUIRE(nn::lenet_session_step(donor).ok());
  REQUIRE(nn::lenet_session_step(s).ok());
  const std::string good_path = temp_file({});
  REQUIRE(nn::lenet_session_save(donor, good_path).ok());
  Bytes good;
  REQUIRE(nn::read_file(good_path, good, 1 << 24).ok());
  std::remove(good_path.c_str());

  const std::vector<float> params = floats(s.model.store.value), moments = floats(s.optim.moments);
  const long iteration = s.iteration;
  const std::size_t losses = s.loss.values.size();
  for (const Damage& damage : kDamages) {
    CAPTURE(damage.name);
    const std::string path = temp_file(damage.make(good));
    nn::Status status = nn::lenet_session_load(s, path);
    CAPTURE(status.error);
    CHECK(status.error.find(damage.message) != std::string::npos);
    CHECK(same_bits(floats(s.model.store.value), params));
    CHECK(same_bits(floats(s.optim.moments), moments));
    CHECK(s.iteration == iteration);
    CHECK(s.loss.values.size() == losses);
    nn::LenetModel scorer;  // the scorer's loader, which tries every optimizer kind
    nn::Rng rng = nn::rng_seeded(5);
    nn::lenet_model_init(scorer, config, rng);
    const std::vector<float> scorer_before = floats(scorer.store.value);
    status = nn::lenet_load_weights(scorer, path);
    CHECK(status.error.find(damage.message) != std::string::npos);
    CHECK(same_bits(floats(scorer.store.value), scorer_before));
    std::remove(path.c_str());
  }
}
