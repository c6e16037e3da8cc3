#pragma once
// Krylov recycling for a sequence of Newton–Krylov solves (every Newton step of every epoch):
// a limited-memory preconditioner built from Jacobian products the solver computed anyway.
//
// Each matrix-free product of a GMRES iteration gives a pair (z, J z). Kept pairs are
// orthonormalised in their images, W = J Z with WᵀW = I, and the preconditioner becomes
//     P⁻¹ r = Z Wᵀ r + M⁻¹ (r − W Wᵀ r),
// exact (P⁻¹ = J⁻¹) on span(W) and the base preconditioner M⁻¹ (the per-region blocks) on the
// rest. The slow directions GMRES had to find in one solve are then resolved at once in the
// next, and across epochs, since the Jacobian changes slowly (limited-memory preconditioners:
// Gratton, Sartenaer & Tshimanga 2011, SIAM J. Optim. 21; recycling: Parks et al. 2006, SIAM
// J. Sci. Comput. 28). Pairs from an earlier Jacobian only make P⁻¹ a little less exact: it
// stays a fixed linear operator during each linear solve (pairs are recorded during a solve and
// added before the next), which is all right-preconditioned GMRES needs.
//
// All vectors are the rank's owned entries of a distributed vector; inner products are
// reduced over the communicator (collective calls are marked).
#include <mpi.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

namespace regio {

class KrylovRecycler {
 public:
  // `capacity` pairs at most (the newest are kept); 0 disables recycling.
  KrylovRecycler(MPI_Comm comm, std::size_t capacity) : comm_(comm), capacity_(capacity) {}

  bool enabled() const { return capacity_ > 0; }
  std::size_t size() const { return images_.size(); }
  void clear();  // forget all pairs (e.g. after the kernels changed)

  // Record a product w = J z of the current linear solve (owned entries, length n). Not
  // collective; the pair is added at the next commit().
  void record(const double* z, const double* w, std::size_t n);
  // Collective. Add the recorded pairs: Gram–Schmidt (twice) against the kept images, drop a
  // pair whose image is numerically in their span, keep the newest `capacity`.
  void commit(double drift = 0);
  // Collective. The solver moves to a new Jacobian at x (owned entries, length n): commit the
  // recorded pairs if no unknown moved by more than `max_step` since the last Jacobian, else
  // forget everything; drop kept pairs that have drifted by more than `max_drift`. A large
  // Newton step changes the Jacobian too, and the stale inverse on the recycled space then
  // slows GMRES down (a cubic test problem: 76 instead of 58 Krylov iterations).
  // `jacobian_change`, if the caller can estimate it (≥ 0; snes_driver does after a full Newton
  // step), is the relative change of the Jacobian since the last one. It overrules the move: a
  // step that moved an unknown by more than max_step but changed the Jacobian by at most
  // `max_change` keeps the pairs, and the drift grows by the smaller of the two.
  void new_jacobian(const double* x, std::size_t n, double jacobian_change = -1);
  double max_change = 0.2;  // relative (‖ΔJ s‖/‖J s‖ along the step); docs/numerics.md has the variants tried
  // The unknowns were moved by `shift` along an exact symmetry of the system (the Jacobian at
  // x + shift is the one at x): move the point of the last Jacobian with them, so that the
  // shift is not taken for a Newton step that made the pairs stale. Not collective; a recycler
  // that has seen no Jacobian yet ignores it.
  void translate_base(const std::vector<double>& shift) {
    if (last_base_.size() == shift.size())
      for (std::size_t k = 0; k < shift.size(); ++k) last_base_[k] += shift[k];
  }
  double max_step = 0.1;  // in the units of the unknowns (logs for regio's systems)
  // Pairs are kept across solves (epochs) while the Jacobian's point has moved by at most
  // max_drift in all since they were recorded (the sum of the max-norm moves): 30 epochs of the
  // shipped economies at 0.05 / 0.1 / 0.15 / 0.2 / 0.3 / unbounded: China-31 380 / 356 / 345 /
  // 349 / 356 / 375 residual evaluations, open China-31 436 / 422 / 412 / 409 / 436 / 498,
  // counties 536 / 483 / 457 / 454 / 460 / 471 (docs/numerics.md).
  double max_drift = 0.2;

  // Collective. y = Z Wᵀ r + M⁻¹ (r − W Wᵀ r) with M⁻¹ = `base` (identity if empty).
  void apply(const double* r, double* y, std::size_t n, const std::function<void(const double*, double*)>& base) const;

  // The whole state as per-block rows, for checkpoints that must let a restart continue
  // exactly: the owned entries are `blocks` blocks of `block` values (regions × unknowns), and
  // each array gives every block its `block` entries of each vector in turn (blocks × (count ·
  // block), row-major): the kept images W and sources Z, the recorded pairs not yet added, and
  // the point of the last Jacobian (count 1, or 0 before the first). Same counts on every rank.
  struct State {
    std::size_t kept = 0, pending = 0, bases = 0;
    std::vector<double> images, sources, pending_images, pending_sources, base;
    std::vector<double> drift;  // per kept pair (the same on every rank)
  };
  State state(std::size_t blocks, std::size_t block) const;
  // Collective. Take a state back (from any decomposition: the rows are per block). Returns
  // false, on every rank, and leaves the recycler empty if the sizes do not fit anywhere.
  bool restore(const State& state, std::size_t blocks, std::size_t block);

 private:
  // c = Wᵀ v over all ranks (one allreduce).
  void project(const double* v, std::size_t n, std::vector<double>& c) const;
  double norm(const std::vector<double>& v) const;

  MPI_Comm comm_;
  std::size_t capacity_;
  std::deque<std::vector<double>> images_, sources_;  // W (orthonormal) and Z with J Z = W
  std::deque<double> drift_;  // per kept pair: Σ of the moves of the Jacobian's point since it was recorded
  std::vector<std::vector<double>> pending_z_, pending_w_;
  std::vector<double> last_base_;
  mutable std::vector<double> coeff_, residual_;
};

}  // namespace regio
