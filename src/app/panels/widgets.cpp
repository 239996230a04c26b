#include "app/panels/widgets.h"

#include <algorithm>

#include "app/style.h"

namespace nn {

void panel_header(const char* title, const char* paragraph) {
  ImGui::SetWindowFontScale(1.5f);
  ImGui::PushStyleColor(ImGuiCol_Text, kAccentColor);
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::SetWindowFontScale(1.0f);
  // Long lines are hard to read: wrap at 720 units or the panel's edge, whichever comes first.
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(ImGui::GetContentRegionAvail().x, 720.0f));
  ImGui::TextUnformatted(paragraph);
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::Spacing();
  ImGui::TextDisabled("%s", title);
  ImGui::Separator();
}

void key_value_table(const char* id, const char* const* rows, int count) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) return;
  for (int i = 0; i < count; i++) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", rows[2 * i]);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(rows[2 * i + 1]);
  }
  ImGui::EndTable();
}

void mono_text(const char* text) {
  ImFont* mono = ImGui::GetIO().Fonts->Fonts.size() > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  if (mono) ImGui::PushFont(mono);
  ImGui::TextUnformatted(text);
  if (mono) ImGui::PopFont();
}

}  // namespace nn
