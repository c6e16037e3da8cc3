#pragma once
// A simulation: the distributed state, its national system and the epoch loop's steps.
// Construction and every method are collective over the layout's communicator.
#include <boost/mpi/communicator.hpp>
#include <memory>
#include <string>
#include <vector>

#include "regio/checkpoint.hpp"
#include "regio/distribute.hpp"
#include "regio/dynamics.hpp"
#include "regio/layout.hpp"
#include "regio/national_system.hpp"
#include "regio/outcomes.hpp"
#include "regio/policy_schedule.hpp"
#include "regio/welfare_terms.hpp"

namespace regio {

class Simulation {
 public:
  Simulation(const boost::mpi::communicator& comm, DistributedInputs inputs);

  // Solve the current epoch's equilibrium (throws SolverError on every rank on failure). The
  // policies of the epoch take effect first (at epoch 0 after the GDP level scaling, which is
  // therefore policy-neutral: a scenario and its baseline share the same Ā level).
  SolveStats solve();
  // Outcomes of this rank's regions (CSV order).
  std::vector<RegionOutcome> local_outcomes() const;
  // Outcomes of ALL regions in CSV order, on every rank (O(N) records; tests and small runs).
  std::vector<RegionOutcome> all_outcomes() const;
  // The welfare channels of this rank's regions (welfare_terms.hpp; CSV order). Throws
  // std::logic_error where they are not built (welfare_terms_problem).
  std::vector<WelfareTerms> local_welfare_terms() const;
  // National aggregates from all regions' outcomes (pure), or from this rank's outcomes with
  // O(N) allgathers of the few per-region numbers they need (no full records are gathered).
  Aggregates aggregates(const std::vector<RegionOutcome>& all) const;
  Aggregates aggregates_from_local(const std::vector<RegionOutcome>& mine) const;
  // Persons registered in province p living in province q (P×P, row p), on every rank; empty
  // with migration off. Movers only: a region's stayers L_oo are not counted (the diagonal holds
  // the moves between regions of one province). Summed per rank, then across ranks.
  std::vector<double> province_migration_flows() const;
  // Move to the next epoch (MODEL.md §3).
  void advance();
  // Checkpoints: write the state at the start of the next epoch with the solver's carried state
  // (identity.epoch is set to it), or continue from one (any rank count); restore returns the
  // checkpoint's identity (its epoch: the one to solve next; its run id). Both collective.
  void save(const std::string& path, CheckpointInfo identity) const;
  CheckpointInfo restore(const std::string& path, const CheckpointInfo& identity);

  int epoch() const { return state_.epoch; }
  int year() const { return inputs_.scenario.start_year + state_.epoch; }
  const Scenario& scenario() const { return inputs_.scenario; }
  const Decomposition& decomposition() const { return inputs_.decomposition; }
  const std::vector<int>& owners() const { return inputs_.owners; }  // owning rank of each region (CSV order)
  const GlobalGeography& geography() const { return inputs_.geography; }
  EconomyState& state() { return state_; }
  NationalSystem& system() { return *system_; }
  // Non-empty if the first solve of an open economy had to open up gradually (for the log).
  const std::string& opening_note() const { return opening_note_; }
  const Layout& layout() const { return *layout_; }
  std::size_t num_regions() const { return inputs_.geography.size(); }

 private:
  boost::mpi::communicator comm_;
  DistributedInputs inputs_;
  std::unique_ptr<Layout> layout_;
  EconomyState state_;
  std::unique_ptr<NationalSystem> system_;
  std::vector<std::vector<std::size_t>> neighbours_;
  bool gdp_scaled_ = false;
  std::unique_ptr<PolicySchedule> schedule_;
  int region_policies_done_ = -1;  // last epoch whose region policies were written into the state
  void enact_policies();
  SolveStats solve_once(const std::string& context);
  bool opened_ = false;       // the open economy has been solved once (directly or gradually)
  std::string opening_note_;  // why the cold start opened up gradually (external.cold_start: auto)
  PolicyRegime regime_;       // the national side of the policies in force (enact_policies)
};

}  // namespace regio
