#include "regio/productivity_inversion.hpp"

#include <fmt/format.h>

#include <chrono>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/solve_report.hpp"

namespace regio {

ProductivityInversion::ProductivityInversion(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                                             EconomyState& state, std::vector<double> observed_gdp,
                                             std::shared_ptr<const TransportCosts> costs)
    : sc_(sc),
      layout_(layout),
      geo_(geo),
      state_(state),
      tech_(sc),
      unknowns_(tech_, false, true),
      costs_(costs ? std::move(costs) : std::make_shared<const TransportCosts>(sc, geo)),
      passes_(sc, tech_, geo, state, layout.comm()),
      terms_(sc, tech_, layout, geo, state, passes_),
      residual_(sc, tech_, layout, state, unknowns_, terms_, std::move(observed_gdp)) {
  set_costs(costs_);
}

void ProductivityInversion::set_costs(std::shared_ptr<const TransportCosts> costs) {
  costs_ = std::move(costs);
  passes_.build(*costs_);
  terms_.setup_external(*costs_);
}

Equilibrium ProductivityInversion::results() const {
  return Equilibrium{tech_, geo_, terms_.view(), passes_.rows(), false, sc_.migration.elasticity};
}

std::vector<double> ProductivityInversion::unknowns_at_state(const std::vector<double>& shift) const {
  std::vector<double> x;
  unknowns_.pack(state_, x, &shift);
  return x;
}

SolveStats ProductivityInversion::solve(const std::string& context) {
  const auto t0 = std::chrono::steady_clock::now();
  terms_.prepare_solve();
  // With input–output links P and R start from sweeps at the state's prices, as the first
  // equilibrium solve's (NationalSystem::initialise_intermediates).
  if (tech_.intermediates() && state_.sector_price.empty())
    sweep_intermediates(terms_, tech_, state_.prices, state_.population, nullptr, 40, state_.sector_price,
                        state_.gross_revenue);
  residual_.log().start_solve();
  const std::vector<double> no_shift(state_.size(), 0.0);
  const auto result = solve_nonlinear(
      layout_.comm(), "calibration_", unknowns_.block, unknowns_at_state(no_shift),
      [this](const double* x, double* G) { return residual_(x, G); }, sc_.solver);
  SolveStats st = solve_stats(result);
  unknowns_.unpack_prices(result.x.data(), state_.size(), state_.prices);
  if (unknowns_.price_slot >= 0) {  // P and R (the populations stay the observed ones)
    std::vector<double> log_price;
    unknowns_.unpack_intermediate(result.x.data(), state_.size(), log_price, state_.gross_revenue);
    for (std::size_t k = 0; k < log_price.size(); ++k) state_.sector_price[k] = std::exp(log_price[k]);
  }
  std::vector<double> shift(state_.size());
  unknowns_.unpack_shift(result.x.data(), shift);
  if (!result.converged) {
    std::vector<double> x = unknowns_at_state(shift), G(x.size());
    residual_(x.data(), G.data());
    raise_on_all_ranks(SolverError(
        nonconvergence_message(context, "calibration", result, G, unknowns_.block, layout_, geo_, "calibration_")));
  }
  // Fold the calibrated shifts into the fundamentals, and evaluate there (the terms at the solution).
  const std::size_t S = tech_.S;
  for (std::size_t j = 0; j < state_.size(); ++j)
    for (std::size_t s = 0; s < S; ++s) state_.log_productivity[j * S + s] += shift[j];
  std::vector<double> x = unknowns_at_state(no_shift), G(x.size());
  residual_(x.data(), G.data());
  st.residual_evaluations = residual_.log().evaluations();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace regio
