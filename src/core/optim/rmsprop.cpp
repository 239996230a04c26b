#include <cmath>

#include "core/optim.h"
#include "core/vec.h"

namespace nn {

void rmsprop_step(float* w, const float* g, float* s, std::size_t n, double lr, double alpha,
                  double eps, double weight_decay) {
  const RmsPropCoefficients c{float(lr), float(alpha), float(1.0 - alpha), float(eps), float(weight_decay)};
  rmsprop_update(w, g, s, c, int(n));
}

}  // namespace nn
