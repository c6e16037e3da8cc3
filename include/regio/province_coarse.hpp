#pragma once
// Province-aggregate coarse correction of the national preconditioner (docs/numerics.md).
//
// The per-region blocks M⁻¹ leave the coupling between the regions of one province to GMRES,
// and it is strong: a provincial border costs b^−θ ≈ 0.008 of the trade, so most of a region's
// trade is with its own province, nearly uniformly (θφ ≈ 0.27). Its slow directions are close to
// province-uniform moves of one kind of unknown (all wages of a province, all its populations).
// On the space Z of such vectors (one per province and unknown kind; a province lives on one
// rank, so Z is local) the correction makes the preconditioned operator exact:
//     Q = I + Z (Ã⁻¹ − I) R,   Ã = R J M⁻¹ Z   (block × block per province),
// with R a weighted province average (R Z = I), and the preconditioner becomes M⁻¹ Q. The weights
// should be the functional through which a region's unknowns act on its province: for a
// coupling I + u bᵀ inside a province, Q is exact when Z ∝ u and R ∝ bᵀ. A region's prices and
// population reach the others through its share of their purchases and its spending, both in
// proportion to its size, while the others' responses are nearly uniform (they share one
// market), so NationalSystem passes region incomes (docs/numerics.md). Ã is probed with `block`
// Jacobian products, one per unknown kind, perturbing every province at once with a sign per
// province (a fixed pseudo-random ±1 of its CSV index) so that the responses of other provinces
// largely cancel in each province's average.
//
// Ã is kept from one solve to the next (NationalSystem re-probes it when a linear solve shows it
// stale), so that restarts reproduce runs it travels in checkpoints: `region_rows` gives each
// owned region its province's Ã⁻¹ − I and its own weight, `restore` takes them back on any
// decomposition.
#include <mpi.h>

#include <cstddef>
#include <functional>
#include <vector>

namespace regio {

class ProvinceCoarseCorrection {
 public:
  // group[j]: local province slot of owned region j (0..groups−1); sign[j]: ±1 of its province.
  ProvinceCoarseCorrection(MPI_Comm comm, std::vector<std::size_t> group, std::vector<double> sign, int block);

  // Collective. Probe Ã: for each unknown kind g, t = M⁻¹ v_g (base_inverse), w = J t
  // (jacobian_times; false = outside the domain). Any failure, on any rank, leaves it not ready.
  // weight: one per owned region, the restriction's weights (normalised within each province);
  // empty, or a province with a weight that is not finite and positive: uniform there.
  void build(const std::function<void(const double*, double*)>& base_inverse,
             const std::function<bool(const double*, double*)>& jacobian_times, const std::vector<double>& weight = {});
  bool ready() const { return ready_; }
  void reset() { ready_ = false; }

  // q = r + Z (Ã⁻¹ − I) R r (owned entries). Only when ready().
  void apply(const double* r, double* q) const;

  // Owned regions × row_width(): its province's Ã⁻¹ − I (row-major), then the region's weight
  // in R; empty when not ready.
  std::vector<double> region_rows() const;
  std::size_t row_width() const { return block_ * block_ + 1; }
  // Collective. Take them back from region_rows (written on any decomposition); it becomes
  // ready only if every rank got rows of the right size, finite, with Ã⁻¹ − I equal within each
  // province and positive weights summing to 1 in each.
  void restore(const std::vector<double>& rows);

 private:
  MPI_Comm comm_;
  std::vector<std::size_t> group_;
  std::vector<double> sign_, count_;
  std::vector<double> weight_;  // owned regions: R's weights, summing to 1 in each province
  std::size_t block_, groups_;
  std::vector<double> correction_;  // groups × block × block: Ã⁻¹ − I
  bool ready_ = false;
  mutable std::vector<double> mean_, shift_;
};

// Invert a small dense n×n matrix in place (Gauss–Jordan with partial pivoting). Returns false
// if it is singular to working precision (|pivot| ≤ tiny).
bool invert_small(std::vector<double>& a, std::size_t n, double tiny = 1e-300);

}  // namespace regio
