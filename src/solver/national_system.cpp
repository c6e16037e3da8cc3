#include "regio/national_system.hpp"

#include <chrono>
#include <cmath>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/solve_report.hpp"

namespace regio {

PolicyRegime no_policy_regime(const Scenario& sc, std::shared_ptr<const TransportCosts> costs) {
  PolicyRegime r;
  r.costs = std::move(costs);
  r.home_bias = sc.capital.home_bias;
  r.net_exports = sc.external.net_exports;
  return r;
}

NationalSystem::NationalSystem(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                               EconomyState& state, std::shared_ptr<const TransportCosts> costs)
    : sc_(sc),
      layout_(layout),
      geo_(geo),
      state_(state),
      tech_(sc),
      unknowns_(tech_, sc.migration.enabled, false),
      costs_(costs ? std::move(costs) : std::make_shared<const TransportCosts>(sc, geo)),
      passes_(sc, tech_, geo, state, layout.comm()),
      terms_(sc, tech_, layout, geo, state, passes_),
      residual_(sc, tech_, layout, state, unknowns_, terms_, passes_),
      preconditioner_(sc, tech_, layout, geo, state, unknowns_, terms_, residual_),
      warm_start_(sc.solver.warm_start_order) {
  passes_.build(*costs_);
  terms_.setup_external(*costs_);
}

Equilibrium NationalSystem::results() const {
  return Equilibrium{tech_, geo_, terms_.view(), passes_.rows(), residual_.migration(), sc_.migration.elasticity};
}

void NationalSystem::apply_regime(const PolicyRegime& regime) {
  // New bilateral costs (infrastructure, market integration) rebuild the kernel rows.
  if (regime.costs && !(*regime.costs == *costs_)) {
    costs_ = regime.costs;
    passes_.build(*costs_);
    terms_.setup_external(*costs_);
  }
  terms_.set_regime(regime);
}

std::vector<double> NationalSystem::current_unknowns() const {
  std::vector<double> x;
  unknowns_.pack(state_, x);
  return x;
}

void NationalSystem::refresh() {
  std::vector<double> x = current_unknowns(), G(x.size());
  residual_(x.data(), G.data());
}

std::vector<double> NationalSystem::residual_at_state() {
  std::vector<double> x = current_unknowns(), G(x.size());
  residual_(x.data(), G.data());
  return G;
}

// The numeraire first. P̄ = Σ L P / Σ L is homogeneous of degree 1 in the factor prices (w, r, q)
// at given populations (exactly in a closed economy; the rest of the world's fixed prices make it
// nearly so), so dividing every price by P̄(x0) puts the price level right. A start whose level
// is off costs Newton steps out of proportion: China-31 and the prefectures took 22 / 28
// residual evaluations instead of 15 / 22 from their calibrated guess × e, 23–27 / 33–52 from
// × e^±3 to e^6, and +2–3 already from × e^0.1; with the rescaling each costs one evaluation
// more. A guess from observed GDP is in yuan, not in the numeraire's units (synthetic
// N = 1,000: P̄ = e^−5.4), and took 47 instead of 28. The rescaled point costs one more
// evaluation, so only a level off by more than kLevelTolerance is rescaled: warm starts are off
// by the year's productivity growth (2.6 %), and rescaling them cost 10 % more evaluations over
// 30 epochs. Otherwise G(x0) is handed to SNES and not evaluated twice. Collective; the verdict
// (true: G0 is G(x0) for SNES to start from) is the same on every rank. If an extrapolated warm
// start's level is off (not seen), the state is rescaled and the solve starts from x_t instead.
bool NationalSystem::put_price_level_right(std::vector<double>& x0, std::vector<double>& G0) {
  constexpr double kLevelTolerance = 0.1;  // |log P̄(x0)|
  G0.resize(x0.size());
  residual_(x0.data(), G0.data());
  const double price_level = terms_.view().price_level;
  const double level = std::log(price_level);                               // the same on every rank (ordered sums)
  if (!residual_.log().in_domain() || !std::isfinite(level)) return false;  // SNES evaluates x0 and reports it
  if (std::abs(level) <= kLevelTolerance) return true;
  for (auto& p : state_.prices)
    for (int f = 0; f < 3; ++f)
      if (tech_.active[f]) p[f] /= price_level;
  // With input–output links unit costs are homogeneous of degree 1 in (w, r, q, P) together, and
  // revenues are nominal: all move with the level.
  for (auto& P : state_.sector_price) P /= price_level;
  for (auto& R : state_.gross_revenue) R /= price_level;
  x0 = current_unknowns();
  return false;
}

// With input–output links (MODEL.md §9) the sector price indices P_is and revenues R_is are
// unknowns too. The first solve starts them from sweeps of the national terms at the state's
// factor prices: P ← Φ^(−1/θ) and R ← p^−θ MA with the intermediate spending of the last sweep.
// Each sweep is a fixed-point step of the input–output system, which contracts at the rate of
// the largest Σ_k ι_sk (0.75 for China's manufacturing): kInitialSweeps leave ~1e-4 for Newton.
// Collective; nothing to do without links or once the state holds them.
bool NationalSystem::initialise_intermediates() {
  if (!tech_.intermediates() || !state_.sector_price.empty()) return false;
  sweep_intermediates();
  return true;
}

// The sweeps, from the state's P and R where it has them (after the price level was put right:
// in an open economy the rest of the world's prices do not move with the level).
void NationalSystem::sweep_intermediates() {
  constexpr int kInitialSweeps = 40;
  // = registered without migration
  regio::sweep_intermediates(terms_, tech_, state_.prices, state_.population, nullptr, kInitialSweeps,
                             state_.sector_price, state_.gross_revenue);
}

SolveStats NationalSystem::solve(const PolicyRegime& regime, const std::string& context) {
  const auto t0 = std::chrono::steady_clock::now();
  apply_regime(regime);
  terms_.prepare_solve();
  residual_.log().start_solve();
  preconditioner_.start_solve();
  const bool fresh_intermediates = initialise_intermediates();
  std::vector<double> x0 = warm_start_guess(), G0;
  bool have_G0 = put_price_level_right(x0, G0);
  if (fresh_intermediates && !have_G0 && sc_.external.enabled) {  // rescaled: sweep again at the new level
    sweep_intermediates();
    x0 = current_unknowns();
  }
  const Preconditioner pre{
      [this](const double* x, int krylov_iterations) { preconditioner_.setup(x, krylov_iterations); },
      [this](const double* r, double* y) { preconditioner_.apply(r, y); }};
  const auto result = solve_nonlinear(
      layout_.comm(), "national_", unknowns_.block, x0, [this](const double* x, double* G) { return residual_(x, G); },
      sc_.solver, preconditioner_.needed() ? &pre : nullptr, preconditioner_.recycler(), have_G0 ? &G0 : nullptr);
  SolveStats st = solve_stats(result);
  // Store the final iterate (also when failing: the diagnostics evaluate at it).
  unknowns_.unpack_to_state(result.x.data(), state_);
  if (!result.converged) {
    const std::vector<double> G = residual_at_state();  // also marks the regions outside the domain
    raise_on_all_ranks(
        SolverError(nonconvergence_message(context, "national", result, G, unknowns_.block, layout_, geo_, "national_",
                                           residual_.outside_domain(), extreme_inputs(state_, layout_, geo_))));
  }
  // The view at the solution: usually the line search's last evaluation was there already.
  if (!every_rank(layout_.comm(), residual_.last_x() == result.x)) refresh();
  st.residual_evaluations = residual_.log().evaluations();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

void NationalSystem::record_epoch_solution(bool trend_continues) {
  warm_start_.record(current_unknowns(), trend_continues);
}

void NationalSystem::forget_carried_state() {
  preconditioner_.forget();
  warm_start_.forget_trend();
}

void NationalSystem::scale_level(double c) {
  if (tech_.intermediates()) return scale_level_with_intermediates(c);
  for (auto& a : state_.log_productivity) a += std::log(c);
  for (auto& p : state_.prices)
    for (int f = 0; f < 3; ++f)
      if (tech_.active[f]) p[f] *= c;
  std::vector<double> shift(state_.size() * static_cast<std::size_t>(unknowns_.block), 0.0);
  for (std::size_t j = 0; j < state_.size(); ++j)
    for (int f = 0; f < 3; ++f)
      if (unknowns_.factor_slot[f] >= 0) shift[j * unknowns_.block + unknowns_.factor_slot[f]] = std::log(c);
  preconditioner_.translate(shift);
}

// With input–output links, scaling Ā_is by c^(α_s+β_s+λ_s) (the value-added share) and w, r, q
// and revenues by c leaves unit costs, price indices and all shares unchanged (the
// intermediate bundle's prices do not move): the symmetry that scaling Ā by c is in Part I.
void NationalSystem::scale_level_with_intermediates(double c) {
  const std::size_t S = tech_.S, b = static_cast<std::size_t>(unknowns_.block);
  for (std::size_t k = 0; k < state_.log_productivity.size(); ++k)
    state_.log_productivity[k] += tech_.value_added_share(k % S) * std::log(c);
  for (auto& p : state_.prices)
    for (int f = 0; f < 3; ++f)
      if (tech_.active[f]) p[f] *= c;
  for (auto& R : state_.gross_revenue) R *= c;
  std::vector<double> shift(state_.size() * b, 0.0);
  for (std::size_t j = 0; j < state_.size(); ++j) {
    for (int f = 0; f < 3; ++f)
      if (unknowns_.factor_slot[f] >= 0) shift[j * b + unknowns_.factor_slot[f]] = std::log(c);
    for (std::size_t s = 0; s < S; ++s) shift[j * b + unknowns_.revenue_slot + s] = std::log(c);
  }
  preconditioner_.translate(shift);
}

std::vector<std::string> NationalSystem::solver_state_names() const {
  std::vector<std::string> names;
  preconditioner_.state_names(names);
  warm_start_.state_names(names);
  return names;
}

std::vector<SolverArray> NationalSystem::solver_state() const {
  std::vector<SolverArray> arrays;
  preconditioner_.append_state(arrays);
  warm_start_.append_state(arrays, state_.size(), unknowns_.block, layout_.comm());
  return arrays;
}

void NationalSystem::restore_solver_state(const std::vector<SolverArray>& arrays) {
  preconditioner_.restore_state(arrays);
  warm_start_.restore_state(arrays, unknowns_.block);
}

}  // namespace regio
