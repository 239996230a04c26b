// libFuzzer target: IDX files, raw or gzip, as the MNIST reader takes them. An accepted array
// must hold exactly the values its dimensions announce; as images, the bytes go through
// mnist_parse with a valid file of three labels, so (3, 28, 28) inputs reach the set checks.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/idx.h"
#include "data/mnist.h"

namespace {

// Large enough for the seeds (three 28x28 images), small enough that every input runs fast.
constexpr std::size_t kMaxValues = std::size_t(1) << 16;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  nn::IdxArray array;
  nn::Status status = nn::idx_parse(bytes, array, kMaxValues);
  if (status.ok()) {
    std::size_t total = 1;
    for (int dim : array.dims) {
      if (dim <= 0) __builtin_trap();
      total *= std::size_t(dim);
    }
    if (array.dims.empty() || total != array.values.size() || total > kMaxValues) __builtin_trap();
  } else if (status.error.empty()) {
    __builtin_trap();
  }

  static const std::vector<std::uint8_t> labels = nn::idx_encode({3}, std::vector<std::uint8_t>{1, 7, 0});
  nn::MnistSet set;
  status = nn::mnist_parse(bytes, labels, set);
  if (status.ok() && (set.count != 3 || set.images.size() != 3u * nn::kMnistPixels || set.labels.size() != 3))
    __builtin_trap();
  if (!status.ok() && (status.error.empty() || set.count != 0 || !set.images.empty())) __builtin_trap();
  return 0;
}
