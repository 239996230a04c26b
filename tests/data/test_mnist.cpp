// IDX and MNIST readers: real files made by tests/fixtures/make_data_fixtures.py, and every way
// a header can lie.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data/file.h"
#include "data/idx.h"
#include "data/mnist.h"

namespace {

std::vector<std::uint8_t> fixture(const char* name) {
  std::vector<std::uint8_t> bytes;
  REQUIRE(nn::read_file(std::string(NNLAB_FIXTURES_DIR) + "/data/" + name, bytes, 1 << 20).ok());
  return bytes;
}

}  // namespace

TEST_CASE("MNIST images and labels load raw and gzipped") {
  const auto labels = fixture("bars-labels.idx1");
  for (const char* images_file : {"bars-images.idx3", "bars-images.idx3.gz"}) {
    CAPTURE(images_file);
    nn::MnistSet set;
    nn::Status status = nn::mnist_parse(fixture(images_file), labels, set);
    INFO(status.error);
    REQUIRE(status.ok());
    CHECK(set.count == 3);
    CHECK(set.labels == std::vector<std::uint8_t>{1, 7, 0});
    // Image 0 is a vertical bar over columns 12..15.
    CHECK(set.images[10 * 28 + 13] == 255);
    CHECK(set.images[10 * 28 + 3] == 0);
    float pixels[nn::kMnistPixels];
    nn::mnist_image_signed(set, 2, pixels);
    CHECK(pixels[0] == -1.0f);
    CHECK(pixels[14 * 28 + 14] == 1.0f);
  }
}

TEST_CASE("IDX headers that lie are rejected and leave the loaded set alone") {
  const auto images = fixture("bars-images.idx3");
  const auto labels = fixture("bars-labels.idx1");
  nn::MnistSet set;
  REQUIRE(nn::mnist_parse(images, labels, set).ok());
  const nn::MnistSet before = set;

  auto expect_rejected = [&](std::vector<std::uint8_t> bad_images, std::vector<std::uint8_t> bad_labels,
                             const std::string& expected) {
    nn::Status status = nn::mnist_parse(bad_images, bad_labels, set);
    CAPTURE(status.error);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find(expected) != std::string::npos);
    CHECK(set.count == before.count);
    CHECK(set.images == before.images);
    CHECK(set.labels == before.labels);
  };

  std::vector<std::uint8_t> bad = images;
  bad[0] = 0x1f;
  expect_rejected(bad, labels, "images: not an IDX file (bad magic number)");
  bad = images;
  bad[2] = 0x0d;  // float values
  expect_rejected(bad, labels, "images: IDX file holds type 0x0d; only unsigned bytes (0x08) are supported");
  bad = images;
  bad[3] = 9;
  expect_rejected(bad, labels, "images: IDX file claims 9 dimensions (1 to 4 expected)");
  bad = images;
  bad[3] = 0;
  expect_rejected(bad, labels, "images: IDX file claims 0 dimensions");
  bad = images;
  bad[4] = 0x7f;  // claims ~2 billion images
  expect_rejected(bad, labels, "images: IDX file claims more than 784000000 values; refusing to load it");
  bad = images;
  for (int i = 4; i < 16; i++) bad[std::size_t(i)] = 0xff;  // 2^32 - 1 in every dimension
  expect_rejected(bad, labels, "refusing to load it");
  bad = images;
  bad[7] = 0;  // no images at all
  expect_rejected(bad, labels, "images: IDX file has an empty dimension");
  bad = images;
  bad[11] = 27;  // 27 rows: three 27x28 images take fewer bytes than the file holds
  expect_rejected(bad, labels, "images: IDX file has 84 bytes after its 2268 values");
  bad = images;
  bad[11] = 27;
  bad.resize(bad.size() - 84);
  expect_rejected(bad, labels, "images: expected (count, 28, 28), found (3, 27, 28)");
  expect_rejected(labels, labels, "images: expected (count, 28, 28), found (3)");
  expect_rejected(images, images, "labels: expected (count), found (3, 28, 28)");
  bad = images;
  bad.resize(bad.size() - 1);
  expect_rejected(bad, labels, "images: IDX file is truncated: 2352 values announced, 2351 present");
  bad = images;
  bad.push_back(0);
  expect_rejected(bad, labels, "images: IDX file has 1 bytes after its 2352 values");
  std::vector<std::uint8_t> bad_labels = labels;
  bad_labels[10] = 12;  // the third label, after the 8-byte header
  expect_rejected(images, bad_labels, "labels: found label 12 (0 to 9 expected)");
  bad_labels = labels;
  bad_labels[7] = 2;
  bad_labels.pop_back();
  expect_rejected(images, bad_labels, "3 images but 2 labels");
  for (std::size_t cut = 0; cut < 4; cut++)
    expect_rejected(std::vector<std::uint8_t>(images.begin(), images.begin() + std::ptrdiff_t(cut)), labels,
                    "images: not an IDX file: only " + std::to_string(cut) + " bytes");
  for (std::size_t cut = 4; cut < 16; cut++)
    expect_rejected(std::vector<std::uint8_t>(images.begin(), images.begin() + std::ptrdiff_t(cut)), labels,
                    "images: IDX file is truncated inside its header");
}

TEST_CASE("gzipped IDX files that are damaged are rejected with the gzip error") {
  const auto images_gz = fixture("bars-images.idx3.gz");
  const auto labels = fixture("bars-labels.idx1");
  nn::MnistSet set;
  auto rejected = [&](const std::vector<std::uint8_t>& bad, const char* expected) {
    nn::Status status = nn::mnist_parse(bad, labels, set);
    CAPTURE(status.error);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find(expected) != std::string::npos);
    CHECK(set.count == 0);
  };
  std::vector<std::uint8_t> bad(images_gz.begin(), images_gz.end() - 4);
  rejected(bad, "images: gzip file is truncated (no trailer)");
  bad = images_gz;
  bad[bad.size() - 8] ^= 1;  // the CRC of the decompressed bytes
  rejected(bad, "images: gzip data is corrupt (CRC mismatch)");
  bad = images_gz;
  bad[2] = 9;
  rejected(bad, "images: gzip file uses an unknown compression method (9)");
  bad.assign(images_gz.begin(), images_gz.begin() + 12);
  rejected(bad, "images: not a gzip file (bad header)");

  // Fewer values than a header claims, but far more bytes than the reader's limit allows once
  // decompressed: refused while inflating, before the whole stream is ever held in memory.
  nn::IdxArray array;
  nn::Status status = nn::idx_parse(images_gz, array, 100);
  CHECK(status.error == "decompressed data exceeds the limit of 120 bytes");
  CHECK(array.values.empty());
}

TEST_CASE("idx_encode writes what idx_parse reads") {
  std::vector<std::uint8_t> values(2 * 3 * 4);
  for (std::size_t i = 0; i < values.size(); i++) values[i] = std::uint8_t(i * 7);
  nn::IdxArray array;
  REQUIRE(nn::idx_parse(nn::idx_encode({2, 3, 4}, values), array, 1000).ok());
  CHECK(array.dims == std::vector<int>{2, 3, 4});
  CHECK(array.values == values);
}
