#include "app/heatmap.h"

#include <cstdio>

#include "app/embedded_files.h"
#include "imgui.h"

namespace nn {

namespace {

GLuint compile_shader(GLenum kind, const char* name) {
  const EmbeddedFile* file = embedded_file(name);
  if (!file) {
    std::fprintf(stderr, "nnlab-lab: shader %s was not embedded\n", name);
    return 0;
  }
  GLuint shader = glCreateShader(kind);
  const char* source = reinterpret_cast<const char*>(file->data);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "nnlab-lab: %s does not compile:\n%s\n", name, log);
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

}  // namespace

bool heatmap_renderer_init(HeatmapRenderer& renderer) {
  GLuint vertex = compile_shader(GL_VERTEX_SHADER, "shaders/fullscreen.vert");
  GLuint fragment = compile_shader(GL_FRAGMENT_SHADER, "shaders/colormap.frag");
  if (!vertex || !fragment) return false;
  GLuint program = glCreateProgram();
  glAttachShader(program, vertex);
  glAttachShader(program, fragment);
  glLinkProgram(program);
  glDeleteShader(vertex);
  glDeleteShader(fragment);
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    std::fprintf(stderr, "nnlab-lab: the colormap program does not link:\n%s\n", log);
    glDeleteProgram(program);
    return false;
  }
  renderer.program = program;
  renderer.u_values = glGetUniformLocation(program, "u_values");
  renderer.u_lo = glGetUniformLocation(program, "u_lo");
  renderer.u_hi = glGetUniformLocation(program, "u_hi");
  renderer.u_scale = glGetUniformLocation(program, "u_scale");
  glGenVertexArrays(1, &renderer.vertex_array);  // ES 3 draws need one bound, even when empty
  return true;
}

void heatmap_renderer_destroy(HeatmapRenderer& renderer) {
  glDeleteProgram(renderer.program);
  glDeleteVertexArrays(1, &renderer.vertex_array);
  renderer = HeatmapRenderer{};
}

void heatmap_update(Heatmap& heatmap, const HeatmapRenderer& renderer, const float* values, int rows,
                    int cols, float lo, float hi, HeatmapScale scale) {
  if (rows <= 0 || cols <= 0 || !renderer.program) return;
  // Everything below renders off-screen; put back what ImGui's backend expects afterwards.
  GLint previous_framebuffer = 0, previous_viewport[4];
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous_framebuffer);
  glGetIntegerv(GL_VIEWPORT, previous_viewport);
  if (heatmap.rows != rows || heatmap.cols != cols) {
    heatmap_destroy(heatmap);
    heatmap.rows = rows;
    heatmap.cols = cols;
    glGenTextures(1, &heatmap.values);
    glBindTexture(GL_TEXTURE_2D, heatmap.values);
    // Float textures are only fetched exactly (texelFetch), never filtered: WebGL2 cannot
    // filter R32F without an extension, and a heatmap should show crisp cells anyway.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_R32F, cols, rows);
    glGenTextures(1, &heatmap.colors);
    glBindTexture(GL_TEXTURE_2D, heatmap.colors);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, cols, rows);
    glGenFramebuffers(1, &heatmap.framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, heatmap.framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, heatmap.colors, 0);
  }
  glBindTexture(GL_TEXTURE_2D, heatmap.values);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, cols, rows, GL_RED, GL_FLOAT, values);

  glBindFramebuffer(GL_FRAMEBUFFER, heatmap.framebuffer);
  glViewport(0, 0, cols, rows);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glUseProgram(renderer.program);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, heatmap.values);
  glUniform1i(renderer.u_values, 0);
  glUniform1f(renderer.u_lo, lo);
  glUniform1f(renderer.u_hi, hi);
  glUniform1i(renderer.u_scale, int(scale));
  glBindVertexArray(renderer.vertex_array);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, previous_framebuffer);
  glViewport(previous_viewport[0], previous_viewport[1], previous_viewport[2], previous_viewport[3]);
}

void heatmap_destroy(Heatmap& heatmap) {
  glDeleteFramebuffers(1, &heatmap.framebuffer);
  glDeleteTextures(1, &heatmap.values);
  glDeleteTextures(1, &heatmap.colors);
  heatmap = Heatmap{};
}

void heatmap_image(const Heatmap& heatmap, float cell) {
  if (!heatmap.colors) return;
  ImTextureID id = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(heatmap.colors));
  ImGui::Image(id, ImVec2(heatmap.cols * cell, heatmap.rows * cell));
}

}  // namespace nn
