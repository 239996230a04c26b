// MaxPool2D: forward against PyTorch (tests/fixtures/conv_pool.bin), backward against finite
// differences away from ties. The backward against PyTorch is in test_conv2d.cpp (conv + pool).
#include <cmath>
#include <vector>

#include "core/ops/maxpool2d.h"
#include "testing.h"

using namespace nn_test;

namespace {

// Inputs whose perturbation by ±eps could change some window's maximum: the window's top two are
// within 2*eps. There the function has a kink and a central difference measures neither side.
std::vector<bool> near_ties(const std::vector<float>& x, nn::Pool2dShape s) {
  std::vector<bool> skip(x.size(), false);
  const int OH = nn::maxpool2d_out_h(s), OW = nn::maxpool2d_out_w(s);
  for (int plane = 0; plane < s.B * s.C; plane++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++)
        for (int a = 0; a < s.K * s.K; a++)
          for (int b = 0; b < s.K * s.K; b++) {
            int i = plane * s.H * s.W + (oh * s.stride + a / s.K) * s.W + ow * s.stride + a % s.K;
            int j = plane * s.H * s.W + (oh * s.stride + b / s.K) * s.W + ow * s.stride + b % s.K;
            if (i != j && std::fabs(x[i] - x[j]) < 2.0f * kFdEps) skip[i] = skip[j] = true;
          }
  return skip;
}

}  // namespace

TEST_CASE("maxpool2d") {
  SUBCASE("forward matches PyTorch") {
    Fixture fx = load_fixture("conv_pool.bin");
    nn::Pool2dShape s{2, 4, 7, 7, 2, 2};
    const int n = s.B * s.C * nn::maxpool2d_out_h(s) * nn::maxpool2d_out_w(s);
    std::vector<float> out(n);
    std::vector<int> argmax(n);
    nn::maxpool2d_forward(out.data(), argmax.data(), fx["conv_out"].data(), s);
    check_close("pool_out", out.data(), fx["pool_out"].data(), n, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    // Overlapping windows (stride < K) and a ragged edge (7 is not a multiple of the stride).
    nn::Pool2dShape s{2, 2, 7, 6, 3, 2};
    const int n = s.B * s.C * nn::maxpool2d_out_h(s) * nn::maxpool2d_out_w(s);
    Rng rng{71};
    std::vector<float> x = rng.vector(size_t(s.B) * s.C * s.H * s.W), out(n), dout = rng.vector(n);
    std::vector<float> dx(x.size());
    std::vector<int> argmax(n);
    nn::maxpool2d_forward(out.data(), argmax.data(), x.data(), s);
    nn::maxpool2d_backward(dx.data(), dout.data(), argmax.data(), s);
    std::vector<bool> skip = near_ties(x, s);
    check_gradient(
        "dx", x.data(), dx.data(), x.size(),
        [&] {
          nn::maxpool2d_forward(out.data(), argmax.data(), x.data(), s);
          return weighted_sum(out.data(), dout.data(), out.size());
        },
        [&](size_t i) { return bool(skip[i]); });
  }
}
