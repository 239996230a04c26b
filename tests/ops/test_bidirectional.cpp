// Bidirectional: an LSTM against PyTorch's nn.LSTM(bidirectional=True)
// (tests/fixtures/lstm_bidirectional.bin), a GRU against finite differences.
#include <vector>

#include "core/ops/bidirectional.h"
#include "ops/cell_testing.h"
#include "testing.h"

using namespace nn_test;

TEST_CASE("bidirectional") {
  SUBCASE("LSTM forward and backward match PyTorch") {
    using Cell = nn::LstmCell;
    Fixture fx = load_fixture("lstm_bidirectional.bin");
    const int T = 3, B = 2, C = 4, H = 5, BH = B * H;
    CellWeights<Cell> fw(C, H), bw(C, H);
    fw.load(fx, "_l0");
    bw.load(fx, "_l0_reverse");
    std::vector<float> mem(nn::bidirectional_cache_floats<Cell>(T, B, C, H));
    std::vector<float> scratch(nn::bidirectional_scratch_floats<Cell>(T, B, C, H));
    std::vector<float> out(size_t(T) * B * 2 * H);
    auto cache = nn::bidirectional_cache<Cell>(mem.data(), T, B, C, H);
    nn::bidirectional_forward<Cell>(out.data(), cache, {fw.params(), bw.params()}, fx["x"].data(),
                                    fx["h0"].data(), fx["c0"].data(), T, B, C, H);
    check_close("out", out.data(), fx["out"].data(), out.size(), kTorchAbsTol, kTorchRelTol);
    check_close("h_n forward", cache.fw.h + T * BH, fx["h_n"].data(), BH, kTorchAbsTol,
                kTorchRelTol);
    check_close("h_n backward", cache.bw.h + T * BH, fx["h_n"].data() + BH, BH, kTorchAbsTol,
                kTorchRelTol);
    check_close("c_n forward", cache.fw.c + T * BH, fx["c_n"].data(), BH, kTorchAbsTol,
                kTorchRelTol);
    check_close("c_n backward", cache.bw.c + T * BH, fx["c_n"].data() + BH, BH, kTorchAbsTol,
                kTorchRelTol);

    std::vector<float> dx(fx["x"].size()), dh0(2 * BH), dc0(2 * BH);
    nn::bidirectional_backward<Cell>({dx.data(), dh0.data(), dc0.data()}, {fw.grads(), bw.grads()},
                                     {fx["dout"].data(), fx["dh_n"].data(), fx["dc_n"].data()},
                                     scratch.data(), cache, {fw.params(), bw.params()},
                                     fx["x"].data(), T, B, C, H);
    check_close("dx", dx.data(), fx["dx"].data(), dx.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dh0", dh0.data(), fx["dh0"].data(), dh0.size(), kTorchAbsTol, kTorchRelTol);
    check_close("dc0", dc0.data(), fx["dc0"].data(), dc0.size(), kTorchAbsTol, kTorchRelTol);
    fw.check_grads_against(fx, "_l0");
    bw.check_grads_against(fx, "_l0_reverse");
  }
  SUBCASE("GRU backward matches finite differences") {
    using Cell = nn::GruCell;
    const int T = 4, B = 2, C = 3, H = 2, BH = B * H;
    Rng rng{91};
    CellWeights<Cell> fw(C, H), bw(C, H);
    fw.randomize(rng);
    bw.randomize(rng);
    std::vector<float> x = rng.vector(size_t(T) * B * C), h0 = rng.vector(2 * BH);
    std::vector<float> dout = rng.vector(size_t(T) * B * 2 * H), dh_n = rng.vector(2 * BH);
    std::vector<float> mem(nn::bidirectional_cache_floats<Cell>(T, B, C, H));
    std::vector<float> scratch(nn::bidirectional_scratch_floats<Cell>(T, B, C, H));
    std::vector<float> out(dout.size());
    auto cache = nn::bidirectional_cache<Cell>(mem.data(), T, B, C, H);
    auto objective = [&] {
      nn::bidirectional_forward<Cell>(out.data(), cache, {fw.params(), bw.params()}, x.data(),
                                      h0.data(), nullptr, T, B, C, H);
      return weighted_sum(out.data(), dout.data(), out.size()) +
             weighted_sum(cache.fw.h + T * BH, dh_n.data(), BH) +
             weighted_sum(cache.bw.h + T * BH, dh_n.data() + BH, BH);
    };
    objective();
    std::vector<float> dx(x.size()), dh0(h0.size());
    nn::bidirectional_backward<Cell>({dx.data(), dh0.data(), nullptr}, {fw.grads(), bw.grads()},
                                     {dout.data(), dh_n.data(), nullptr}, scratch.data(), cache,
                                     {fw.params(), bw.params()}, x.data(), T, B, C, H);
    check_gradient("dx", x.data(), dx.data(), x.size(), objective);
    check_gradient("dh0", h0.data(), dh0.data(), h0.size(), objective);
    fw.check_grads_numerically("forward", objective);
    bw.check_grads_numerically("backward", objective);
  }
}
