#pragma once
#include <petscsnes.h>

#include <string>

namespace regio {

// Developer diagnostic (docs/numerics.md, "What limits the Krylov iterations"): the explicit
// preconditioned operator J P⁻¹ of one Newton step, column by column — P⁻¹ is the linear solve's
// own PC (PCApply: the `regio` type, or whatever the options chose), the products go through the
// raw finite-difference operator so that none is kept as a recycled pair (the run goes on
// unchanged, only its evaluation counts grow by n) — and the step's right-hand side G, for
// tools/krylov_spectrum.py. One rank only (the matrix is dense).
//   -<prefix>dump_operator PATH       -<prefix>dump_operator_solve K (1 = this process's first
//   solve with that prefix)           -<prefix>dump_operator_step S (0 = the first Newton step)
// File: int64 n, then n × n doubles column by column (column k = J P⁻¹ e_k), then G (n doubles).
struct OperatorDump {
  std::string path;
  PetscInt solve = 1, step = 0;
  bool written = false;

  // True if this solve is the one to dump (then path, solve and step are set).
  bool configure(MPI_Comm comm, const std::string& prefix);

  // At the Jacobian update of Newton step `it`, after the preconditioner's setup.
  PetscErrorCode write_if_due(SNES snes, PetscInt it, Vec X, Mat matrix_free, PC pc);
};

}  // namespace regio
