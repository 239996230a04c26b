#pragma once
// A metric over training (loss per step, bits per character, D(x)...): every value is kept, so
// plots can show the whole run and the CLI can report the last value.
#include <cstddef>
#include <vector>

namespace nn {

struct MetricSeries {
  std::vector<float> steps;   // x: the step (or epoch) each value belongs to
  std::vector<float> values;  // y

  void push(float step, float value) {
    steps.push_back(step);
    values.push_back(value);
  }
  bool empty() const { return values.empty(); }
  float last() const { return values.empty() ? 0.0f : values.back(); }
  void clear() {
    steps.clear();
    values.clear();
  }
};

}  // namespace nn
