#pragma once
// Data movement along a time-major sequence (T, N): reversal in time and concatenation on the
// feature axis, each with its backward. The glue of bidirectional.h; free of any cell.
namespace nn {

// out (T, N) = x read from its last step to its first. out and x must not overlap.
void sequence_reverse(float* out, const float* x, int T, int N);
// dx (T, N) += dout reversed in time: the backward of sequence_reverse.
void sequence_reverse_add(float* dx, const float* dout, int T, int N);

// out (rows, Ca + Cb) = [a | b], with a (rows, Ca) and b (rows, Cb).
void concat_forward(float* out, const float* a, const float* b, int rows, int Ca, int Cb);
// da (rows, Ca) += dout's left part, db (rows, Cb) += its right part.
void concat_backward(float* da, float* db, const float* dout, int rows, int Ca, int Cb);

}  // namespace nn
