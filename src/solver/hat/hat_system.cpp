// The system in changes (MODEL.md §12; equations in docs/hat-algebra.md §2).
#include "regio/hat/hat_system.hpp"

#include <fmt/format.h>
#include <petscsnes.h>

#include <chrono>
#include <cmath>
#include <exception>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"

namespace regio::hat {

namespace {
// Rent of land used by group g (all the region's land with one market) at revenues R (row of S).
double land_rent_at(const HatParameters& par, const double* R, int g) {
  const double dh = par.housing_share;
  double rent = 0;
  for (int s = 0; s < par.S(); ++s) {
    if (par.land_by_group && par.group_of_sector[s] != g) continue;
    rent += par.land_share[s] * R[s] + dh * par.value_added(s) * R[s] / (1 - dh);
  }
  return rent;
}
}  // namespace

HatSystem::HatSystem(const BaseYear& base, const Layout& layout, const Shocks& shocks, bool migration)
    : base_(base), layout_(layout), shocks_(shocks), migration_(migration), S_(base.S()), G_(base.G()), N_(base.N()) {
  numeraire_ = N_ - 1;
  for (std::int64_t n = 0; n < N_; ++n)
    if (base.outside[n]) {
      numeraire_ = n;
      break;
    }
  const std::size_t nu = static_cast<std::size_t>(layout.num_owned() * G_),
                    ns = static_cast<std::size_t>(layout.num_owned() * S_);
  for (auto* v : {&state_.wage, &state_.land_rent, &state_.employment, &state_.real_income, &state_.rebate_base,
                  &state_.rebate_new, &state_.own_share_new, &state_.expected_utility, &state_.within_share_new,
                  &state_.between_share_new})
    v->assign(nu, 1.0);
  for (auto* v : {&state_.price, &state_.revenue, &state_.spending_new, &state_.unit_cost, &state_.own_trade_new})
    v->assign(ns, 1.0);
  for (auto* v : {&state_.goods_price, &state_.domestic_imports_new, &state_.foreign_imports_new, &income_new_})
    v->assign(static_cast<std::size_t>(layout.num_owned()), 0.0);
  log_cost_.assign(ns, 0.0);
}

// Step 1, region by region (no communication): factor prices, unit costs, spending, real incomes.
void HatSystem::own_blocks(const double* x) {
  const HatParameters& par = base_.par;
  const double dh = par.housing_share;
  const int K = block();
  std::vector<double> R0(S_), R1(S_);
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    const double* xb = x + ln * K;
    for (int s = 0; s < S_; ++s) {
      R0[s] = base_.revenue[n * S_ + s];
      state_.price[ln * S_ + s] = std::exp(xb[G_ + s]);
      state_.revenue[ln * S_ + s] = std::exp(xb[G_ + S_ + s]);
      R1[s] = R0[s] * state_.revenue[ln * S_ + s];  // R'_ns = R_ns R̂_ns
    }
    double va1 = 0, wages1 = 0, cap0 = 0, cap1 = 0, L0 = 0, L1 = 0, wb0_total = 0;
    for (int s = 0; s < S_; ++s) {
      va1 += par.value_added(s) * R1[s];
      wages1 += par.labour_share[s] * R1[s];
      cap0 += par.capital_share[s] * R0[s];
      cap1 += par.capital_share[s] * R1[s];
    }
    const double I0 = base_.income(n), I1 = va1 / (1 - dh);  // I_n = Σ_s (α+β+λ)_s R_ns / (1 − δ_h)
    income_new_[ln] = I1;
    const double r_hat = cap0 > 0 ? cap1 / cap0 : 1.0;  // r̂ = Σβ R' / Σβ R (K fixed)
    double log_goods_price = 0;                         // log P̂_n = Σ_s η_s log P̂_ns
    for (int s = 0; s < S_; ++s) log_goods_price += par.final_demand[s] * xb[G_ + s];
    state_.goods_price[ln] = std::exp(log_goods_price);
    std::vector<double> log_q(G_);
    for (int g = 0; g < G_; ++g) {
      const double rent0 = land_rent_at(par, R0.data(), g), rent1 = land_rent_at(par, R1.data(), g);
      // q̂ = (Σ λ_s R' + δ_h I')/(Σ λ_s R + δ_h I) / Ĥ: land market (MODEL.md §2, §10); no land: q̂ = 1.
      log_q[g] = rent0 > 0 ? std::log(rent1 / rent0) - shocks_.log_H[n] : 0.0;
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      state_.wage[u] = std::exp(xb[g]);
      state_.land_rent[u] = std::exp(log_q[g]);
      state_.employment[u] = migration_ ? std::exp(xb[G_ + 2 * S_ + g]) : 1.0;
      L0 += base_.employment[n * G_ + g];
      L1 += base_.employment[n * G_ + g] * state_.employment[u];
      wb0_total += base_.wage_bill(n, g);
    }
    for (int s = 0; s < S_; ++s) {
      // ĉ_ns = ŵ^α_s r̂^β_s q̂^λ_s Π_k P̂_nk^ι_sk / Â_ns (MODEL.md §9; own-region P̂ from this block)
      const int g = par.group_of_sector[s];
      double lc = par.labour_share[s] * xb[g] + par.capital_share[s] * std::log(r_hat) + par.land_share[s] * log_q[g] -
                  shocks_.log_A[n * S_ + s];
      for (int k = 0; k < S_; ++k) lc += par.intermediate(s, k) * xb[G_ + k];
      log_cost_[ln * S_ + s] = lc;
      state_.unit_cost[ln * S_ + s] = std::exp(lc);
      // X'_ns = η_s (1 − δ_h) I'_n + Σ_k ι_ks R'_nk
      double X1 = par.final_demand[s] * (1 - dh) * I1;
      for (int k = 0; k < S_; ++k) X1 += par.intermediate(k, s) * R1[k];
      state_.spending_new[ln * S_ + s] = X1;
    }
    const double nonwage0 = I0 - wb0_total, nonwage1 = I1 - wages1;
    for (int g = 0; g < G_; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      const double deflator = std::exp((1 - dh) * log_goods_price + dh * log_q[g]);  // P̂_n^(1−δ_h) q̂_ng^δ_h
      double income_hat = state_.wage[u];                                            // stayers: a migrant earns w
      if (!par.stayers) {
        // residents: w_ng + (non-wage income of n)/L_n per resident (MODEL.md §10)
        const double w0 = base_.wage_bill(n, g) / base_.employment[n * G_ + g];
        income_hat = (w0 * state_.wage[u] + nonwage1 / L1) / (w0 + nonwage0 / L0);
      }
      state_.real_income[u] = income_hat / deflator;
    }
  }
}

