#include "regio/snes_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>

#include "regio/error.hpp"
#include "regio/petsc_util.hpp"

namespace regio {

namespace {
// Developer diagnostic (docs/numerics.md, "What limits the Krylov iterations"): the explicit
// preconditioned operator J P⁻¹ of one Newton step, column by column — P⁻¹ is the linear solve's
// own PC (PCApply: regio's shell, or whatever the options chose), the products go through the
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
  bool configure(MPI_Comm comm, const std::string& prefix) {
    static std::map<std::string, PetscInt> solves_by_prefix;  // per process, like the options
    const PetscInt current = ++solves_by_prefix[prefix];
    char buffer[PETSC_MAX_PATH_LEN] = {0};
    PetscBool given = PETSC_FALSE;
    REGIO_PETSC(PetscOptionsGetString(nullptr, prefix.c_str(), "-dump_operator", buffer, sizeof buffer, &given));
    REGIO_PETSC(PetscOptionsGetInt(nullptr, prefix.c_str(), "-dump_operator_solve", &solve, nullptr));
    REGIO_PETSC(PetscOptionsGetInt(nullptr, prefix.c_str(), "-dump_operator_step", &step, nullptr));
    if (!given) return false;
    int size = 1;
    MPI_Comm_size(comm, &size);
    if (size != 1)
      throw InputError(fmt::format("-{}dump_operator writes the dense preconditioned operator from one rank: run it with mpirun -np 1",
                                   prefix));
    path = buffer;
    return current == solve;
  }

  // At the Jacobian update of Newton step `it`, after the preconditioner's setup.
  PetscErrorCode write_if_due(SNES snes, PetscInt it, Vec X, Mat matrix_free, PC pc) {
    PetscFunctionBeginUser;
    if (it != step) PetscFunctionReturn(0);
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned_file(std::fopen(path.c_str(), "wb"), std::fclose);
    std::FILE* file = owned_file.get();
    if (!file) throw InputError(fmt::format("cannot write the operator dump {}: check that its folder exists", path));
    PetscInt n = 0;
    PetscCall(VecGetLocalSize(X, &n));
    const std::int64_t size = n;
    bool ok = std::fwrite(&size, sizeof size, 1, file) == 1;
    PetscVec E, Y, W;
    PetscCall(VecDuplicate(X, E.address()));
    PetscCall(VecDuplicate(X, Y.address()));
    PetscCall(VecDuplicate(X, W.address()));
    for (PetscInt k = 0; k < n && ok; ++k) {
      PetscCall(VecSet(E, 0.0));
      PetscCall(VecSetValue(E, k, 1.0, INSERT_VALUES));  // one rank: global index = local index
      PetscCall(VecAssemblyBegin(E));
      PetscCall(VecAssemblyEnd(E));
      PetscCall(PCApply(pc, E, Y));
      PetscCall(MatMult(matrix_free, Y, W));
      VecReadView w(W);
      ok = std::fwrite(w.data(), sizeof(double), static_cast<std::size_t>(n), file) == static_cast<std::size_t>(n);
    }
    Vec F;
    PetscCall(SNESGetFunction(snes, &F, nullptr, nullptr));
    if (ok) {
      VecReadView f(F);
      ok = std::fwrite(f.data(), sizeof(double), static_cast<std::size_t>(n), file) == static_cast<std::size_t>(n);
    }
    if (std::fflush(file) != 0 || !ok) throw InputError(fmt::format("writing the operator dump {} failed (disk full?)", path));
    written = true;
    std::fprintf(stderr, "wrote the preconditioned operator (%d x %d) of Newton step %d of solve %d to %s\n",
                 static_cast<int>(n), static_cast<int>(n), static_cast<int>(it), static_cast<int>(solve), path.c_str());
    PetscFunctionReturn(0);
  }
};

// C callbacks: never let a C++ exception unwind through SNESSolve; keep it and rethrow after.
struct Callback {
  const ResidualFunction* G;
  std::exception_ptr error;
  const Preconditioner* pre = nullptr;
  KrylovRecycler* recycler = nullptr;  // enabled, or null
  Mat matrix_free = nullptr;           // the MFFD Jacobian (wrapped by a recording shell if recycling)
  std::size_t owned = 0;
  OperatorDump* dump = nullptr;  // set only for the solve to dump
  double last_fnorm = -1;  // ‖G‖ at the last Jacobian's point (this solve), or −1 before the first

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

