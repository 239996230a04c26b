#include "data/mnist.h"

#include "data/file.h"
#include "data/idx.h"

namespace nn {

namespace {

constexpr std::size_t kMaxImages = 1'000'000;
constexpr std::size_t kMaxFileBytes = std::size_t(kMaxImages) * kMnistPixels + 1024;

std::string describe_dims(const std::vector<int>& dims) {  // "(3, 27, 28)"
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); i++) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + ")";
}

}  // namespace

Status mnist_parse(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels, MnistSet& out) {
  IdxArray image_array, label_array;
  Status status = idx_parse(images, image_array, kMaxImages * kMnistPixels);
  if (!status.ok()) return Status::failure("images: %s", status.error.c_str());
  status = idx_parse(labels, label_array, kMaxImages);
  if (!status.ok()) return Status::failure("labels: %s", status.error.c_str());
  if (image_array.dims.size() != 3 || image_array.dims[1] != kMnistSide || image_array.dims[2] != kMnistSide)
    return Status::failure("images: expected (count, 28, 28), found %s", describe_dims(image_array.dims).c_str());
  if (label_array.dims.size() != 1)
    return Status::failure("labels: expected (count), found %s", describe_dims(label_array.dims).c_str());
  if (label_array.dims[0] != image_array.dims[0])
    return Status::failure("%d images but %d labels", image_array.dims[0], label_array.dims[0]);
  for (std::uint8_t label : label_array.values)
    if (label >= kMnistClasses) return Status::failure("labels: found label %d (0 to 9 expected)", label);
  out.count = image_array.dims[0];
  out.images = std::move(image_array.values);
  out.labels = std::move(label_array.values);
  return Status::success();
}

Status mnist_load_dir(const std::string& dir, const std::string& split, MnistSet& out) {
  std::vector<std::uint8_t> files[2];
  const char* kinds[2] = {"images-idx3-ubyte", "labels-idx1-ubyte"};
  for (int k = 0; k < 2; k++) {
    std::string base = dir + "/" + split + "-" + kinds[k];
    Status status = read_file(base, files[k], kMaxFileBytes);
    if (!status.ok()) {
      Status gz = read_file(base + ".gz", files[k], kMaxFileBytes);
      if (!gz.ok()) return Status::failure("no MNIST %s in %s (%s)", kinds[k], dir.c_str(), status.error.c_str());
    }
  }
  return mnist_parse(files[0], files[1], out);
}

void mnist_image_signed(const MnistSet& set, int i, float* out) {
  const std::uint8_t* pixels = &set.images[std::size_t(i) * kMnistPixels];
  for (int p = 0; p < kMnistPixels; p++) out[p] = pixels[p] * (2.0f / 255.0f) - 1.0f;
}

}  // namespace nn
