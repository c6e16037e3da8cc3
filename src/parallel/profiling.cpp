#include "regio/profiling.hpp"

#include "regio/petsc_util.hpp"

namespace regio::profiling {

const Ids& ids() {
  static const Ids registered = [] {
    Ids i{};
    PetscClassId cls;
    REGIO_PETSC(PetscClassIdRegister("regio", &cls));
    REGIO_PETSC(PetscLogStageRegister("Solve", &i.solve));
    REGIO_PETSC(PetscLogStageRegister("Outcomes", &i.outcomes));
    REGIO_PETSC(PetscLogStageRegister("Output", &i.output));
    REGIO_PETSC(PetscLogStageRegister("Dynamics", &i.dynamics));
    REGIO_PETSC(PetscLogStageRegister("Checkpoint", &i.checkpoint));
    REGIO_PETSC(PetscLogEventRegister("NationalResidual", cls, &i.residual));
    REGIO_PETSC(PetscLogEventRegister("LocalClearing", cls, &i.local_clearing));
    REGIO_PETSC(PetscLogEventRegister("Exchange", cls, &i.exchange));
    REGIO_PETSC(PetscLogEventRegister("Outcomes", cls, &i.outcomes_event));
    REGIO_PETSC(PetscLogEventRegister("Output", cls, &i.output_event));
    REGIO_PETSC(PetscLogEventRegister("Dynamics", cls, &i.dynamics_event));
    REGIO_PETSC(PetscLogEventRegister("Checkpoint", cls, &i.checkpoint_event));
    return i;
  }();
  return registered;
}

}  // namespace regio::profiling
