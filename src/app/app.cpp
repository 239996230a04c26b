// Setup, the frame, and teardown of the lab. The frame is: events, new frame, sidebar + open
// panel, render, swap.
#include "app/app.h"

#include <cstdio>
#include <string>

#include "app/embedded_files.h"
#include "app/file_transfer.h"
#include "app/gl.h"
#include "app/style.h"
#include "app/ui_probe.h"
#include "data/file.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

namespace nn {

namespace {

constexpr float kUiFontSize = 16.0f;
constexpr float kMonoFontSize = 15.0f;
constexpr float kSidebarWidth = 230.0f;

float framebuffer_pixel_ratio(SDL_Window* window) {
  int window_w = 0, window_h = 0, pixels_w = 0, pixels_h = 0;
  SDL_GetWindowSize(window, &window_w, &window_h);
  SDL_GL_GetDrawableSize(window, &pixels_w, &pixels_h);
  return window_w > 0 && pixels_w > window_w ? float(pixels_w) / float(window_w) : 1.0f;
}

// Fonts are rasterized at the framebuffer's resolution and drawn scaled back, so text stays sharp
// on HiDPI screens. Called again when the window moves to a screen of another pixel ratio.
void load_fonts(App& app, float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the font bytes are compiled into the program
  config.OversampleH = 2;
  const EmbeddedFile* ui = embedded_file("fonts/ui.otf");
  const EmbeddedFile* mono = embedded_file("fonts/mono.ttf");
  io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(ui->data), int(ui->size), kUiFontSize * pixel_ratio, &config);
  io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(mono->data), int(mono->size), kMonoFontSize * pixel_ratio, &config);
  io.FontGlobalScale = 1.0f / pixel_ratio;
  if (app.pixel_ratio != 0.0f) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  app.pixel_ratio = pixel_ratio;
}

