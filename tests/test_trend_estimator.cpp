// The trend estimator of the history-based forecast (docs/forecast-protocol.md §3).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "regio/trend_estimator.hpp"

using namespace regio;

namespace {

struct Panel {
  std::vector<std::vector<double>> a, w;
};

// a_i,t+1 = a_i,t + g + β (a_i,t − ā_t) + α_i + σ e (equal weights).
Panel simulate(std::size_t n, std::size_t T, double g, double beta, const std::vector<double>& alpha, double sigma,
               unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  Panel p;
  std::vector<double> a(n);
  for (auto& v : a) v = 0.5 * z(rng);
  for (std::size_t t = 0; t <= T; ++t) {
    p.a.push_back(a);
    p.w.emplace_back(n, 1.0);
    double mean = 0;
    for (double v : a) mean += v / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) a[i] += g + beta * (a[i] - mean) + alpha[i] + sigma * z(rng);
  }
  return p;
}

}  // namespace

TEST(TrendEstimator, RecoversTrendAndConvergenceWithoutNoise) {
  const auto p = simulate(31, 10, 0.05, -0.03, std::vector<double>(31, 0.0), 0.0, 1);
  const auto fit = fit_convergence_trend(p.a, p.w, true);
  EXPECT_NEAR(fit.trend, 0.05, 1e-12);
  EXPECT_NEAR(fit.convergence, -0.03, 1e-12);
  EXPECT_EQ(fit.observations, 310u);
  EXPECT_NEAR(fit.r_squared, 1.0, 1e-9);
  for (double e : fit.effect) EXPECT_NEAR(e, 0.0, 1e-12);
}

// Province effects that are only noise are shrunk most of the way to zero; real ones are kept.
TEST(TrendEstimator, ShrinksNoiseKeepsRealEffects) {
  const auto noise_only = simulate(31, 10, 0.05, -0.03, std::vector<double>(31, 0.0), 0.02, 2);
  const auto fit0 = fit_convergence_trend(noise_only.a, noise_only.w, true);
  EXPECT_LT(fit0.shrinkage, 0.5);
  EXPECT_NEAR(fit0.convergence, -0.03, 4 * fit0.convergence_se);
  EXPECT_NEAR(fit0.trend, 0.05, 4 * fit0.trend_se);

  std::mt19937 rng(3);
  std::normal_distribution<double> z(0, 0.03);
  std::vector<double> alpha(31);
  for (auto& v : alpha) v = z(rng);
  const auto real = simulate(31, 10, 0.05, 0.0, alpha, 0.002, 4);
  const auto fit1 = fit_convergence_trend(real.a, real.w, true);
  EXPECT_GT(fit1.shrinkage, 0.95);
  double sxy = 0, sxx = 0, syy = 0, mx = 0, my = 0;
  for (std::size_t i = 0; i < 31; ++i) mx += alpha[i] / 31, my += fit1.effect[i] / 31;
  for (std::size_t i = 0; i < 31; ++i) {
    sxy += (alpha[i] - mx) * (fit1.effect[i] - my);
    sxx += (alpha[i] - mx) * (alpha[i] - mx);
    syy += (fit1.effect[i] - my) * (fit1.effect[i] - my);
  }
  EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.9);
}

TEST(TrendEstimator, ProjectionFollowsTheFittedLaw) {
  TrendFit fit;
  fit.trend = 0.01;
  fit.convergence = -0.1;
  fit.effect = {0.002, -0.002};
  const auto next = project_one_year(fit, {1.0, 3.0}, {1.0, 3.0});  // ā = 2.5
  EXPECT_NEAR(next[0], 1.0 + 0.01 - 0.1 * (1.0 - 2.5) + 0.002, 1e-15);
  EXPECT_NEAR(next[1], 3.0 + 0.01 - 0.1 * (3.0 - 2.5) - 0.002, 1e-15);
  EXPECT_THROW(fit_convergence_trend({{1.0}}, {{1.0}}, true), std::invalid_argument);
}
