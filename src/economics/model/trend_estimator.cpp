#include "regio/trend_estimator.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace regio {

namespace {

double weighted_mean(const std::vector<double>& x, const std::vector<double>& w) {
  double sx = 0, sw = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sx += w[i] * x[i], sw += w[i];
  return sx / sw;
}

// Pooled regressors and changes: x = a_i,t − ā_t, y = a_i,t+1 − a_i,t (t-major).
void changes(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& w,
             std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t t = 0; t + 1 < a.size(); ++t) {
    const double mean = weighted_mean(a[t], w[t]);
    for (std::size_t i = 0; i < a[t].size(); ++i) {
      x.push_back(a[t][i] - mean);
      y.push_back(a[t + 1][i] - a[t][i]);
    }
  }
}

}  // namespace

TrendFit fit_convergence_trend(const std::vector<std::vector<double>>& levels,
                               const std::vector<std::vector<double>>& weights, bool common_trend) {
  if (levels.size() < 2 || weights.size() != levels.size())
    throw std::invalid_argument("trend: at least two years of levels and weights needed");
  const std::size_t n = levels.front().size(), T = levels.size() - 1;
  for (std::size_t t = 0; t <= T; ++t)
    if (levels[t].size() != n || weights[t].size() != n) throw std::invalid_argument("trend: ragged panel");
  std::vector<double> x, y;
  changes(levels, weights, x, y);
  const auto m = static_cast<double>(x.size());
  TrendFit fit;
  fit.observations = x.size();
  // OLS of y on (1, x), or on x alone without a common trend.
  const double mx = common_trend ? std::accumulate(x.begin(), x.end(), 0.0) / m : 0.0;
  const double my = common_trend ? std::accumulate(y.begin(), y.end(), 0.0) / m : 0.0;
  double sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) sxx += (x[k] - mx) * (x[k] - mx), sxy += (x[k] - mx) * (y[k] - my);
  fit.convergence = sxy / sxx;
  fit.trend = my - fit.convergence * mx;
  std::vector<double> e(x.size()), raw(n, 0.0);
  double sse = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    e[k] = y[k] - fit.trend - fit.convergence * x[k];
    sse += e[k] * e[k];
    raw[k % n] += e[k] / static_cast<double>(T);
  }
  const double dof = m - (common_trend ? 2.0 : 1.0);
  const double s2_pooled = sse / dof;
  fit.convergence_se = std::sqrt(s2_pooled / sxx);
  fit.trend_se = common_trend ? std::sqrt(s2_pooled * (1 / m + mx * mx / sxx)) : 0.0;
  // Province effects: residual means, shrunk (method of moments).
  double within = 0, between = 0;
  for (std::size_t k = 0; k < x.size(); ++k) within += (e[k] - raw[k % n]) * (e[k] - raw[k % n]);
  fit.residual_variance = within / (m - static_cast<double>(n));
  for (double r : raw) between += r * r / static_cast<double>(n);
  const double noise = fit.residual_variance / static_cast<double>(T);
  fit.effect_variance = std::max(0.0, between - noise);
  fit.shrinkage = noise > 0 ? fit.effect_variance / (fit.effect_variance + noise) : 1.0;  // exact effects
  for (double r : raw) fit.effect.push_back(fit.shrinkage * r);
  double tss = 0, rss = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double r = e[k] - fit.effect[k % n];
    rss += r * r;
    tss += (y[k] - my) * (y[k] - my);
  }
  fit.r_squared = tss > 0 ? 1 - rss / tss : 0.0;
  return fit;
}

std::vector<double> project_one_year(const TrendFit& fit, const std::vector<double>& level,
                                     const std::vector<double>& weight) {
  const double mean = weighted_mean(level, weight);
  std::vector<double> next(level.size());
  for (std::size_t i = 0; i < level.size(); ++i)
    next[i] = level[i] + fit.trend + fit.convergence * (level[i] - mean) + fit.effect[i];
  return next;
}

}  // namespace regio
