// FloatBuffer and the activation arena.
#include <doctest/doctest.h>

#include <cstdint>
#include <utility>

#include "core/arena.h"

namespace {

bool aligned(const float* p) { return reinterpret_cast<std::uintptr_t>(p) % nn::kAlignBytes == 0; }

}  // namespace

TEST_CASE("arena FloatBuffer is aligned, zeroed and moves without copying") {
  nn::FloatBuffer a(37);
  REQUIRE(a.size() == 37);
  CHECK(aligned(a.data()));
  for (std::size_t i = 0; i < a.size(); i++) CHECK(a[i] == 0.0f);
  a[5] = 3.0f;
  const float* storage = a.data();
  nn::FloatBuffer b = std::move(a);
  CHECK(b.data() == storage);
  CHECK(b[5] == 3.0f);
  CHECK(a.data() == nullptr);
  CHECK(nn::FloatBuffer().data() == nullptr);
  CHECK(nn::FloatBuffer(0).size() == 0);
}

TEST_CASE("arena hands out aligned, disjoint slices and resets") {
  const std::size_t sizes[] = {1, 15, 16, 17, 100};
  std::size_t capacity = 0;
  for (std::size_t n : sizes) capacity += nn::Arena::footprint(n);
  nn::Arena arena(capacity);
  CHECK(arena.capacity() == capacity);

  float* previous_end = nullptr;
  for (std::size_t n : sizes) {
    float* p = arena.alloc(n);
    REQUIRE(p != nullptr);
    CHECK(aligned(p));
    if (previous_end) CHECK(p >= previous_end);
    previous_end = p + n;
  }
  CHECK(arena.used() == capacity);
  CHECK_FALSE(arena.overflowed());

  arena.reset();
  CHECK(arena.used() == 0);
  float* first = arena.alloc(1);
  CHECK(first != nullptr);
  CHECK(aligned(first));
}

TEST_CASE("arena capacity exceeded is an error, not a reallocation") {
  nn::Arena arena(64);
  REQUIRE(arena.alloc(40) != nullptr);
  CHECK(arena.alloc(32) == nullptr);  // 48 used, 16 left
  CHECK(arena.overflowed());
  CHECK(arena.used() == 48);
  CHECK(arena.alloc(16) != nullptr);  // a failed request does not consume anything
  CHECK(arena.overflowed());          // but the step is still marked as having overflowed
  arena.reset();
  CHECK_FALSE(arena.overflowed());
  CHECK(nn::Arena().alloc(1) == nullptr);
}
