#pragma once
// The preconditioner of the system in changes (docs/hat-algebra.md §3.1): per owned region, the
// inverse of the Jacobian's own block ∂F_n/∂x_n with every other region's terms frozen at the
// Newton point (HatSystem::block_residual, by finite differences), the way the levels solver's
// per-region blocks do (national_preconditioner.cpp). Applied through PETSc's PC type `regio`
// (regio_pc.hpp): -hat_pc_type regio (the default) or none. Block Jacobi over regions, so no
// communication in apply; setup is collective only if the last residual was at another point.
#include <vector>

#include "regio/hat/hat_system.hpp"
#include "regio/regio_pc.hpp"

namespace regio::hat {

class HatBlocks : public RegioPcOperator {
 public:
  explicit HatBlocks(HatSystem& system) : system_(system) {}
  // Collective. The blocks at x (the owned unknowns of the Newton point).
  void setup(const double* x);
  PetscErrorCode apply(Vec r, Vec y) override;
  const char* description() const override;
  int singular_blocks() const { return singular_; }  // replaced by the identity at the last setup

 private:
  HatSystem& system_;
  std::vector<double> inverse_;  // per owned region, block() × block(), row-major
  int singular_ = 0;
};

}  // namespace regio::hat
