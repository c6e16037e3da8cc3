#pragma once
// The PETSc preconditioner type `regio` (registered with PCRegister), the default PC of the
// national equilibrium solves: Krylov recycling around regio's own preconditioner (the
// per-region blocks and the province coarse correction, national_preconditioner.hpp). Like any
// PETSc type it is chosen with -<prefix>pc_type, so -national_pc_type none (or any other PETSc
// preconditioner that works matrix-free) replaces it and -national_pc_type regio brings it back;
// -ksp_view names what it holds. The solve gives it what to apply through the PC's application
// context (PCSetApplicationContext); without one it is the identity.
#include <petscpc.h>

namespace regio {

inline constexpr const char* kRegioPCType = "regio";

// What a `regio` PC applies: y = P⁻¹ r on a solve's vectors, and a one-line description.
class RegioPcOperator {
 public:
  virtual ~RegioPcOperator() = default;
  virtual PetscErrorCode apply(Vec r, Vec y) = 0;
  virtual const char* description() const = 0;
};

// Register the type (once per process; later calls do nothing).
void register_regio_pc();
// Make `pc` a `regio` PC applying `op` (which must outlive the solve).
void set_regio_pc(PC pc, RegioPcOperator* op);

}  // namespace regio