// Steps 2–4: exporters' costs to every rank, price indices and new shares by importer rows,
// demand reduced to the exporters' owners; goods and labour markets.
void HatSystem::trade(const double* x, double* f) {
  const HatParameters& par = base_.par;
  const int K = block();
  std::vector<double> log_cost_all;
  layout_.allgather(log_cost_.data(), S_, log_cost_all);
  std::vector<double> columns(static_cast<std::size_t>(S_ * N_), 0.0), a(static_cast<std::size_t>(N_));
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double dom = 0, foreign = 0;
    for (int s = 0; s < S_; ++s) {
      const double th = par.theta[s];
      const std::size_t row = (static_cast<std::size_t>(ln) * S_ + s) * N_;
      const double* pi = base_.trade_shares.data() + row;
      const double* lt = shocks_.log_tau.data() + row;
      double D = 0;  // D_ns = Σ_i π_nis (τ̂_nis ĉ_is)^(−θ_s)
      for (std::int64_t i = 0; i < N_; ++i) {
        a[i] = pi[i] > 0 ? pi[i] * std::exp(-th * (lt[i] + log_cost_all[i * S_ + s])) : 0.0;
        D += a[i];
      }
      f[ln * K + G_ + s] = x[ln * K + G_ + s] + std::log(D) / th;  // log P̂_ns = −(1/θ) log D_ns
      const double X1 = state_.spending_new[ln * S_ + s];
      for (std::int64_t i = 0; i < N_; ++i) {
        const double flow = a[i] / D * X1;  // π'_nis X'_ns
        columns[s * N_ + i] += flow;
        if (i == n) continue;
        (base_.outside[i] ? foreign : dom) += flow;
      }
      state_.own_trade_new[ln * S_ + s] = a[n] / D;
    }
    state_.domestic_imports_new[ln] = dom;
    state_.foreign_imports_new[ln] = foreign;
  }
  std::vector<double> demand(static_cast<std::size_t>(layout_.num_owned() * S_));
  layout_.reduce_sum(columns, S_, demand.data());
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double* fb = f + ln * K;
    const double* xb = x + ln * K;
    for (int s = 0; s < S_; ++s)  // goods: Σ_n π'_nis X'_ns = R'_is (log, relative)
      fb[G_ + S_ + s] = std::log(demand[ln * S_ + s]) - std::log(base_.revenue[n * S_ + s]) - xb[G_ + S_ + s];
    double wb_hat = 0, wb_sum = 0;
    for (int g = 0; g < G_; ++g) {
      // labour: Σ_{s∈g} α_s R'_ns = w'_ng L'_ng = ŵ L̂ Σ_{s∈g} α_s R_ns
      double wages1 = 0;
      for (int s = 0; s < S_; ++s)
        if (par.group_of_sector[s] == g)
          wages1 += par.labour_share[s] * base_.revenue[n * S_ + s] * state_.revenue[ln * S_ + s];
      const double wb0 = base_.wage_bill(n, g);
      const double lL = migration_ ? xb[G_ + 2 * S_ + g] : 0.0;
      fb[g] = std::log(wages1) - std::log(wb0) - xb[g] - lL;
      wb_hat += wb0 * state_.wage[ln * G_ + g];
      wb_sum += wb0;
    }
    // Numeraire (replaces the redundant goods market, Walras): the numeraire region's mean wage,
    // weighted by base wage bills, is 1 (the outside region's wage, MODEL.md §13).
    if (n == numeraire_) fb[G_ + S_ + S_ - 1] = std::log(wb_hat / wb_sum);
  }
}

