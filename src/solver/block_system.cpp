#include "regio/block_system.hpp"

#include <fmt/format.h>
#include <petscsnes.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"
#include "regio/province_coarse.hpp"
#include "regio/snes_driver.hpp"

namespace regio {

void RegionBlocks::setup(const double* x) {
  const int K = system_.block(), owned = system_.local_size() / std::max(K, 1);
  const auto& last = system_.last_point();
  const bool same = static_cast<int>(last.size()) == system_.local_size() && std::equal(last.begin(), last.end(), x);
  if (!every_rank(system_.layout().comm(), same)) {  // the frozen terms must be those at x
    std::vector<double> f(static_cast<std::size_t>(system_.local_size()));
    system_.evaluate(x, f.data());
  }
  const double h = 1e-7;  // the unknowns are logs of O(1) scale
  const std::size_t k2 = static_cast<std::size_t>(K * K);
  inverse_.assign(static_cast<std::size_t>(owned) * k2, 0.0);
  singular_ = 0;
  std::vector<double> xb(static_cast<std::size_t>(K)), f0(xb.size()), f1(xb.size()), A(k2);
  for (int ln = 0; ln < owned; ++ln) {
    std::copy(x + ln * K, x + (ln + 1) * K, xb.begin());
    system_.block_residual(ln, xb.data(), f0.data());
    for (int c = 0; c < K; ++c) {
      xb[c] += h;
      system_.block_residual(ln, xb.data(), f1.data());
      xb[c] = x[ln * K + c];
      for (int r = 0; r < K; ++r) A[static_cast<std::size_t>(r * K + c)] = (f1[r] - f0[r]) / h;
    }
    double* inv = &inverse_[static_cast<std::size_t>(ln) * k2];
    const bool finite = std::all_of(A.begin(), A.end(), [](double v) { return std::isfinite(v); });
    if (finite && invert_small(A, static_cast<std::size_t>(K), 1e-12)) {
      std::copy(A.begin(), A.end(), inv);
    } else {
      ++singular_;
      for (int a = 0; a < K; ++a) inv[a * K + a] = 1.0;
    }
  }
}

PetscErrorCode RegionBlocks::apply(Vec r, Vec y) {
  PetscFunctionBeginUser;
  const PetscScalar* rv = nullptr;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArrayRead(r, &rv));
  PetscCall(VecGetArray(y, &yv));
  const int K = system_.block();
  const std::size_t owned = inverse_.size() / static_cast<std::size_t>(K * K);
  if (static_cast<int>(owned * K) != system_.local_size()) {  // not set up (yet): the identity
    PetscCall(VecRestoreArray(y, &yv));
    PetscCall(VecRestoreArrayRead(r, &rv));
    PetscCall(VecCopy(r, y));
    PetscFunctionReturn(0);
  }
  for (std::size_t ln = 0; ln < owned; ++ln) {
    const double* inv = &inverse_[ln * K * K];
    const PetscScalar* rb = rv + ln * K;
    PetscScalar* yb = yv + ln * K;
    for (int a = 0; a < K; ++a) {
      double t = 0;
      for (int c = 0; c < K; ++c) t += inv[a * K + c] * rb[c];
      yb[a] = t;
    }
  }
  PetscCall(VecRestoreArray(y, &yv));
  PetscCall(VecRestoreArrayRead(r, &rv));
  PetscFunctionReturn(0);
}

namespace {
// C callbacks: an exception is kept and rethrown after SNESSolve, never raised through PETSc.
struct SnesContext {
  BlockSystem* system;
  RegionBlocks* blocks;
  Mat matrix_free;
  std::exception_ptr error;
};

PetscErrorCode snes_residual(SNES snes, Vec x, Vec f, void* ptr) {
  auto* ctx = static_cast<SnesContext*>(ptr);
  PetscFunctionBeginUser;
  try {
    VecReadView xv(x);
    VecWriteView fv(f);
    if (!ctx->system->evaluate(xv.data(), fv.data())) PetscCall(SNESSetFunctionDomainError(snes));
  } catch (...) {
    ctx->error = std::current_exception();
    PetscFunctionReturn(PETSC_ERR_USER);
  }
  PetscFunctionReturn(0);
}

// Jacobian update: the matrix-free operator's base point, then the per-region blocks at it (only
// when the PC is `regio`: -<prefix>pc_type none skips them).
PetscErrorCode snes_jacobian(SNES snes, Vec x, Mat, Mat, void* ptr) {
  auto* ctx = static_cast<SnesContext*>(ptr);
  PetscFunctionBeginUser;
  PetscCall(MatMFFDComputeJacobian(snes, x, ctx->matrix_free, ctx->matrix_free, nullptr));
  KSP ksp;
  PC pc;
  PetscBool regio_pc = PETSC_FALSE;
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), kRegioPCType, &regio_pc));
  if (!regio_pc) PetscFunctionReturn(0);
  try {
    VecReadView xv(x);
    ctx->blocks->setup(xv.data());
  } catch (...) {
    ctx->error = std::current_exception();
    PetscFunctionReturn(PETSC_ERR_USER);
  }
  PetscFunctionReturn(0);
}

