#include "regio/simulation.hpp"

#include "regio/profiling.hpp"

#include <boost/mpi/collectives.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace regio {

Simulation::Simulation(const boost::mpi::communicator& comm, DistributedInputs inputs)
    : comm_(comm), inputs_(std::move(inputs)) {
  layout_ = std::make_unique<Layout>(static_cast<MPI_Comm>(comm_), inputs_.owners);
  state_ = make_state(inputs_.scenario, inputs_.owned);
  system_ = std::make_unique<NationalSystem>(inputs_.scenario, *layout_, inputs_.geography, state_);
  for (const auto& r : state_.records)
    neighbours_.push_back(nearest_neighbours(inputs_.geography, static_cast<std::size_t>(r.index),
                                             static_cast<std::size_t>(inputs_.scenario.productivity.neighbours)));
}

SolveStats Simulation::solve() {
  profiling::Stage stage(profiling::ids().solve);
  SolveStats st = system_->solve(fmt::format("epoch {} (year {})", state_.epoch, year()));
  if (state_.epoch == 0 && inputs_.scenario.scale_to_observed_gdp && !gdp_scaled_) {
    // MODEL.md §6: scaling every Ā_is by c scales w, r, q, incomes and GDP by c and leaves
    // unit prices, price indices, P̄ and migration shares unchanged, so the scaled point is
    // again an equilibrium; the re-solve below confirms it (0–1 Newton steps).
    const auto all = all_outcomes();
    std::vector<double> observed;
    for (const auto& r : state_.records) observed.push_back(r.gdp);
    double model_gdp = 0;
    for (const auto& o : all) model_gdp += o.gdp;
    const double c = layout_->ordered_sum(observed) / model_gdp;
    for (auto& a : state_.log_productivity) a += std::log(c);
    for (auto& p : state_.prices)
      for (int f = 0; f < 3; ++f)
        if (system_->technology().active[f]) p[f] *= c;
    gdp_scaled_ = true;
    const SolveStats again = system_->solve(fmt::format("epoch 0 (year {}, after scaling to observed GDP)", year()));
    st.nonlinear_iterations += again.nonlinear_iterations;
    st.linear_iterations += again.linear_iterations;
    st.residual_evaluations += again.residual_evaluations;
    st.residual_norm = again.residual_norm;
    st.seconds += again.seconds;
    st.reason = again.reason;
  }
  return st;
}

std::vector<RegionOutcome> Simulation::local_outcomes() const {
  profiling::Stage stage(profiling::ids().outcomes);
  profiling::Event event(profiling::ids().outcomes_event);
  return region_outcomes(inputs_.scenario, *system_, state_);
}

Aggregates Simulation::aggregates_from_local(const std::vector<RegionOutcome>& mine) const {
  // The fields national_aggregates reads, exchanged as one N×W array in CSV order.
  constexpr int W = 13;
  std::vector<double> local(mine.size() * W), all;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    const auto& o = mine[j];
    double employment = 0;
    for (double e : o.employment) employment += e;
    const double row[W] = {o.gdp, o.price_index, o.population, o.goods_spending, o.spending_elsewhere,
                           o.spending_other_provinces, o.migrants_in, o.interprovincial_migrants, employment,
                           o.agricultural_employment, o.registered, o.expected_utility, o.gdp_pc};
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
  }
  return national_aggregates(inputs_.scenario, lite);
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

void Simulation::advance() {
  profiling::Stage stage(profiling::ids().dynamics);
  profiling::Event event(profiling::ids().dynamics_event);
  advance_epoch(inputs_.scenario, *system_, neighbours_, state_);
}

}  // namespace regio
