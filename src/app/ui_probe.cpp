#include "app/ui_probe.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "imgui.h"

namespace nn {

namespace {

struct Probe {  // one per program: the UI is single-threaded and there is one window
  std::map<std::string, std::string> items, values;
};
Probe& probe() {
  static Probe p;
  return p;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string object(const std::map<std::string, std::string>& entries) {
  std::string out = "{";
  for (const auto& [key, value] : entries) out += (out.size() > 1 ? ", " : "") + quote(key) + ": " + value;
  return out + "}";
}

}  // namespace

void ui_probe_item(const std::string& name) {
  ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  ui_probe_rect(name, min.x, min.y, max.x - min.x, max.y - min.y);
}

void ui_probe_rect(const std::string& name, float x, float y, float w, float h) {
  char rect[128];
  std::snprintf(rect, sizeof rect, "{\"x\": %.1f, \"y\": %.1f, \"w\": %.1f, \"h\": %.1f}", x, y, w, h);
  probe().items[name] = rect;
}

void ui_probe_value(const std::string& name, double value) {
  char text[48];
  std::snprintf(text, sizeof text, "%.9g", value);
  probe().values[name] = std::isfinite(value) ? text : "null";
}

void ui_probe_text(const std::string& name, const std::string& value) { probe().values[name] = quote(value); }

void ui_probe_clear() {
  probe().items.clear();
  probe().values.clear();
}

std::string ui_probe_json() { return "{\"items\": " + object(probe().items) + ", \"values\": " + object(probe().values) + "}"; }

}  // namespace nn
