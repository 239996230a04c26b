#pragma once
// Scores of a generator, measured with a classifier trained on the real data (LeNet-5 on MNIST):
// - inception score (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))), from 1 (every sample
//   gets the same prediction) to the number of classes (confident and evenly spread);
// - Frechet distance (Heusel et al. 2017) between Gaussians fitted to the classifier's features of
//   generated and of real images: ||mu1 - mu2||² + Tr(S1 + S2 - 2 (S1 S2)^½); 0 when they match.
#include <vector>

#include "core/status.h"
#include "data/mnist.h"
#include "models/lenet.h"
#include "train/lenet_session.h"

namespace nn {

// probs (N, C): each row a distribution p(y|x).
double inception_score(const float* probs, int N, int C);

// Mean (D) and covariance (D, D) of N feature vectors, in double. The covariance is unbiased
// (divides by N - 1), as numpy.cov and the reference FID code compute it.
struct FeatureStats {
  int dim = 0;
  std::vector<double> mean;
  std::vector<double> cov;
};
FeatureStats feature_stats(const float* features, int N, int D);

double frechet_distance(const FeatureStats& a, const FeatureStats& b);

// The features of the first n images of a real set (all of them if n <= 0 or n > set.count).
FeatureStats lenet_feature_stats(const LenetModel& model, const MnistSet& set, int n);

struct GanScores {
  double inception_score;
  double frechet_distance;
};
// Scores n >= 2 images (n, side, side) in [-1, 1] against the features of real images.
Status gan_scores(const LenetModel& lenet, const float* images, int n, const FeatureStats& real,
                  GanScores& out);

}  // namespace nn
