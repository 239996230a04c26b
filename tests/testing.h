#pragma once
// Helpers for tests of differentiable code: a portable random source, comparisons that report
// the worst element, central finite differences, and the reader for the PyTorch fixtures written
// by tests/fixtures/make_fixtures.py.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "data/text_corpus.h"

namespace nn_test {

// Finite differences in float. The objective is a weighted sum of a few dozen O(1) outputs,
// computed in float, so it carries a rounding error of about 1e-6; a central difference divides
// that by 2*eps. Its truncation error is about eps²/6 * f''' with f''' = O(1) for these smooth
// ops. eps = 1e-2 balances the two: both stay below ~1e-4 in the gradient.
constexpr float kFdEps = 1e-2f;
// A gradient passes when |analytic - numeric| <= kFdAbsTol + kFdRelTol * |numeric|: ten times
// the error budget above. A real bug (a missing term, a wrong index or transpose) shows up as an
// O(0.1..1) error, far beyond it.
constexpr double kFdAbsTol = 1e-3;
constexpr double kFdRelTol = 1e-2;

// Against PyTorch: both sides compute in float with different summation orders and libm, so
// values of O(1) agree to a few ulps per accumulated term; the small fixtures sum at most a few
// dozen terms. 1e-5 absolute plus 1e-4 relative leaves room for that and nothing more.
constexpr double kTorchAbsTol = 1e-5;
constexpr double kTorchRelTol = 1e-4;

// splitmix64: the same numbers natively and under wasm, unlike std::uniform_real_distribution,
// whose output differs between libstdc++ and libc++.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * float(next() >> 40) / float(1 << 24);
  }
  std::vector<float> vector(size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (float& x : v) x = uniform(lo, hi);
    return v;
  }
};

// sum(a * w) in double: the scalar objective whose gradient wrt a is w.
inline double weighted_sum(const float* a, const float* w, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += double(a[i]) * w[i];
  return s;
}

struct Diff {
  double max_abs = 0.0;  // worst |got - want|
  double max_rel = 0.0;  // worst |got - want| / |want| over elements with |want| > atol
  int worst = -1;        // index of the element furthest outside the tolerance (or closest to it)
  int checked = 0;
  bool ok = true;
};

// Tracks the worst element of an elementwise comparison with tolerance atol + rtol * |want|.
struct DiffAccumulator {
  double atol, rtol;
  Diff d{};
  double worst_ratio = -1.0;
  void add(int i, double got, double want) {
    double err = std::fabs(got - want);
    double allowed = atol + rtol * std::fabs(want);
    d.checked++;
    d.max_abs = std::fmax(d.max_abs, err);
    if (std::fabs(want) > atol) d.max_rel = std::fmax(d.max_rel, err / std::fabs(want));
    if (!(err <= allowed)) d.ok = false;  // written so that a NaN fails
    double ratio = std::isnan(err) ? INFINITY : err / allowed;
    if (ratio > worst_ratio) worst_ratio = ratio, d.worst = i;
  }
};

