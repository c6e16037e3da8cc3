#include "regio/newton_controls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace regio {

PetscErrorCode Forcing::presolve(KSP ksp, Vec, Vec, void* ctx) {
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

PetscErrorCode InexactBacktracking::apply(SNESLineSearch ls, void* ctx) {
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
      PetscCall(PetscViewerASCIIPrintf(
          monitor, "      Line search (inexact Newton): lambda %g fnorm %14.12e gnorm %14.12e%s\n", double(lambda),
          double(fnorm), double(gnorm), domain ? " (outside the domain)" : ""));
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
      PetscCall(SNESLineSearchSetReason(ls, domain   ? SNES_LINESEARCH_FAILED_DOMAIN
                                            : finite ? SNES_LINESEARCH_FAILED_REDUCT
                                                     : SNES_LINESEARCH_FAILED_NANORINF));
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

}  // namespace regio
