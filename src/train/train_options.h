#pragma once
// What every training run takes, whoever starts it (the CLI's flags, the app's controls).
#include <cstdint>
#include <string>

#include "core/optim.h"

namespace nn {

struct TrainOptions {
  std::uint64_t seed = 0;
  OptimizerConfig optimizer;  // each demo starts from its own default (kind, learning rate, betas)
  int threads = 1;
};

// "sgd", "momentum", "nesterov", "rmsprop", "adam" -> kind; false for anything else.
bool optimizer_kind_from_name(const std::string& name, OptimizerKind& kind);

}  // namespace nn
