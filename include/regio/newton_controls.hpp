#pragma once
// The Newton controls of regio's SNES solves (snes_driver.cpp): forcing terms for the linear
// solves and an inexact-Newton line search, as PETSc callbacks (KSPSetPreSolve,
// SNESLineSearchShellSetUserFunc). Each can be replaced from the options database
// (-<prefix>snes_ksp_ew, -<prefix>ksp_rtol, -<prefix>snes_linesearch_type).
#include <petscsnes.h>

namespace regio {

// Forcing terms η_k (the relative tolerance of the k-th linear solve): Eisenstat–Walker choice 2,
// as PETSc's -snes_ksp_ew_version 2 computes it, plus Kelley's safeguard against oversolving
// (Kelley 1995, "Iterative Methods for Linear and Nonlinear Equations", eq. 6.20): a step
// never asks for more than what takes ‖F‖ to the stopping tolerance, η_k ≥ c·τ/‖F_k‖. Without
// it the last Newton step solves to η ≈ ‖F_k‖ and lands orders below the tolerance, which cost
// 15–25 % of all residual evaluations (docs/numerics.md).
struct Forcing {
  SNES snes = nullptr;
  double atol = 0, rtol = 0;
  double eta_initial = 0.3, eta_max = 0.9, gamma = 1.0, alpha = 1.6180339887498949, threshold = 0.1;
  double safety = 0.5;     // c, Kelley's value
  double close_start = 3;  // η_0 ≤ close_start · RMS(G_0)
  double first_norm = 0, last_norm = 0, last_eta = 0;

  static PetscErrorCode presolve(KSP ksp, Vec, Vec, void* ctx);
};

// Inexact-Newton backtracking (Eisenstat & Walker 1994, "Globally convergent inexact Newton
// methods", SIAM J. Optim. 4): accept x − λy when ‖F(x − λy)‖ ≤ (1 − t λ (1 − η)) ‖F(x)‖, with
// η the forcing term of the linear solve that gave y. PETSc's `bt` needs the slope F·J y for
// its sufficient-decrease test, one more matrix-free product (= one more residual evaluation)
// per Newton step; this test needs none, so a full step costs one residual. On rejection λ
// shrinks by a safeguarded quadratic fit of ‖F‖² (slope −2‖F‖² along a Newton direction),
// clipped to [0.1λ, 0.5λ]; a step outside the domain (SNESSetFunctionDomainError) halves λ.
// The first λ is capped so that no unknown (a log) moves by more than max_log_step.
struct InexactBacktracking {
  double sufficient = 1e-4;  // t
  double max_log_step = 5;
  int max_steps = 16;

  static PetscErrorCode apply(SNESLineSearch ls, void* ctx);
};

}  // namespace regio
