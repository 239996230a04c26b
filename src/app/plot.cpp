#include "app/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/clear_fill.h"
#include "app/ui_probe.h"

namespace nn {

namespace {

// A tick step of 1, 2 or 5 times a power of ten giving about `target` ticks over `range`.
float nice_step(float range, int target) {
  float raw = range / float(target);
  float magnitude = std::pow(10.0f, std::floor(std::log10(raw)));
  float fraction = raw / magnitude;
  return (fraction < 1.5f ? 1.0f : fraction < 3.5f ? 2.0f : fraction < 7.5f ? 5.0f : 10.0f) * magnitude;
}

void format_tick(char* out, size_t size, float value) {
  float a = std::fabs(value);
  if (a != 0.0f && (a < 1e-3f || a >= 1e5f)) std::snprintf(out, size, "%.0e", value);
  else if (a >= 100.0f) std::snprintf(out, size, "%.0f", value);
  else std::snprintf(out, size, "%.3g", value);
}

float mean_step_change(const PlotSeries& line) {
  double total = 0.0;
  int steps = 0;
  for (int i = 1; i < line.count; i++)
    if (std::isfinite(line.y[i]) && std::isfinite(line.y[i - 1])) {
      total += std::fabs(line.y[i] - line.y[i - 1]);
      steps++;
    }
  return steps ? float(total / steps) : 0.0f;
}

}  // namespace

ImU32 plot_color(int index) {
  static const ImU32 colors[] = {IM_COL32(254, 185, 75, 255), IM_COL32(94, 179, 255, 255), IM_COL32(122, 214, 133, 255),
                                 IM_COL32(240, 110, 140, 255), IM_COL32(190, 150, 255, 255)};
  return colors[index % 5];
}

void plot_lines(const char* id, const PlotSeries* series, int count, ImVec2 size, const char* y_label) {
  ImGui::PushID(id);
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("plot", size);
  ui_probe_item(std::string("plot.") + id);
  bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line_height = ImGui::GetTextLineHeight();
  const ImU32 axis_color = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid_color = ImGui::GetColorU32(ImGuiCol_Border);
  fill_by_clear(draw, origin, ImVec2(origin.x + size.x, origin.y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg), 4.0f);

  float x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  for (int s = 0; s < count; s++)
    for (int i = 0; i < series[s].count; i++) {
      float x = series[s].x[i], y = series[s].y[i];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      y_min = std::min(y_min, y), y_max = std::max(y_max, y);
    }
  const float left = 56.0f, right = 12.0f, top = line_height + 8.0f, bottom = line_height + 8.0f;
  ImVec2 p0(origin.x + left, origin.y + top), p1(origin.x + size.x - right, origin.y + size.y - bottom);
  if (y_label) draw->AddText(ImVec2(origin.x + 8, origin.y + 4), axis_color, y_label);
  // Legend, right-aligned on the top line.
  float legend_x = p1.x;
  for (int s = count - 1; s >= 0; s--) {
    legend_x -= ImGui::CalcTextSize(series[s].label).x + 22.0f;
    draw->AddRectFilled(ImVec2(legend_x, origin.y + 4 + line_height * 0.35f), ImVec2(legend_x + 12, origin.y + 4 + line_height * 0.65f), series[s].color);
    draw->AddText(ImVec2(legend_x + 16, origin.y + 4), axis_color, series[s].label);
  }
  if (!(x_min <= x_max) || p1.x - p0.x < 20 || p1.y - p0.y < 20) {
    draw->AddText(ImVec2(p0.x + 8, p0.y + 8), axis_color, "no data yet");
    ImGui::PopID();
    return;
  }
  if (x_max == x_min) x_max = x_min + 1;
  if (y_max - y_min < 1e-6f * std::max(1.0f, std::fabs(y_max))) y_max = y_min + std::max(1e-3f, std::fabs(y_min) * 0.1f);
  float pad = (y_max - y_min) * 0.05f;
  y_min -= pad, y_max += pad;
  auto to_screen = [&](float x, float y) {
    return ImVec2(p0.x + (x - x_min) / (x_max - x_min) * (p1.x - p0.x), p1.y - (y - y_min) / (y_max - y_min) * (p1.y - p0.y));
  };

  char text[32];
  float y_step = nice_step(y_max - y_min, 4);
  for (float y = std::ceil(y_min / y_step) * y_step; y <= y_max; y += y_step) {
    float sy = to_screen(x_min, y).y;
    draw->AddLine(ImVec2(p0.x, sy), ImVec2(p1.x, sy), grid_color);
    format_tick(text, sizeof text, std::fabs(y) < y_step * 1e-3f ? 0.0f : y);  // no "-0" from rounding
    draw->AddText(ImVec2(p0.x - ImGui::CalcTextSize(text).x - 6, sy - line_height * 0.5f), axis_color, text);
  }
  float x_step = nice_step(x_max - x_min, 5);
  for (float x = std::ceil(x_min / x_step) * x_step; x <= x_max; x += x_step) {
    float sx = to_screen(x, y_min).x;
    format_tick(text, sizeof text, x);
    draw->AddText(ImVec2(sx - ImGui::CalcTextSize(text).x * 0.5f, p1.y + 4), axis_color, text);
  }

  draw->PushClipRect(p0, p1, true);
  for (int s = 0; s < count; s++) {
    const PlotSeries& line = series[s];
    // Per-step metrics are often noisy (a GAN's most of all): a long, jagged series is drawn
    // faint with an exponential moving average over ~2% of the run on top. Smooth curves (a
    // full-batch loss) are left alone: the average would only make them lag.
    const int kSmoothFrom = 100;
    const float kJagged = 0.02f;  // mean step-to-step change, as a fraction of the plotted range
    bool smooth = line.count > kSmoothFrom && mean_step_change(line) > kJagged * (y_max - y_min);
    float weight = smooth ? 1.0f / std::max(2.0f, line.count * 0.02f) : 1.0f;
    ImU32 raw_color = smooth ? (line.color & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 70) : line.color;
    // At most ~2 points per pixel column: long runs stay cheap to draw.
    int stride = std::max(1, int(line.count / std::max(1.0f, (p1.x - p0.x) * 2)));
    ImVec2 previous, previous_smooth;
    bool have_previous = false, have_smooth = false;
    float average = 0.0f;
    for (int i = 0; i < line.count; i++) {
      if (!std::isfinite(line.y[i])) {
        have_previous = have_smooth = false;
        continue;
      }
      average = have_smooth ? average + weight * (line.y[i] - average) : line.y[i];
      if (i % stride != 0 && i != line.count - 1) {
        have_smooth = true;
        continue;
      }
      ImVec2 point = to_screen(line.x[i], line.y[i]);
      if (have_previous) draw->AddLine(previous, point, raw_color, 1.5f);
      previous = point;
      have_previous = true;
      if (smooth) {
        ImVec2 smooth_point = to_screen(line.x[i], average);
        if (have_smooth && i >= stride) draw->AddLine(previous_smooth, smooth_point, line.color, 2.0f);
        previous_smooth = smooth_point;
      }
      have_smooth = true;
    }
    if (line.count == 1 && std::isfinite(line.y[0])) draw->AddCircleFilled(to_screen(line.x[0], line.y[0]), 2.5f, line.color);
  }
  draw->PopClipRect();

  if (hovered && count > 0) {
    float mouse_x = ImGui::GetIO().MousePos.x;
    float x = x_min + (mouse_x - p0.x) / (p1.x - p0.x) * (x_max - x_min);
    draw->AddLine(ImVec2(mouse_x, p0.y), ImVec2(mouse_x, p1.y), axis_color);
    ImGui::BeginTooltip();
    for (int s = 0; s < count; s++) {
      const PlotSeries& line = series[s];
      if (!line.count) continue;
      int i = int(std::lower_bound(line.x, line.x + line.count, x) - line.x);
      i = std::clamp(i, 0, line.count - 1);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(line.color), "%s", line.label);
      ImGui::SameLine();
      ImGui::Text("%.4g at %.0f", line.y[i], line.x[i]);
    }
    ImGui::EndTooltip();
  }
  ImGui::PopID();
}

}  // namespace nn
