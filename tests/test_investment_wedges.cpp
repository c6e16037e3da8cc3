// Investment wedges of the history-based forecast (MODEL.md §14, docs/forecast-protocol.md).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "regio/investment_wedges.hpp"

using namespace regio;

namespace {

double mean(const std::vector<double>& x) {
  double m = 0;
  for (double v : x) m += v / static_cast<double>(x.size());
  return m;
}

}  // namespace

TEST(InvestmentWedges, InvertTheCapitalMarketExactly) {
  // Known ζ, r̄, K, ν, ϕ and income shares → the model's investment shares → the wedges back.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  const std::size_t n = 12;
  const double nu = 1.7, phi = 0.45;
  std::vector<double> zeta(n), rent(n), K(n), y(n), omega(n), j(n);
  double sy = 0, so = 0;
  for (std::size_t i = 0; i < n; ++i) {
    zeta[i] = 1 + u(rng), rent[i] = u(rng), K[i] = 10 * u(rng), y[i] = u(rng);
    omega[i] = K[i] * std::pow(rent[i] / zeta[i], nu);
    sy += y[i], so += omega[i];
  }
  for (std::size_t i = 0; i < n; ++i) y[i] /= sy, omega[i] /= so, j[i] = phi * y[i] + (1 - phi) * omega[i];
  const auto w = pooled_weights(j, y, phi);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(w[i], omega[i], 1e-15);
  const auto z = log_wedges(rent, K, w, nu);
  std::vector<double> truth;
  for (double v : zeta) truth.push_back(std::log(v));
  const double m = mean(truth);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(z[i], truth[i] - m, 1e-13);
  EXPECT_NEAR(mean(z), 0, 1e-15);
  EXPECT_NEAR(
      home_bias_bound({j}, {y}),
      [&] {
        double b = 1e300;
        for (std::size_t i = 0; i < n; ++i) b = std::min(b, j[i] / y[i]);
        return b;
      }(),
      0);
}

TEST(InvestmentWedges, HomeBiasRule) {
  EXPECT_EQ(home_bias_rule(0.6128, 0.7), 0.5);  // China 2000–2010: Beijing 2009
  EXPECT_EQ(home_bias_rule(0.6, 0.7), 0.5);     // exactly 0.1 of margin is enough
  EXPECT_EQ(home_bias_rule(0.5999, 0.7), 0.4);
  EXPECT_EQ(home_bias_rule(0.95, 0.7), 0.7);  // never above the scenario's
  EXPECT_EQ(home_bias_rule(0.95, 0.3), 0.3);
  EXPECT_EQ(home_bias_rule(0.1, 0.7), 0.0);
  EXPECT_LT(home_bias_rule(0.05, 0.7), 0);  // no ϕ leaves a margin
  const auto w = pooled_weights({0.2, 0.8}, {0.5, 0.5}, 0.5);
  EXPECT_LT(w[0], 0);  // j < ϕ y: no wedge (the caller reports it)
}

namespace {

// log ζ_i,t = c_i + d_i t + σ e, each year centred.
std::vector<std::vector<double>> wedge_panel(std::size_t n, std::size_t years, double drift, double sigma,
                                             unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> c(n), d(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = 0.5 * z(rng), d[i] = drift * z(rng);
  std::vector<std::vector<double>> x;
  for (std::size_t t = 0; t < years; ++t) {
    std::vector<double> row;
    for (std::size_t i = 0; i < n; ++i) row.push_back(c[i] + d[i] * static_cast<double>(t) + sigma * z(rng));
    const double m = mean(row);
    for (auto& v : row) v -= m;
    x.push_back(row);
  }
  return x;
}

}  // namespace

TEST(InvestmentWedges, ProjectionRecoversALinearTrend) {
  const auto x = wedge_panel(31, 10, 0.05, 0.0, 3);
  const auto p = project_wedges(x);
  EXPECT_EQ(p.rule, WedgeProjection::kLinearTrend);
  EXPECT_EQ(p.fit_years, 5);
  EXPECT_EQ(p.test_years, 5);
  EXPECT_LT(p.pseudo_rmse[2], 1e-13);
  for (std::size_t i = 0; i < 31; ++i) {
    EXPECT_NEAR(p.level[i], x[9][i], 1e-13);
    EXPECT_NEAR(p.drift[i], x[9][i] - x[8][i], 1e-13);
  }
}

TEST(InvestmentWedges, ProjectionHoldsConstantWedges) {
  const auto flat = project_wedges(wedge_panel(31, 10, 0.0, 0.0, 4));
  EXPECT_EQ(flat.rule, WedgeProjection::kLast);  // all three are exact: the simplest wins
  // Noise around constant levels: the mean of the last three years predicts best.
  const auto x = wedge_panel(31, 10, 0.0, 0.1, 5);
  const auto noisy = project_wedges(x);
  EXPECT_EQ(noisy.rule, WedgeProjection::kMeanOfLastThree);
  EXPECT_LT(noisy.pseudo_rmse[1], noisy.pseudo_rmse[0]);
  for (std::size_t i = 0; i < 31; ++i) {
    EXPECT_NEAR(noisy.level[i], (x[7][i] + x[8][i] + x[9][i]) / 3, 1e-15);
    EXPECT_EQ(noisy.drift[i], 0);
  }
  EXPECT_THROW(project_wedges(wedge_panel(3, 5, 0, 0, 1)), std::invalid_argument);
}
