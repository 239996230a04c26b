#pragma once
// Losses: each returns the mean loss over its N items and WRITES (not adds) the gradient of that
// mean, since a loss is where backward starts. Pass a null gradient pointer to skip it.
namespace nn {

// Softmax followed by cross-entropy against integer targets, fused so it never takes the log of
// a probability: loss_n = logsumexp(logits_n) - logits_n[target_n].
// logits (N, V), targets (N) each in [0, V). dlogits (N, V) = (softmax - onehot) / N.
// probs (N, V), if not null, receives the softmax.
float cross_entropy_loss(float* dlogits, float* probs, const float* logits, const int* targets,
                         int N, int V);

// Binary cross-entropy on logits, PyTorch's BCEWithLogitsLoss with mean reduction:
// loss = max(z, 0) - z·y + log(1 + exp(-|z|)), which neither overflows nor loses precision.
// logits, targets, dlogits: (N); targets in [0, 1].
float bce_with_logits_loss(float* dlogits, const float* logits, const float* targets, int N);

// Mean squared error: mean((pred - target)²). pred, target, dpred: (N).
float mse_loss(float* dpred, const float* pred, const float* target, int N);

}  // namespace nn
