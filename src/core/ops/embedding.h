#pragma once
// Embedding lookup: row tokens[n] of table (V, C) becomes row n of out (N, C).
namespace nn {

// tokens (N), each in [0, V); table (V, C); out (N, C).
void embedding_forward(float* out, const int* tokens, const float* table, int N, int V, int C);

// Scatter-add: dtable[tokens[n]] += dout[n]. A token seen twice collects both gradients.
void embedding_backward(float* dtable, const float* dout, const int* tokens, int N, int V, int C);

}  // namespace nn
