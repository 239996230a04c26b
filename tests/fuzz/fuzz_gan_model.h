#pragma once
// The GAN session fuzz_gan_checkpoint loads into, shared with make_seeds.cpp so that the seed
// file matches it: MNIST-sized, two hidden units a layer and plain SGD, so that a whole file of
// both networks stays around 13 KB.
#include <cstddef>
#include <cstdint>
#include <utility>

#include "train/gan_session.h"

namespace nn_fuzz {

// Returns false if the session cannot be built (which would be a bug in the fuzz target).
inline bool fuzz_gan_init(nn::GanSession& s, std::uint64_t seed) {
  nn::GanConfig c;
  c.z_dim = 2;
  c.g_hidden1 = 2, c.g_hidden2 = 2;
  c.d_hidden1 = 2, c.d_hidden2 = 2;
  c.batch = 2;
  nn::MnistSet set;
  set.count = 2;
  set.images.assign(2 * std::size_t(nn::kMnistPixels), 0);
  for (std::size_t i = 0; i < set.images.size(); i += 7) set.images[i] = 200;
  set.labels = {1, 2};
  nn::TrainOptions options = nn::gan_default_options();
  options.optimizer.kind = nn::OptimizerKind::Sgd;
  options.optimizer.lr = 0.01;
  options.seed = seed;
  return nn::gan_session_init(s, c, std::move(set), options).ok() && nn::gan_session_step(s).ok();
}

}  // namespace nn_fuzz