void sidebar(App& app) {
  ImGui::BeginChild("sidebar", ImVec2(kSidebarWidth, 0), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::SetWindowFontScale(1.6f);
  ImGui::PushStyleColor(ImGuiCol_Text, kAccentColor);
  ImGui::TextUnformatted("nnlab");
  ImGui::PopStyleColor();
  ImGui::SetWindowFontScale(1.0f);
  ImGui::TextDisabled("neural networks, live");
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Spacing();
  ImGui::TextDisabled("DEMOS");
  for (int i = 0; i < kPanelCount; i++) {
    const PanelInfo& panel = kPanels[i];
    if (panel.id == PanelId::About) {
      ImGui::Spacing();
      ImGui::Separator();
      ImGui::Spacing();
    }
    ImGui::PushID(panel.key);
    bool selected = app.open_panel == panel.id;
    if (ImGui::Selectable("##entry", selected, 0, ImVec2(0, ImGui::GetTextLineHeight() * 2.4f))) app.open_panel = panel.id;
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    app.sidebar[i] = {panel.key, min.x, min.y, max.x - min.x, max.y - min.y};
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float pad = ImGui::GetStyle().FramePadding.x;
    draw->AddText(ImVec2(min.x + pad, min.y + 2), ImGui::GetColorU32(ImGuiCol_Text), panel.title);
    draw->AddText(ImVec2(min.x + pad, min.y + 2 + ImGui::GetTextLineHeight()), ImGui::GetColorU32(ImGuiCol_TextDisabled), panel.blurb);
    ImGui::PopID();
  }
  ImGui::EndChild();
}

void open_panel(App& app) {
  ImGui::BeginChild("panel", ImVec2(0, 0), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  switch (app.open_panel) {
    case PanelId::NextWord: nextword_panel(app); break;
    case PanelId::CharRnn: charrnn_panel(app); break;
    case PanelId::Gan: gan_panel(app); break;
    case PanelId::About: about_panel(app); break;
  }
  ImGui::EndChild();
}

}  // namespace

bool app_init(App& app, const AppOptions& options) {
  app.options = options;
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    std::fprintf(stderr, "nnlab-lab: SDL_Init failed: %s\n", SDL_GetError());
    return false;
  }
  // OpenGL ES 3.0 on every platform: the shaders in shaders/ are GLSL ES 3.00, as WebGL2 wants.
#if !defined(__EMSCRIPTEN__)
  SDL_SetHint(SDL_HINT_VIDEO_X11_FORCE_EGL, "1");
#endif
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  auto flags = SDL_WindowFlags(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  app.window = SDL_CreateWindow("nnlab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, flags);
  if (!app.window) {
    std::fprintf(stderr, "nnlab-lab: cannot open a window: %s\n", SDL_GetError());
    return false;
  }
  app.gl_context = SDL_GL_CreateContext(app.window);
  if (!app.gl_context) {
    std::fprintf(stderr, "nnlab-lab: cannot create an OpenGL ES 3.0 context: %s\n", SDL_GetError());
    return false;
  }
  SDL_GL_MakeCurrent(app.window, app.gl_context);
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is code; nothing to remember between runs
  apply_style();
  load_fonts(app, framebuffer_pixel_ratio(app.window));
  ImGui_ImplSDL2_InitForOpenGL(app.window, app.gl_context);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  if (!heatmap_renderer_init(app.heatmap_renderer)) return false;
  return true;
}

void frame(App& app) {
  // 1. Events.
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) app.quit = true;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE) app.quit = true;
    if (event.type == SDL_DROPFILE) {
      std::vector<std::uint8_t> bytes;
      Status status = read_file(event.drop.file, bytes, 256u << 20);
      file_dropped(event.drop.file, std::move(bytes), status.error);
      SDL_free(event.drop.file);
    }
  }
  float pixel_ratio = framebuffer_pixel_ratio(app.window);
  if (pixel_ratio != app.pixel_ratio) load_fonts(app, pixel_ratio);

  // 2. New frame.
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  ui_probe_clear();

  // 3. One window covering the screen: the sidebar on the left, the open panel beside it.
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  // No background of its own: glClear paints the same colour, and a full-screen fill less per
  // frame matters when the browser renders WebGL in software.
  ImGui::Begin("nnlab", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBackground |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  sidebar(app);
  ImGui::SameLine();
  open_panel(app);
  ImGui::End();

  // 4. Render.
  ImGui::Render();
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(kBackgroundColor.x, kBackgroundColor.y, kBackgroundColor.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(app.window);

  if (app.frame_count++ == 0) {
    std::printf("nnlab-lab: first frame (%dx%d, pixel ratio %.2f, %s)\n", int(io.DisplaySize.x), int(io.DisplaySize.y),
                app.pixel_ratio, reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
    std::fflush(stdout);
  }
  if (app.options.exit_after_frames > 0 && app.frame_count >= app.options.exit_after_frames) app.quit = true;
}

void app_shutdown(App& app) {
  nextword_panel_shutdown(app.nextword);
  charrnn_panel_shutdown(app.charrnn);
  gan_panel_shutdown(app.gan);
  heatmap_renderer_destroy(app.heatmap_renderer);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(app.gl_context);
  SDL_DestroyWindow(app.window);
  SDL_Quit();
}

const char* app_ui_snapshot(const App& app) {
  static std::string json;  // returned to JavaScript, which copies it at once
  const ImGuiIO& io = ImGui::GetIO();
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "{\"frame\": %ld, \"panel\": \"%s\", \"fps\": %.1f, \"width\": %.0f, \"height\": %.0f, \"pixel_ratio\": %.2f, \"items\": [",
                app.frame_count, kPanels[int(app.open_panel)].key, io.Framerate, io.DisplaySize.x, io.DisplaySize.y, app.pixel_ratio);
  json = buffer;
  for (int i = 0; i < kPanelCount; i++) {
    const SidebarItem& item = app.sidebar[i];
    std::snprintf(buffer, sizeof buffer, "%s{\"id\": \"%s\", \"x\": %.1f, \"y\": %.1f, \"w\": %.1f, \"h\": %.1f}",
                  i ? ", " : "", item.id ? item.id : "", item.x, item.y, item.w, item.h);
    json += buffer;
  }
  json += "], \"probe\": " + ui_probe_json() + "}";
  return json.c_str();
}

}  // namespace nn
