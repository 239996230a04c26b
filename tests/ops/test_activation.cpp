// Activations: forward and backward against PyTorch (tests/fixtures/activation.bin), backward
// against finite differences. Tolerances: tests/testing.h.
#include <functional>
#include <vector>

#include "core/ops/activation.h"
#include "testing.h"

using namespace nn_test;

namespace {

constexpr float kLeakySlope = 0.1f;  // the slope make_fixtures.py uses
// Backward adds into dx: start it away from zero and subtract the start to check that it does.
constexpr float kDxStart = 0.25f;

struct Activation {
  const char* name;
  std::function<void(float* out, const float* x, int n)> forward;
  // Each backward reads x or out; both are passed and it takes the one it needs.
  std::function<void(float* dx, const float* dout, const float* x, const float* out, int n)>
      backward;
  bool kink_at_zero;
};

void check_activation(const Activation& a) {
  Fixture fx = load_fixture("activation.bin");
  std::vector<float>& x = fx["x"];
  const int n = int(x.size());
  std::vector<float> out(n), dx(n, kDxStart);

  SUBCASE("forward matches PyTorch") {
    a.forward(out.data(), x.data(), n);
    check_close(a.name, out.data(), fx[a.name].data(), n, kTorchAbsTol, kTorchRelTol);
  }
  SUBCASE("backward matches PyTorch") {
    a.forward(out.data(), x.data(), n);
    a.backward(dx.data(), fx["dout"].data(), x.data(), out.data(), n);
    for (float& d : dx) d -= kDxStart;
    check_close("dx", dx.data(), fx[std::string("dx_") + a.name].data(), n, kTorchAbsTol,
                kTorchRelTol);
  }
  SUBCASE("backward matches finite differences") {
    Rng rng{11};
    std::vector<float> xr = rng.vector(n, -3.0f, 3.0f), dout = rng.vector(n);
    a.forward(out.data(), xr.data(), n);
    a.backward(dx.data(), dout.data(), xr.data(), out.data(), n);
    for (float& d : dx) d -= kDxStart;
    auto objective = [&] {
      a.forward(out.data(), xr.data(), n);
      return weighted_sum(out.data(), dout.data(), n);
    };
    // A perturbation that crosses the kink at 0 measures neither side's slope.
    auto near_kink = [&](size_t i) { return a.kink_at_zero && std::fabs(xr[i]) < 2.0f * kFdEps; };
    check_gradient("dx", xr.data(), dx.data(), n, objective, near_kink);
  }
}

}  // namespace

TEST_CASE("tanh") {
  check_activation({"tanh", nn::tanh_forward,
                    [](float* dx, const float* dout, const float*, const float* out, int n) {
                      nn::tanh_backward(dx, dout, out, n);
                    },
                    false});
}

TEST_CASE("sigmoid") {
  check_activation({"sigmoid", nn::sigmoid_forward,
                    [](float* dx, const float* dout, const float*, const float* out, int n) {
                      nn::sigmoid_backward(dx, dout, out, n);
                    },
                    false});
  SUBCASE("saturates without overflow") {
    const float x[2] = {-200.0f, 200.0f};
    float out[2];
    nn::sigmoid_forward(out, x, 2);
    CHECK(out[0] == 0.0f);
    CHECK(out[1] == 1.0f);
  }
}

TEST_CASE("relu") {
  check_activation({"relu", nn::relu_forward,
                    [](float* dx, const float* dout, const float* x, const float*, int n) {
                      nn::relu_backward(dx, dout, x, n);
                    },
                    true});
}

TEST_CASE("leaky_relu") {
  check_activation(
      {"leaky_relu",
       [](float* out, const float* x, int n) { nn::leaky_relu_forward(out, x, n, kLeakySlope); },
       [](float* dx, const float* dout, const float* x, const float*, int n) {
         nn::leaky_relu_backward(dx, dout, x, n, kLeakySlope);
       },
       true});
}

TEST_CASE("selu") {
  // SELU's slope jumps at 0 (scale * alpha on the left, scale on the right): a kink like ReLU's.
  check_activation({"selu", nn::selu_forward,
                    [](float* dx, const float* dout, const float* x, const float*, int n) {
                      nn::selu_backward(dx, dout, x, n);
                    },
                    true});
}
