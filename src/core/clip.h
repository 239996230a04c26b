#pragma once
// Gradient and weight clipping over flat buffers.
#include <cstddef>

namespace nn {

// torch.nn.utils.clip_grad_norm_ over a whole model: if the global L2 norm of g exceeds max_norm,
// scales g by max_norm / (norm + 1e-6). Returns the norm before clipping, for logging. A norm
// that is not finite leaves g as it is: the caller sees it in the result and can roll back.
float clip_grad_norm(float* g, std::size_t n, float max_norm);

// Clamps every weight into [-limit, limit]: the WGAN critic's crude Lipschitz constraint.
void clip_weights(float* w, std::size_t n, float limit);

}  // namespace nn
