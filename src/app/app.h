#pragma once
// The lab's state: one App, created in main(), passed to frame() every frame.
#include <SDL.h>

#include "app/heatmap.h"
#include "app/panels/charrnn_panel.h"
#include "app/panels/gan_panel.h"
#include "app/panels/nextword_panel.h"
#include "app/panels/panels.h"

namespace nn {

struct AppOptions {
  int exit_after_frames = 0;  // 0: run until the window closes (tests use a frame budget)
};

struct SidebarItem {  // where a sidebar entry was drawn, for the browser test to click on
  const char* id;
  float x, y, w, h;
};

struct App {
  AppOptions options;
  SDL_Window* window = nullptr;
  SDL_GLContext gl_context = nullptr;
  bool quit = false;
  long frame_count = 0;      // frames drawn
  long loop_count = 0;       // calls of frame(), drawn or not
  double first_frame_ms = -1.0;  // in the page: performance.now() when the first frame was swapped

  // A frame is drawn only when the screen may have changed (see frame_due in app.cpp).
  int input_frames = 10;     // frames still to draw after input (the first ones settle the layout)
  double last_drawn = 0.0;   // seconds on the steady clock
  long publications_seen = -1;
  bool animating = false;    // a panel asked for the next frame (streaming text, loading bars)
  float pixel_ratio = 0.0f;  // framebuffer pixels per UI unit; fonts are rasterized at this scale

  PanelId open_panel = PanelId::NextWord;
  SidebarItem sidebar[kPanelCount] = {};
  HeatmapRenderer heatmap_renderer;

  NextWordPanel nextword;
  CharRnnPanel charrnn;
  GanPanel gan;
};

bool app_init(App& app, const AppOptions& options);
void frame(App& app);
// Called by a panel that shows something moving on its own: the next frame comes soon.
void app_animate(App& app);
void app_shutdown(App& app);

// The UI's state as JSON (frame count, open panel, sidebar rectangles), for the browser test.
const char* app_ui_snapshot(const App& app);

}  // namespace nn
