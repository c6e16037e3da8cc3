#include "regio/snes_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/newton_controls.hpp"
#include "regio/operator_dump.hpp"
#include "regio/petsc_util.hpp"
#include "regio/regio_pc.hpp"

namespace regio {

namespace {
// C callbacks: never let a C++ exception unwind through SNESSolve; keep it and rethrow after.
struct Callback : RegioPcOperator {
  explicit Callback(const ResidualFunction* g, const Preconditioner* p, KrylovRecycler* r)
      : G(g), pre(p), recycler(r) {}
  const ResidualFunction* G;
  std::exception_ptr error;
  const Preconditioner* pre = nullptr;
  KrylovRecycler* recycler = nullptr;  // enabled, or null
  Mat matrix_free = nullptr;           // the MFFD Jacobian (wrapped by a recording shell if recycling)
  std::size_t owned = 0;
  OperatorDump* dump = nullptr;  // set only for the solve to dump
  double last_fnorm = -1;        // ‖G‖ at the last Jacobian's point (this solve), or −1 before the first

  // Run `body`; an exception is kept in `error` and returned to PETSc as a user error code
  // (returned, not raised with PetscCall, so PETSc's caller reports it as before).
  template <class Body>
  PetscErrorCode guarded(Body&& body) {
    try {
      body();
    } catch (...) {
      error = std::current_exception();
      return PETSC_ERR_USER;
    }
    return 0;
  }

  // PETSc error handler while SNESSolve runs: an error that a callback's exception caused is
  // passed up silently (the exception, rethrown after SNESSolve, carries regio's one-line
  // message); any other error gets PETSc's usual traceback.
  static PetscErrorCode on_error(MPI_Comm comm, int line, const char* function, const char* file, PetscErrorCode code,
                                 PetscErrorType type, const char* message, void* ctx) {
    if (static_cast<const Callback*>(ctx)->error) return code;
    return PetscTraceBackErrorHandler(comm, line, function, file, code, type, message, nullptr);
  }

  // Jacobian update: refresh the matrix-free operator's base point, add the products of the
  // last linear solve to the recycled space, then set up the preconditioner.
  static PetscErrorCode jacobian(SNES snes, Vec X, Mat, Mat, void* ctx) {
    auto* cb = static_cast<Callback*>(ctx);
    PetscFunctionBeginUser;
    PetscCall(MatMFFDComputeJacobian(snes, X, cb->matrix_free, cb->matrix_free, nullptr));
    KSP ksp;
    PetscInt krylov_iterations = 0;  // of the last linear solve (0 before the first)
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(KSPGetIterationNumber(ksp, &krylov_iterations));
    // How much the Jacobian changed over the last step, seen along it. After a full step s from
    // x_{k−1} whose linear solve left r = G_{k−1} + J_{k−1} s, G_k − r is what the linear model
    // missed, ≈ ½ (J_k − J_{k−1}) s, against J_{k−1} s ≈ −G_{k−1}: so 2‖G_k − r‖/‖G_{k−1}‖ ≤
    // 2(‖G_k‖ + ‖r‖)/‖G_{k−1}‖ estimates the relative change. The max-norm of the step alone
    // overstates it where one region moves far and the rest little (the first warm epoch of
    // the prefectures: a move of 0.16 and a change of 0.15).
    double jacobian_change = -1;
    PetscReal fnorm = 0, linear_residual = 0, lambda = 0;
    SNESLineSearch ls;
    PetscCall(SNESGetFunctionNorm(snes, &fnorm));
    PetscCall(KSPGetResidualNorm(ksp, &linear_residual));
    PetscCall(SNESGetLineSearch(snes, &ls));
    PetscCall(SNESLineSearchGetLambda(ls, &lambda));
    if (krylov_iterations > 0 && cb->last_fnorm > 0 && lambda == 1.0)
      jacobian_change = 2 * (double(fnorm) + double(linear_residual)) / cb->last_fnorm;
    cb->last_fnorm = fnorm;
    const PetscErrorCode failed = cb->guarded([&] {
      VecReadView x(X);
      if (cb->recycler) cb->recycler->new_jacobian(x.data(), cb->owned, jacobian_change);
      if (cb->pre && cb->pre->setup) cb->pre->setup(x.data(), static_cast<int>(krylov_iterations));
    });
    if (!failed && cb->dump) {
      PetscInt it = 0;
      PC pc;
      PetscCall(SNESGetIterationNumber(snes, &it));
      PetscCall(KSPGetPC(ksp, &pc));
      const PetscErrorCode dump_failed = cb->guarded([&] {
        if (cb->dump->write_if_due(snes, it, X, cb->matrix_free, pc) != 0)
          throw std::runtime_error("PETSc failed while writing the operator dump (traceback above)");
      });
      PetscFunctionReturn(dump_failed);
    }
    PetscFunctionReturn(failed);
  }

