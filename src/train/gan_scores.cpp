#include "train/gan_scores.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace nn {

namespace {

// The square root of a symmetric positive semi-definite matrix through its eigendecomposition;
// eigenvalues that rounding pushed below zero are taken as zero.
Eigen::MatrixXd symmetric_sqrt(const Eigen::MatrixXd& m) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(m);
  Eigen::VectorXd root = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return eigen.eigenvectors() * root.asDiagonal() * eigen.eigenvectors().transpose();
}

}  // namespace

double inception_score(const float* probs, int N, int C) {
  std::vector<double> marginal(std::size_t(C), 0.0);  // p(y) = mean over x of p(y|x)
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++) marginal[c] += probs[n * C + c];
  for (double& p : marginal) p /= N;
  double kl_sum = 0.0;
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++) {
      double p = probs[n * C + c];
      if (p > 0.0) kl_sum += p * (std::log(p) - std::log(marginal[c]));  // 0 log 0 = 0
    }
  return std::exp(kl_sum / N);
}

FeatureStats feature_stats(const float* features, int N, int D) {
  Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                          features, N, D).cast<double>();
  Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  Eigen::MatrixXd cov = x.transpose() * x / double(std::max(N - 1, 1));
  FeatureStats stats;
  stats.dim = D;
  stats.mean.assign(mean.data(), mean.data() + D);
  stats.cov.assign(cov.data(), cov.data() + std::size_t(D) * D);  // symmetric: either order
  return stats;
}

double frechet_distance(const FeatureStats& a, const FeatureStats& b) {
  const int D = a.dim;
  Eigen::Map<const Eigen::VectorXd> mean_a(a.mean.data(), D), mean_b(b.mean.data(), D);
  Eigen::Map<const Eigen::MatrixXd> cov_a(a.cov.data(), D, D), cov_b(b.cov.data(), D, D);
  // Tr((Sa Sb)^½) = Tr((Sa^½ Sb Sa^½)^½): the two products have the same eigenvalues, and the
  // second is symmetric, so a symmetric eigensolver gives them stably.
  Eigen::MatrixXd root_a = symmetric_sqrt(cov_a);
  Eigen::MatrixXd inner = root_a * cov_b * root_a;
  Eigen::MatrixXd symmetric = 0.5 * (inner + inner.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(symmetric, Eigen::EigenvaluesOnly);
  double trace_root = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
  return (mean_a - mean_b).squaredNorm() + cov_a.trace() + cov_b.trace() - 2.0 * trace_root;
}

FeatureStats lenet_feature_stats(const LenetModel& model, const MnistSet& set, int n) {
  if (n <= 0 || n > set.count) n = set.count;
  LenetRun run;
  lenet_run_init(run, model.config, model.config.batch);
  std::vector<float> features(std::size_t(n) * model.config.fc2), images(std::size_t(run.batch) * kMnistPixels);
  for (int start = 0; start < n; start += run.batch) {
    int rows = std::min(run.batch, n - start);
    for (int r = 0; r < rows; r++) mnist_image_signed(set, start + r, &images[std::size_t(r) * kMnistPixels]);
    lenet_classify(model, run, images.data(), rows, nullptr, &features[std::size_t(start) * model.config.fc2]);
  }
  return feature_stats(features.data(), n, model.config.fc2);
}

Status gan_scores(const LenetModel& lenet, const float* images, int n, const FeatureStats& real,
                  GanScores& out) {
  const LenetConfig& c = lenet.config;
  if (n < 2) return Status::failure("scores need at least 2 images, got %d", n);
  if (real.dim != c.fc2)
    return Status::failure("real features have %d dimensions, LeNet's have %d", real.dim, c.fc2);
  LenetRun run;
  lenet_run_init(run, c, c.batch);
  std::vector<float> probs(std::size_t(n) * c.classes), features(std::size_t(n) * c.fc2);
  lenet_classify(lenet, run, images, n, probs.data(), features.data());
  out.inception_score = inception_score(probs.data(), n, c.classes);
  out.frechet_distance = frechet_distance(feature_stats(features.data(), n, c.fc2), real);
  return Status::success();
}

}  // namespace nn
