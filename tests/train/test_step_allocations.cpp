// A training step allocates nothing: forward, backward, clipping and the optimizer of every demo
// model run on buffers sized at init, on one thread and on two. Counted by replacing the global
// operator new for this test binary; only the calls made while a counter is armed count.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "core/clip.h"
#include "core/thread_pool.h"
#include "models/charrnn.h"
#include "models/gan.h"
#include "testing.h"
#include "train/charrnn_session.h"
#include "train/gan_session.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

void* counted_alloc(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}

// Runs body() with the counter armed; returns how many allocations it made.
template <class F>
long allocations_in(F body) {
  g_allocations = 0;
  g_counting = true;
  body();
  g_counting = false;
  return g_allocations;
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

TEST_CASE("a char-RNN training step allocates nothing (LSTM and 2-layer GRU, 1 and 2 threads)") {
  std::string text;
  for (int i = 0; i < 400; i++) text += "to be or not to be, that is the question. ";
  for (nn::CellKind cell : {nn::CellKind::Lstm, nn::CellKind::Gru}) {
    for (int threads : {1, 2}) {
      CAPTURE(int(cell)); CAPTURE(threads);
      nn::set_num_threads(threads);
      nn::CharRnnConfig config;
      config.cell = cell;
      config.layers = cell == nn::CellKind::Gru ? 2 : 1;
      config.hidden = 64, config.seq = 32, config.batch = 8;
      nn::CharRnnSession s;
      REQUIRE(nn::charrnn_session_init(s, config, nn_test::corpus_of(text), nn::charrnn_default_options()).ok());
      auto step = [&] {
        nn::ParamStore& params = s.model.params;
        params.zero_grad();
        nn::charrnn_forward(s.model, s.acts, s.inputs.data(), s.targets.data(), config.batch, config.seq);
        nn::charrnn_backward(s.model, s.acts);
        nn::clip_grad_norm(params.grad.data(), params.layout.size(), 5.0f);
        nn::optimizer_step(s.options.optimizer, s.optim, params);
      };
      step();  // first use: thread-local packing buffers and the pool's workers
      CHECK(allocations_in([&] {
              for (int i = 0; i < 3; i++) step();
            }) == 0);
    }
  }
  nn::set_num_threads(1);
}

TEST_CASE("a GAN training step allocates nothing (default and textbook models, 1 and 2 threads)") {
  for (bool textbook : {false, true}) {
    for (int threads : {1, 2}) {
      CAPTURE(textbook); CAPTURE(threads);
      nn::set_num_threads(threads);
      nn::GanSession s;
      const nn::TrainOptions options = textbook ? nn::gan_textbook_options() : nn::gan_default_options();
      REQUIRE(nn::gan_session_init(s, textbook ? nn::gan_config_textbook() : nn::GanConfig{}, nn_test::synthetic_set(200, 3),
                                   options)
                  .ok());
      const int B = s.config.batch;
      nn::GanModel& m = s.model;
      auto step = [&] {
        nn::gan_sample_noise(s.run.z, std::size_t(B) * s.config.z_dim, s.rng);
        nn::gan_discriminator_gradient(m, s.run, nullptr, s.run.z, B);
        nn::optimizer_step(options.optimizer, s.d_optim, m.d);
        nn::gan_sample_noise(s.run.z, std::size_t(B) * s.config.z_dim, s.rng);
        nn::gan_generator_gradient(m, s.run, s.run.z, B, nullptr);
        nn::optimizer_step(options.optimizer, s.g_optim, m.g);
      };
      step();
      CHECK(allocations_in([&] {
              for (int i = 0; i < 3; i++) step();
            }) == 0);
    }
  }
  nn::set_num_threads(1);
}

TEST_CASE("the allocation counter sees allocations") {
  // The check above would pass vacuously if the replacement were not in use.
  CHECK(allocations_in([] { std::string s(1000, 'x'); (void)s; }) > 0);
}
