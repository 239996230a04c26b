#include "train/train_options.h"

namespace nn {

bool optimizer_kind_from_name(const std::string& name, OptimizerKind& kind) {
  const OptimizerKind kinds[] = {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                                 OptimizerKind::RmsProp, OptimizerKind::Adam};
  for (OptimizerKind k : kinds)
    if (name == optimizer_name(k)) {
      kind = k;
      return true;
    }
  return false;
}

}  // namespace nn
