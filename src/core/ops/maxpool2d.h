#pragma once
// 2-D max pooling over NCHW, no padding, PyTorch's floor rounding of the output size.
namespace nn {

struct Pool2dShape {
  int B, C, H, W;  // input (B, C, H, W)
  int K, stride;   // square window K×K
};

int maxpool2d_out_h(Pool2dShape s);
int maxpool2d_out_w(Pool2dShape s);

// x (B, C, H, W) -> out (B, C, OH, OW). argmax (B, C, OH, OW) records, for backward, where in
// its (H, W) plane each maximum came from; on ties the first in row-major order wins.
void maxpool2d_forward(float* out, int* argmax, const float* x, Pool2dShape s);

// dx (B, C, H, W) += dout routed back to each window's maximum.
void maxpool2d_backward(float* dx, const float* dout, const int* argmax, Pool2dShape s);

}  // namespace nn
