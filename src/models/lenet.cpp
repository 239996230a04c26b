#include "models/lenet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/init.h"
#include "core/ops/activation.h"
#include "core/ops/loss.h"
#include "core/vec.h"

namespace nn {

namespace {

constexpr int kKernel = 5;
constexpr int kPool = 2;

// Every layer's shape for a batch of B.
struct LenetShapes {
  Conv2dShape conv1, conv2;
  Pool2dShape pool1, pool2;
  int side1, pooled1, side2, pooled2;  // conv1 output, pool1, conv2, pool2 sides
  int flat;                            // conv2 * pooled2²: the input of fc1
};

LenetShapes lenet_shapes(const LenetConfig& c, int B) {
  LenetShapes s;
  s.conv1 = {B, 1, c.side, c.side, c.conv1, kKernel, kKernel, 1, 2};
  s.side1 = conv2d_out_h(s.conv1);
  s.pool1 = {B, c.conv1, s.side1, s.side1, kPool, kPool};
  s.pooled1 = maxpool2d_out_h(s.pool1);
  s.conv2 = {B, c.conv1, s.pooled1, s.pooled1, c.conv2, kKernel, kKernel, 1, 0};
  s.side2 = conv2d_out_h(s.conv2);
  s.pool2 = {B, c.conv2, s.side2, s.side2, kPool, kPool};
  s.pooled2 = maxpool2d_out_h(s.pool2);
  s.flat = c.conv2 * s.pooled2 * s.pooled2;
  return s;
}

template <class Alloc>
void lenet_run_carve(LenetRun& run, const LenetConfig& c, int B, Alloc alloc) {
  const LenetShapes s = lenet_shapes(c, B);
  const int map1 = B * c.conv1 * s.side1 * s.side1, pooled1 = B * c.conv1 * s.pooled1 * s.pooled1;
  const int map2 = B * c.conv2 * s.side2 * s.side2, pooled2 = B * s.flat;
  run.input = alloc(B * c.side * c.side);
  run.c1 = alloc(map1), run.r1 = alloc(map1), run.p1 = alloc(pooled1);
  run.c2 = alloc(map2), run.r2 = alloc(map2), run.p2 = alloc(pooled2);
  run.f1 = alloc(B * c.fc1), run.h1 = alloc(B * c.fc1);
  run.f2 = alloc(B * c.fc2), run.h2 = alloc(B * c.fc2);
  run.logits = alloc(B * c.classes), run.probs = alloc(B * c.classes);
  run.dlogits = alloc(B * c.classes);
  run.dh2 = alloc(B * c.fc2), run.df2 = alloc(B * c.fc2);
  run.dh1 = alloc(B * c.fc1), run.df1 = alloc(B * c.fc1);
  run.dp2 = alloc(pooled2), run.dr2 = alloc(map2), run.dc2 = alloc(map2);
  run.dp1 = alloc(pooled1), run.dr1 = alloc(map1), run.dc1 = alloc(map1);
  run.conv_scratch = alloc(int(std::max(conv2d_scratch_floats(s.conv1), conv2d_scratch_floats(s.conv2))));
}

}  // namespace

void lenet_input_from_bytes(float* out, const std::uint8_t* pixels, int n) {
  for (int i = 0; i < n; i++) out[i] = (pixels[i] * (1.0f / 255.0f) - kLenetPixelMean) / kLenetPixelStd;
}

void lenet_input_from_signed(float* out, const float* pixels, int n) {
  for (int i = 0; i < n; i++) out[i] = ((pixels[i] + 1.0f) * 0.5f - kLenetPixelMean) / kLenetPixelStd;
}

int lenet_pooled_side(const LenetConfig& config) { return lenet_shapes(config, 1).pooled2; }

void lenet_model_init(LenetModel& model, const LenetConfig& c, Rng& rng) {
  const int flat = lenet_shapes(c, 1).flat;
  ParamLayout layout;
  layout.add("conv1.w", {c.conv1, 1, kKernel, kKernel});
  layout.add("conv1.b", {c.conv1});
  layout.add("conv2.w", {c.conv2, c.conv1, kKernel, kKernel});
  layout.add("conv2.b", {c.conv2});
  layout.add("fc1.w", {c.fc1, flat});
  layout.add("fc1.b", {c.fc1});
  layout.add("fc2.w", {c.fc2, c.fc1});
  layout.add("fc2.b", {c.fc2});
  layout.add("fc3.w", {c.classes, c.fc2});
  layout.add("fc3.b", {c.classes});
  model.config = c;
  model.store = ParamStore(std::move(layout));
  for (auto [p, base] : {std::pair{&model.w, model.store.value.data()},
                         std::pair{&model.grad, model.store.grad.data()}})
    layout_point(model.store.layout, base,
                 {&p->conv1.w, &p->conv1.b, &p->conv2.w, &p->conv2.b, &p->fc1.w, &p->fc1.b,
                  &p->fc2.w, &p->fc2.b, &p->fc3.w, &p->fc3.b});
  const LenetParams& w = model.w;
  init_conv2d(w.conv1.w, w.conv1.b, c.conv1, 1, kKernel, kKernel, rng);
  init_conv2d(w.conv2.w, w.conv2.b, c.conv2, c.conv1, kKernel, kKernel, rng);
  init_linear(w.fc1.w, w.fc1.b, c.fc1, flat, rng);
  init_linear(w.fc2.w, w.fc2.b, c.fc2, c.fc1, rng);
  init_linear(w.fc3.w, w.fc3.b, c.classes, c.fc2, rng);
}

void lenet_run_init(LenetRun& run, const LenetConfig& config, int batch) {
  std::size_t floats = 0;
  lenet_run_carve(run, config, batch, [&](int n) {
    floats += Arena::footprint(std::size_t(n));
    return nullptr;
  });
  run.batch = batch;
  run.arena = Arena(floats);
  lenet_run_carve(run, config, batch, [&](int n) { return run.arena.alloc(std::size_t(n)); });
  const LenetShapes s = lenet_shapes(config, batch);
  run.argmax1.assign(std::size_t(batch) * config.conv1 * s.pooled1 * s.pooled1, 0);
  run.argmax2.assign(std::size_t(batch) * s.flat, 0);
}

void lenet_forward(const LenetModel& model, LenetRun& run, int B) {
  const LenetConfig& c = model.config;
  const LenetShapes s = lenet_shapes(c, B);
  const LenetParams& w = model.w;
  const int map1 = B * c.conv1 * s.side1 * s.side1, map2 = B * c.conv2 * s.side2 * s.side2;
  conv2d_forward(run.c1, w.conv1, run.input, run.conv_scratch, s.conv1);
  relu_forward(run.r1, run.c1, map1);
  maxpool2d_forward(run.p1, run.argmax1.data(), run.r1, s.pool1);
  conv2d_forward(run.c2, w.conv2, run.p1, run.conv_scratch, s.conv2);
  relu_forward(run.r2, run.c2, map2);
  maxpool2d_forward(run.p2, run.argmax2.data(), run.r2, s.pool2);
  linear_forward(run.f1, w.fc1, run.p2, B, s.flat, c.fc1);
  relu_forward(run.h1, run.f1, B * c.fc1);
  linear_forward(run.f2, w.fc2, run.h1, B, c.fc1, c.fc2);
  relu_forward(run.h2, run.f2, B * c.fc2);
  linear_forward(run.logits, w.fc3, run.h2, B, c.fc2, c.classes);
  softmax_rows(run.probs, run.logits, B, c.classes);  // core/vec.h
}

float lenet_backward(LenetModel& model, LenetRun& run, const int* labels, int B) {
  const LenetConfig& c = model.config;
  const LenetShapes s = lenet_shapes(c, B);
  const LenetParams& w = model.w;
  const LenetParams& g = model.grad;
  const int map1 = B * c.conv1 * s.side1 * s.side1, pooled1 = B * c.conv1 * s.pooled1 * s.pooled1;
  const int map2 = B * c.conv2 * s.side2 * s.side2;
  float loss = cross_entropy_loss(run.dlogits, nullptr, run.logits, labels, B, c.classes);

  model.store.zero_grad();
  const std::pair<float*, int> zeroed[] = {{run.dh2, B * c.fc2}, {run.df2, B * c.fc2},
                                           {run.dh1, B * c.fc1}, {run.df1, B * c.fc1},
                                           {run.dp2, B * s.flat}, {run.dr2, map2},
                                           {run.dc2, map2},       {run.dp1, pooled1},
                                           {run.dr1, map1},       {run.dc1, map1}};
  for (auto [buffer, n] : zeroed) std::memset(buffer, 0, sizeof(float) * n);

  linear_backward(run.dh2, g.fc3, run.dlogits, w.fc3, run.h2, B, c.fc2, c.classes);
  relu_backward(run.df2, run.dh2, run.f2, B * c.fc2);
  linear_backward(run.dh1, g.fc2, run.df2, w.fc2, run.h1, B, c.fc1, c.fc2);
  relu_backward(run.df1, run.dh1, run.f1, B * c.fc1);
  linear_backward(run.dp2, g.fc1, run.df1, w.fc1, run.p2, B, s.flat, c.fc1);
  maxpool2d_backward(run.dr2, run.dp2, run.argmax2.data(), s.pool2);
  relu_backward(run.dc2, run.dr2, run.c2, map2);
  conv2d_backward(run.dp1, g.conv2, run.dc2, run.conv_scratch, w.conv2, run.p1, s.conv2);
  maxpool2d_backward(run.dr1, run.dp1, run.argmax1.data(), s.pool1);
  relu_backward(run.dc1, run.dr1, run.c1, map1);
  conv2d_backward(nullptr, g.conv1, run.dc1, run.conv_scratch, w.conv1, run.input, s.conv1);
  return loss;
}

}  // namespace nn
