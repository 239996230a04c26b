// nnlab-lab: the lab as a desktop window, or (compiled with Emscripten) as the web page.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/app.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace {

bool parse_options(int argc, char** argv, nn::AppOptions& options) {
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--exit-after-frames") && i + 1 < argc) {
      options.exit_after_frames = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: nnlab-lab [--exit-after-frames N]\n");
      return false;
    }
  }
  return true;
}

#if defined(__EMSCRIPTEN__)
// The browser test reads the UI's state through this export; JavaScript has no other handle.
nn::App* g_app = nullptr;
#endif

}  // namespace

#if defined(__EMSCRIPTEN__)
extern "C" EMSCRIPTEN_KEEPALIVE const char* nnlab_ui_snapshot() { return g_app ? nn::app_ui_snapshot(*g_app) : "{}"; }
#endif

int main(int argc, char** argv) {
  nn::AppOptions options;
  if (!parse_options(argc, argv, options)) return 2;
  // Lives as long as the page: on the web, main() returns into the browser's event loop.
  nn::App* app = new nn::App();
  if (!nn::app_init(*app, options)) return 1;
#if defined(__EMSCRIPTEN__)
  g_app = app;
  // The first frame is drawn now rather than in the browser's next animation frame, which comes
  // tens of milliseconds after main returns while the page is still starting.
  nn::frame(*app);
  emscripten_set_main_loop_arg([](void* arg) { nn::frame(*static_cast<nn::App*>(arg)); }, app, 0, false);
  return 0;
#else
  while (!app->quit) nn::frame(*app);
  nn::app_shutdown(*app);
  delete app;
  return 0;
#endif
}
