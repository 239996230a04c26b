#pragma once
// MNIST-format image sets (MNIST digits, Fashion-MNIST): 28x28 grey images and labels 0-9.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace nn {

constexpr int kMnistSide = 28;
constexpr int kMnistPixels = kMnistSide * kMnistSide;
constexpr int kMnistClasses = 10;

struct MnistSet {
  int count = 0;
  std::vector<std::uint8_t> images;  // (count, 28, 28), 0 = background
  std::vector<std::uint8_t> labels;  // (count), 0..9
};

// From the bytes of an images file and a labels file (raw or gzip IDX). On error `out` is untouched.
Status mnist_parse(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels, MnistSet& out);

// From a folder holding the standard file names (train-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// ... with or without .gz). `split` is "train" or "t10k".
Status mnist_load_dir(const std::string& dir, const std::string& split, MnistSet& out);

// Pixels of image i scaled to [-1, 1], the range the GAN's tanh generator produces.
void mnist_image_signed(const MnistSet& set, int i, float* out);

}  // namespace nn