SolveSummary summarise(SNES snes, PC pc) {
  SNESConvergedReason reason;
  REGIO_PETSC(SNESGetConvergedReason(snes, &reason));
  SolveSummary s;
  PetscInt its = 0, lits = 0, fevals = 0;
  REGIO_PETSC(SNESGetIterationNumber(snes, &its));
  REGIO_PETSC(SNESGetLinearSolveIterations(snes, &lits));
  REGIO_PETSC(SNESGetNumberFunctionEvals(snes, &fevals));
  s.newton_iterations = static_cast<int>(its);
  s.linear_iterations = static_cast<int>(lits);
  s.residual_evaluations = static_cast<int>(fevals);
  s.reason = SNESConvergedReasons[reason];
  PCType pc_type = nullptr;
  REGIO_PETSC(PCGetType(pc, &pc_type));
  s.preconditioner = pc_type ? pc_type : "";
  return s;
}
}  // namespace

SolveSummary solve_block_system(BlockSystem& system, std::vector<double>& x, const BlockSolveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  MPI_Comm comm = system.layout().comm();
  const int n = system.local_size();
  RegionBlocks blocks(system, options.pc_description);
  SnesContext ctx{&system, &blocks, nullptr, nullptr};
  PetscVec xv, fv;
  REGIO_PETSC(VecCreateMPI(comm, n, PETSC_DETERMINE, xv.address()));
  REGIO_PETSC(VecDuplicate(xv, fv.address()));
  PetscSNES snes;
  REGIO_PETSC(SNESCreate(comm, snes.address()));
  REGIO_PETSC(SNESSetOptionsPrefix(snes, options.prefix.c_str()));
  REGIO_PETSC(SNESSetFunction(snes, fv, snes_residual, &ctx));
  // Matrix-free Newton–Krylov: J v by differences of F; GMRES preconditioned by the per-region
  // blocks, PC type `regio` (-<prefix>pc_type none: unpreconditioned).
  PetscMat J;
  REGIO_PETSC(MatCreateSNESMF(snes, J.address()));
  ctx.matrix_free = J;
  REGIO_PETSC(SNESSetJacobian(snes, J, J, snes_jacobian, &ctx));
  KSP ksp;
  PC pc;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGMRESSetRestart(ksp, 200));
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  set_regio_pc(pc, &blocks);
  REGIO_PETSC(KSPSetTolerances(ksp, 1e-10, 1e-300, 1e10, 2000));
  REGIO_PETSC(SNESSetTolerances(snes, 1e-12, 1e-300, 0, 50, 100000));
  snes_set_from_options(snes, comm);  // a bad option value is an input error (snes_driver.hpp)
  std::vector<PetscReal> norms(256);  // ‖F‖ before each Newton step: [0] is the starting point's
  REGIO_PETSC(SNESSetConvergenceHistory(snes, norms.data(), nullptr, static_cast<PetscInt>(norms.size()), PETSC_TRUE));
  {
    VecWriteView w(xv);
    for (int k = 0; k < n; ++k) w[k] = x[k];
  }
  const PetscErrorCode ierr = SNESSolve(snes, nullptr, xv);
  if (ctx.error) std::rethrow_exception(ctx.error);
  REGIO_PETSC(ierr);
  SolveSummary s = summarise(snes, pc);
  s.initial_residual_norm = static_cast<double>(norms[0]);
  {
    VecReadView r(xv);
    for (int k = 0; k < n; ++k) x[k] = r[k];
  }
  // The state and the residual at the solution (also what the outputs read).
  std::vector<double> f(static_cast<std::size_t>(n));
  system.evaluate(x.data(), f.data());
  double ss = 0;
  for (double v : f) ss += v * v;
  s.residual_norm = std::sqrt(sum_over_ranks(comm, ss));
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  SNESConvergedReason reason;
  REGIO_PETSC(SNESGetConvergedReason(snes, &reason));
  if (reason <= 0 || !(s.residual_norm < 1e-9))
    raise_on_all_ranks(SolverError(
        fmt::format("{} did not converge: SNES {} after {} Newton steps, residual {:.3e} ({})", options.what,
                    SNESConvergedReasons[reason], s.newton_iterations, s.residual_norm, options.hint)));
  return s;
}

}  // namespace regio
