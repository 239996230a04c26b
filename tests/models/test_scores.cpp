// GAN scores: the inception score at its two ends, the Frechet distance against closed forms, and
// both through a (tiny) LeNet.
#include <cmath>
#include <vector>

#include "testing.h"
#include "train/gan_scores.h"

using namespace nn_test;

namespace {

// A Gaussian's statistics written down directly: mean (D), covariance (D, D).
nn::FeatureStats gaussian(std::vector<double> mean, std::vector<double> cov) {
  nn::FeatureStats s;
  s.dim = int(mean.size());
  s.mean = std::move(mean);
  s.cov = std::move(cov);
  return s;
}

}  // namespace

TEST_CASE("inception score of confident, evenly spread predictions is the class count") {
  const int N = 1000, C = 10;
  std::vector<float> probs(std::size_t(N) * C, 0.0f);
  for (int n = 0; n < N; n++) probs[n * C + n % C] = 1.0f;
  CHECK(nn::inception_score(probs.data(), N, C) == doctest::Approx(10.0).epsilon(1e-9));
}

TEST_CASE("inception score of identical predictions is 1") {
  const int N = 50, C = 10;
  std::vector<float> probs(std::size_t(N) * C);
  Rng rng{3};
  std::vector<float> row = rng.vector(C, 0.1f, 1.0f);
  double sum = 0.0;
  for (float p : row) sum += p;
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++) probs[n * C + c] = float(row[c] / sum);
  CHECK(nn::inception_score(probs.data(), N, C) == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("feature statistics: mean and unbiased covariance") {
  const float features[] = {1, 2, 3, 6, 5, 4};  // (3, 2)
  nn::FeatureStats s = nn::feature_stats(features, 3, 2);
  CHECK(s.mean[0] == doctest::Approx(3.0));
  CHECK(s.mean[1] == doctest::Approx(4.0));
  CHECK(s.cov[0] == doctest::Approx(4.0));   // ((-2)² + 0² + 2²) / 2
  CHECK(s.cov[1] == doctest::Approx(2.0));   // (-2·-2 + 0·2 + 2·0) / 2
  CHECK(s.cov[2] == doctest::Approx(2.0));
  CHECK(s.cov[3] == doctest::Approx(4.0));   // ((-2)² + 2² + 0²) / 2
}

TEST_CASE("Frechet distance of a set to itself is 0") {
  const int N = 400, D = 12;
  Rng rng{4};
  std::vector<float> x = rng.vector(std::size_t(N) * D);
  for (int n = 0; n < N; n++) x[n * D + 1] += 0.5f * x[n * D];  // correlated features
  nn::FeatureStats s = nn::feature_stats(x.data(), N, D);
  CHECK(std::fabs(nn::frechet_distance(s, s)) < 1e-9);
}

TEST_CASE("Frechet distance matches the closed forms") {
  SUBCASE("diagonal covariances: |dmu|² + sum (sqrt a - sqrt b)²") {
    nn::FeatureStats a = gaussian({0, 1, 2}, {4, 0, 0, 0, 1, 0, 0, 0, 9});
    nn::FeatureStats b = gaussian({1, 1, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 16});
    double want = (1 + 0 + 4) + (1 + 0 + 1);  // (2-1)² + (1-1)² + (3-4)²
    CHECK(nn::frechet_distance(a, b) == doctest::Approx(want).epsilon(1e-9));
    CHECK(nn::frechet_distance(b, a) == doctest::Approx(want).epsilon(1e-9));
  }
  SUBCASE("2x2 covariances that do not commute") {
    // For 2x2 M with positive eigenvalues, Tr √M = √(Tr M + 2 √det M); here M = S1 S2.
    nn::FeatureStats a = gaussian({0.5, -1}, {2, 0.8, 0.8, 1});
    nn::FeatureStats b = gaussian({0, 0}, {1, -0.3, -0.3, 3});
    double tr_prod = 2 * 1 + 0.8 * -0.3 + 0.8 * -0.3 + 1 * 3;
    double det_prod = (2 * 1 - 0.8 * 0.8) * (1 * 3 - 0.3 * 0.3);
    double want = (0.25 + 1) + 3 + 4 - 2 * std::sqrt(tr_prod + 2 * std::sqrt(det_prod));
    CHECK(nn::frechet_distance(a, b) == doctest::Approx(want).epsilon(1e-9));
  }
  SUBCASE("a singular covariance (rank-deficient features) stays finite") {
    nn::FeatureStats a = gaussian({0, 0}, {1, 1, 1, 1});
    nn::FeatureStats b = gaussian({0, 0}, {1, 0, 0, 1});
    double fd = nn::frechet_distance(a, b);
    CHECK(std::isfinite(fd));
    CHECK(fd == doctest::Approx(2 + 2 - 2 * std::sqrt(2.0)).epsilon(1e-9));  // Tr √diag(2, 0)
  }
}

TEST_CASE("GAN scores through LeNet: generated images identical to the real ones score FD 0") {
  nn::LenetConfig c;
  c.side = 16, c.conv1 = 2, c.conv2 = 3, c.fc1 = 8, c.fc2 = 6, c.classes = 4, c.batch = 7;
  nn::Rng rng = nn::rng_seeded(8);
  nn::LenetModel model;
  nn::lenet_model_init(model, c, rng);
  const int n = 30;  // five batches of 7 and a partial one
  Rng values{8};
  std::vector<float> images = values.vector(std::size_t(n) * c.side * c.side);
  nn::LenetRun run;
  nn::lenet_run_init(run, c, c.batch);
  std::vector<float> probs(std::size_t(n) * c.classes), features(std::size_t(n) * c.fc2);
  nn::lenet_classify(model, run, images.data(), n, probs.data(), features.data());
  nn::FeatureStats real = nn::feature_stats(features.data(), n, c.fc2);

  nn::GanScores scores{};
  REQUIRE(nn::gan_scores(model, images.data(), n, real, scores).ok());
  CHECK(std::fabs(scores.frechet_distance) < 1e-6);
  CHECK(scores.inception_score == doctest::Approx(nn::inception_score(probs.data(), n, c.classes)));
  CHECK(scores.inception_score >= 1.0);
  CHECK(scores.inception_score <= c.classes);
  CHECK_FALSE(nn::gan_scores(model, images.data(), 1, real, scores).ok());
}
