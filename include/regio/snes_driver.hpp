#pragma once
// One place that sets up and runs a PETSc SNES on a distributed vector with a C++ residual:
// matrix-free Newton–Krylov (MatMFFD, right-preconditioned GMRES), forcing terms
// Eisenstat–Walker choice 2 with Kelley's safeguard against oversolving the last step, and an
// inexact-Newton backtracking line search that needs no extra residual evaluation
// (docs/numerics.md). Everything can be overridden from the options database under `prefix`
// (-<prefix>snes_ksp_ew: PETSc's own forcing terms; -<prefix>ksp_rtol: a fixed one;
// -<prefix>snes_linesearch_type: PETSc's line searches). Used by the national system and the
// calibration inversions.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

struct _p_SNES;  // PETSc's SNES, without PETSc's headers here

#include "regio/krylov_recycling.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct SolveStats;

// Collective. Fills G(x) for the owned entries; returns false if x is outside the domain
// (non-finite values, failed local solve). Must return the same verdict on every rank.
using ResidualFunction = std::function<bool(const double* x, double* G)>;

// Optional preconditioner for the Newton–Krylov solves: `setup(x, krylov_iterations)` at each
// Jacobian update (owned entries of the current iterate; the Krylov iterations of the linear
// solve before it, 0 at the first update of a solve), `apply(r, y)` computes y ≈ J⁻¹ r on the
// owned entries. Used as a PCSHELL; `-<prefix>pc_type none` switches it off.
struct Preconditioner {
  std::function<void(const double* x, int krylov_iterations)> setup;
  std::function<void(const double* r, double* y)> apply;
};

struct NonlinearSolve {
  std::vector<double> x;  // owned entries of the final iterate
  bool converged = false;
  int reason = 0;  // SNESConvergedReason
  std::string reason_text;
  int nonlinear_iterations = 0, linear_iterations = 0;
  double residual_norm = 0;
  double initial_residual_norm = 0;  // ‖G‖ where Newton started
  std::string history;               // the last residual norms, for error messages
};

// Collective. Solve G(x) = 0 from x0 (owned entries, block size `block`).
// `tolerances.recycle` > 0 adds Krylov recycling (krylov_recycling.hpp) on top of the
// preconditioner, within this solve; or pass `carried` (enabled) to recycle with pairs kept by
// the caller from earlier solves, and to keep this solve's for the next.
// `G0`: G(x0) if the caller has evaluated it already (owned entries, x0 inside the domain; given
// on every rank or on none); SNES then starts from it instead of evaluating x0 again
// (SNESSetInitialFunction).
NonlinearSolve solve_nonlinear(MPI_Comm comm, const std::string& prefix, int block, const std::vector<double>& x0,
                               const ResidualFunction& G, const SolverParams& tolerances,
                               const Preconditioner* preconditioner = nullptr, KrylovRecycler* carried = nullptr,
                               const std::vector<double>* G0 = nullptr);

// Collective. SNESSetFromOptions with PETSc's error printing off: an option with a value PETSc
// cannot use (`-national_ksp_rtol abc`, an unknown type name) is the user's input, not an
// internal error, so it is one InputError on every rank (exit 1) instead of PETSc's traceback
// and MPI_Abort.
void snes_set_from_options(_p_SNES* snes, MPI_Comm comm);  // _p_SNES*: PETSc's SNES

}  // namespace regio