  static PetscErrorCode apply(PC pc, Vec R, Vec Y) {
    void* ctx = nullptr;
    PetscFunctionBeginUser;
    PetscCall(PCShellGetContext(pc, &ctx));
    auto* cb = static_cast<Callback*>(ctx);
    const PetscErrorCode failed = cb->guarded([&] {
      VecReadView r(R);
      VecWriteView y(Y);
      if (cb->recycler)
        cb->recycler->apply(r.data(), y.data(), cb->owned, cb->pre ? cb->pre->apply : std::function<void(const double*, double*)>());
      else
        cb->pre->apply(r.data(), y.data());
    });
    PetscFunctionReturn(failed);
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
  double safety = 0.5;  // c, Kelley's value
  double close_start = 3;  // η_0 ≤ close_start · RMS(G_0)
  double first_norm = 0, last_norm = 0, last_eta = 0;

  static PetscErrorCode presolve(KSP ksp, Vec, Vec, void* ctx) {
    auto* f = static_cast<Forcing*>(ctx);
    PetscInt it = 0;
    PetscReal norm = 0;
    PetscFunctionBeginUser;
    PetscCall(SNESGetIterationNumber(f->snes, &it));
    PetscCall(SNESGetFunctionNorm(f->snes, &norm));
    double eta = f->eta_initial;
    if (it == 0) {
      f->first_norm = norm;
      // A start already close to the solution (a warm start) is in Newton's local region: the
      // first step may solve as tightly as the residual is small, η_0 ≤ c·RMS(G_0) (cf. the
      // Dembo–Steihaug forcing η ≤ c‖G‖; RMS so that it does not depend on the size).
      PetscInt n = 0;
      Vec rhs;
      PetscCall(KSPGetRhs(ksp, &rhs));
      PetscCall(VecGetSize(rhs, &n));
      if (n > 0) eta = std::min(eta, f->close_start * double(norm) / std::sqrt(double(n)));
    } else if (f->last_norm > 0) {
      eta = f->gamma * std::pow(norm / f->last_norm, f->alpha);
      const double previous = f->gamma * std::pow(f->last_eta, f->alpha);
      if (previous > f->threshold) eta = std::max(eta, previous);
    }
    const double target = std::max(f->atol, f->rtol * f->first_norm);
    if (norm > 0) eta = std::max(eta, f->safety * target / norm);
    eta = std::min(eta, f->eta_max);
    f->last_norm = norm;
    f->last_eta = eta;
    PetscCall(KSPSetTolerances(ksp, eta, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
    PetscFunctionReturn(0);
  }
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

  static PetscErrorCode apply(SNESLineSearch ls, void* ctx) {
    auto* self = static_cast<InexactBacktracking*>(ctx);
    Vec X, F, Y, W, G;
    SNES snes;
    KSP ksp;
    PetscReal xnorm = 0, fnorm = 0, ynorm = 0, eta = 0;
    PetscViewer monitor = nullptr;
    PetscFunctionBeginUser;
    PetscCall(SNESLineSearchGetVecs(ls, &X, &F, &Y, &W, &G));
    PetscCall(SNESLineSearchGetNorms(ls, &xnorm, &fnorm, &ynorm));
    PetscCall(SNESLineSearchGetSNES(ls, &snes));
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(KSPGetTolerances(ksp, &eta, nullptr, nullptr, nullptr));
    PetscCall(SNESLineSearchGetDefaultMonitor(ls, &monitor));
    eta = std::min<PetscReal>(eta, 0.9);
    // The unknowns are logs: no Newton step may move a price or population by more than a
    // factor e^max_log_step (a Krylov solve near a singular direction can return huge steps).
    PetscReal step_max = 0;
    PetscCall(VecNorm(Y, NORM_INFINITY, &step_max));
    PetscReal lambda = step_max > self->max_log_step ? self->max_log_step / step_max : 1.0;
    for (int step = 0;; ++step) {
      PetscCall(VecWAXPY(W, -lambda, Y, X));
      PetscCall(SNESComputeFunction(snes, W, G));
      PetscBool domain = PETSC_FALSE;
      PetscCall(SNESGetFunctionDomainError(snes, &domain));
      PetscReal gnorm = std::numeric_limits<PetscReal>::infinity();
      if (!domain) PetscCall(VecNorm(G, NORM_2, &gnorm));
      const bool finite = std::isfinite(gnorm);
      if (monitor)
        PetscCall(PetscViewerASCIIPrintf(monitor, "      Line search (inexact Newton): lambda %g fnorm %14.12e gnorm %14.12e%s\n",
                                         double(lambda), double(fnorm), double(gnorm), domain ? " (outside the domain)" : ""));
      if (finite && gnorm <= (1 - self->sufficient * lambda * (1 - eta)) * fnorm) {
        PetscCall(VecCopy(W, X));
        PetscCall(VecCopy(G, F));
        PetscCall(VecNorm(X, NORM_2, &xnorm));
        PetscCall(VecNorm(Y, NORM_2, &ynorm));
        PetscCall(SNESLineSearchSetNorms(ls, xnorm, gnorm, lambda * ynorm));
        PetscCall(SNESLineSearchSetLambda(ls, lambda));
        PetscCall(SNESLineSearchSetReason(ls, SNES_LINESEARCH_SUCCEEDED));
        PetscFunctionReturn(0);
      }
      if (step + 1 >= self->max_steps) {
        PetscCall(SNESLineSearchSetReason(ls, domain ? SNES_LINESEARCH_FAILED_DOMAIN
                                                     : finite ? SNES_LINESEARCH_FAILED_REDUCT : SNES_LINESEARCH_FAILED_NANORINF));
        PetscFunctionReturn(0);
      }
      if (!finite) {
        lambda *= 0.5;
      } else {  // minimiser of the quadratic through ‖F‖² at 0 (slope −2‖F‖²) and at λ
        const double f0 = double(fnorm) * double(fnorm), fl = double(gnorm) * double(gnorm);
        const double curvature = fl - f0 + 2 * f0 * double(lambda);
        const double trial = curvature > 0 ? f0 * double(lambda) * double(lambda) / curvature : 0.5 * double(lambda);
        lambda = std::clamp<PetscReal>(trial, 0.1 * lambda, 0.5 * lambda);
      }
    }
  }
};
}  // namespace

NonlinearSolve solve_nonlinear(MPI_Comm comm, const std::string& prefix, int block, const std::vector<double>& x0,
                               const ResidualFunction& G, const SolverParams& tol, const Preconditioner* pre,
                               KrylovRecycler* carried, const std::vector<double>* G0) {
  PetscVec X, F, F0;
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
  // Krylov recycling: products of one Newton step precondition the next. Within this solve, or
  // carried from solve to solve in `carried` (the national system's epochs; it decides when to
  // drop them, docs/numerics.md).
  KrylovRecycler own(comm, carried ? 0 : static_cast<std::size_t>(std::max(0, tol.recycle)));
  KrylovRecycler& recycler = carried ? *carried : own;
  Callback cb{&G, nullptr, pre, recycler.enabled() ? &recycler : nullptr};
  cb.owned = x0.size();
  OperatorDump dump;
  if (dump.configure(comm, prefix)) cb.dump = &dump;

  REGIO_PETSC(SNESSetFunction(snes, F, Callback::function, &cb));
  PetscMat J, recording;
  REGIO_PETSC(MatCreateSNESMF(snes, J.address()));
  cb.matrix_free = J;
  if (cb.recycler) {  // a shell around the MFFD operator that keeps each product for recycling
    PetscInt n_global = 0;
    REGIO_PETSC(VecGetSize(X, &n_global));
    const auto n_local = static_cast<PetscInt>(x0.size());
    REGIO_PETSC(MatCreateShell(comm, n_local, n_local, n_global, n_global, &cb, recording.address()));
    REGIO_PETSC(MatShellSetOperation(recording, MATOP_MULT, reinterpret_cast<void (*)(void)>(Callback::multiply)));
    REGIO_PETSC(SNESSetJacobian(snes, recording, recording, Callback::jacobian, &cb));
  } else {
    REGIO_PETSC(SNESSetJacobian(snes, J, J, Callback::jacobian, &cb));
  }
  KSP ksp;
  PC pc;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  if (pre || cb.recycler) {
    REGIO_PETSC(PCSetType(pc, PCSHELL));
    REGIO_PETSC(PCShellSetContext(pc, &cb));
    REGIO_PETSC(PCShellSetApply(pc, Callback::apply));
    REGIO_PETSC(PCShellSetName(pc, !cb.recycler ? "regio block-diagonal (local) preconditioner"
                                   : pre ? "regio recycled Krylov space + block-diagonal (local) preconditioner"
                                         : "regio recycled Krylov space"));
  } else {
    REGIO_PETSC(PCSetType(pc, PCNONE));
  }
  REGIO_PETSC(SNESSetTolerances(snes, tol.atol, tol.rtol, 0.0, tol.max_iterations, 100000));
  // Right preconditioning: GMRES then measures the true linear residual ‖F + J s‖, the one the
  // forcing terms and the line search's sufficient-decrease test are stated for.
  REGIO_PETSC(KSPSetPCSide(ksp, PC_RIGHT));
  std::vector<PetscReal> history(tol.max_iterations + 1);
  std::vector<PetscInt> lin_history(tol.max_iterations + 1);
  REGIO_PETSC(SNESSetConvergenceHistory(snes, history.data(), lin_history.data(), static_cast<PetscInt>(history.size()), PETSC_TRUE));
  SNESLineSearch ls;
  InexactBacktracking backtracking;
  REGIO_PETSC(SNESGetLineSearch(snes, &ls));
  REGIO_PETSC(SNESLineSearchSetType(ls, SNESLINESEARCHSHELL));
  REGIO_PETSC(SNESLineSearchShellSetUserFunc(ls, InexactBacktracking::apply, &backtracking));
  REGIO_PETSC(SNESSetFromOptions(snes));  // after the YAML defaults: the command line wins
  // Forcing terms: regio's (above) unless the options ask for PETSc's Eisenstat–Walker
  // (-<prefix>snes_ksp_ew) or a fixed linear tolerance (-<prefix>ksp_rtol).
  Forcing forcing{snes, tol.atol, tol.rtol};
  PetscBool petsc_ew = PETSC_FALSE, fixed_rtol = PETSC_FALSE;
  REGIO_PETSC(SNESKSPGetUseEW(snes, &petsc_ew));
  REGIO_PETSC(PetscOptionsHasName(nullptr, prefix.c_str(), "-ksp_rtol", &fixed_rtol));
  if (!petsc_ew && !fixed_rtol) REGIO_PETSC(KSPSetPreSolve(ksp, Forcing::presolve, &forcing));

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
  out.x.assign(xv.data(), xv.data() + x0.size());
  return out;
}

}  // namespace regio
