// Conv2D: forward and backward (through MaxPool2D) against PyTorch (tests/fixtures/conv_pool.bin),
// and every gradient against finite differences with stride, padding and a rectangular kernel.
#include <vector>

#include "core/ops/conv2d.h"
#include "core/ops/maxpool2d.h"
#include "testing.h"

using namespace nn_test;

namespace {

size_t out_size(nn::Conv2dShape s) {
  return size_t(s.B) * s.OC * nn::conv2d_out_h(s) * nn::conv2d_out_w(s);
}

}  // namespace

TEST_CASE("conv2d") {
  SUBCASE("forward and backward through maxpool match PyTorch") {
    Fixture fx = load_fixture("conv_pool.bin");
    nn::Conv2dShape s{2, 3, 7, 7, 4, 3, 3, 1, 1};
    nn::Pool2dShape ps{s.B, s.OC, nn::conv2d_out_h(s), nn::conv2d_out_w(s), 2, 2};
    const int pool_n = ps.B * ps.C * nn::maxpool2d_out_h(ps) * nn::maxpool2d_out_w(ps);
    nn::Conv2dParams p{fx["w"].data(), fx["b"].data()};
    std::vector<float> scratch(nn::conv2d_scratch_floats(s)), conv_out(out_size(s)),
        pool_out(pool_n);
    std::vector<int> argmax(pool_n);
    nn::conv2d_forward(conv_out.data(), p, fx["x"].data(), scratch.data(), s);
    check_close("conv_out", conv_out.data(), fx["conv_out"].data(), conv_out.size(), kTorchAbsTol,
                kTorchRelTol);
    nn::maxpool2d_forward(pool_out.data(), argmax.data(), conv_out.data(), ps);

    std::vector<float> dconv(conv_out.size()), dx(fx["x"].size()), dw(fx["w"].size()), db(s.OC);
    nn::maxpool2d_backward(dconv.data(), fx["dout"].data(), argmax.data(), ps);
    nn::conv2d_backward(dx.data(), {dw.data(), db.data()}, dconv.data(), scratch.data(), p,
                        fx["x"].data(), s);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dw", dw.data(), fx["dw"].data(), dw.size(), kTorchAbsTol, kTorchRelTol);
    check_close("db", db.data(), fx["db"].data(), db.size(), kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    nn::Conv2dShape s{2, 2, 6, 5, 3, 3, 2, 2, 1};
    Rng rng{81};
    std::vector<float> x = rng.vector(size_t(s.B) * s.C * s.H * s.W);
    std::vector<float> w = rng.vector(size_t(s.OC) * s.C * s.KH * s.KW), b = rng.vector(s.OC);
    std::vector<float> out(out_size(s)), dout = rng.vector(out.size());
    std::vector<float> scratch(nn::conv2d_scratch_floats(s)), dx(x.size()), dw(w.size()),
        db(b.size());
    nn::Conv2dParams p{w.data(), b.data()};
    nn::conv2d_forward(out.data(), p, x.data(), scratch.data(), s);
    nn::conv2d_backward(dx.data(), {dw.data(), db.data()}, dout.data(), scratch.data(), p, x.data(),
                        s);
    auto objective = [&] {
      nn::conv2d_forward(out.data(), p, x.data(), scratch.data(), s);
      return weighted_sum(out.data(), dout.data(), out.size());
    };
    check_gradient("dx", x.data(), dx.data(), x.size(), objective);
    check_gradient("dw", w.data(), dw.data(), w.size(), objective);
    check_gradient("db", b.data(), db.data(), b.size(), objective);
  }
}
