#include "core/ops/maxpool2d.h"

namespace nn {

int maxpool2d_out_h(Pool2dShape s) { return (s.H - s.K) / s.stride + 1; }
int maxpool2d_out_w(Pool2dShape s) { return (s.W - s.K) / s.stride + 1; }

void maxpool2d_forward(float* out, int* argmax, const float* x, Pool2dShape s) {
  const int OH = maxpool2d_out_h(s), OW = maxpool2d_out_w(s);
  for (int plane = 0; plane < s.B * s.C; plane++) {
    const float* xp = x + plane * s.H * s.W;
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        int best = (oh * s.stride) * s.W + ow * s.stride;
        for (int kh = 0; kh < s.K; kh++)
          for (int kw = 0; kw < s.K; kw++) {
            int i = (oh * s.stride + kh) * s.W + ow * s.stride + kw;
            if (xp[i] > xp[best]) best = i;
          }
        int o = (plane * OH + oh) * OW + ow;
        out[o] = xp[best];
        argmax[o] = best;
      }
  }
}

void maxpool2d_backward(float* dx, const float* dout, const int* argmax, Pool2dShape s) {
  const int P = maxpool2d_out_h(s) * maxpool2d_out_w(s);
  for (int plane = 0; plane < s.B * s.C; plane++)
    for (int o = 0; o < P; o++)
      dx[plane * s.H * s.W + argmax[plane * P + o]] += dout[plane * P + o];
}

}  // namespace nn
