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

  auto expect_rejected = [&](std::vector<std::uint8_t> bad_images, std::vector<std::uint8_t> bad_labels, const char* why) {
    CAPTURE(why);
    nn::Status status = nn::mnist_parse(bad_images, bad_labels, set);
    CHECK_FALSE(status.ok());
    CHECK_FALSE(status.error.empty());
    CHECK(set.images == before.images);
    CHECK(set.labels == before.labels);
  };

  std::vector<std::uint8_t> bad = images;
  bad[0] = 0x1f;
  expect_rejected(bad, labels, "bad magic");
  bad = images;
  bad[2] = 0x0d;  // float values
  expect_rejected(bad, labels, "unsupported type");
  bad = images;
  bad[3] = 9;
  expect_rejected(bad, labels, "absurd rank");
  bad = images;
  bad[4] = 0x7f;  // claims ~2 billion images
  expect_rejected(bad, labels, "absurd count");
  bad = images;
  bad[11] = 27;  // 27 rows
  expect_rejected(bad, labels, "wrong image size");
  bad = images;
  bad.resize(bad.size() - 1);
  expect_rejected(bad, labels, "truncated");
  bad = images;
  bad.push_back(0);
  expect_rejected(bad, labels, "trailing bytes");
  std::vector<std::uint8_t> bad_labels = labels;
  bad_labels[10] = 12;  // the third label, after the 8-byte header
  expect_rejected(images, bad_labels, "label out of range");
  bad_labels = labels;
  bad_labels[7] = 2;
  bad_labels.pop_back();
  expect_rejected(images, bad_labels, "count mismatch");
  for (std::size_t cut = 0; cut < 20; cut++) expect_rejected(std::vector<std::uint8_t>(images.begin(), images.begin() + cut), labels, "header cut");
}

TEST_CASE("idx_encode writes what idx_parse reads") {
  std::vector<std::uint8_t> values(2 * 3 * 4);
  for (std::size_t i = 0; i < values.size(); i++) values[i] = std::uint8_t(i * 7);
  nn::IdxArray array;
  REQUIRE(nn::idx_parse(nn::idx_encode({2, 3, 4}, values), array, 1000).ok());
  CHECK(array.dims == std::vector<int>{2, 3, 4});
  CHECK(array.values == values);
}
