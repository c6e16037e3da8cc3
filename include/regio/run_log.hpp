#pragma once
// What `regio run` prints to stdout from rank 0 (README "Running"): one line per epoch that
// reads well in a SLURM log, the header, the notes and the network in force. Not collective:
// the caller prints on rank 0.
#include <string>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/scenario.hpp"

namespace regio {

// "12.3 s", "4.5 min", "1.25 h".
std::string seconds_text(double seconds);

// Regions per rank: the imbalance (max/mean) and the ranks that own none (a province is never
// split, so ranks beyond the provinces idle).
struct RankLoad {
  double imbalance = 1;
  long idle = 0;
};
RankLoad rank_load(const std::vector<int>& owners, int ranks);
// A `note:` line about the balance, or "" when it is fine.
std::string rank_load_note(const RankLoad& load, int ranks, std::size_t provinces);

// "epoch 3/10 year 2022 | newton 3 (gmres 7, F evals 11) | residual 5.21e-11 | 0.001 s | elapsed 0.0 s | ETA 0.0 s"
std::string progress_line(int epoch, int epochs, int year, const SolveStats& st, double elapsed, double eta);
// "network: 69 links (...), 28 nodes (...), 3.5 exits per region"
std::string network_line(const TransportCosts& costs, std::size_t regions);
// "policy: 'name' (kind at epoch e, ...) takes effect in year Y (n regions)", one per policy starting at `epoch`.
std::vector<std::string> policy_lines(const Scenario& sc, int epoch);
// A misspelt PETSc option is silently ignored by PETSc: one warning line (stderr) per unused option.
void warn_unused_petsc_options();

}  // namespace regio
