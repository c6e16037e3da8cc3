#include "regio/simulation.hpp"

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

std::vector<RegionOutcome> Simulation::all_outcomes() const {
  const auto mine = region_outcomes(inputs_.scenario, *system_, state_);
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

void Simulation::advance() { advance_epoch(inputs_.scenario, *system_, neighbours_, state_); }

}  // namespace regio
