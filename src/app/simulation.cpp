#include "regio/simulation.hpp"

#include "regio/error.hpp"
#include "regio/profiling.hpp"

#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>

#include <algorithm>
#include <cmath>

namespace regio {

Simulation::Simulation(const boost::mpi::communicator& comm, DistributedInputs inputs)
    : comm_(comm), inputs_(std::move(inputs)) {
  layout_ = std::make_unique<Layout>(static_cast<MPI_Comm>(comm_), inputs_.owners);
  const int have_gdp =
      std::all_of(inputs_.owned.begin(), inputs_.owned.end(), [](const Region& r) { return r.gdp > 0; });
  state_ = make_state(inputs_.scenario, inputs_.owned,
                      boost::mpi::all_reduce(comm_, have_gdp, boost::mpi::minimum<int>()) == 1);
  schedule_ = std::make_unique<PolicySchedule>(inputs_.scenario, inputs_.geography);
  // Policy-free until the first solve enacts epoch 0.
  auto costs = schedule_->costs_at(-1);
  system_ = std::make_unique<NationalSystem>(inputs_.scenario, *layout_, inputs_.geography, state_, costs);
  regime_ = no_policy_regime(inputs_.scenario, std::move(costs));
  std::vector<std::size_t> rows;
  for (const auto& r : state_.records) rows.push_back(static_cast<std::size_t>(r.index));
  neighbours_ =
      nearest_neighbours(inputs_.geography, rows, static_cast<std::size_t>(inputs_.scenario.productivity.neighbours));
}

void Simulation::enact_policies() {
  const int e = state_.epoch;
  // Region values once per epoch (a restart's checkpoint already holds those of earlier epochs).
  if (region_policies_done_ < e) {
    schedule_->apply_region_policies(e, state_);
    region_policies_done_ = e;
  }
  // The national regime as of this epoch, a pure function of the epoch (a restart may jump
  // several at once); the solver rebuilds its kernels only when the costs change.
  regime_.costs = schedule_->costs_at(e);
  regime_.fiscal = schedule_->fiscal_at(e, state_);
  regime_.home_bias = schedule_->home_bias_at(e);
  regime_.wedge_exponent = schedule_->wedge_exponent_at(e);
  regime_.net_exports = schedule_->net_exports_at(e);
  if (inputs_.scenario.external.enabled) regime_.external_cost_factors = schedule_->external_cost_factors_at(e, state_);
}

namespace {
// Several solves reported as one epoch: counts and seconds add up, the last residual and reason stand.
void accumulate(SolveStats& total, const SolveStats& st) {
  total.nonlinear_iterations += st.nonlinear_iterations;
  total.linear_iterations += st.linear_iterations;
  total.residual_evaluations += st.residual_evaluations;
  total.residual_norm = st.residual_norm;
  if (total.initial_residual_norm == 0) total.initial_residual_norm = st.initial_residual_norm;
  total.seconds += st.seconds;
  total.reason = st.reason;
}
}  // namespace

SolveStats Simulation::solve_once(const std::string& context) {
  if (!inputs_.scenario.external.enabled || opened_ || state_.epoch > 0) return system_->solve(regime_, context);
  // Cold start of an open economy (external.cold_start). `auto`: Newton straight from the
  // closed-economy guess; with the capped first step of the line search this converged for
  // t_W = 1.05–5, net exports −0.05–0.1, calibrated and uncalibrated China-31, in 14–41
  // residual evaluations, where opening up gradually took 48–95 (docs/numerics.md). If it
  // fails, and with `gradual`, open up in steps: solve with the rest-of-the-world costs ×8, ×4,
  // ×2, ×1.4 (a nearly closed economy first), then as given.
  SolveStats total;
  if (inputs_.scenario.external.cold_start == "auto") {
    const auto prices = state_.prices;
    const auto population = state_.population;
    const auto sector_price = state_.sector_price, gross_revenue = state_.gross_revenue;
    const long before = system_->residual_log().total_evaluations();
    try {
      total = system_->solve(regime_, context);
      opened_ = true;
      return total;
    } catch (const SolverError& direct) {  // thrown on every rank alike
      state_.prices = prices;
      state_.population = population;
      state_.sector_price = sector_price;
      state_.gross_revenue = gross_revenue;
      system_->forget_carried_state();
      total.residual_evaluations = static_cast<int>(system_->residual_log().total_evaluations() - before);
      std::string why = direct.what();  // "...: SNES reason R after N nonlinear iterations, ||G|| = X (history..."
      if (const auto at = why.find("SNES reason"); at != std::string::npos) why = why.substr(at);
      why = why.substr(0, why.find(" (history"));
      opening_note_ = fmt::format(
          "the first solve of the open economy did not converge directly ({}); opened up "
          "gradually instead (external costs x8, x4, x2, x1.4, x1)",
          why);
    }
  }
  auto factors = regime_.external_cost_factors;
  if (factors.empty()) factors.assign(state_.size(), 1.0);
  PolicyRegime opening = regime_;
  for (double f : {8.0, 4.0, 2.0, 1.4, 1.0}) {
    opening.external_cost_factors = factors;
    for (auto& x : opening.external_cost_factors) x *= f;
    accumulate(total,
               system_->solve(
                   opening, f == 1.0 ? context : fmt::format("{} (opening to trade: external costs x{})", context, f)));
  }
  opened_ = true;
  return total;
}

SolveStats Simulation::solve() {
  profiling::Stage stage(profiling::ids().solve);
  SolveStats st;
  const bool scale = state_.epoch == 0 && inputs_.scenario.scale_to_observed_gdp && !gdp_scaled_;
  if (scale) {
    // MODEL.md §6: scaling every Ā_is by c scales w, r, q, incomes and GDP by c and leaves
    // unit prices, price indices, P̄ and migration shares unchanged, so the scaled point is
    // again an equilibrium; the re-solve below confirms it (0–1 Newton steps). The scale is
    // taken before any policy acts, so scenarios share their baseline's level of Ā.
    st = solve_once(fmt::format("epoch 0 (year {}, before scaling to observed GDP)", year()));
    // Model GDP region by region (region_gdp), not all_outcomes(): the outcomes' trade and
    // migration statistics are O(N²) and not needed here (about 1 s at N = 16,000 on one rank).
    std::vector<double> observed, model;
    for (std::size_t j = 0; j < state_.size(); ++j) {
      observed.push_back(state_.records[j].gdp);
      model.push_back(region_gdp(system_->results(), j));
    }
    system_->scale_level(layout_->ordered_sum(observed) / layout_->ordered_sum(model));
    gdp_scaled_ = true;
  }
  enact_policies();
  // A policy changes what the coarse correction approximates (kernels, barriers, transfers):
  // measured on the prefectures, a border removal with the old one cost 36–46 residual
  // evaluations per epoch instead of 21–31. Decided by the schedule, so a restart does the same.
  const bool policy_starts = !schedule_->starting_at(state_.epoch).empty();
  if (policy_starts) system_->forget_carried_state();
  accumulate(st, solve_once(fmt::format("epoch {} (year {})", state_.epoch, year())));
  // The trend for the next warm start (NationalSystem::record_epoch_solution): not from the data
  // year, not across a policy taking effect.
  system_->record_epoch_solution(state_.epoch >= 2 && !policy_starts);
  return st;
}

std::vector<RegionOutcome> Simulation::local_outcomes() const {
  profiling::Stage stage(profiling::ids().outcomes);
  profiling::Event event(profiling::ids().outcomes_event);
  return region_outcomes(inputs_.scenario, system_->results(), state_);
}

std::vector<WelfareTerms> Simulation::local_welfare_terms() const {
  return welfare_terms(inputs_.scenario, system_->results(), state_);
}

Aggregates Simulation::aggregates_from_local(const std::vector<RegionOutcome>& mine) const {
  // The fields national_aggregates reads, exchanged as one N×W array in CSV order.
  constexpr int W = 17;
  std::vector<double> local(mine.size() * W), all;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    const auto& o = mine[j];
    double employment = 0;
    for (double e : o.employment) employment += e;
    const double row[W] = {o.gdp,
                           o.price_index,
                           o.population,
                           o.goods_spending,
                           o.spending_elsewhere,
                           o.spending_other_provinces,
                           o.migrants_in,
                           o.interprovincial_migrants,
                           employment,
                           o.agricultural_employment,
                           o.registered,
                           o.expected_utility,
                           o.gdp_pc,
                           o.income,
                           o.transfer,
                           o.imports,
                           o.exports};
    std::copy(row, row + W, &local[j * W]);
  }
  layout_->allgather(local.data(), W, all);
  std::vector<RegionOutcome> lite(num_regions());
  for (std::size_t i = 0; i < lite.size(); ++i) {
    const double* r = &all[i * W];
    auto& o = lite[i];
    o.gdp = r[0], o.price_index = r[1], o.population = r[2], o.goods_spending = r[3], o.spending_elsewhere = r[4];
    o.spending_other_provinces = r[5], o.migrants_in = r[6], o.interprovincial_migrants = r[7];
    o.employment = {r[8]};
    o.agricultural_employment = r[9], o.registered = r[10], o.expected_utility = r[11], o.gdp_pc = r[12];
    o.income = r[13], o.transfer = r[14], o.imports = r[15], o.exports = r[16];
  }
  Aggregates a = national_aggregates(inputs_.scenario, lite);
  // MODEL.md §4: transfers are financed within the nation (Σ T = 0 by construction; a violation
  // is a bug, not an input problem, and must not pass silently into the outputs).
  if (std::abs(a.net_transfers) > 1e-9 * std::max(a.transfers, 1e-300) && a.transfers > 0)
    raise_on_all_ranks(SolverError(
        fmt::format("epoch {}: fiscal transfers do not balance (Σ T = {:.3e}, gross {:.3e}); please report this",
                    state_.epoch, a.net_transfers, a.transfers)));
  return a;
}

