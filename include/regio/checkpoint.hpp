#pragma once
// Checkpoints (parallel HDF5): the full state at the start of an epoch, in CSV order, so that a
// run can be restarted on any number of ranks and with any decomposition. Written to a
// temporary name and renamed when complete; the run's last two are kept (prune_checkpoints).
// Integrity (docs/guarantees.md): every dataset has a `checksum` attribute (checkpoint_arrays.hpp)
// and the root attributes an `identity_checksum`, verified on reading; restored values must be
// finite, stocks and prices positive; `run_id` names the run (run.yaml's run_id).
//
// Layout (readable with h5py; CTest outputs_h5py_np3): datasets /state/<name> in CSV order,
// of shape (N, 1): capital, registered, population, amenity, land, capital_friction,
// hukou_barrier, conversion_rate, lagged_capital_rent; (N, S): log_productivity; (N, 3): prices
// (w, r, q); with input–output links also (N, S): sector_price, gross_revenue (P_is, R_is,
// unknowns of the solve, MODEL.md §9). The stocks are those of the start of the epoch; population and prices are the
// previous epoch's solution, the next solve's warm start. Attributes on / : epoch (the next
// epoch to solve), regions, sectors, scenario_hash, geography_hash, regio_version,
// format_version (2), run_id, identity_checksum. Optional: /solver/<name> (N × width, CSV order; 1-D for global arrays), the
// national solver's state carried from epoch to epoch (NationalSystem::solver_state: the
// province coarse correction, the recycled Krylov pairs and the warm-start trend
// (warm_start_solution, warm_start_step, warm_start_previous_step: the last solution and the
// steps the last two epochs took, docs/numerics.md), per region), so that a restart
// continues exactly; absent in older checkpoints, or of another width (the coarse correction's
// rows gained the region's weight in R on 2026-11-24), in which case the restarted run rebuilds it.
#include <cstdint>
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/layout.hpp"
#include "regio/scenario.hpp"
#include "regio/solver_state.hpp"

namespace regio {

struct CheckpointInfo {
  int epoch = 0;  // next epoch to solve
  std::uint64_t scenario_hash = 0;
  std::uint64_t geography_hash = 0;
  std::string version;
  std::string run_id;  // the run the checkpoint belongs to (run.yaml's run_id)
};

// Hash of everything in the scenario that changes results (not epochs, output or decomposition).
std::uint64_t scenario_hash(const Scenario& sc);
// Hash of the regions' identity and geography (ids, coordinates, areas, provinces).
std::uint64_t geography_hash(const GlobalGeography& geo);

// Collective. Write the state to `path` (via `path`.tmp and a rename by rank 0), with the solver
// arrays (same names and widths on every rank; width 0 is skipped).
void write_checkpoint(const std::string& path, const Layout& layout, const EconomyState& st, const CheckpointInfo& info,
                      const std::vector<SolverArray>& solver = {});

// Collective. Read a checkpoint into the owned rows of `st`; throws InputError (on every rank)
// if the file cannot be read, fails a checksum, holds a value no run can hold (naming the
// region), or was written for another scenario or other regions. Solver
// arrays named in `solver_names` that the file has are returned (with their widths).
CheckpointInfo read_checkpoint(const std::string& path, const Layout& layout, EconomyState& st,
                               const CheckpointInfo& expected, const std::vector<std::string>& solver_names = {},
                               std::vector<SolverArray>* solver = nullptr);

// Collective (rank 0 acts). After `newest` was written: keep it and the `keep` - 1 most recent
// checkpoints of run `run_id` before it in its folder; delete this run's older ones. Files of
// other runs, unreadable ones and later epochs (of a timeline a restart abandoned) are left.
void prune_checkpoints(const std::string& newest, int keep, const std::string& run_id, const Layout& layout);

std::string checkpoint_name(int epoch);  // "checkpoint-e000010.h5"

}  // namespace regio
