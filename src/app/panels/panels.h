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

struct NextWordPanel {
  Heatmap inputs;  // the one-hot inputs the LSTM reads: (6 sentences, 2 words x 9)
  bool ready = false;
};

void nextword_panel(App& app);
void charrnn_panel(App& app);
void gan_panel(App& app);
void about_panel(App& app);

}  // namespace nn
