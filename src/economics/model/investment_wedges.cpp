#include "regio/investment_wedges.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regio {

double home_bias_bound(const std::vector<std::vector<double>>& investment_shares,
                       const std::vector<std::vector<double>>& income_shares) {
  double m = std::numeric_limits<double>::infinity();
  for (std::size_t t = 0; t < investment_shares.size(); ++t)
    for (std::size_t i = 0; i < investment_shares[t].size(); ++i)
      m = std::min(m, investment_shares[t][i] / income_shares[t][i]);
  return m;
}

double home_bias_rule(double bound, double cap) {
  // Multiples of 0.1 counted in tenths, so that 0.5 is exactly the literal 0.5.
  const double tenths = std::floor(10 * (bound - 0.1) + 1e-9);
  return std::min(cap, tenths / 10);
}

std::vector<double> pooled_weights(const std::vector<double>& investment_shares,
                                   const std::vector<double>& income_shares, double home_bias) {
  std::vector<double> omega(investment_shares.size());
  for (std::size_t i = 0; i < omega.size(); ++i)
    omega[i] = (investment_shares[i] - home_bias * income_shares[i]) / (1 - home_bias);
  return omega;
}

std::vector<double> log_wedges(const std::vector<double>& lagged_rent, const std::vector<double>& capital,
                               const std::vector<double>& pooled_weight, double allocation_elasticity) {
  const std::size_t n = capital.size();
  std::vector<double> z(n);
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = std::log(lagged_rent[i]) + (std::log(capital[i]) - std::log(pooled_weight[i])) / allocation_elasticity;
    mean += z[i] / static_cast<double>(n);
  }
  for (auto& v : z) v -= mean;
  return z;
}

namespace {

// Least-squares line through (t, x_t), t = first … last: returns {value at `at`, slope}.
std::array<double, 2> line(const std::vector<std::vector<double>>& x, std::size_t i, std::size_t first,
                           std::size_t last, double at) {
  const auto m = static_cast<double>(last - first + 1);
  double mt = 0, mx = 0;
  for (std::size_t t = first; t <= last; ++t) mt += static_cast<double>(t) / m, mx += x[t][i] / m;
  double stt = 0, stx = 0;
  for (std::size_t t = first; t <= last; ++t) {
    const double dt = static_cast<double>(t) - mt;
    stt += dt * dt, stx += dt * (x[t][i] - mx);
  }
  const double slope = stx / stt;
  return {mx + slope * (at - mt), slope};
}

// The prediction of rule `rule` for year `at` (> last) from years 0 … last of province i:
// {level at `last`, drift per year}.
std::array<double, 2> rule_fit(WedgeProjection::Rule rule, const std::vector<std::vector<double>>& x, std::size_t i,
                               std::size_t last) {
  switch (rule) {
    case WedgeProjection::kLast:
      return {x[last][i], 0.0};
    case WedgeProjection::kMeanOfLastThree:
      return {(x[last][i] + x[last - 1][i] + x[last - 2][i]) / 3, 0.0};
    case WedgeProjection::kLinearTrend:
      return line(x, i, 0, last, static_cast<double>(last));
  }
  return {0.0, 0.0};
}

}  // namespace

WedgeProjection project_wedges(const std::vector<std::vector<double>>& log_zeta) {
  const std::size_t years = log_zeta.size();
  if (years < 6) throw std::invalid_argument("wedges: at least six years are needed to choose a projection");
  const std::size_t n = log_zeta.front().size();
  for (const auto& y : log_zeta)
    if (y.size() != n) throw std::invalid_argument("wedges: ragged panel");
  WedgeProjection p;
  const std::size_t fit = years / 2;  // years 0 … fit−1 fit, fit … years−1 test
  p.fit_years = static_cast<int>(fit);
  p.test_years = static_cast<int>(years - fit);
  for (int r = 0; r < 3; ++r) {
    const auto rule = static_cast<WedgeProjection::Rule>(r);
    double sse = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto [level, drift] = rule_fit(rule, log_zeta, i, fit - 1);
      for (std::size_t t = fit; t < years; ++t) {
        const double e = level + drift * static_cast<double>(t - (fit - 1)) - log_zeta[t][i];
        sse += e * e;
      }
    }
    p.pseudo_rmse[static_cast<std::size_t>(r)] = std::sqrt(sse / static_cast<double>(n * (years - fit)));
    if (p.pseudo_rmse[static_cast<std::size_t>(r)] < p.pseudo_rmse[static_cast<std::size_t>(p.rule)]) p.rule = rule;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto [level, drift] = rule_fit(p.rule, log_zeta, i, years - 1);
    p.level.push_back(level);
    p.drift.push_back(drift);
  }
  return p;
}

}  // namespace regio