  // The Jacobian product of the recording shell: J z by finite differences, kept as a pair.
  static PetscErrorCode multiply(Mat A, Vec Z, Vec W) {
    void* ctx = nullptr;
    PetscFunctionBeginUser;
    PetscCall(MatShellGetContext(A, &ctx));
    auto* cb = static_cast<Callback*>(ctx);
    PetscCall(MatMult(cb->matrix_free, Z, W));
    const PetscErrorCode failed = cb->guarded([&] {
      VecReadView z(Z), w(W);
      cb->recycler->record(z.data(), w.data(), cb->owned);
    });
    PetscFunctionReturn(failed);
  }

  // The `regio` PC (regio_pc.hpp): the recycled space around the caller's preconditioner.
  PetscErrorCode apply(Vec R, Vec Y) override {
    return guarded([&] {
      VecReadView r(R);
      VecWriteView y(Y);
      if (recycler)
        recycler->apply(r.data(), y.data(), owned, pre ? pre->apply : std::function<void(const double*, double*)>());
      else
        pre->apply(r.data(), y.data());
    });
  }
  const char* description() const override {
    return !recycler ? "regio block-diagonal (local) preconditioner"
           : pre     ? "regio recycled Krylov space + block-diagonal (local) preconditioner"
                     : "regio recycled Krylov space";
  }

