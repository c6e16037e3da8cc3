#include "regio/equilibrium_residual.hpp"

#include <cmath>

#include "regio/collectives.hpp"
#include "regio/profiling.hpp"

namespace regio {

EquilibriumResidual::EquilibriumResidual(const Scenario& sc, const Technology& tech, const Layout& layout,
                                         const EconomyState& st, const UnknownLayout& unknowns, NationalTerms& terms,
                                         KernelPasses& passes)
    : tech_(tech),
      layout_(layout),
      state_(st),
      unknowns_(unknowns),
      terms_(terms),
      passes_(passes),
      epsilon_(sc.migration.elasticity) {
  if (unknowns.price_slot >= 0) io_block_ = std::make_unique<IoLocalBlock>(sc, tech, st, unknowns, terms);
}

bool EquilibriumResidual::operator()(const double* x, double* G) {
  fail_point("residual", layout_.comm());
  log_.begin();
  const std::size_t n = state_.size(), b = static_cast<std::size_t>(unknowns_.block);
  last_x_.assign(x, x + n * b);
  unknowns_.unpack_prices(x, n, prices_);
  unknowns_.unpack_population(x, state_.registered, population_);  // without migration L = R
  if (io_block_) {
    unknowns_.unpack_intermediate(x, n, io_log_price_, io_revenue_);
    const NationalTerms::IntermediatePoint io{&io_log_price_, &io_revenue_};
    terms_.evaluate(prices_, population_, nullptr, &io);
  } else {
    terms_.evaluate(prices_, population_, nullptr);
  }
  local_failure_ = false;
  outside_.assign(n, 0);
  if (migration()) {
    migration(population_, G);
  } else {
    clear_owned_markets(prices_, population_, G);
  }
  for (std::size_t j = 0; j < n; ++j)  // the regions whose own entries left the domain: named on failure
    for (std::size_t k = 0; k < b; ++k) outside_[j] = outside_[j] || !std::isfinite(G[j * b + k]);
  const bool ok = log_.end(G, n * b, local_failure_, layout_.comm());
  if (keep_last_G_) last_G_.assign(G, G + n * b);  // G at last_x_: coarse probes, far starts
  return ok;
}

// 4. Local clearing of every owned region with the national terms fixed -> the factor-market
// entries of G.
void EquilibriumResidual::clear_owned_markets(const std::vector<FactorPrices>& p, const std::vector<double>& L,
                                              double* G) {
  if (io_block_) return clear_owned_blocks(G);
  profiling::Event event(profiling::ids().local_clearing);
  const std::size_t S = tech_.S;
  const int b = unknowns_.block;
  const auto& logA = terms_.log_productivity();
  const auto& price_pow = terms_.price_pow();
  for (std::size_t j = 0; j < state_.size(); ++j) {
    OwnMarket own;
    const LocalMarketInputs in = terms_.local_inputs(j, price_pow.data() + j * S, L[j], &logA[j * S], own);
    const LocalClearingResult res = clear_local_markets(tech_, in, p[j]);
    if (!res.converged && !(res.residual < 1e-10)) {
      local_failure_ = true;
      outside_[j] = 1;
    }
    for (int f = 0; f < 3; ++f)
      if (unknowns_.factor_slot[f] >= 0)
        G[j * b + unknowns_.factor_slot[f]] = std::log(p[j][f]) - std::log(res.prices[f]);
  }
}

// 4'. With input–output links, each owned region's block (factor markets, price indices and
// revenues) at x with the national terms fixed.
void EquilibriumResidual::clear_owned_blocks(double* G) {
  profiling::Event event(profiling::ids().local_clearing);
  const auto b = static_cast<std::size_t>(unknowns_.block);
  for (std::size_t j = 0; j < state_.size(); ++j)
    if (!io_block_->residual(j, &last_x_[j * b], G + j * b, false)) {
      local_failure_ = true;
      outside_[j] = 1;
    }
}

// 5. Migration: origin denominators D_o and the population each destination attracts. Local
// clearing needs market access, not the migration pass, so the ranks take the two in
// alternating order (the pass streams kernel rows from memory, the clearing computes): on a
// node whose ranks share one memory bus, half of them stream at a time (an A/B of 8 + 8 runs
// at N = 4,000 on 2 ranks: 0.0111 -> 0.0108 s per residual; bitwise the same results). Migrant
// terms are summed directly, not as differences, so migrants_in/out keep full relative
// precision even when most people stay.
void EquilibriumResidual::migration(const std::vector<double>& L, double* G) {
  auto& v = terms_.view();
  const std::size_t n = state_.size();
  const auto& hukou_pow = terms_.hukou_pow();
  own_pow_.resize(n);
  attraction_.resize(n);
  outflow_.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    own_pow_[j] = std::pow(v.utility[j], epsilon_);
    attraction_[j] = own_pow_[j] * hukou_pow[j];
  }
  {
    profiling::Event exchange(profiling::ids().exchange);
    layout_.allgather(attraction_.data(), 1, v.attraction_all);
  }
  const bool clear_first = layout_.rank() % 2 == 1;
  if (clear_first) clear_owned_markets(prices_, L, G);
  const KernelPasses::Stayers stayers{v.stayer_rent_ratio.data(), epsilon_};
  passes_.migration_pass(v.attraction_all.data(), own_pow_.data(), state_.registered, v.leaving_weight.data(),
                         v.migration_denominator.data(), outflow_.data(),
                         v.stayer_rent_ratio.empty() ? nullptr : &stayers);
  if (!v.stayer_rent_ratio.empty()) v.own_term = own_pow_;  // read only under land_income: stayers
  if (!clear_first) clear_owned_markets(prices_, L, G);
  {
    profiling::Event exchange(profiling::ids().exchange);
    layout_.reduce_sum(passes_.inflow_partial(), 1, v.inflow.data());
  }
  const int b = unknowns_.block;
  for (std::size_t j = 0; j < n; ++j) {
    v.inflow[j] *= attraction_[j];
    v.population_demand[j] = own_pow_[j] * outflow_[j] + v.inflow[j];
    G[j * b + unknowns_.population_slot] = std::log(L[j]) - std::log(v.population_demand[j]);
  }
}

}  // namespace regio
