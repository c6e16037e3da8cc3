#pragma once
// PETSc log stages and events, so that `-log_view` shows where an epoch goes and how balanced
// the ranks are. Registered once (collectively, on first use).
//   stages: Solve (the national SNES), Outcomes (outputs of the regions and aggregates),
//           Output (files), Dynamics (epoch update), Checkpoint
//   events: NationalResidual, LocalClearing, Exchange (allgathers), Outcomes, Output, Dynamics,
//           Checkpoint
#include <petscsys.h>

namespace regio::profiling {

struct Ids {
  PetscLogStage solve, outcomes, output, dynamics, checkpoint;
  PetscLogEvent residual, local_clearing, exchange, outcomes_event, output_event, dynamics_event, checkpoint_event;
};

const Ids& ids();

// Pushes a log stage for the lifetime of the object.
class Stage {
 public:
  explicit Stage(PetscLogStage s) { PetscLogStagePush(s); }
  ~Stage() { PetscLogStagePop(); }
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
};

// Begins an event for the lifetime of the object.
class Event {
 public:
  explicit Event(PetscLogEvent e) : e_(e) { PetscLogEventBegin(e_, 0, 0, 0, 0); }
  ~Event() { PetscLogEventEnd(e_, 0, 0, 0, 0); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

 private:
  PetscLogEvent e_;
};

}  // namespace regio::profiling