  static PetscErrorCode function(SNES snes, Vec X, Vec F, void* ctx) {
    auto* cb = static_cast<Callback*>(ctx);
    PetscFunctionBeginUser;
    bool in_domain = true;
    const PetscErrorCode failed = cb->guarded([&] {
      VecReadView x(X);
      VecWriteView f(F);
      in_domain = (*cb->G)(x.data(), f.data());
    });
    if (failed) PetscFunctionReturn(failed);
    if (!in_domain) PetscCall(SNESSetFunctionDomainError(snes));
    PetscFunctionReturn(0);
  }
};

// X (owned entries x0, block size `block`) on the communicator.
void make_solution_vector(MPI_Comm comm, const std::vector<double>& x0, int block, PetscVec& X) {
  REGIO_PETSC(VecCreateMPI(comm, static_cast<PetscInt>(x0.size()), PETSC_DETERMINE, X.address()));
  REGIO_PETSC(VecSetBlockSize(X, block));
  VecWriteView xv(X);
  std::copy(x0.begin(), x0.end(), xv.data());
}

// Matrix-free Jacobian (MatMFFD); with recycling, a shell around it that keeps each product.
void setup_jacobian(SNES snes, Vec X, Callback& cb, PetscMat& J, PetscMat& recording) {
  REGIO_PETSC(MatCreateSNESMF(snes, J.address()));
  cb.matrix_free = J;
  if (!cb.recycler) {
    REGIO_PETSC(SNESSetJacobian(snes, J, J, Callback::jacobian, &cb));
    return;
  }
  PetscInt n_global = 0;
  REGIO_PETSC(VecGetSize(X, &n_global));
  const auto n_local = static_cast<PetscInt>(cb.owned);
  REGIO_PETSC(MatCreateShell(PetscObjectComm(reinterpret_cast<PetscObject>(snes)), n_local, n_local, n_global, n_global,
                             &cb, recording.address()));
  REGIO_PETSC(MatShellSetOperation(recording, MATOP_MULT, reinterpret_cast<void (*)(void)>(Callback::multiply)));
  REGIO_PETSC(SNESSetJacobian(snes, recording, recording, Callback::jacobian, &cb));
}

// Right-preconditioned GMRES (GMRES then measures the true linear residual ‖F + J s‖, the one
// the forcing terms and the line search's sufficient-decrease test are stated for) with the
// `regio` PC where there is something to precondition with, none otherwise.
void setup_linear_solver(SNES snes, Callback& cb) {
  KSP ksp;
  PC pc;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  if (cb.pre || cb.recycler)
    set_regio_pc(pc, &cb);
  else
    REGIO_PETSC(PCSetType(pc, PCNONE));
  REGIO_PETSC(KSPSetPCSide(ksp, PC_RIGHT));
}

// Forcing terms: regio's unless the options ask for PETSc's Eisenstat–Walker
// (-<prefix>snes_ksp_ew) or a fixed linear tolerance (-<prefix>ksp_rtol). After SNESSetFromOptions.
void setup_forcing(SNES snes, const std::string& prefix, Forcing& forcing) {
  PetscBool petsc_ew = PETSC_FALSE, fixed_rtol = PETSC_FALSE;
  KSP ksp;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(SNESKSPGetUseEW(snes, &petsc_ew));
  REGIO_PETSC(PetscOptionsHasName(nullptr, prefix.c_str(), "-ksp_rtol", &fixed_rtol));
  if (!petsc_ew && !fixed_rtol) REGIO_PETSC(KSPSetPreSolve(ksp, Forcing::presolve, &forcing));
}

// What the solve reports: reason, counts, norms, the last residual norms and the final iterate.
NonlinearSolve collect(SNES snes, Vec X, const std::vector<PetscReal>& history, std::size_t owned) {
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
  if (hlen > 0) out.initial_residual_norm = history[0];
  for (PetscInt k = std::max<PetscInt>(0, hlen - 8); k < hlen; ++k)
    out.history += fmt::format("{}{:.2e}", out.history.empty() ? "" : " ", history[k]);
  VecReadView xv(X);
  out.x.assign(xv.data(), xv.data() + owned);
  return out;
}

}  // namespace

NonlinearSolve solve_nonlinear(MPI_Comm comm, const std::string& prefix, int block, const std::vector<double>& x0,
                               const ResidualFunction& G, const SolverParams& tol, const Preconditioner* pre,
                               KrylovRecycler* carried, const std::vector<double>* G0) {
  PetscVec X, F, F0;
  make_solution_vector(comm, x0, block, X);
  REGIO_PETSC(VecDuplicate(X, F.address()));
  PetscSNES snes;
  REGIO_PETSC(SNESCreate(comm, snes.address()));
  REGIO_PETSC(SNESSetOptionsPrefix(snes, prefix.c_str()));
  // Krylov recycling: products of one Newton step precondition the next. Within this solve, or
  // carried from solve to solve in `carried` (the national system's epochs; it decides when to
  // drop them, docs/numerics.md).
  KrylovRecycler own(comm, carried ? 0 : static_cast<std::size_t>(std::max(0, tol.recycle)));
  KrylovRecycler& recycler = carried ? *carried : own;
  Callback cb(&G, pre, recycler.enabled() ? &recycler : nullptr);
  cb.owned = x0.size();
  OperatorDump dump;
  if (dump.configure(comm, prefix)) cb.dump = &dump;

  REGIO_PETSC(SNESSetFunction(snes, F, Callback::function, &cb));
  PetscMat J, recording;
  setup_jacobian(snes, X, cb, J, recording);
  setup_linear_solver(snes, cb);
  REGIO_PETSC(SNESSetTolerances(snes, tol.atol, tol.rtol, 0.0, tol.max_iterations, 100000));
  std::vector<PetscReal> history(tol.max_iterations + 1);
  std::vector<PetscInt> lin_history(tol.max_iterations + 1);
  REGIO_PETSC(SNESSetConvergenceHistory(snes, history.data(), lin_history.data(), static_cast<PetscInt>(history.size()),
                                        PETSC_TRUE));
  SNESLineSearch ls;
  InexactBacktracking backtracking;
  REGIO_PETSC(SNESGetLineSearch(snes, &ls));
  REGIO_PETSC(SNESLineSearchSetType(ls, SNESLINESEARCHSHELL));
  REGIO_PETSC(SNESLineSearchShellSetUserFunc(ls, InexactBacktracking::apply, &backtracking));
  snes_set_from_options(snes, comm);  // after the YAML defaults: the command line wins
  Forcing forcing{snes, tol.atol, tol.rtol};
  setup_forcing(snes, prefix, forcing);

  if (G0) {  // the caller's G(x0): no second evaluation at x0 (collective: G0 is given on every rank or none)
    REGIO_PETSC(VecDuplicate(X, F0.address()));
    {
      VecWriteView f0(F0);
      std::copy(G0->begin(), G0->end(), f0.data());
    }
    REGIO_PETSC(SNESSetInitialFunction(snes, F0));
  }

  REGIO_PETSC(PetscPushErrorHandler(Callback::on_error, &cb));
  const PetscErrorCode ierr = SNESSolve(snes, nullptr, X);
  REGIO_PETSC(PetscPopErrorHandler());
  if (cb.error) std::rethrow_exception(cb.error);
  REGIO_PETSC(ierr);
  if (cb.dump && !dump.written)
    std::fprintf(stderr, "note: solve %d of -%sdump_operator ended before Newton step %d; nothing written to %s\n",
                 static_cast<int>(dump.solve), prefix.c_str(), static_cast<int>(dump.step), dump.path.c_str());
  return collect(snes, X, history, x0.size());
}

void snes_set_from_options(_p_SNES* snes, MPI_Comm comm) {
  REGIO_PETSC(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  const PetscErrorCode code = SNESSetFromOptions(snes);
  REGIO_PETSC(PetscPopErrorHandler());
  const char* text = nullptr;
  char* specific = nullptr;
  if (code) PetscErrorMessage(code, &text, &specific);
  const std::string what =
      fmt::format("{}{}{}", text ? text : "error", specific && *specific ? ": " : "", specific ? specific : "");
  all_ranks(comm, [&] {
    if (code)
      throw InputError(fmt::format(
          "PETSc options: {} — check the options after `--` and solver.petsc_options in the scenario", what));
  });
}

}  // namespace regio
