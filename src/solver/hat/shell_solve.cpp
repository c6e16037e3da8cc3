#include "shell_solve.hpp"

#include <fmt/format.h>
#include <petscksp.h>

#include <cmath>
#include <exception>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"

namespace regio::hat {

namespace {
using PetscKSP = PetscHandle<KSP, KSPDestroy>;

struct ShellContext {
  const ShellApply* apply;
  std::exception_ptr error;
};

PetscErrorCode shell_mult(Mat A, Vec x, Vec y) {
  ShellContext* ctx = nullptr;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &ctx));
  try {
    VecReadView xv(x);
    VecWriteView yv(y);
    (*ctx->apply)(xv.data(), yv.data());
  } catch (...) {
    // Never unwind through PETSc: keep the exception and rethrow after KSPSolve.
    ctx->error = std::current_exception();
    PetscFunctionReturn(PETSC_ERR_USER);
  }
  PetscFunctionReturn(0);
}

double max_abs(MPI_Comm comm, const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return max_over_ranks(comm, m);
}
}  // namespace

double shell_solve(const Layout& layout, int local_size, const ShellApply& apply, const std::vector<double>& b,
                   std::vector<double>& x, const std::string& what) {
  MPI_Comm comm = layout.comm();
  ShellContext ctx{&apply, nullptr};
  PetscMat M;
  REGIO_PETSC(MatCreateShell(comm, local_size, local_size, PETSC_DETERMINE, PETSC_DETERMINE, &ctx, M.address()));
  REGIO_PETSC(MatShellSetOperation(M, MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult)));
  PetscVec xv, bv;
  REGIO_PETSC(MatCreateVecs(M, xv.address(), bv.address()));
  PetscKSP ksp;
  REGIO_PETSC(KSPCreate(comm, ksp.address()));
  REGIO_PETSC(KSPSetOperators(ksp, M, M));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGMRESSetRestart(ksp, 300));
  PC pc;
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  REGIO_PETSC(PCSetType(pc, PCNONE));
  REGIO_PETSC(KSPSetTolerances(ksp, 1e-15, 1e-300, 1e10, 3000));
  REGIO_PETSC(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  REGIO_PETSC(KSPSetOptionsPrefix(ksp, "hat_base_"));
  REGIO_PETSC(KSPSetFromOptions(ksp));
  std::vector<double> r(static_cast<std::size_t>(local_size)), mx(r.size()), d(r.size());
  const double bmax = std::max(max_abs(comm, b), 1e-300);
  auto residual = [&] {
    apply(x.data(), mx.data());
    for (std::size_t k = 0; k < r.size(); ++k) r[k] = b[k] - mx[k];
    return max_abs(comm, r) / bmax;
  };
  double res = residual();
  // GMRES on the correction, repeated (iterative refinement) until round-off.
  for (int pass = 0; pass < 4 && res > 1e-15; ++pass) {
    {
      VecWriteView bw(bv), xw(xv);
      for (std::size_t k = 0; k < r.size(); ++k) bw[k] = r[k], xw[k] = 0;
    }
    const PetscErrorCode ierr = KSPSolve(ksp, bv, xv);
    if (ctx.error) std::rethrow_exception(ctx.error);
    REGIO_PETSC(ierr);
    KSPConvergedReason reason;
    REGIO_PETSC(KSPGetConvergedReason(ksp, &reason));
    if (reason < 0 && reason != KSP_DIVERGED_ITS)
      raise_on_all_ranks(
          SolverError(fmt::format("{}: the linear solve failed ({})", what, KSPConvergedReasons[reason])));
    {
      VecReadView xr(xv);
      for (std::size_t k = 0; k < r.size(); ++k) x[k] += xr[k];
    }
    res = residual();
  }
  return res;
}

}  // namespace regio::hat
