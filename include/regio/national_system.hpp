#pragma once
// The national system (MODEL.md §2, "Decomposition of the work"): one epoch's coupled trade and
// migration equilibrium over all regions, solved with PETSc SNES on a Vec laid out by the
// decomposition. It composes the units that each do one job (docs/architecture.md):
//   UnknownLayout          where a region's unknowns sit (unknown_layout.hpp)
//   KernelPasses           the owned kernel rows and the trade and migration passes
//   NationalTerms          the national terms at a point (prices, spending, trade, market access)
//   EquilibriumResidual    G(x) = x − T(x) with local clearing, and migration
//   NationalPreconditioner per-region blocks, province coarse correction, Krylov recycling
//   WarmStart              where each epoch's solve starts (the trend of earlier epochs)
// and carries what one epoch's solve leaves to the next (preconditioner, pairs, trend).
// Construction and the methods marked collective are collective over the layout's communicator.
#include <memory>
#include <string>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/equilibrium_residual.hpp"
#include "regio/national_preconditioner.hpp"
#include "regio/warm_start.hpp"

namespace regio {

class NationalSystem {
 public:
  // Collective. Builds the owned kernel rows for `costs` (nullptr: the scenario's border costs,
  // no links).
  NationalSystem(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& state,
                 std::shared_ptr<const TransportCosts> costs = nullptr);
  NationalSystem(const NationalSystem&) = delete;
  NationalSystem& operator=(const NationalSystem&) = delete;

  // Collective. Solve the epoch's equilibrium under `regime` from state.prices/population and
  // store the solution in the state. Throws SolverError (on every rank) if SNES does not
  // converge, naming the reason and the regions with the largest residuals.
  SolveStats solve(const PolicyRegime& regime, const std::string& context);
  // Collective. Evaluate at the state's current unknowns (fills the view).
  void refresh();

  // The solved epoch, for outputs and dynamics.
  Equilibrium results() const;
  const EquilibriumView& view() const { return terms_.view(); }
  const Technology& technology() const { return tech_; }
  const TransportCosts& costs() const { return *costs_; }
  const KernelPasses& kernels() const { return passes_; }
  const Layout& layout() const { return layout_; }
  int block_size() const { return unknowns_.block; }

  // What is carried from one epoch's solve to the next.
  // After an epoch's solve(s): the warm start's trend (not from the data year, not across a
  // policy taking effect: `trend_continues` false).
  void record_epoch_solution(bool trend_continues);
  // A policy took effect: the next solve probes the coarse correction afresh, recycles no old
  // Krylov pairs and does not extrapolate the old trend.
  void forget_carried_state();
  // Multiply every Ā and every active factor price of the state by c (MODEL.md §6 level
  // normalisation). In logs that is a symmetry of the residual, G(x + log c; cĀ) = G(x; Ā) (nearly
  // so in an open economy, whose rest of the world keeps its prices), so the Krylov pairs carried
  // to the next solve stay valid: only their record of where the Jacobian was moves.
  void scale_level(double c);
  // Checkpoints: the carried state as per-region arrays (same names and widths on every rank),
  // and back (collective; any decomposition can restore it).
  std::vector<std::string> solver_state_names() const;
  std::vector<SolverArray> solver_state() const;
  void restore_solver_state(const std::vector<SolverArray>& arrays);

  // Diagnostics (tests, benchmarks, the run log).
  const NationalPreconditioner& preconditioner() const { return preconditioner_; }
  const ResidualLog& residual_log() const { return residual_.log(); }
  KernelStorageSummary kernel_storage_summary() const { return passes_.storage_summary(); }  // collective
  double kernel_bytes_per_residual() const { return passes_.bytes_per_residual(residual_.migration()); }
  std::vector<double> current_unknowns() const;
  std::vector<double> warm_start_guess() const { return warm_start_.guess(current_unknowns()); }
  std::vector<double> residual_at_state();  // collective: G at the state's unknowns

 private:
  void apply_regime(const PolicyRegime& regime);
  bool put_price_level_right(std::vector<double>& x0, std::vector<double>& G0);
  bool initialise_intermediates();  // true if it initialised P and R (the first solve)
  void sweep_intermediates();
  void scale_level_with_intermediates(double c);

  const Scenario& sc_;
  const Layout& layout_;
  const GlobalGeography& geo_;
  EconomyState& state_;
  Technology tech_;
  UnknownLayout unknowns_;
  std::shared_ptr<const TransportCosts> costs_;
  KernelPasses passes_;
  NationalTerms terms_;
  EquilibriumResidual residual_;
  NationalPreconditioner preconditioner_;
  WarmStart warm_start_;
};

// The regime without any policy: the scenario's border costs and no links (or `costs`), no
// transfers, the scenario's home bias and net exports.
PolicyRegime no_policy_regime(const Scenario& sc, std::shared_ptr<const TransportCosts> costs);

}  // namespace regio
