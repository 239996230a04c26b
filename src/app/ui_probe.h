#pragma once
// What the browser test can see of the UI besides pixels: where named widgets were drawn this
// frame (so it can click them like a person would) and a few numbers each panel reports (epoch,
// loss...) so it can tell that training really happened. Costs a few string copies per frame.
#include <string>

namespace nn {

// Records the rectangle of the last ImGui item under `name`.
void ui_probe_item(const std::string& name);
// Records a rectangle (screen units) under `name`.
void ui_probe_rect(const std::string& name, float x, float y, float w, float h);
// Records a number or a text under `name`.
void ui_probe_value(const std::string& name, double value);
void ui_probe_text(const std::string& name, const std::string& value);
// Starts a new frame's records.
void ui_probe_clear();
// {"items": {...}, "values": {...}} of the last frame.
std::string ui_probe_json();

}  // namespace nn
