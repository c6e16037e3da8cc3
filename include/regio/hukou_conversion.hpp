#pragma once
// The hukou conversion rate of a history-based forecast (MODEL.md §3, §14;
// docs/forecast-protocol.md §3, amendment 3): one national ρ such that regio's registered-
// population recursion, run over the window with each year's calibrated migration shares and
// the provinces' natural growth,
//   R_o,t+1 = (1 + n_o,t+1) [ R_o,t (1 − ρ Σ_{d≠o} m_od,t) + ρ Σ_{o'≠o} R_o',t m_o'o,t ],
// carries the registered populations of the census at the window's start closest (least
// squares of the provinces' shares of Σ R) to those of the census at its end. Serial.
#include <vector>

namespace regio {

struct ConversionFit {
  double rate = 0;          // ρ̂ ∈ [0, 1]
  double rmse = 0;          // of the shares R_i/Σ R at the end (fractions), at ρ̂
  double rmse_without = 0;  // the same at ρ = 0 (natural growth alone)
  bool at_bound = false;    // ρ̂ is 0 or 1: the data ask for less (more) than the range allows
  std::vector<double> end;  // the recursion's R at the end, at ρ̂
};

// start, target: R of the n provinces at the two census years; shares[t]: m_od,t (n×n,
// row-major, origin o, rows sum to 1) for each year t of the window but the last; growth[t]:
// n_o,t+1. Throws std::invalid_argument on sizes that do not fit.
ConversionFit fit_conversion_rate(const std::vector<double>& start, const std::vector<double>& target,
                                  const std::vector<std::vector<double>>& shares,
                                  const std::vector<std::vector<double>>& growth);

// The recursion's R at the end for a given ρ (the function the fit minimises over).
std::vector<double> carry_registered(const std::vector<double>& start, const std::vector<std::vector<double>>& shares,
                                     const std::vector<std::vector<double>>& growth, double rate);

}  // namespace regio
