#include "regio/simulation.hpp"

#include <boost/mpi/collectives.hpp>
#include <fmt/format.h>

#include <algorithm>

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
  return system_->solve(fmt::format("epoch {} (year {})", state_.epoch, year()));
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