// Steps 5–6: migration shares by hukou origin (stayers' rebate fixed point per unit), inflows
// reduced to the destinations' owners; employment equations (MODEL.md §10–§12).
void HatSystem::migration_flows(const double* x, double* f) {
  const HatParameters& par = base_.par;
  const double eps = par.migration_elasticity;
  const int K = block();
  const std::int64_t U = N_ * G_;
  std::vector<double> log_u_owned(static_cast<std::size_t>(layout_.num_owned() * G_)), log_u;
  for (int ln = 0; ln < layout_.num_owned(); ++ln)
    for (int g = 0; g < G_; ++g)
      log_u_owned[ln * G_ + g] =
          std::log(state_.real_income[ln * G_ + g]) + shocks_.log_B[layout_.owned()[ln]];  // log Û = log B̂ + log V̂
  layout_.allgather(log_u_owned.data(), G_, log_u);
  std::vector<double> columns(static_cast<std::size_t>(U), 0.0), e(static_cast<std::size_t>(U));
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    if (base_.outside[n]) continue;
    const int prov = base_.province_of[n];
    for (int g = 0; g < G_; ++g) {
      const std::int64_t u = n * G_ + g;
      const std::size_t lu = static_cast<std::size_t>(ln * G_ + g);
      const double* m = base_.migration_shares.data() + lu * U;
      const double Ru = base_.registered[u], L0 = base_.employment[u], wb0 = base_.wage_bill(n, g);
      double bb = 0;  // Σ_{v≠u} m_uv (Û_v/μ̂_uv)^ε
      for (std::int64_t v = 0; v < U; ++v) {
        if (v == u || m[v] <= 0) {
          e[v] = 0;
          continue;
        }
        const bool same = base_.province_of[v / G_] == prov;
        e[v] = m[v] * std::exp(eps * (log_u[v] - (same ? shocks_.log_mu_within : shocks_.log_mu_between)));
        bb += e[v];
      }
      // Rebate factors (MODEL.md §11): C = 1 + Λ/(w m_uu R); Λ/w from the land rent and wage.
      const double rent0 = land_rent_at(par, &base_.revenue[n * S_], g);
      std::vector<double> R1(S_);
      for (int s = 0; s < S_; ++s) R1[s] = base_.revenue[n * S_ + s] * state_.revenue[ln * S_ + s];
      const double rent1 = land_rent_at(par, R1.data(), g);
      const double C0 = rebate_factor(par, rent0 * L0 / wb0, m[u], Ru);
      const double cc = par.stayers ? rent1 / (wb0 / L0 * state_.wage[lu] * Ru) : 0.0;  // C' = 1 + cc / m'_uu
      const double aa = m[u] * std::exp(eps * log_u[u]) / std::pow(C0, eps);            // m'_uu Φ = aa C'^ε
      // Unique root of g(y) = log z − log(z + bb) − y, y = log m'_uu, z = aa C^ε (Newton; g' < 0).
      double y = std::log(m[u]), C = 1, z = aa;
      for (int it = 0; it < 100; ++it) {
        C = 1 + cc * std::exp(-y);
        z = aa * std::pow(C, eps);
        const double gy = std::log(z) - std::log(z + bb) - y;
        const double dg = -eps * (C - 1) / C * bb / (z + bb) - 1;
        const double step = -gy / dg;
        y = std::min(y + step, 0.0);
        if (std::abs(step) < 1e-15) break;
      }
      C = 1 + cc * std::exp(-y);
      z = aa * std::pow(C, eps);
      const double Phi = z + bb;
      double within = 0, between = 0;
      for (std::int64_t v = 0; v < U; ++v) {
        const double share = v == u ? z / Phi : e[v] / Phi;  // m'_uv
        columns[(v % G_) * N_ + v / G_] += Ru * share;       // L'_v = Σ_u R_u m'_uv
        if (v == u) continue;
        (base_.province_of[v / G_] == prov ? within : between) += share;
      }
      state_.rebate_base[lu] = C0;
      state_.rebate_new[lu] = C;
      state_.own_share_new[lu] = z / Phi;
      state_.expected_utility[lu] = std::pow(Phi, 1 / eps);
      state_.within_share_new[lu] = within;
      state_.between_share_new[lu] = between;
    }
  }
  std::vector<double> inflow(static_cast<std::size_t>(layout_.num_owned() * G_));
  layout_.reduce_sum(columns, G_, inflow.data());
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double* fb = f + ln * K + G_ + 2 * S_;
    const double* xb = x + ln * K;
    if (!base_.outside[n]) {
      for (int g = 0; g < G_; ++g)
        fb[g] = std::log(inflow[ln * G_ + g] / base_.employment[n * G_ + g]) - xb[G_ + 2 * S_ + g];
      continue;
    }
    // Outside the choice set: total labour fixed, one wage across its groups (MODEL.md §13).
    double L0 = 0, L1 = 0;
    for (int g = 0; g < G_; ++g) {
      L0 += base_.employment[n * G_ + g];
      L1 += base_.employment[n * G_ + g] * std::exp(xb[G_ + 2 * S_ + g]);
    }
    fb[0] = std::log(L1 / L0);
    for (int g = 1; g < G_; ++g) fb[g] = xb[g] - xb[0];
  }
}

