#pragma once
// Elementwise and row kernels over float arrays. Each runs on the SIMD backend selected in simd.h
// and has a plain scalar twin, name_ref, that the tests compare it against. Outputs may alias
// inputs exactly (out == x), never partially. n, rows and cols may be 0.
//
// Accuracy of the vector transcendentals against the float functions of <cmath> (see
// tests/core/test_vec_math.cpp): exp, tanh and sigmoid within a few ulp over the whole float
// range; exp overflows to inf above 88.72 and goes through the denormals to 0 below -103.9; tanh
// saturates to +-1 and sigmoid to 1 and 0 (via denormals); NaN in gives NaN out.
namespace nn {

void vec_add(float* out, const float* a, const float* b, int n);  // out = a + b
void vec_mul(float* out, const float* a, const float* b, int n);  // out = a * b
void vec_axpy(float* y, float alpha, const float* x, int n);      // y += alpha * x
void vec_scale(float* x, float alpha, int n);                     // x *= alpha
float vec_sum(const float* x, int n);
float vec_dot(const float* a, const float* b, int n);
float vec_max(const float* x, int n);  // -inf when n == 0
// No NaN and no infinity among x[0..n): what every training step checks its weights and
// gradients with (a sum would also overflow on large finite values).
bool vec_all_finite(const float* x, int n);
void vec_exp(float* out, const float* x, int n);
void vec_tanh(float* out, const float* x, int n);
void vec_sigmoid(float* out, const float* x, int n);  // 1 / (1 + exp(-x))
// out = exp(x - shift); returns the sum of out (a softmax's denominator, with shift its max).
float vec_exp_sum(float* out, const float* x, float shift, int n);
// Each row of x (rows, cols) -> exp(x - max) / sum: stable for any finite inputs.
void softmax_rows(float* out, const float* x, int rows, int cols);
// out(rows, cols) = x + bias, bias (cols) added to every row: a layer's bias.
void add_bias_rows(float* out, const float* x, const float* bias, int rows, int cols);
// acc(cols) += the sum of the rows of x (rows, cols), added row after row: a bias's gradient.
void sum_rows_add(float* acc, const float* x, int rows, int cols);

// PyTorch's SELU constants (Klambauer et al. 2017), to full float precision.
inline constexpr float kSeluAlpha = 1.6732632423543772848170429916717f;
inline constexpr float kSeluScale = 1.0507009873554804934193349852946f;
// out = scale * (x > 0 ? x : alpha * (e^x - 1)); its backward adds dout * scale * (x > 0 ? 1 :
// alpha * e^x) into dx. e^x - 1 keeps its relative accuracy near 0 (within a few ulp of expm1).
void selu(float* out, const float* x, int n);
void selu_backward_add(float* dx, const float* dout, const float* x, int n);

// out = x > 0 ? x : slope * x; its backward adds dout or slope * dout into dx.
void leaky_relu(float* out, const float* x, float slope, int n);
void leaky_relu_backward_add(float* dx, const float* dout, const float* x, float slope, int n);

// Optimizer updates of n parameters w with gradients g, in float as torch.optim does them; the
// coefficients that depend on the step count are computed by the caller (optim/).
struct AdamCoefficients {
  float step_size, inv_bias_correction2_sqrt, beta1, one_minus_beta1, beta2, one_minus_beta2, eps, weight_decay;
};
void adam_update(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n);
struct RmsPropCoefficients {
  float lr, alpha, one_minus_alpha, eps, weight_decay;
};
void rmsprop_update(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n);

// Recurrent cells, fused: one pass over each row does a step's whole elementwise work. They work
// on units [0, n) of a layer of H units, pointers at the first unit of row 0 (so a thread can take
// a range of units); rows are 4H (LSTM gates), 3H (GRU gates) or H (states) floats apart.
//
// The layer's two biases (b_ih and b_hh, as PyTorch keeps them) are added in the forward cell
// and their gradients summed in the backward one, while the row is in registers: no separate pass
// over the (T, B, G) gates for either. Bias pointers point at unit 0 of the share, like the others;
// a bias gradient gets the sum of the call's rows added (rows summed first, then added in).
//
// LSTM: gates (rows, 4H) [i f g o] hold x·W_ihᵀ + h_prev·W_hhᵀ in, activations out; b_ih and b_hh
// (4H); c = f*c_prev + i*g and h = o*tanh(c), each (rows, H).
void lstm_cell_forward(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c, float* h,
                       int rows, int H, int n);
// Backward: dh and dc (rows, H) are the gradients wrt h and c; gates, c_prev and h as forward left
// them (tanh(c) is recovered as h / o). Out: dgates (rows, 4H) wrt the pre-activations, their row
// sums added into db_ih and db_hh (4H), and dc becomes the gradient wrt c_prev.
void lstm_cell_backward(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh, const float* gates,
                        const float* c_prev, const float* h, int rows, int H, int n);
// GRU (PyTorch's form, r applied to the hidden projection): gates (rows, 3H) [r z n] hold x·W_ihᵀ in
// and the activations out; hh (rows, 3H) holds h_prev·W_hhᵀ in, + b_hh out (backward needs it);
// h = (1-z)*n + z*h_prev with n = tanh(x_n + b_in + r*hh_n).
void gru_cell_forward(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev, float* h,
                      int rows, int H, int n);
// Backward: dh (rows, H) the gradient wrt h in, the direct part of the one wrt h_prev (dh*z) out;
// dgi and dgh (rows, 3H) wrt x·W_ihᵀ + b_ih and wrt h_prev·W_hhᵀ + b_hh, their row sums added into
// db_ih and db_hh (3H).
void gru_cell_backward(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                       const float* hh, const float* h_prev, int rows, int H, int n);

void vec_add_ref(float* out, const float* a, const float* b, int n);
void vec_mul_ref(float* out, const float* a, const float* b, int n);
void vec_axpy_ref(float* y, float alpha, const float* x, int n);
void vec_scale_ref(float* x, float alpha, int n);
float vec_sum_ref(const float* x, int n);
float vec_dot_ref(const float* a, const float* b, int n);
float vec_max_ref(const float* x, int n);
bool vec_all_finite_ref(const float* x, int n);
void vec_exp_ref(float* out, const float* x, int n);
void vec_tanh_ref(float* out, const float* x, int n);
void vec_sigmoid_ref(float* out, const float* x, int n);
float vec_exp_sum_ref(float* out, const float* x, float shift, int n);
void softmax_rows_ref(float* out, const float* x, int rows, int cols);
void add_bias_rows_ref(float* out, const float* x, const float* bias, int rows, int cols);
void sum_rows_add_ref(float* acc, const float* x, int rows, int cols);
void leaky_relu_ref(float* out, const float* x, float slope, int n);
void selu_ref(float* out, const float* x, int n);
void selu_backward_add_ref(float* dx, const float* dout, const float* x, int n);
void leaky_relu_backward_add_ref(float* dx, const float* dout, const float* x, float slope, int n);
void adam_update_ref(float* w, const float* g, float* m, float* v, const AdamCoefficients& c, int n);
void rmsprop_update_ref(float* w, const float* g, float* s, const RmsPropCoefficients& c, int n);
void lstm_cell_forward_ref(float* gates, const float* b_ih, const float* b_hh, const float* c_prev, float* c,
                           float* h, int rows, int H, int n);
void lstm_cell_backward_ref(float* dgates, float* db_ih, float* db_hh, float* dc, const float* dh,
                            const float* gates, const float* c_prev, const float* h, int rows, int H, int n);
void gru_cell_forward_ref(float* gates, float* hh, const float* b_ih, const float* b_hh, const float* h_prev,
                          float* h, int rows, int H, int n);
void gru_cell_backward_ref(float* dgi, float* dgh, float* db_ih, float* db_hh, float* dh, const float* gates,
                           const float* hh, const float* h_prev, int rows, int H, int n);

}  // namespace nn
