#pragma once
// The productivity and amenity trend of a history-based forecast (MODEL.md §14,
// docs/forecast-protocol.md §3): from yearly inverted log levels a_i,t of n provinces,
//   a_i,t+1 − a_i,t = g + β (a_i,t − ā_t) + α_i + e_i,t,
// g and β by pooled OLS (no province effects: Nickell bias), α_i the mean residual of
// province i shrunk toward 0 by the empirical-Bayes weight w = τ²/(τ² + s²/T). Serial.
#include <cstddef>
#include <vector>

namespace regio {

struct TrendFit {
  double trend = 0, convergence = 0;        // g, β
  double trend_se = 0, convergence_se = 0;  // OLS standard errors
  double residual_variance = 0;             // s²: residuals around their province means
  double effect_variance = 0;               // τ² = max(0, var(α̂) − s²/T)
  double shrinkage = 0;                     // w = τ² / (τ² + s²/T)
  double r_squared = 0;                     // of the changes, with the shrunk effects
  std::vector<double> effect;               // α_i = w α̂_i
  std::size_t observations = 0;             // n · T changes
};

// levels[t][i] = a_i,t for T + 1 consecutive years; weights[t][i] ≥ 0 weigh the mean ā_t
// (population). With `common_trend` false, g is fixed at 0 (amenities: mean zero each year).
// Throws std::invalid_argument for fewer than two years or a ragged panel.
TrendFit fit_convergence_trend(const std::vector<std::vector<double>>& levels,
                               const std::vector<std::vector<double>>& weights, bool common_trend);

// One year's projection: a_i,t+1 = a_i,t + g + β (a_i,t − ā_t) + α_i.
std::vector<double> project_one_year(const TrendFit& fit, const std::vector<double>& level,
                                     const std::vector<double>& weight);

}  // namespace regio
