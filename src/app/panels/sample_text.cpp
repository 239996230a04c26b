#include "app/panels/sample_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/style.h"
#include "app/ui_probe.h"

namespace nn {

namespace {

constexpr float kSurpriseFullBits = 7.0f;  // about 1/128: drawn at full strength
constexpr float kSurpriseAlpha = 0.55f;

ImFont* mono_font() {
  ImGuiIO& io = ImGui::GetIO();
  return io.Fonts->Fonts.size() > 1 ? io.Fonts->Fonts[1] : ImGui::GetFont();
}

bool is_break(const std::string& s) { return s == "\n"; }
bool is_space(const std::string& s) { return s == " " || s == "\t" || s == "\n"; }

}  // namespace

std::string sample_char_label(const std::string& s) {
  if (s == "\n") return "\\n";
  if (s == " ") return "space";
  if (s == "\t") return "\\t";
  return s;
}

int sample_top_k(const float* probs, int V, std::uint16_t* tokens, float* top_p, int k) {
  k = std::min(k, V);
  std::vector<int> order(static_cast<std::size_t>(V));
  for (int v = 0; v < V; v++) order[std::size_t(v)] = v;
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int a, int b) { return probs[a] > probs[b]; });
  for (int i = 0; i < k; i++) {
    tokens[i] = std::uint16_t(order[std::size_t(i)]);
    top_p[i] = probs[order[std::size_t(i)]];
  }
  return k;
}

void sample_text_append(SampleText& text, int token, const float* probs, int V) {
  SampledChar c{};
  c.token = std::uint16_t(token);
  c.p = -1.0f;
  if (probs) {
    c.p = probs[token];
    c.top_count = sample_top_k(probs, V, c.top, c.top_p, kSampleAlternatives);
  }
  text.chars.push_back(c);
}

void sample_text_clear(SampleText& text) { text.chars.clear(); }

void sample_text_trim(SampleText& text, std::size_t limit) {
  if (text.chars.size() > limit) text.chars.erase(text.chars.begin(), text.chars.end() - std::ptrdiff_t(limit));
}

int sample_text_view(const char* id, SampleText& text, const std::vector<std::string>& token_text, ImVec2 size,
                     bool tint_by_surprise) {
  // No fill of its own: its colour is the card's, which glClear painted (see clear_fill.h for why).
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild(id, size, true);
  ImGui::PopStyleColor();
  ImFont* font = mono_font();
  const float font_size = font->FontSize * ImGui::GetIO().FontGlobalScale;
  const float line_height = font_size + 2.0f;
  const float wrap = std::max(ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize, 4 * font_size);
  // At the bottom (or nothing to scroll yet): the view follows new text. Scrolled up: it stays.
  const bool follow = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 0.5f * line_height;

  std::vector<float> advance(token_text.size());
  for (std::size_t t = 0; t < token_text.size(); t++)
    advance[t] = is_break(token_text[t]) ? 0.0f
                 : font->CalcTextSizeA(font_size, FLT_MAX, 0.0f, token_text[t].data(),
                                       token_text[t].data() + token_text[t].size()).x;

  // Greedy word wrap: a word that does not fit starts a new line; a word longer than a line breaks.
  const std::size_t n = text.chars.size();
  std::vector<float> x(n);
  std::vector<int> line(n);
  float pen = 0.0f;
  int row = 0;
  for (std::size_t i = 0; i < n; i++) {
    const std::string& s = token_text[text.chars[i].token];
    if (is_break(s)) {
      x[i] = pen, line[i] = row;
      pen = 0.0f, row++;
      continue;
    }
    bool word_start = !is_space(s) && (i == 0 || is_space(token_text[text.chars[i - 1].token]));
    if (word_start && pen > 0.0f) {
      float word = 0.0f;
      for (std::size_t j = i; j < n && !is_space(token_text[text.chars[j].token]); j++) word += advance[text.chars[j].token];
      if (pen + word > wrap) pen = 0.0f, row++;
    }
    if (pen + advance[text.chars[i].token] > wrap && pen > 0.0f && !is_space(s)) pen = 0.0f, row++;
    x[i] = pen, line[i] = row;
    pen += advance[text.chars[i].token];
  }

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(wrap, float(row + 1) * line_height));
  if (follow) ImGui::SetScrollHereY(1.0f);

  // Only the lines in view are drawn.
  const float top = ImGui::GetScrollY(), bottom = top + ImGui::GetWindowHeight();
  const int first_line = int(top / line_height) - 1, last_line = int(bottom / line_height) + 1;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered_window = ImGui::IsWindowHovered();
  const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text), primer_color = ImGui::GetColorU32(kAccentColor);
  int hovered = -1, newest_drawn = -1;
  ImVec2 newest_min, newest_max;
  for (std::size_t i = 0; i < n; i++) {
    if (line[i] < first_line || line[i] > last_line) continue;
    const SampledChar& c = text.chars[i];
    const std::string& s = token_text[c.token];
    const float w = std::max(advance[c.token], 0.5f * font_size);
    ImVec2 a(origin.x + x[i], origin.y + float(line[i]) * line_height), b(a.x + w, a.y + line_height);
    if (hovered_window && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) hovered = int(i);
    if (c.p >= 0.0f && !is_space(s) && b.y <= ImGui::GetWindowPos().y + ImGui::GetWindowHeight())
      newest_drawn = int(i), newest_min = a, newest_max = b;
    if (tint_by_surprise && c.p >= 0.0f) {
      // Surprise in bits, -log2 p: a likely character stays unmarked, one the model gave 1% glows.
      float bits = -std::log2(std::max(c.p, 1e-6f));
      float alpha = kSurpriseAlpha * std::clamp(bits / kSurpriseFullBits, 0.0f, 1.0f);
      if (bits > 1.0f) draw->AddRectFilled(a, b, ImGui::GetColorU32(ImVec4(0.85f, 0.28f, 0.22f, alpha)));
    }
    if (!is_space(s)) draw->AddText(font, font_size, a, c.p < 0.0f ? primer_color : text_color, s.data(), s.data() + s.size());
    if (int(i) == hovered) draw->AddRect(a, b, primer_color);
  }
  // Where the browser test can point the mouse at a character the model drew.
  if (newest_drawn >= 0)
    ui_probe_rect(std::string(id) + ".newest", newest_min.x, newest_min.y, newest_max.x - newest_min.x,
                  newest_max.y - newest_min.y);
  ImGui::EndChild();
  return hovered;
}

void sample_alternatives_bars(const std::uint16_t* tokens, const float* probs, int count, int chosen,
                              const std::vector<std::string>& token_text) {
  for (int i = 0; i < count; i++) {
    char label[48];
    std::snprintf(label, sizeof label, "%s %.0f%%", sample_char_label(token_text[tokens[i]]).c_str(), 100.0f * probs[i]);
    if (i) ImGui::SameLine();
    bool highlight = tokens[i] == chosen;
    if (highlight) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, kAccentColor);
    ImGui::ProgressBar(probs[i], ImVec2(78, 0), label);
    if (highlight) ImGui::PopStyleColor();
  }
}

}  // namespace nn
