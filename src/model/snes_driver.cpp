#include "regio/snes_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "regio/petsc_util.hpp"

namespace regio {

namespace {
// C callback: never let a C++ exception unwind through SNESSolve; keep it and rethrow after.
struct Callback {
  const ResidualFunction* G;
  std::exception_ptr error;
  const Preconditioner* pre = nullptr;

  // Jacobian update: refresh the matrix-free operator's base point, then the preconditioner.
  static PetscErrorCode jacobian(SNES snes, Vec X, Mat J, Mat P, void* ctx) {
    auto* cb = static_cast<Callback*>(ctx);
    PetscFunctionBeginUser;
    PetscCall(MatMFFDComputeJacobian(snes, X, J, P, nullptr));
    if (cb->pre && cb->pre->setup) {
      try {
        VecReadView x(X);
        cb->pre->setup(x.data());
      } catch (...) {
        cb->error = std::current_exception();
        PetscFunctionReturn(PETSC_ERR_USER);
      }
    }
    PetscFunctionReturn(0);
  }

  static PetscErrorCode apply(PC pc, Vec R, Vec Y) {
    void* ctx = nullptr;
    PetscFunctionBeginUser;
    PetscCall(PCShellGetContext(pc, &ctx));
    auto* cb = static_cast<Callback*>(ctx);
    try {
      VecReadView r(R);
      VecWriteView y(Y);
      cb->pre->apply(r.data(), y.data());
    } catch (...) {
      cb->error = std::current_exception();
      PetscFunctionReturn(PETSC_ERR_USER);
    }
    PetscFunctionReturn(0);
  }

  static PetscErrorCode function(SNES snes, Vec X, Vec F, void* ctx) {
    auto* cb = static_cast<Callback*>(ctx);
    PetscFunctionBeginUser;
    bool in_domain = true;
    try {
      VecReadView x(X);
      VecWriteView f(F);
      in_domain = (*cb->G)(x.data(), f.data());
    } catch (...) {
      cb->error = std::current_exception();
      PetscFunctionReturn(PETSC_ERR_USER);
    }
    if (!in_domain) PetscCall(SNESSetFunctionDomainError(snes));
    PetscFunctionReturn(0);
  }
};
}  // namespace

NonlinearSolve solve_nonlinear(MPI_Comm comm, const std::string& prefix, int block, const std::vector<double>& x0,
                               const ResidualFunction& G, const SolverParams& tol, const Preconditioner* pre,
                               const char* line_search) {
  PetscVec X, F;
  REGIO_PETSC(VecCreateMPI(comm, static_cast<PetscInt>(x0.size()), PETSC_DETERMINE, X.address()));
  REGIO_PETSC(VecSetBlockSize(X, block));
  REGIO_PETSC(VecDuplicate(X, F.address()));
  {
    VecWriteView xv(X);
    std::copy(x0.begin(), x0.end(), xv.data());
  }
  PetscSNES snes;
  REGIO_PETSC(SNESCreate(comm, snes.address()));
  REGIO_PETSC(SNESSetOptionsPrefix(snes, prefix.c_str()));
  Callback cb{&G, nullptr, pre};
  REGIO_PETSC(SNESSetFunction(snes, F, Callback::function, &cb));
  PetscMat J;
  REGIO_PETSC(MatCreateSNESMF(snes, J.address()));
  REGIO_PETSC(SNESSetJacobian(snes, J, J, Callback::jacobian, &cb));
  KSP ksp;
  PC pc;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  if (pre) {
    REGIO_PETSC(PCSetType(pc, PCSHELL));
    REGIO_PETSC(PCShellSetContext(pc, &cb));
    REGIO_PETSC(PCShellSetApply(pc, Callback::apply));
    REGIO_PETSC(PCShellSetName(pc, "regio block-diagonal (local) preconditioner"));
  } else {
    REGIO_PETSC(PCSetType(pc, PCNONE));
  }
  REGIO_PETSC(SNESKSPSetUseEW(snes, PETSC_TRUE));
  REGIO_PETSC(SNESSetTolerances(snes, tol.atol, tol.rtol, 0.0, tol.max_iterations, 100000));
  std::vector<PetscReal> history(tol.max_iterations + 1);
  std::vector<PetscInt> lin_history(tol.max_iterations + 1);
  REGIO_PETSC(SNESSetConvergenceHistory(snes, history.data(), lin_history.data(), static_cast<PetscInt>(history.size()), PETSC_TRUE));
  if (line_search) {
    SNESLineSearch ls;
    REGIO_PETSC(SNESGetLineSearch(snes, &ls));
    REGIO_PETSC(SNESLineSearchSetType(ls, line_search));
  }
  REGIO_PETSC(SNESSetFromOptions(snes));  // after the YAML defaults: the command line wins

  const PetscErrorCode ierr = SNESSolve(snes, nullptr, X);
  if (cb.error) std::rethrow_exception(cb.error);
  REGIO_PETSC(ierr);

  NonlinearSolve out;
  SNESConvergedReason reason;
  PetscInt its = 0, lits = 0, hlen = 0;
  PetscReal fnorm = 0;
  REGIO_PETSC(SNESGetConvergedReason(snes, &reason));
  REGIO_PETSC(SNESGetIterationNumber(snes, &its));
  REGIO_PETSC(SNESGetLinearSolveIterations(snes, &lits));
  REGIO_PETSC(SNESGetFunctionNorm(snes, &fnorm));
  REGIO_PETSC(SNESGetConvergenceHistory(snes, nullptr, nullptr, &hlen));
  out.reason = static_cast<int>(reason);
  out.reason_text = SNESConvergedReasons[reason];
  out.converged = reason > 0;
  out.nonlinear_iterations = static_cast<int>(its);
  out.linear_iterations = static_cast<int>(lits);
  out.residual_norm = fnorm;
  for (PetscInt k = std::max<PetscInt>(0, hlen - 8); k < hlen; ++k)
    out.history += fmt::format("{}{:.2e}", out.history.empty() ? "" : " ", history[k]);
  VecReadView xv(X);
  out.x.assign(xv.data(), xv.data() + x0.size());
  return out;
}

}  // namespace regio
