#version 300 es
// Turns a matrix of floats (a one-channel float texture) into colours, by u_scale:
//  0 sequential: value in [u_lo, u_hi] -> viridis, for activations and probabilities
//  1 diverging: negative blue, zero near-white, positive red, symmetric around 0 with |value|
//    scaled by u_hi, for weights, gradients and tanh states
//  2 grey: value in [u_lo, u_hi] -> black to white, for images such as MNIST digits
// NaN and Inf are shown in magenta so a diverging model is visible at a glance.
precision highp float;

uniform highp sampler2D u_values;
uniform float u_lo;
uniform float u_hi;
uniform int u_scale;

in vec2 v_uv;
out vec4 frag_color;

// Polynomial fit of matplotlib's viridis (sRGB), accurate to about 1/255.
vec3 viridis(float t) {
  const vec3 c0 = vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
  const vec3 c1 = vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685);
  const vec3 c2 = vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
  const vec3 c3 = vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987);
  const vec3 c4 = vec3(6.228269936347081, 14.17993336680509, 56.69055260068105);
  const vec3 c5 = vec3(4.776384997670288, -13.74514537774601, -65.35303263337234);
  const vec3 c6 = vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832);
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}

vec3 diverging(float t) {  // t in [-1, 1]
  const vec3 negative = vec3(0.129, 0.400, 0.674);
  const vec3 zero = vec3(0.969, 0.969, 0.969);
  const vec3 positive = vec3(0.698, 0.094, 0.169);
  return t < 0.0 ? mix(zero, negative, -t) : mix(zero, positive, t);
}

void main() {
  ivec2 size = textureSize(u_values, 0);
  ivec2 cell = min(ivec2(v_uv * vec2(size)), size - 1);
  float value = texelFetch(u_values, cell, 0).r;
  if (isnan(value) || isinf(value)) {
    frag_color = vec4(1.0, 0.0, 1.0, 1.0);
    return;
  }
  vec3 color;
  if (u_scale == 1) {
    color = diverging(clamp(value / max(u_hi, 1e-20), -1.0, 1.0));
  } else if (u_scale == 2) {
    color = vec3(clamp((value - u_lo) / max(u_hi - u_lo, 1e-20), 0.0, 1.0));
  } else {
    color = viridis(clamp((value - u_lo) / max(u_hi - u_lo, 1e-20), 0.0, 1.0));
  }
  frag_color = vec4(color, 1.0);
}
