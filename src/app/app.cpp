// Setup, the frame, and teardown of the lab. The frame is: events, new frame, sidebar + open
// panel, render, swap.
#include "app/app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "app/embedded_files.h"
#include "app/file_transfer.h"
#include "app/gl.h"
#include "app/local_store.h"
#include "app/style.h"
#include "app/ui_probe.h"
#include "core/thread_pool.h"
#include "data/file.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>
#endif

namespace nn {

namespace {

constexpr float kUiFontSize = 16.0f;
constexpr float kMonoFontSize = 15.0f;
constexpr float kSidebarWidth = 230.0f;
constexpr float kPi = 3.14159265f;
constexpr int kFramesAfterInput = 3;
constexpr double kDataFrameRate = 20.0;     // frames a second for new snapshots and animations
constexpr double kHeartbeatSeconds = 0.25;

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

// The sidebar and the open panel sit on two rounded cards. Without a GPU, browsers draw WebGL in
// software and every pixel painted costs: so the frame is cleared to the cards' colour and only the
// thin background around them is painted (a tenth of the pixels of two full-size card fills).
void begin_card(const char* id, ImVec2 size) {
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild(id, size, false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PopStyleColor();
}

// Paints the screen outside cards that stand in one row with the same top and bottom edge.
void paint_around_cards(const ImVec2 (*cards)[2], int count, ImVec2 screen_min, ImVec2 screen_max) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 color = ImGui::GetColorU32(kBackgroundColor);
  const float top = cards[0][0].y, bottom = cards[0][1].y, r = ImGui::GetStyle().ChildRounding;
  draw->AddRectFilled(screen_min, ImVec2(screen_max.x, top), color);
  draw->AddRectFilled(ImVec2(screen_min.x, bottom), screen_max, color);
  float x = screen_min.x;
  for (int i = 0; i < count; i++) {
    const ImVec2 a = cards[i][0], b = cards[i][1];
    draw->AddRectFilled(ImVec2(x, top), ImVec2(a.x, bottom), color);
    x = b.x;
    // Each corner: the square's outer point, then the quarter circle the card is rounded by.
    const ImVec2 corners[4] = {a, ImVec2(b.x, a.y), b, ImVec2(a.x, b.y)};
    const ImVec2 centres[4] = {ImVec2(a.x + r, a.y + r), ImVec2(b.x - r, a.y + r), ImVec2(b.x - r, b.y - r),
                               ImVec2(a.x + r, b.y - r)};
    for (int c = 0; c < 4; c++) {
      const float start = kPi * (1.0f + 0.5f * float(c));
      draw->PathLineTo(corners[c]);
      draw->PathArcTo(centres[c], r, start, start + 0.5f * kPi, 6);
      draw->PathFillConvex(color);
    }
  }
  draw->AddRectFilled(ImVec2(x, top), ImVec2(screen_max.x, bottom), color);
}

void sidebar(App& app) {
  begin_card("sidebar", ImVec2(kSidebarWidth, 0));
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
  begin_card("panel", ImVec2(0, 0));
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
  store_open();
  // A training step's large products run on every core but one, which stays with the UI (and, in
  // the page, with the browser drawing it). Set before any training starts, as the pool requires.
  const int cores = int(std::thread::hardware_concurrency());
  set_num_threads(std::max(1, cores - 1));
  return true;
}

namespace {

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Without a GPU the browser draws WebGL in software, and a frame of the lab costs it tens of
// milliseconds of CPU that training would rather have. So a frame is drawn only when the screen
// may have changed: input (and a few frames after it, for ImGui's hover and click states to
// settle), a new snapshot from a training worker or an animation a panel asked for (both at most
// kDataFrameRate a second), and a heartbeat that keeps readouts such as steps/s current.
bool frame_due(App& app, bool had_input, double now) {
  if (had_input) app.input_frames = std::max(app.input_frames, kFramesAfterInput);
  if (app.input_frames > 0) return true;
  if (now - app.last_drawn >= kHeartbeatSeconds) return true;
  bool changed = app.animating || panels_publications(app) != app.publications_seen;
  return changed && now - app.last_drawn >= 1.0 / kDataFrameRate;
}

}  // namespace

void app_animate(App& app) { app.animating = true; }

void frame(App& app) {
  app.loop_count++;
  // 1. Events.
  bool had_input = false;
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    had_input = true;
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
  if (pixel_ratio != app.pixel_ratio) {
    load_fonts(app, pixel_ratio);
    had_input = true;
  }
  panels_autosave(app);
  const double now = seconds_now();
  if (!frame_due(app, had_input, now)) {
#if !defined(__EMSCRIPTEN__)
    SDL_WaitEventTimeout(nullptr, 5);  // the browser calls back at its frame rate; natively, sleep
#endif
    return;
  }
  if (app.input_frames > 0) app.input_frames--;
  app.last_drawn = now;
  app.publications_seen = panels_publications(app);
  app.animating = false;

  // 2. New frame.
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  ui_probe_clear();

  // 3. One window covering the screen: the sidebar on the left, the open panel beside it.
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  // No background of its own: glClear paints the cards, paint_around_cards what lies between.
  ImGui::Begin("nnlab", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBackground |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  ImVec2 cards[2][2];
  sidebar(app);
  cards[0][0] = ImGui::GetItemRectMin(), cards[0][1] = ImGui::GetItemRectMax();
  ImGui::SameLine();
  open_panel(app);
  cards[1][0] = ImGui::GetItemRectMin(), cards[1][1] = ImGui::GetItemRectMax();
  paint_around_cards(cards, 2, viewport->Pos, ImVec2(viewport->Pos.x + viewport->Size.x, viewport->Pos.y + viewport->Size.y));
  ImGui::End();

  // 4. Render.
  ImGui::Render();
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  const ImVec4 card = ImGui::GetStyle().Colors[ImGuiCol_ChildBg];
  glClearColor(card.x, card.y, card.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(app.window);

  if (app.frame_count++ == 0) {
#if defined(__EMSCRIPTEN__)
    // Milliseconds since navigation began: what a person waits for, read by the browser test.
    app.first_frame_ms = emscripten_get_now();
#endif
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
                "{\"frame\": %ld, \"first_frame_ms\": %.0f, \"panel\": \"%s\", \"fps\": %.1f, \"width\": %.0f, \"height\": %.0f, \"pixel_ratio\": %.2f, \"items\": [",
                app.frame_count, app.first_frame_ms, kPanels[int(app.open_panel)].key, io.Framerate, io.DisplaySize.x, io.DisplaySize.y, app.pixel_ratio);
  json = buffer;
  for (int i = 0; i < kPanelCount; i++) {
    const SidebarItem& item = app.sidebar[i];
    std::snprintf(buffer, sizeof buffer, "%s{\"id\": \"%s\", \"x\": %.1f, \"y\": %.1f, \"w\": %.1f, \"h\": %.1f}",
                  i ? ", " : "", item.id ? item.id : "", item.x, item.y, item.w, item.h);
    json += buffer;
  }
  // Steps, saves and memory of the whole lab, whichever panel is open: what a long soak watches.
  std::snprintf(buffer, sizeof buffer,
                "], \"steps\": {\"nextword\": %ld, \"charrnn\": %ld, \"gan\": %ld}, \"saves\": {\"nextword\": %ld, "
                "\"charrnn\": %ld, \"gan\": %ld}",
                app.nextword.worker.steps_done(), app.charrnn.worker.steps_done(), app.gan.worker.steps_done(),
                app.nextword.autosave.saves, app.charrnn.autosave.saves, app.gan.autosave.saves);
  json += buffer;
#if defined(__EMSCRIPTEN__)
  const struct mallinfo heap = mallinfo();
  std::snprintf(buffer, sizeof buffer, ", \"memory\": {\"heap\": %zu, \"malloc_in_use\": %d}", emscripten_get_heap_size(),
                heap.uordblks);
  json += buffer;
#endif
  json += ", \"probe\": " + ui_probe_json() + "}";
  return json.c_str();
}

}  // namespace nn
