#include "regio/regio_pc.hpp"

// The ops table of a PC type is PETSc's private interface (as for PETSc's own types and the
// external packages that add PCs); nothing else of it is used.
#include <petsc/private/pcimpl.h>

#include "regio/petsc_util.hpp"

namespace regio {

namespace {

RegioPcOperator* operator_of(PC pc) {
  void* ctx = nullptr;
  PCGetApplicationContext(pc, &ctx);
  return static_cast<RegioPcOperator*>(ctx);
}

PetscErrorCode apply_regio(PC pc, Vec r, Vec y) {
  PetscFunctionBeginUser;
  RegioPcOperator* op = operator_of(pc);
  if (op)
    PetscCall(op->apply(r, y));
  else
    PetscCall(VecCopy(r, y));
  PetscFunctionReturn(0);
}

PetscErrorCode view_regio(PC pc, PetscViewer viewer) {
  PetscBool ascii = PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(viewer), PETSCVIEWERASCII, &ascii));
  if (ascii) {
    const RegioPcOperator* op = operator_of(pc);
    PetscCall(PetscViewerASCIIPrintf(viewer, "  %s\n",
                                     op ? op->description() : "identity (no regio preconditioner in this solve)"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode create_regio(PC pc) {
  PetscFunctionBeginUser;
  pc->ops->apply = apply_regio;
  pc->ops->view = view_regio;
  PetscFunctionReturn(0);
}

}  // namespace

void register_regio_pc() {
  static const bool registered = [] {
    REGIO_PETSC(PCRegister(kRegioPCType, create_regio));
    return true;
  }();
  (void)registered;
}

void set_regio_pc(PC pc, RegioPcOperator* op) {
  register_regio_pc();
  REGIO_PETSC(PCSetType(pc, kRegioPCType));
  REGIO_PETSC(PCSetApplicationContext(pc, op));
}

}  // namespace regio
