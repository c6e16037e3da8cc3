#pragma once
// The preconditioner of the equilibrium solves (docs/numerics.md), applied by the PETSc PC type
// `regio` (snes_driver.cpp registers it; -national_pc_type selects it or any other):
//  - per-region blocks M⁻¹: ∂G_i/∂x_i with the national terms frozen at x (the coupling of a
//    region's own population with its own prices), inverted;
//  - the province-aggregate coarse correction Q (province_coarse.hpp), where a province has
//    several regions: y = M⁻¹ Q r;
//  - Krylov recycling (krylov_recycling.hpp) on top, applied by the PC around M⁻¹ Q.
// The coarse correction and the recycled pairs are carried from one epoch's solve to the next,
// and in checkpoints (state_names / append_state / restore_state), so that a restart continues
// exactly as the uninterrupted run.
#include <memory>
#include <string>
#include <vector>

#include "regio/equilibrium_residual.hpp"
#include "regio/krylov_recycling.hpp"
#include "regio/province_coarse.hpp"
#include "regio/solver_state.hpp"

namespace regio {

class NationalPreconditioner {
 public:
  NationalPreconditioner(const Scenario& sc, const Technology& tech, const Layout& layout, const GlobalGeography& geo,
                         const EconomyState& st, const UnknownLayout& unknowns, NationalTerms& terms,
                         EquilibriumResidual& residual);

  // Whether the solve needs a preconditioner at all: without migration (and input–output
  // links) the blocks are the identity (local clearing does not depend on a region's own prices), so only the coarse
  // correction and the recycled pairs have something to add.
  bool needed() const { return unknowns_.population_slot >= 0 || unknowns_.price_slot >= 0 || coarse_ || recycler_; }
  KrylovRecycler* recycler() { return recycler_.get(); }

  // At the start of each solve (the coarse correction is probed afresh in every solve if
  // solver.province_coarse_refresh is 0).
  void start_solve();
  // Collective. At each Jacobian update: x (owned entries) and the Krylov iterations of the
  // linear solve before it (0 at the first update of a solve).
  void setup(const double* x, int krylov_iterations);
  // y ≈ J⁻¹ r on the owned entries (the blocks, after the coarse correction when it is built).
  void apply(const double* r, double* y) const;
  // A policy took effect: drop the coarse correction and the recycled pairs.
  void forget();
  // The unknowns moved by `shift` along an exact symmetry of the residual (scale_level).
  void translate(const std::vector<double>& shift);

  // Checkpointed state (names, arrays of the same names and widths on every rank, restore).
  void state_names(std::vector<std::string>& names) const;
  void append_state(std::vector<SolverArray>& arrays) const;
  void restore_state(const std::vector<SolverArray>& arrays);  // collective
  // The coarse correction alone (tests): whether it is built (same on every rank), its width and rows.
  bool coarse_ready() const { return coarse_ && coarse_->ready(); }
  int coarse_width() const { return coarse_ ? static_cast<int>(coarse_->row_width()) : 0; }
  std::vector<double> coarse_rows() const { return coarse_ ? coarse_->region_rows() : std::vector<double>{}; }

 private:
  void setup_blocks(const double* x);
  void invert_population_block(std::size_t j, const FactorPrices& prices, double population, double* inverse);
  void drop_after_far_start();
  void apply_blocks(const double* r, double* y) const;
  // w = J t by a forward difference around x, where G is G_at_x (collective; false outside the domain).
  bool jacobian_times(const double* x, const double* G_at_x, const double* t, double* w);

  const Scenario& sc_;
  const Technology& tech_;
  const Layout& layout_;
  const EconomyState& state_;
  const UnknownLayout& unknowns_;
  NationalTerms& terms_;
  EquilibriumResidual& residual_;
  std::unique_ptr<ProvinceCoarseCorrection> coarse_;  // solver.province_coarse
  std::unique_ptr<KrylovRecycler> recycler_;          // solver.recycle, carried across epochs
  std::vector<double> block_inverse_;                 // n_own × block × block
  int jacobian_updates_ = 0;                          // in this solve
  mutable std::vector<double> coarse_input_;
  std::vector<FactorPrices> prices_;
  std::vector<double> population_;
};

}  // namespace regio
