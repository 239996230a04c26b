#include "core/ops/conv2d.h"

#include "core/gemm.h"

namespace nn {

int conv2d_out_h(Conv2dShape s) { return (s.H + 2 * s.pad - s.KH) / s.stride + 1; }
int conv2d_out_w(Conv2dShape s) { return (s.W + 2 * s.pad - s.KW) / s.stride + 1; }

size_t conv2d_scratch_floats(Conv2dShape s) {
  return 2 * size_t(s.C) * s.KH * s.KW * conv2d_out_h(s) * conv2d_out_w(s);
}

namespace {

// Walks every (row of col, output pixel) pair with the input pixel it reads, or -1 for padding.
// Row r = (c*KH + kh)*KW + kw of col holds input channel c shifted by (kh, kw).
template <class Visit>
void im2col_walk(Conv2dShape s, Visit visit) {
  const int OH = conv2d_out_h(s), OW = conv2d_out_w(s);
  for (int c = 0; c < s.C; c++)
    for (int kh = 0; kh < s.KH; kh++)
      for (int kw = 0; kw < s.KW; kw++) {
        int row = (c * s.KH + kh) * s.KW + kw;
        for (int oh = 0; oh < OH; oh++) {
          int ih = oh * s.stride - s.pad + kh;
          for (int ow = 0; ow < OW; ow++) {
            int iw = ow * s.stride - s.pad + kw;
            bool inside = ih >= 0 && ih < s.H && iw >= 0 && iw < s.W;
            visit(row * OH * OW + oh * OW + ow, inside ? (c * s.H + ih) * s.W + iw : -1);
          }
        }
      }
}

// col (C*KH*KW, OH*OW) from one image x (C, H, W).
void im2col(float* col, const float* x, Conv2dShape s) {
  im2col_walk(s, [&](int k, int i) { col[k] = i >= 0 ? x[i] : 0.0f; });
}

// The transpose of im2col: dx (C, H, W) += every column entry at the pixel it was read from.
void col2im_add(float* dx, const float* dcol, Conv2dShape s) {
  im2col_walk(s, [&](int k, int i) {
    if (i >= 0) dx[i] += dcol[k];
  });
}

}  // namespace

void conv2d_forward(float* out, Conv2dParams p, const float* x, float* scratch, Conv2dShape s) {
  const int P = conv2d_out_h(s) * conv2d_out_w(s), CK = s.C * s.KH * s.KW;
  for (int b = 0; b < s.B; b++) {
    float* out_b = out + size_t(b) * s.OC * P;  // (OC, OH*OW)
    im2col(scratch, x + size_t(b) * s.C * s.H * s.W, s);
    gemm(false, false, s.OC, P, CK, 1.0f, p.w, CK, scratch, P, 0.0f, out_b, P);
    if (!p.b) continue;
    for (int oc = 0; oc < s.OC; oc++)
      for (int i = 0; i < P; i++) out_b[oc * P + i] += p.b[oc];
  }
}

void conv2d_backward(float* dx, Conv2dParams grad, const float* dout, float* scratch,
                     Conv2dParams p, const float* x, Conv2dShape s) {
  const int P = conv2d_out_h(s) * conv2d_out_w(s), CK = s.C * s.KH * s.KW;
  float* col = scratch;                    // (C*KH*KW, OH*OW)
  float* dcol = scratch + size_t(CK) * P;  // (C*KH*KW, OH*OW)
  for (int b = 0; b < s.B; b++) {
    const float* dout_b = dout + size_t(b) * s.OC * P;  // (OC, OH*OW)
    // Recomputing col costs one pass over the image; caching it would cost KH*KW images each.
    im2col(col, x + size_t(b) * s.C * s.H * s.W, s);
    gemm(false, true, s.OC, CK, P, 1.0f, dout_b, P, col, P, 1.0f, grad.w, CK);
    if (grad.b)
      for (int oc = 0; oc < s.OC; oc++)
        for (int i = 0; i < P; i++) grad.b[oc] += dout_b[oc * P + i];
    if (!dx) continue;
    gemm(true, false, CK, P, s.OC, 1.0f, p.w, CK, dout_b, P, 0.0f, dcol, P);
    col2im_add(dx + size_t(b) * s.C * s.H * s.W, dcol, s);
  }
}

}  // namespace nn
