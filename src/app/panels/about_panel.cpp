// About: what this build is and what it is running on.
#include <SDL.h>

#include <cstdio>
#include <thread>

#include "app/app.h"
#include "app/gl.h"
#include "app/panels/widgets.h"
#include "core/build_info.h"
#include "core/simd.h"
#include "core/thread_pool.h"

namespace nn {

void about_panel(App& app) {
  panel_header("About nnlab",
               "A neural-network lab: a small C++ core with hand-written forward and backward passes "
               "and its own SIMD kernels, compiled to WebAssembly for this page and natively for the "
               "desktop and the command line.");
#if defined(__EMSCRIPTEN__)
  const char* platform = "WebAssembly (browser)";
#else
  const char* platform = "native desktop";
#endif
  char version[64], threads[32], display[64], sdl[32], frame_rate[32];
  std::snprintf(version, sizeof version, "%s (%s, %s)", NNLAB_VERSION, NNLAB_GIT_REVISION, NNLAB_BUILD_TYPE);
  std::snprintf(threads, sizeof threads, "%u, %d for training", std::thread::hardware_concurrency(), num_threads());
  const ImGuiIO& io = ImGui::GetIO();
  std::snprintf(display, sizeof display, "%.0f x %.0f, pixel ratio %.2f", io.DisplaySize.x, io.DisplaySize.y, app.pixel_ratio);
  SDL_version linked;
  SDL_GetVersion(&linked);
  std::snprintf(sdl, sizeof sdl, "%d.%d.%d", linked.major, linked.minor, linked.patch);
  std::snprintf(frame_rate, sizeof frame_rate, "%.0f frames/s", io.Framerate);
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const char* gl_version = reinterpret_cast<const char*>(glGetString(GL_VERSION));

  section("BUILD");
  const char* build[] = {
      "version", version,
      "platform", platform,
      "SIMD backend", simd_backend_name(simd_backend()),
      "threads", threads,
  };
  key_value_table("build", build, 4);
  section("RUNTIME");
  const char* runtime[] = {
      "Dear ImGui", IMGUI_VERSION,
      "SDL", sdl,
      "OpenGL", gl_version ? gl_version : "?",
      "renderer", renderer ? renderer : "?",
      "display", display,
      "frame rate", frame_rate,
  };
  key_value_table("runtime", runtime, 6);
}

}  // namespace nn
