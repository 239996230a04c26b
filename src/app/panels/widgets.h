#pragma once
// Small building blocks the panels share.
#include "imgui.h"

namespace nn {

// A panel's heading: title in the accent colour, then a wrapped paragraph.
void panel_header(const char* title, const char* paragraph);

// A section title inside a panel.
void section(const char* title);

// A two-column table of (name, value) rows; `rows` holds 2*count strings.
void key_value_table(const char* id, const char* const* rows, int count);

// Text in the monospace font.
void mono_text(const char* text);

}  // namespace nn
