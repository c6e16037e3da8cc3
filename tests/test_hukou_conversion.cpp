// The hukou conversion rate of the history-based forecast (docs/forecast-protocol.md, amendment 3).
#include <gtest/gtest.h>

#include <random>

#include "regio/hukou_conversion.hpp"

using namespace regio;

namespace {

struct Window {
  std::vector<double> start;
  std::vector<std::vector<double>> shares, growth;
};

// n provinces, `years` transitions, migration shares with a stayer share of 0.8–0.98.
Window window(std::size_t n, std::size_t years, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Window w;
  for (std::size_t i = 0; i < n; ++i) w.start.push_back(1e6 * (1 + 5 * u(rng)));
  for (std::size_t t = 0; t < years; ++t) {
    std::vector<double> m(n * n), g(n);
    for (std::size_t o = 0; o < n; ++o) {
      const double stay = 0.8 + 0.18 * u(rng);
      double total = 0;
      for (std::size_t d = 0; d < n; ++d)
        if (d != o) total += (m[o * n + d] = u(rng) * u(rng));
      for (std::size_t d = 0; d < n; ++d) m[o * n + d] *= (1 - stay) / total;
      m[o * n + o] = stay;
      g[o] = 0.01 * (u(rng) - 0.3);
    }
    w.shares.push_back(m);
    w.growth.push_back(g);
  }
  return w;
}

}  // namespace

TEST(HukouConversion, RecoversTheRate) {
  const auto w = window(31, 10, 11);
  for (double rho : {0.0, 0.013, 0.2, 0.47}) {
    const auto target = carry_registered(w.start, w.shares, w.growth, rho);
    const auto fit = fit_conversion_rate(w.start, target, w.shares, w.growth);
    EXPECT_NEAR(fit.rate, rho, 1e-8) << rho;
    EXPECT_LT(fit.rmse, 1e-12);
    EXPECT_EQ(fit.at_bound, rho == 0.0);
    if (rho > 0) EXPECT_GT(fit.rmse_without, 1e-4);
  }
}

TEST(HukouConversion, ConservesPeopleWithoutGrowth) {
  auto w = window(8, 5, 12);
  for (auto& g : w.growth) std::fill(g.begin(), g.end(), 0.0);
  const auto end = carry_registered(w.start, w.shares, w.growth, 0.1);
  double a = 0, b = 0;
  for (std::size_t i = 0; i < 8; ++i) a += w.start[i], b += end[i];
  EXPECT_NEAR(b / a, 1, 1e-14);
  EXPECT_THROW(fit_conversion_rate(w.start, {1.0}, w.shares, w.growth), std::invalid_argument);
}
