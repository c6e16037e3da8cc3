#pragma once
// Investment wedges of a history-based forecast (MODEL.md §2, §14; docs/forecast-protocol.md
// §2–3). With J_n = ϕ σ I_n + (1 − ϕ) ω_n Σ_k σ I_k and ω_n = K_n (r̄_n/ζ_n)^ν / Σ_k K_k (r̄_k/ζ_k)^ν,
// a year's observed investment shares j_n = J_n/Σ J and income shares y_n = I_n/Σ I give
//   ω_n = (j_n − ϕ y_n)/(1 − ϕ)   and   log ζ_n = log r̄_n + (log K_n − log ω_n)/ν + const,
// which needs j_n > ϕ y_n for every n: a province that invests less than ϕ of its own saving has
// no wedge. Only relative ζ are identified (the constant). Serial, no MPI.
#include <array>
#include <string>
#include <vector>

namespace regio {

// m = min over years and provinces of j_n/y_n: ϕ must stay below it.
double home_bias_bound(const std::vector<std::vector<double>>& investment_shares,
                       const std::vector<std::vector<double>>& income_shares);
// The protocol's ϕ (forecast-protocol.md, amendment 2): the largest multiple of 0.1 that is at
// most m − 0.1, and at most `cap` (Part I's capital.home_bias). Negative if even ϕ = 0 leaves no
// margin (m < 0.1): the caller reports it.
double home_bias_rule(double bound, double cap);

// ω_n of one year; entries ≤ 0 where j_n ≤ ϕ y_n (the caller names them).
std::vector<double> pooled_weights(const std::vector<double>& investment_shares,
                                   const std::vector<double>& income_shares, double home_bias);

// log ζ_n = log r̄_n + (log K_n − log ω_n)/ν, shifted to mean 0 over the provinces (unweighted).
std::vector<double> log_wedges(const std::vector<double>& lagged_rent, const std::vector<double>& capital,
                               const std::vector<double>& pooled_weight, double allocation_elasticity);

// The projection of the wedges (forecast-protocol.md §3, amendment 2). The rule is chosen by a
// pseudo-forecast inside the window: fitted on the first half of the years, each rule predicts
// the second half; the smallest root mean squared error over provinces and years wins (ties go
// to the simpler rule, in the order below). The chosen rule is then fitted on every year.
struct WedgeProjection {
  enum Rule { kLast = 0, kMeanOfLastThree = 1, kLinearTrend = 2 };
  static constexpr std::array<const char*, 3> kNames = {"last_level", "mean_last_three", "linear_trend"};
  Rule rule = kLast;
  std::array<double, 3> pseudo_rmse{};  // of each rule, log points
  int fit_years = 0, test_years = 0;    // of the pseudo-forecast
  std::vector<double> level;            // log ζ̂ at the last year
  std::vector<double> drift;            // per year after it (linear trend; 0 otherwise)
};
// log_zeta[t][i], consecutive years (at least 4), each year's vector mean zero.
// Throws std::invalid_argument for fewer years or a ragged panel.
WedgeProjection project_wedges(const std::vector<std::vector<double>>& log_zeta);

}  // namespace regio
