#pragma once
// A float matrix shown as an image: the values go to the GPU as a one-channel float texture and
// the colormap shader (shaders/colormap.frag) paints them into an RGBA texture ImGui can draw.
#include "app/gl.h"

namespace nn {

enum class HeatmapScale { Sequential, Diverging, Grey };  // the u_scale values of colormap.frag

struct Heatmap {
  GLuint values = 0;  // R32F, rows x cols
  GLuint colors = 0;  // RGBA8, what ImGui::Image shows
  GLuint framebuffer = 0;
  int rows = 0, cols = 0;
};

struct HeatmapRenderer {
  GLuint program = 0;
  GLuint vertex_array = 0;
  GLint u_values = -1, u_lo = -1, u_hi = -1, u_scale = -1;
};

// Compiles the shaders embedded from shaders/; false (with the GL log on stderr) on failure.
bool heatmap_renderer_init(HeatmapRenderer& renderer);
void heatmap_renderer_destroy(HeatmapRenderer& renderer);

// Uploads values (rows, cols) and repaints. Sequential maps [lo, hi] to viridis, grey to black ..
// white; diverging maps [-hi, hi] to blue-white-red (lo is ignored).
void heatmap_update(Heatmap& heatmap, const HeatmapRenderer& renderer, const float* values, int rows,
                    int cols, float lo, float hi, HeatmapScale scale);
void heatmap_destroy(Heatmap& heatmap);

// Draws the heatmap at the cursor, each matrix cell `cell` pixels square (before UI scaling).
void heatmap_image(const Heatmap& heatmap, float cell);

}  // namespace nn
