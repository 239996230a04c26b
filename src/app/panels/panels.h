#pragma once
// The lab's panels: one per demo, plus About. Each draws itself every frame from its own state.
#include "app/heatmap.h"

namespace nn {

struct App;

enum class PanelId { NextWord, CharRnn, Gan, About };
constexpr int kPanelCount = 4;

struct PanelInfo {
  PanelId id;
  const char* key;    // stable name, used by the browser test and in URLs
  const char* title;  // shown in the sidebar
  const char* blurb;  // one line under the title
};
extern const PanelInfo kPanels[kPanelCount];

void nextword_panel(App& app);
void charrnn_panel(App& app);
void gan_panel(App& app);
void about_panel(App& app);

// Snapshots published by all the panels' training workers so far: when it moves, the screen is stale.
long panels_publications(const App& app);

// Every demo's autosave (autosave.h), open or not: called every loop, drawn or not.
void panels_autosave(App& app);

}  // namespace nn
