// Bands over ensemble members and Shapley values (ensemble_statistics.hpp).
#include "regio/ensemble_statistics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regio {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Band band(const std::vector<double>& values, const std::vector<double>& weights) {
  if (values.size() != weights.size() || values.empty()) throw std::logic_error("band: values and weights differ");
  if (std::any_of(values.begin(), values.end(), [](double x) { return std::isnan(x); })) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan, nan, nan, nan, nan};
  }
  Band b;
  for (std::size_t k = 0; k < values.size(); ++k) b.mean += weights[k] * values[k];
  double var = 0;
  for (std::size_t k = 0; k < values.size(); ++k) var += weights[k] * (values[k] - b.mean) * (values[k] - b.mean);
  b.sd = std::sqrt(var);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  b.p5 = percentile(sorted, 0.05);
  b.p50 = percentile(sorted, 0.50);
  b.p95 = percentile(sorted, 0.95);
  b.min = sorted.front();
  b.max = sorted.back();
  return b;
}

std::vector<double> shapley_values(const std::vector<double>& v) {
  if (v.empty() || !std::has_single_bit(v.size())) throw std::logic_error("shapley_values: need 2^K coalitions");
  const auto K = static_cast<std::size_t>(std::countr_zero(v.size()));
  // weight[s] = s! (K − s − 1)! / K! for a coalition of s players without j.
  std::vector<double> weight(K, 0.0);
  for (std::size_t s = 0; s < K; ++s) {
    double w = 1.0 / static_cast<double>(K);  // 1 / (K choose s) / K
    for (std::size_t i = 1; i <= s; ++i) w *= static_cast<double>(i) / static_cast<double>(K - s - 1 + i);
    weight[s] = w;
  }
  std::vector<double> phi(K, 0.0);
  for (std::size_t j = 0; j < K; ++j)
    for (std::size_t mask = 0; mask < v.size(); ++mask)
      if (!(mask >> j & 1))
        phi[j] += weight[static_cast<std::size_t>(std::popcount(mask))] * (v[mask | (std::size_t{1} << j)] - v[mask]);
  return phi;
}

}  // namespace regio
