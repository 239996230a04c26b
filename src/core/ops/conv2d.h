#pragma once
// 2-D convolution, PyTorch's nn.Conv2d layout (NCHW, weights (OC, C, KH, KW)), lowered to gemm
// through im2col: each image's receptive fields become the columns of a (C*KH*KW, OH*OW) matrix.
#include <cstddef>

namespace nn {

struct Conv2dShape {
  int B, C, H, W;   // input (B, C, H, W)
  int OC, KH, KW;   // output channels, kernel size
  int stride, pad;  // the same along both axes; padding is with zeros
};

struct Conv2dParams {
  float* w;  // (OC, C, KH, KW)
  float* b;  // (OC), or null for a convolution without bias
};

int conv2d_out_h(Conv2dShape s);
int conv2d_out_w(Conv2dShape s);
// Scratch for forward and backward: the im2col matrix and its gradient for one image.
size_t conv2d_scratch_floats(Conv2dShape s);

// x (B, C, H, W) -> out (B, OC, OH, OW)
void conv2d_forward(float* out, Conv2dParams p, const float* x, float* scratch, Conv2dShape s);

// Adds into dx (B, C, H, W) (null when not wanted) and into grad.w, grad.b.
void conv2d_backward(float* dx, Conv2dParams grad, const float* dout, float* scratch,
                     Conv2dParams p, const float* x, Conv2dShape s);

}  // namespace nn
