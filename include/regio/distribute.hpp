#pragma once
// Reading inputs once (rank 0), validating them, and sending each rank what it needs with
// Boost.MPI: the scenario and decomposition to all, the O(N) geography to all, and each
// region record only to the rank that owns its province.
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <string>
#include <vector>

#include "regio/decomposition.hpp"
#include "regio/economy_state.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct DistributedInputs {
  Scenario scenario;
  Decomposition decomposition;
  GlobalGeography geography;
  std::vector<int> owners;    // owning rank of each region (CSV order)
  std::vector<Region> owned;  // this rank's records, CSV order
};

// Rank-local: what `run` checks before solving, for `ranks` ranks — load and validate the region
// CSV of `scenario` (gdp > 0 with require_gdp or scale_to_observed_gdp), resolve its policies
// and network file against the regions, and the decomposition. `regio validate` calls it too.
struct LoadedInputs {
  Scenario scenario;  // with its policies resolved
  std::vector<Region> regions;
  Decomposition decomposition;
  std::vector<int> owners;  // owning rank of each region (CSV order)
};
LoadedInputs load_inputs(const Scenario& scenario, const std::string& decomp_path, int ranks, bool require_gdp = false);

// Collective. Rank 0 loads the regions of `scenario` and the decomposition (`decomp_path`
// overrides the scenario's; "auto" or "" builds one for comm.size()), validates them, and
// distributes. Throws InputError on every rank on bad input.
// With require_gdp, every region must have gdp > 0 (calibration); scale_to_observed_gdp
// implies it.
DistributedInputs distribute_inputs(const boost::mpi::communicator& comm, const Scenario& scenario,
                                    const std::string& decomp_path, bool require_gdp = false);

// Same, for already-loaded regions (tests; rank 0's `regions` is used).
DistributedInputs distribute_regions(const boost::mpi::communicator& comm, const Scenario& scenario,
                                     const std::vector<Region>& regions, const Decomposition* decomposition);

// Resolve which decomposition to use and load it (rank-local, no communication).
Decomposition resolve_decomposition(const Scenario& scenario, const std::string& decomp_path,
                                    const std::vector<Region>& regions, int ranks);

}  // namespace regio
