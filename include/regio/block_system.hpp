#pragma once
// A nonlinear system laid out in per-region blocks (one block of unknowns per owned region) and
// its Newton–Krylov solve: matrix-free PETSc SNES, GMRES preconditioned by the inverses of the
// Jacobian's own blocks ∂F_n/∂x_n with every other region frozen at the Newton point (finite
// differences of block_residual), through PETSc's PC type `regio` (regio_pc.hpp). The system in
// changes (hat/hat_system.hpp) and the levels economy with labour groups (grouped_system.hpp)
// are such systems.
#include <string>
#include <vector>

#include "regio/layout.hpp"
#include "regio/regio_pc.hpp"

namespace regio {

class BlockSystem {
 public:
  virtual ~BlockSystem() = default;
  virtual int block() const = 0;  // unknowns per region
  int local_size() const { return layout().num_owned() * block(); }
  virtual const Layout& layout() const = 0;
  // Collective. f = F(x) over the owned blocks; keeps the terms block_residual freezes. False (on
  // every rank) at a non-finite point (the SNES callback marks a domain error).
  virtual bool evaluate(const double* x, double* f) = 0;
  // The point of the last evaluate().
  virtual const std::vector<double>& last_point() const = 0;
  // Not collective. The residual of owned region ln at its own unknowns xb with every other
  // region's terms frozen at the last evaluate()'s point: equal to F there.
  virtual void block_residual(int ln, const double* xb, double* fb) = 0;
};

// The block-Jacobi preconditioner of a BlockSystem.
class RegionBlocks : public RegioPcOperator {
 public:
  RegionBlocks(BlockSystem& system, std::string description) : system_(system), description_(std::move(description)) {}
  // Collective. The blocks at x (the owned unknowns of the Newton point).
  void setup(const double* x);
  PetscErrorCode apply(Vec r, Vec y) override;
  const char* description() const override { return description_.c_str(); }
  int singular_blocks() const { return singular_; }  // replaced by the identity at the last setup

 private:
  BlockSystem& system_;
  std::string description_;
  std::vector<double> inverse_;  // per owned region, block() × block(), row-major
  int singular_ = 0;
};

struct SolveSummary {
  int newton_iterations = 0, linear_iterations = 0, residual_evaluations = 0;
  double residual_norm = 0, seconds = 0;
  double initial_residual_norm = 0;  // ‖F(x₀)‖: how far the starting point was
  std::string reason;
  std::string preconditioner;  // the KSP's PC type: `regio` (the per-region blocks) or a PETSc type
};

struct BlockSolveOptions {
  std::string prefix;  // PETSc options prefix ("hat_")
  std::string pc_description;
  std::string what;  // "the counterfactual": names the system in the error
  std::string hint;  // what to try when it does not converge
};

// Collective. Newton–Krylov from x; x holds the solution on return and the system's state is that
// of F at it. SolverError on every rank if SNES does not converge or the final residual norm is
// not below 1e-9.
SolveSummary solve_block_system(BlockSystem& system, std::vector<double>& x, const BlockSolveOptions& options);

}  // namespace regio