inline std::string fmt(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// Every comparison's worst difference goes to the failure message, and to the output as well
// when NNLAB_TEST_VERBOSE is set (to see how close the passing ones are).
inline bool verbose() { return std::getenv("NNLAB_TEST_VERBOSE") != nullptr; }

// Compares got with want (n floats) and reports the worst difference; fails the test if any
// element is outside atol + rtol * |want|.
inline Diff check_close(const char* what, const float* got, const float* want, size_t n,
                        double atol, double rtol) {
  DiffAccumulator acc{atol, rtol};
  for (size_t i = 0; i < n; i++) acc.add(int(i), got[i], want[i]);
  const Diff& d = acc.d;
  std::string msg =
      std::string(what) + ": worst abs " + fmt(d.max_abs) + ", worst rel " + fmt(d.max_rel);
  if (d.worst >= 0)
    msg += ", at [" + std::to_string(d.worst) + "] got " + fmt(got[d.worst], 7) + " want " +
           fmt(want[d.worst], 7);
  if (verbose()) MESSAGE(msg);
  INFO(msg);
  CHECK(d.ok);
  return d;
}

// Checks analytic (n) = d objective / d x (n) by central differences, perturbing each x[i] in
// place (and restoring it). objective() runs the forward pass and returns the scalar in double.
// skip(i), if given, leaves out points where the function has a kink within eps.
inline Diff check_gradient(const char* what, float* x, const float* analytic, size_t n,
                           const std::function<double()>& objective,
                           const std::function<bool(size_t)>& skip = {}, float eps = kFdEps,
                           double atol = kFdAbsTol, double rtol = kFdRelTol) {
  std::vector<float> numeric(n);
  for (size_t i = 0; i < n; i++) {
    float saved = x[i];
    x[i] = saved + eps;
    double plus = objective();
    x[i] = saved - eps;
    double minus = objective();
    x[i] = saved;
    numeric[i] = float((plus - minus) / (2.0 * double(eps)));
  }
  DiffAccumulator acc{atol, rtol};
  for (size_t i = 0; i < n; i++)
    if (!skip || !skip(i)) acc.add(int(i), analytic[i], numeric[i]);
  const Diff& d = acc.d;
  std::string msg = std::string(what) + ": " + std::to_string(d.checked) + "/" + std::to_string(n) +
                    " points, worst abs " + fmt(d.max_abs);
  if (d.worst >= 0)
    msg += ", at [" + std::to_string(d.worst) + "] analytic " + fmt(analytic[d.worst], 7) +
           " numeric " + fmt(numeric[d.worst], 7);
  if (verbose()) MESSAGE(msg);
  INFO(msg);
  CHECK(d.checked > 0);
  CHECK(d.ok);
  return d;
}

// A fixture file: named float32 tensors. Format (little-endian, the byte order of x86 and wasm):
//   "NNFX" u32 version=1 u32 count, then per tensor:
//   u32 name_length, name bytes, u32 ndim, u32 dims[ndim], float32 data[prod(dims)]
// Integer data (class targets) is stored as float32, exact for the small values used.
struct Tensor {
  std::vector<int> shape;
  std::vector<float> data;
};

struct Fixture {
  std::map<std::string, Tensor> tensors;

  // Fails the test and returns an empty tensor when name is missing.
  std::vector<float>& operator[](const std::string& name) {
    auto it = tensors.find(name);
    INFO("fixture tensor " << name);
    REQUIRE(it != tensors.end());
    return it->second.data;
  }
};

// Loads NNLAB_FIXTURES_DIR/file; fails the test (REQUIRE) on a missing or malformed file.
inline Fixture load_fixture(const std::string& file) {
  std::string path = std::string(NNLAB_FIXTURES_DIR) + "/" + file;
  INFO("fixture " << path);
  Fixture fx;
  FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  auto read_u32 = [&](uint32_t& v) { return std::fread(&v, 4, 1, f) == 1; };
  char magic[4] = {};
  uint32_t version = 0, count = 0;
  bool ok = std::fread(magic, 1, 4, f) == 4 && std::string(magic, 4) == "NNFX" &&
            read_u32(version) && version == 1 && read_u32(count);
  for (uint32_t k = 0; ok && k < count; k++) {
    uint32_t len = 0, ndim = 0;
    ok = read_u32(len) && len < 256;
    std::string name(ok ? len : 0, '\0');
    ok = ok && std::fread(name.data(), 1, len, f) == len && read_u32(ndim) && ndim <= 8;
    Tensor t;
    size_t size = 1;
    for (uint32_t d = 0; ok && d < ndim; d++) {
      uint32_t dim = 0;
      ok = read_u32(dim);
      t.shape.push_back(int(dim));
      size *= dim;
    }
    if (!ok) break;
    t.data.resize(size);
    ok = std::fread(t.data.data(), sizeof(float), size, f) == size;
    fx.tensors[name] = std::move(t);
  }
  std::fclose(f);
  REQUIRE(ok);
  return fx;
}

// A corpus of `text` with the usual 90/10 split.
inline nn::TextCorpus corpus_of(const std::string& text) {
  nn::TextCorpus corpus;
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  REQUIRE(nn::corpus_parse(bytes, 0.9, corpus).ok());
  return corpus;
}

// `count` MNIST-sized images of uniform noise, labels 0..9 in turn.
inline nn::MnistSet synthetic_set(int count, std::uint64_t seed) {
  nn::MnistSet set;
  set.count = count;
  Rng rng{seed};
  for (int i = 0; i < count * nn::kMnistPixels; i++) set.images.push_back(std::uint8_t(rng.next() & 0xFF));
  for (int i = 0; i < count; i++) set.labels.push_back(std::uint8_t(i % 10));
  return set;
}

}  // namespace nn_test
