#pragma once
// Line plots of training metrics drawn with ImGui's draw list: axes with round tick values,
// several series in one frame, a legend, and a hover readout.
#include "imgui.h"

namespace nn {

struct PlotSeries {
  const char* label;
  const float* x;  // the step of each point
  const float* y;
  int count;
  ImU32 color;
};

// Draws `count` series into a plot of `size` (width <= 0 takes the available width). Non-finite
// values are skipped, so a diverged run leaves a gap rather than wrecking the scale.
void plot_lines(const char* id, const PlotSeries* series, int count, ImVec2 size, const char* y_label = nullptr);

// Colours the plots use, in order.
ImU32 plot_color(int index);

}  // namespace nn
