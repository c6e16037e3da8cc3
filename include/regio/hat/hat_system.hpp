#pragma once
// The equilibrium in changes (exact hat algebra, MODEL.md §12) on regio's distributed layout:
// unknowns per owned region n (logs): ŵ_ng (G), P̂_ns (S), R̂_ns (S) and, with migration, L̂_ng (G);
// equations: labour markets, price indices, goods markets (one replaced by the numeraire) and
// migration. Rows of π (by importer) and m (by hukou origin) stay on their owners; the exchanges
// are Layout's O(N) allgathers and reduce-scatters. docs/hat-algebra.md lists every equation.
#include <mpi.h>

#include <string>
#include <vector>

#include "regio/hat/base_year.hpp"
#include "regio/hat/counterfactual_spec.hpp"
#include "regio/layout.hpp"

namespace regio::hat {

// Shocks resolved against the base year (logs). Collective to build: trade-cost files are read on
// rank 0 and their rows sent to the owners.
struct Shocks {
  std::vector<double> log_tau;                   // owned rows, (ln·S + s)·N + i: log τ̂_nis
  std::vector<double> log_A;                     // N·S: log Â_ns
  std::vector<double> log_B;                     // N: log B̂_n (amenity)
  std::vector<double> log_H;                     // N: log Ĥ_n (land, every group's)
  double log_mu_within = 0, log_mu_between = 0;  // log μ̂_uv for u ≠ v in / across provinces
};
Shocks resolve_shocks(const BaseYear& base, const Layout& layout, const CounterfactualSpec& spec);

// Everything the residual computes at a point, per owned region (ln) and unit (ln·G + g) or
// region × sector (ln·S + s). Levels ("1") are base-year units times hats.
struct HatState {
  std::vector<double> wage, land_rent, employment, real_income;  // ŵ, q̂, L̂, V̂ (migrant's; v̂ under residents)
  std::vector<double> rebate_base, rebate_new, own_share_new;    // C⁰_u, C'_u, m'_uu
  std::vector<double> expected_utility;                          // Φ_u^(1/ε), hukou unit u's welfare change
  std::vector<double> within_share_new, between_share_new;  // Σ m'_uv over v ≠ u in u's province / other provinces
  std::vector<double> price, revenue, spending_new, unit_cost, own_trade_new;  // P̂_ns, R̂_ns, X'_ns, ĉ_ns, π'_nns
  std::vector<double> goods_price;                                             // P̂_n = Π_s P̂_ns^η_s
  std::vector<double> domestic_imports_new, foreign_imports_new;  // Σ_s Σ_i π'_nis X'_ns over i ≠ n inside / outside
};

struct SolveSummary {
  int newton_iterations = 0, linear_iterations = 0, residual_evaluations = 0;
  double residual_norm = 0, seconds = 0;
  std::string reason;
};

class HatSystem {
 public:
  HatSystem(const BaseYear& base, const Layout& layout, const Shocks& shocks, bool migration);
  int block() const { return G_ + 2 * S_ + (migration_ ? G_ : 0); }
  int local_size() const { return layout_.num_owned() * block(); }
  bool migration() const { return migration_; }
  // Collective. f = F(x) over the owned blocks; fills state(). Throws on a non-finite point only if
  // `strict` (the SNES callback marks a domain error instead).
  bool evaluate(const double* x, double* f);
  const HatState& state() const { return state_; }
  // Collective. Newton–Krylov (PETSc SNES, options prefix hat_) from x (hats = 1 at x = 0);
  // SolverError on every rank if it does not converge.
  SolveSummary solve(std::vector<double>& x);
  std::int64_t numeraire_region() const { return numeraire_; }

 private:
  void own_blocks(const double* x);
  void trade(const double* x, double* f);
  void migration_flows(const double* x, double* f);

  const BaseYear& base_;
  const Layout& layout_;
  const Shocks& shocks_;
  bool migration_;
  int S_, G_;
  std::int64_t N_, numeraire_;
  HatState state_;
  std::vector<double> log_cost_;  // owned ln·S + s
  std::vector<double> income_new_;
};

}  // namespace regio::hat