bool HatSystem::evaluate(const double* x, double* f) {
  bool finite = true;
  for (int k = 0; k < local_size(); ++k) finite = finite && std::isfinite(x[k]) && std::abs(x[k]) < 300;
  if (!every_rank(layout_.comm(), finite)) return false;  // outside the domain: the line search backs off
  own_blocks(x);
  trade(x, f);
  if (migration_) migration_flows(x, f);
  bool ok = true;
  for (int k = 0; k < local_size(); ++k) ok = ok && std::isfinite(f[k]);
  return every_rank(layout_.comm(), ok);
}

namespace {
struct SnesContext {
  HatSystem* system;
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
    ctx->error = std::current_exception();  // rethrown after SNESSolve, never through PETSc
    PetscFunctionReturn(PETSC_ERR_USER);
  }
  PetscFunctionReturn(0);
}
}  // namespace

SolveSummary HatSystem::solve(std::vector<double>& x) {
  const auto start = std::chrono::steady_clock::now();
  MPI_Comm comm = layout_.comm();
  SnesContext ctx{this, nullptr};
  PetscVec xv, fv;
  REGIO_PETSC(VecCreateMPI(comm, local_size(), PETSC_DETERMINE, xv.address()));
  REGIO_PETSC(VecDuplicate(xv, fv.address()));
  PetscSNES snes;
  REGIO_PETSC(SNESCreate(comm, snes.address()));
  REGIO_PETSC(SNESSetOptionsPrefix(snes, "hat_"));
  REGIO_PETSC(SNESSetFunction(snes, fv, snes_residual, &ctx));
  // Matrix-free Newton–Krylov: J v by differences of F; GMRES without a preconditioner (the
  // equations are in logs and relative, so the Jacobian is near the identity on the diagonal).
  PetscMat J;
  REGIO_PETSC(MatCreateSNESMF(snes, J.address()));
  REGIO_PETSC(SNESSetJacobian(snes, J, J, MatMFFDComputeJacobian, nullptr));
  KSP ksp;
  PC pc;
  REGIO_PETSC(SNESGetKSP(snes, &ksp));
  REGIO_PETSC(KSPSetType(ksp, KSPGMRES));
  REGIO_PETSC(KSPGMRESSetRestart(ksp, 200));
  REGIO_PETSC(KSPGetPC(ksp, &pc));
  REGIO_PETSC(PCSetType(pc, PCNONE));
  REGIO_PETSC(KSPSetTolerances(ksp, 1e-10, 1e-300, 1e10, 2000));
  REGIO_PETSC(SNESSetTolerances(snes, 1e-12, 1e-300, 0, 50, 100000));
  REGIO_PETSC(SNESSetFromOptions(snes));
  {
    VecWriteView w(xv);
    for (int k = 0; k < local_size(); ++k) w[k] = x[k];
  }
  const PetscErrorCode ierr = SNESSolve(snes, nullptr, xv);
  if (ctx.error) std::rethrow_exception(ctx.error);
  REGIO_PETSC(ierr);
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
  {
    VecReadView r(xv);
    for (int k = 0; k < local_size(); ++k) x[k] = r[k];
  }
  // The state and the residual at the solution (also what the outputs read).
  std::vector<double> f(static_cast<std::size_t>(local_size()));
  evaluate(x.data(), f.data());
  double ss = 0;
  for (double v : f) ss += v * v;
  s.residual_norm = std::sqrt(sum_over_ranks(comm, ss));
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (reason <= 0 || !(s.residual_norm < 1e-9))
    raise_on_all_ranks(
        SolverError(fmt::format("the counterfactual did not converge: SNES {} after {} Newton steps, "
                                "residual {:.3e} (try -hat_snes_monitor, or smaller shocks)",
                                s.reason, s.newton_iterations, s.residual_norm)));
  return s;
}

}  // namespace regio::hat
