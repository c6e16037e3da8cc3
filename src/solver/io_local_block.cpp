#include "regio/io_local_block.hpp"

#include <algorithm>
#include <cmath>

#include "regio/province_coarse.hpp"

namespace regio {

IoLocalBlock::IoLocalBlock(const Scenario& sc, const Technology& tech, const EconomyState& st,
                           const UnknownLayout& unknowns, NationalTerms& terms)
    : sc_(sc), tech_(tech), state_(st), unknowns_(unknowns), terms_(terms) {}

// Region j's local-clearing inputs at block y and population L: log A_is − Σ_k ι_sk log P_ik and its
// producers' purchases Σ_k ι_ks R_ik of y, the rest of the national terms frozen.
LocalMarketInputs IoLocalBlock::inputs_at(std::size_t j, const double* y, double L) {
  const std::size_t S = tech_.S;
  const double* log_P = y + unknowns_.price_slot;
  const double* log_R = y + unknowns_.revenue_slot;
  log_A_.resize(S);
  intermediate_.assign(S, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    log_A_[s] = log_effective_productivity(state_.log_productivity[j * S + s], tech_.gamma[s], L, state_.land[j]) -
                tech_.log_intermediate_cost(s, log_P);
    for (std::size_t k = 0; k < S; ++k) intermediate_[s] += tech_.iota[k * S + s] * std::exp(log_R[k]);
  }
  own_ = OwnMarket{};
  LocalMarketInputs in = terms_.local_inputs(j, &terms_.price_pow()[j * S], L, log_A_.data(), own_);
  own_.intermediate = intermediate_;
  return in;
}

// G's factor, price-index and revenue entries of block y at the cleared prices `res`.
void IoLocalBlock::block_entries(std::size_t j, const LocalMarketInputs& in, const LocalClearingResult& res,
                                 const double* y, double* g) {
  const std::size_t S = tech_.S;
  for (int f = 0; f < 3; ++f)
    if (unknowns_.factor_slot[f] >= 0)
      g[unknowns_.factor_slot[f]] = y[unknowns_.factor_slot[f]] - std::log(res.prices[f]);
  log_price_.resize(S);
  log_revenue_.resize(S);
  own_price_indices_and_revenues(tech_, in, res.prices, &terms_.view().phi[j * S], log_price_.data(),
                                 log_revenue_.data());
  for (std::size_t s = 0; s < S; ++s) {
    g[unknowns_.price_slot + s] = y[unknowns_.price_slot + s] - log_price_[s];
    g[unknowns_.revenue_slot + s] = y[unknowns_.revenue_slot + s] - log_revenue_[s];
  }
}

bool IoLocalBlock::residual(std::size_t j, const double* y, double* g, bool with_population) {
  const auto& v = terms_.view();
  FactorPrices p;
  for (int f = 0; f < 3; ++f)
    if (unknowns_.factor_slot[f] >= 0) p[f] = std::exp(y[unknowns_.factor_slot[f]]);
  const double L = unknowns_.population_slot >= 0 ? std::exp(y[unknowns_.population_slot]) : state_.registered[j];
  const LocalMarketInputs in = inputs_at(j, y, L);
  // Without the exact own market the clearing takes market access as given: the national one,
  // with this block's own intermediate purchases in place of those at x.
  const LocalClearingResult res = clear_local_markets(tech_, in, p);
  block_entries(j, in, res, y, g);
  if (with_population && unknowns_.population_slot >= 0) {
    // Population the region attracts at its own prices and population, other origins and
    // destinations frozen (as the Part I block, national_preconditioner.cpp).
    const double eps = sc_.migration.elasticity, hukou_pow = terms_.hukou_pow()[j];
    const double att_x = std::pow(v.utility[j], eps) * hukou_pow;
    const double inflow_weight = att_x > 0 ? v.inflow[j] / att_x : 0.0;
    const double I =
        newcomer_income(tech_, sc_.households.stayers(), p, L, state_.capital[j], state_.land[j], v.transfer[j]);
    const double u = std::pow(utility(tech_, state_.amenity[j], I, L, v.price_index[j], p), eps);
    const double stay = u * stayers_rebate_pow(v, j, eps);
    const double attracted = stay * state_.registered[j] / (stay + v.leaving_weight[j]) + u * hukou_pow * inflow_weight;
    g[unknowns_.population_slot] = std::log(L) - std::log(attracted);
  }
  return res.converged || res.residual < 1e-10;
}

bool IoLocalBlock::calibration_residual(std::size_t j, const double* y, double population, double observed_gdp,
                                        double* g) {
  FactorPrices p;
  for (int f = 0; f < 3; ++f)
    if (unknowns_.factor_slot[f] >= 0) p[f] = std::exp(y[unknowns_.factor_slot[f]]);
  const double shift = y[unknowns_.shift_slot];
  LocalMarketInputs in = inputs_at(j, y, population);  // unshifted log A_is − Σ_k ι_sk log P_ik
  const auto inv = invert_local_productivity(tech_, in, observed_gdp, p, shift);
  g[unknowns_.shift_slot] = shift - inv.log_shift;
  for (auto& a : log_A_) a += inv.log_shift;  // the inverted productivity: P and R at it
  block_entries(j, in, inv.clearing, y, g);
  const auto& res = inv.clearing;
  return (inv.converged || res.residual < 1e-10) && (res.converged || res.residual < 1e-10);
}

void IoLocalBlock::inverse_jacobian(std::size_t j, const double* y, double* inverse) {
  const auto b = static_cast<std::size_t>(unknowns_.block);
  const double h = 1e-6;
  G0_.resize(b);
  G1_.resize(b);
  A_.resize(b * b);
  y1_.assign(y, y + b);
  residual(j, y, G0_.data(), true);
  for (std::size_t c = 0; c < b; ++c) {
    y1_[c] = y[c] + h;
    residual(j, y1_.data(), G1_.data(), true);
    y1_[c] = y[c];
    for (std::size_t r = 0; r < b; ++r) A_[r * b + c] = (G1_[r] - G0_[r]) / h;
  }
  if (!invert_small(A_, b)) {
    A_.assign(b * b, 0.0);
    for (std::size_t a = 0; a < b; ++a) A_[a * b + a] = 1.0;
  }
  std::copy(A_.begin(), A_.end(), inverse);
}

}  // namespace regio
