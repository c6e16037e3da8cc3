#include "regio/hukou_conversion.hpp"

#include <cmath>
#include <stdexcept>

namespace regio {

std::vector<double> carry_registered(const std::vector<double>& start, const std::vector<std::vector<double>>& shares,
                                     const std::vector<std::vector<double>>& growth, double rate) {
  const std::size_t n = start.size();
  std::vector<double> R = start, next(n);
  for (std::size_t t = 0; t < shares.size(); ++t) {
    const auto& m = shares[t];
    for (std::size_t o = 0; o < n; ++o) {
      double gained = 0;  // Σ_{o'≠o} R_o' m_o'o
      for (std::size_t k = 0; k < n; ++k)
        if (k != o) gained += R[k] * m[k * n + o];
      next[o] = (1 + growth[t][o]) * (R[o] * (1 - rate * (1 - m[o * n + o])) + rate * gained);
    }
    R.swap(next);
  }
  return R;
}

namespace {

double share_rmse(const std::vector<double>& R, const std::vector<double>& target) {
  double sr = 0, st = 0, sse = 0;
  for (std::size_t i = 0; i < R.size(); ++i) sr += R[i], st += target[i];
  for (std::size_t i = 0; i < R.size(); ++i) sse += std::pow(R[i] / sr - target[i] / st, 2);
  return std::sqrt(sse / static_cast<double>(R.size()));
}

}  // namespace

ConversionFit fit_conversion_rate(const std::vector<double>& start, const std::vector<double>& target,
                                  const std::vector<std::vector<double>>& shares,
                                  const std::vector<std::vector<double>>& growth) {
  const std::size_t n = start.size();
  if (target.size() != n || shares.empty() || growth.size() != shares.size())
    throw std::invalid_argument("conversion: the window's years do not fit");
  for (std::size_t t = 0; t < shares.size(); ++t)
    if (shares[t].size() != n * n || growth[t].size() != n)
      throw std::invalid_argument("conversion: a year's shares or growth rates do not fit");
  auto loss = [&](double rho) { return share_rmse(carry_registered(start, shares, growth, rho), target); };
  // A grid of 0.005 over [0, 1], then golden sections inside the best cell's neighbours.
  constexpr int kCells = 200;
  int best = 0;
  double best_loss = loss(0);
  for (int k = 1; k <= kCells; ++k)
    if (const double l = loss(k / double(kCells)); l < best_loss) best = k, best_loss = l;
  double a = std::max(0, best - 1) / double(kCells), b = std::min(kCells, best + 1) / double(kCells);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a), fc = loss(c), fd = loss(d);
  while (b - a > 1e-12) {
    if (fc < fd)
      b = d, d = c, fd = fc, c = b - g * (b - a), fc = loss(c);
    else
      a = c, c = d, fc = fd, d = a + g * (b - a), fd = loss(d);
  }
  ConversionFit fit;
  fit.rate = (a + b) / 2;
  if (best_loss <= loss(fit.rate)) fit.rate = best / double(kCells);  // a grid point at the bound
  fit.at_bound = fit.rate < 1e-9 || fit.rate > 1 - 1e-9;
  fit.end = carry_registered(start, shares, growth, fit.rate);
  fit.rmse = share_rmse(fit.end, target);
  fit.rmse_without = loss(0);
  return fit;
}

}  // namespace regio
