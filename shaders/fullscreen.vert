#version 300 es
// A quad covering the render target, made from gl_VertexID: no vertex buffer needed.
// v_uv = (0,0) at texel row 0 of the target, so matrix row r lands in texture row r and
// ImGui::Image (which shows texture row 0 on top) shows row 0 of the matrix on top.
out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  v_uv = corner;
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