std::vector<RegionOutcome> Simulation::all_outcomes() const {
  const auto mine = local_outcomes();
  std::vector<std::vector<RegionOutcome>> parts;
  boost::mpi::all_gather(comm_, mine, parts);
  std::vector<RegionOutcome> all;
  all.reserve(num_regions());
  for (auto& p : parts) std::move(p.begin(), p.end(), std::back_inserter(all));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return all;
}

Aggregates Simulation::aggregates(const std::vector<RegionOutcome>& all) const {
  return national_aggregates(inputs_.scenario, all);
}

std::vector<double> Simulation::province_migration_flows() const {
  const auto& geo = inputs_.geography;
  const std::size_t P = geo.province_names.size(), N = geo.size();
  const Equilibrium eq = system_->results();
  if (!eq.migration) return {};
  const auto& v = eq.view;
  std::vector<double> local(P * P, 0.0), flows(P * P, 0.0);
  for (std::size_t j = 0; j < state_.size(); ++j) {
    // L_od = R_o (U_d/μ_od)^ε / D_o: the migration row times the destinations' attraction.
    const auto o = static_cast<std::size_t>(state_.records[j].index);
    const double* row = eq.migration_row(j);
    const double scale = state_.registered[j] / v.migration_denominator[j];
    double* out = &local[static_cast<std::size_t>(geo.province[o]) * P];
    for (std::size_t d = 0; d < N; ++d) out[geo.province[d]] += scale * row[d] * v.attraction_all[d];
  }
  MPI_Allreduce(local.data(), flows.data(), static_cast<int>(P * P), MPI_DOUBLE, MPI_SUM, layout_->comm());
  return flows;
}

void Simulation::save(const std::string& path, CheckpointInfo identity) const {
  identity.epoch = state_.epoch;
  write_checkpoint(path, *layout_, state_, identity, system_->solver_state());
}

CheckpointInfo Simulation::restore(const std::string& path, const CheckpointInfo& identity) {
  std::vector<SolverArray> solver_state;
  const CheckpointInfo got =
      read_checkpoint(path, *layout_, state_, identity, system_->solver_state_names(), &solver_state);
  system_->restore_solver_state(solver_state);  // so that the run continues exactly
  return got;
}

void Simulation::advance() {
  profiling::Stage stage(profiling::ids().dynamics);
  profiling::Event event(profiling::ids().dynamics_event);
  const GatherNational gather = [this](const double* owned, int width, std::vector<double>& national) {
    layout_->allgather(owned, width, national);
  };
  advance_epoch(inputs_.scenario, system_->results(), gather, neighbours_, state_,
                schedule_->extra_growth(state_.epoch, state_));
}

}  // namespace regio
