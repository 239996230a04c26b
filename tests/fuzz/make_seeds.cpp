// Writes the seed corpus of every fuzz target: small valid inputs of each format, made here by
// the project's own encoders (checkpoints of the models the targets load into), plus the gzip files of tests/fixtures/data (made by Python's zlib,
// which writes the Huffman blocks this project has no encoder for). The output is committed;
// run it again when a format changes:
//   build/fuzz/fuzz_make_seeds tests/fixtures/data tests/fuzz/corpus
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/crc32.h"
#include "data/file.h"
#include "data/idx.h"
#include "fuzz_checkpoint_model.h"
#include "fuzz_gan_model.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

bool write(const std::string& path, const Bytes& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

void put_le32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(std::uint8_t(v >> shift));
}

// One gzip member of a single stored DEFLATE block (raw must be under 64 KB).
Bytes gzip_stored(const Bytes& raw) {
  Bytes out = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  auto n = std::uint16_t(raw.size());
  out.insert(out.end(), {1, std::uint8_t(n), std::uint8_t(n >> 8), std::uint8_t(~n), std::uint8_t(~n >> 8)});
  out.insert(out.end(), raw.begin(), raw.end());
  put_le32(out, nn::crc32(raw.data(), raw.size()));
  put_le32(out, std::uint32_t(raw.size()));
  return out;
}

// The DEFLATE stream inside a gzip file written without optional header fields (as Python's
// gzip.compress writes them): past the 10-byte header, before the 8-byte trailer.
Bytes deflate_of(const Bytes& gz) { return Bytes(gz.begin() + 10, gz.end() - 8); }

Bytes checkpoint_of(nn::OptimizerKind kind, float base) {
  nn_fuzz::FuzzModel model = nn_fuzz::fuzz_model(kind);
  nn_fuzz::fuzz_fill(model, base);
  return nn::checkpoint_save(model.arch, model.params, model.optim);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FIXTURES_DATA_DIR CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string fixtures = argv[1], corpus = argv[2];
  auto fixture = [&](const char* name) {
    Bytes bytes;
    nn::Status status = nn::read_file(fixtures + "/" + name, bytes, 1 << 20);
    if (!status.ok()) std::fprintf(stderr, "%s\n", status.error.c_str());
    return bytes;
  };
  const Bytes text = fixture("text.txt"), short_gz = fixture("short.gz"), text_gz = fixture("text.gz");
  const Bytes images = fixture("bars-images.idx3"), images_gz = fixture("bars-images.idx3.gz");
  const Bytes labels = fixture("bars-labels.idx1"), two_members = fixture("two_members.gz");
  for (const Bytes* b : {&text, &short_gz, &text_gz, &images, &images_gz, &labels, &two_members})
    if (b->empty()) return 1;

  Bytes values(2 * 3 * 4);
  for (std::size_t i = 0; i < values.size(); i++) values[i] = std::uint8_t(i * 37);
  const Bytes small_idx = nn::idx_encode({2, 3, 4}, values);
  const Bytes prose = bytes_of("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n");
  nn::GanSession gan;
  if (!nn_fuzz::fuzz_gan_init(gan, 1)) return 1;
  const Bytes gan_file = nn::gan_session_save(gan);
  const Bytes utf8 = bytes_of("na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82\tend\r\n");

  const struct {
    const char* target;
    const char* name;
    Bytes bytes;
  } seeds[] = {
      {"idx", "images-3x28x28.idx3", images},
      {"idx", "images-3x28x28.idx3.gz", images_gz},
      {"idx", "images-stored.idx3.gz", gzip_stored(images)},
      {"idx", "labels-3.idx1", labels},
      {"idx", "values-2x3x4.idx3", small_idx},
      {"idx", "values-4.idx1", nn::idx_encode({4}, Bytes{9, 8, 7, 6})},
      {"idx", "values-1x1x1x2.idx4", nn::idx_encode({1, 1, 1, 2}, Bytes{1, 2})},
      {"inflate", "short.gz", short_gz},
      {"inflate", "text.gz", text_gz},
      {"inflate", "two-members.gz", two_members},
      {"inflate", "stored.gz", gzip_stored(prose)},
      {"inflate", "fixed.deflate", deflate_of(short_gz)},
      {"inflate", "dynamic.deflate", deflate_of(text_gz)},
      {"inflate", "images.deflate", deflate_of(images_gz)},
      {"text_corpus", "prose.txt", prose},
      {"text_corpus", "utf8.txt", utf8},
      {"text_corpus", "bom.txt", [&] { Bytes b = {0xef, 0xbb, 0xbf}; b.insert(b.end(), prose.begin(), prose.end()); return b; }()},
      {"text_corpus", "lines.txt", Bytes(text.begin(), text.begin() + 512)},
      {"text_corpus", "two-characters.txt", bytes_of("ab")},
      {"checkpoint", "adam.ckpt", checkpoint_of(nn::OptimizerKind::Adam, 0.25f)},
      {"checkpoint", "sgd.ckpt", checkpoint_of(nn::OptimizerKind::Sgd, -1.5f)},
      {"gan_checkpoint", "gan.ckpt", gan_file},
  };
  for (const auto& seed : seeds) {
    std::string path = corpus + "/" + seed.target + "/" + seed.name;
    if (!write(path, seed.bytes)) {
      std::fprintf(stderr, "cannot write %s (does the folder exist?)\n", path.c_str());
      return 1;
    }
    std::printf("%s: %zu bytes\n", path.c_str(), seed.bytes.size());
  }
  return 0;
}
