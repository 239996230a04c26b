#pragma once
// Opaque rectangles painted by glClear rather than by triangles. Without a GPU the browser draws
// WebGL in software, where a scissored clear is a memset but ImGui's filled rectangle is a textured,
// blended raster of every pixel. For a plot's background that difference shows in the page's frame
// rate while a demo trains (bench/README.md, "The page").
#include "imgui.h"

namespace nn {

// Fills [min, max] (clipped to the current clip rectangle) with an opaque `color`, its corners
// rounded by `rounding` (the small corner pieces are drawn by ImGui, antialiased as usual). Drawn
// in order with the rest of `draw`: what is added after it lands on top.
void fill_by_clear(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float rounding = 0.0f);

}  // namespace nn
