#include "app/clear_fill.h"

#include <cstdint>

#include "app/gl.h"

namespace nn {

namespace {

// Runs while the draw data renders: the command's clip rectangle is the rectangle to fill (set by
// fill_rect below), its callback data the colour. The backend sets its own scissor before each of
// its draws, so nothing needs restoring.
void clear_clip_rect(const ImDrawList*, const ImDrawCmd* cmd) {
  const ImDrawData* data = ImGui::GetDrawData();
  const ImVec2 scale = data->FramebufferScale, origin = data->DisplayPos;
  // The same rounding as the OpenGL3 backend's scissor, so fills meet triangles without a seam.
  const float x0 = (cmd->ClipRect.x - origin.x) * scale.x, y0 = (cmd->ClipRect.y - origin.y) * scale.y;
  const float x1 = (cmd->ClipRect.z - origin.x) * scale.x, y1 = (cmd->ClipRect.w - origin.y) * scale.y;
  if (x1 <= x0 || y1 <= y0) return;
  const int framebuffer_height = int(data->DisplaySize.y * scale.y);
  const ImVec4 color = ImGui::ColorConvertU32ToFloat4(ImU32(reinterpret_cast<std::uintptr_t>(cmd->UserCallbackData)));
  glScissor(int(x0), int(float(framebuffer_height) - y1), int(x1 - x0), int(y1 - y0));
  glClearColor(color.x, color.y, color.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

void fill_rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color) {
  if (max.x <= min.x || max.y <= min.y) return;
  draw->PushClipRect(min, max, true);
  draw->AddCallback(clear_clip_rect, reinterpret_cast<void*>(std::uintptr_t(color)));
  draw->PopClipRect();
}

}  // namespace

void fill_by_clear(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float rounding) {
  // A translucent colour must blend with what lies below: only triangles can do that.
  if ((color >> IM_COL32_A_SHIFT & 0xFF) != 0xFF) {
    draw->AddRectFilled(min, max, color, rounding);
    return;
  }
  const float r = rounding;
  // Three clears that do not overlap: a full-height middle band and the two sides between the
  // corners. Then the four r x r corners, each a quarter disc.
  fill_rect(draw, ImVec2(min.x + r, min.y), ImVec2(max.x - r, max.y), color);
  if (r <= 0.0f) return;
  fill_rect(draw, ImVec2(min.x, min.y + r), ImVec2(min.x + r, max.y - r), color);
  fill_rect(draw, ImVec2(max.x - r, min.y + r), ImVec2(max.x, max.y - r), color);
  draw->AddRectFilled(min, ImVec2(min.x + r, min.y + r), color, r, ImDrawFlags_RoundCornersTopLeft);
  draw->AddRectFilled(ImVec2(max.x - r, min.y), ImVec2(max.x, min.y + r), color, r, ImDrawFlags_RoundCornersTopRight);
  draw->AddRectFilled(ImVec2(min.x, max.y - r), ImVec2(min.x + r, max.y), color, r, ImDrawFlags_RoundCornersBottomLeft);
  draw->AddRectFilled(ImVec2(max.x - r, max.y - r), max, color, r, ImDrawFlags_RoundCornersBottomRight);
}

}  // namespace nn
