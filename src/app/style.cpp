#include "app/style.h"

namespace nn {

void apply_style() {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowPadding = ImVec2(18, 16);
  style.FramePadding = ImVec2(10, 6);
  style.ItemSpacing = ImVec2(10, 8);
  style.FrameRounding = 5;
  style.ChildRounding = 6;
  style.GrabRounding = 4;
  style.WindowBorderSize = 0;
  style.ScrollbarSize = 12;

  ImVec4* c = style.Colors;
  const ImVec4 panel(0.102f, 0.110f, 0.129f, 1.0f);
  const ImVec4 raised(0.153f, 0.165f, 0.192f, 1.0f);
  const ImVec4 hover(0.212f, 0.227f, 0.263f, 1.0f);
  const ImVec4 accent_dim(0.996f, 0.725f, 0.294f, 0.28f);
  c[ImGuiCol_WindowBg] = kBackgroundColor;
  c[ImGuiCol_ChildBg] = panel;
  c[ImGuiCol_PopupBg] = raised;
  c[ImGuiCol_Text] = ImVec4(0.906f, 0.914f, 0.929f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.545f, 0.565f, 0.612f, 1.0f);
  c[ImGuiCol_Border] = raised;
  c[ImGuiCol_Separator] = raised;
  c[ImGuiCol_FrameBg] = raised;
  c[ImGuiCol_FrameBgHovered] = hover;
  c[ImGuiCol_FrameBgActive] = hover;
  c[ImGuiCol_Button] = raised;
  c[ImGuiCol_ButtonHovered] = hover;
  c[ImGuiCol_ButtonActive] = accent_dim;
  c[ImGuiCol_Header] = accent_dim;
  c[ImGuiCol_HeaderHovered] = hover;
  c[ImGuiCol_HeaderActive] = accent_dim;
  // Half-transparent, so a value printed over the grab (the slider's text is centred) stays legible.
  c[ImGuiCol_SliderGrab] = ImVec4(kAccentColor.x, kAccentColor.y, kAccentColor.z, 0.5f);
  c[ImGuiCol_SliderGrabActive] = kAccentColor;
  c[ImGuiCol_CheckMark] = kAccentColor;
  c[ImGuiCol_PlotLines] = kAccentColor;
  c[ImGuiCol_PlotHistogram] = kAccentColor;
  c[ImGuiCol_TableHeaderBg] = raised;
  c[ImGuiCol_TableBorderStrong] = raised;
  c[ImGuiCol_TableBorderLight] = raised;
}

}  // namespace nn
