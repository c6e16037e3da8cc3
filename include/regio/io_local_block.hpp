#pragma once
// One region's block of the national residual with input–output links (MODEL.md §9;
// docs/numerics.md, "Input–output links"). The block of region i is
//   y = (log w, log r, log q [, log L], log P_i1..log P_iS, log R_i1..log R_iS),
// and, with the national terms frozen at the last evaluated point x (NationalTerms), its entries
// of G are those of local clearing T(y) — the factor markets cleared with the region's own
// purchases exact, its unit costs at P_i of y and its producers' intermediate purchases
// Σ_k ι_ks R_ik of y — and
//   G_P,s = log P_is − log (Φ_is^others + t_s p_is(T)^−θ_s)^(−1/θ_s),
//   G_R,s = log R_is − log p_is(T)^−θ_s (MA_is^others + t_s X_is(T)/Φ_is(T)),
// the region's price indices and revenues at the cleared prices. The national residual takes
// these at y = x_i (its population entry comes from the migration pass); the preconditioner
// inverts ∂G_i/∂y at y = x_i, by forward differences, with the population entry as the
// migration block of Part I approximates it (other origins and destinations frozen).
// Not collective.
#include <cstddef>
#include <vector>

#include "regio/national_terms.hpp"
#include "regio/unknown_layout.hpp"

namespace regio {

class IoLocalBlock {
 public:
  IoLocalBlock(const Scenario& sc, const Technology& tech, const EconomyState& st, const UnknownLayout& unknowns,
               NationalTerms& terms);

  // Region j's entries of G at its block y (b values); the population entry only if
  // `with_population`. False if the local clearing did not converge.
  bool residual(std::size_t j, const double* y, double* g, bool with_population);
  // The productivity inversion's entries (MODEL.md §6 with §9; CalibrationResidual): y also
  // holds the shift c_j, the population is the observed one, and the local inversion
  // (invert_local_productivity, at the block's P_j and intermediate purchases) replaces the
  // clearing: G_c = c_j − c_j^local, the factor, P and R entries at the inverted productivity.
  // Value added equals factor income at cleared markets, so the local inversion's income target
  // is GDP_j = Σ_s (α_s+β_s+λ_s) R_js + δ_h I_j. False if the local inversion did not converge.
  bool calibration_residual(std::size_t j, const double* y, double population, double observed_gdp, double* g);
  // (∂G_j/∂y)⁻¹ at y (b×b, row-major); the identity if the block is singular.
  void inverse_jacobian(std::size_t j, const double* y, double* inverse);

 private:
  LocalMarketInputs inputs_at(std::size_t j, const double* y, double L);
  void block_entries(std::size_t j, const LocalMarketInputs& in, const LocalClearingResult& res, const double* y,
                     double* g);

  const Scenario& sc_;
  const Technology& tech_;
  const EconomyState& state_;
  const UnknownLayout& unknowns_;
  NationalTerms& terms_;
  OwnMarket own_;
  std::vector<double> log_A_, intermediate_, log_price_, log_revenue_, G0_, G1_, y1_, A_;
};

}  // namespace regio
