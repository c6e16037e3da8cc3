#pragma once
// SIGTERM and SIGUSR1 (SLURM's --signal, scancel, preemption) ask `regio run` to finish the
// epoch, write a checkpoint and exit with kExitInterrupted (docs/guarantees.md). The handlers
// are installed first thing in main() and again right after PetscInitialize (which puts its
// own in place), so a signal never kills a run whose
// run.yaml exists; the handler only sets a flag, which the ranks agree on after each epoch.
// Output must not hold up that path: the handlers interrupt a write that blocks (no
// SA_RESTART) and make stdout non-blocking from then on; main() ignores SIGPIPE (a launcher
// that went away makes progress lines fail, not rank 0 die).
namespace regio {

// Installs the handlers for this object's lifetime; restores the previous ones and stdout's
// flags when it ends.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  static bool requested();  // on this rank
  // Installs the handlers again (PetscInitialize puts its own in place: called after it); a
  // signal already received stays requested.
  static void install();
};

}  // namespace regio
