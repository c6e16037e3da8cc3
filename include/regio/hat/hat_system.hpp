#pragma once
// The equilibrium in changes (exact hat algebra, MODEL.md §12) on regio's distributed layout:
// unknowns per owned region n (logs): ŵ_ng (G), P̂_ns (S), R̂_ns (S) and, with migration, L̂_ng (G);
// equations: labour markets, price indices, goods markets (one replaced by the numeraire) and
// migration. Rows of π (by importer) and m (by hukou origin) stay on their owners; the exchanges
// are Layout's O(N) allgathers and reduce-scatters. docs/hat-algebra.md lists every equation.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "regio/block_system.hpp"
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

// One region's own block (step 1 of docs/hat-algebra.md §3) at its unknowns: no communication.
struct RegionChanges {
  std::vector<double> revenue_new;                                              // R'_ns = R_ns R̂_ns (S)
  std::vector<double> log_cost, spending_new;                                   // log ĉ_ns, X'_ns (S)
  std::vector<double> wage, land_rent, employment, real_income, log_land_rent;  // ŵ, q̂, L̂, V̂, log q̂ (G)
  double income_new = 0, log_goods_price = 0;                                   // I'_n, log P̂_n
};

// What the residual at a point x leaves for the per-region blocks of the preconditioner: the
// national terms a region's own unknowns enter, at x (owned regions; hat_blocks.cpp).
struct FrozenTerms {
  // ln·S + s: D_ns = Σ_i π_nis (τ̂ ĉ_is)^(−θ), its own term π_nns (τ̂ ĉ_ns)^(−θ), the demand
  // Σ_m π'_mns X'_ms and its own part π'_nns X'_ns
  std::vector<double> price_sum, own_term, demand, own_flow;
  // ln·G + g: L'_v and the part of it from the hukou units of v's region
  std::vector<double> inflow, own_origin_inflow;
  // ln·G + g: b_u over the destinations outside u's region; log Û_u
  std::vector<double> far_destinations, log_utility;
};

class HatSystem : public BlockSystem {
 public:
  HatSystem(const BaseYear& base, const Layout& layout, const Shocks& shocks, bool migration);
  int block() const override { return G_ + 2 * S_ + (migration_ ? G_ : 0); }
  bool migration() const { return migration_; }
  // Collective. f = F(x) over the owned blocks; fills state() and the frozen terms of the blocks.
  // False (on every rank) at a non-finite point (the SNES callback marks a domain error).
  bool evaluate(const double* x, double* f) override;
  // Not collective. The residual of owned region ln at its own unknowns xb (block() values) with
  // every other region's terms frozen at the last evaluate()'s point (hat_blocks.cpp): at that
  // point it equals F there; its derivatives are the Jacobian's own block ∂F_n/∂x_n.
  void block_residual(int ln, const double* xb, double* fb) override;
  const HatState& state() const { return state_; }
  // Collective. Newton–Krylov (PETSc SNES, options prefix hat_) from x (hats = 1 at x = 0), GMRES
  // preconditioned by the per-region blocks (PC type `regio`; -hat_pc_type none: none);
  // SolverError on every rank if it does not converge.
  SolveSummary solve(std::vector<double>& x);
  std::int64_t numeraire_region() const { return numeraire_; }
  const Layout& layout() const override { return layout_; }
  const std::vector<double>& last_point() const override { return last_x_; }  // of the last evaluate()

 private:
  // Step 1 for region n at its unknowns xb (hat_system.cpp).
  void region_changes(std::int64_t n, const double* xb, RegionChanges& rc) const;
  void own_blocks(const double* x);
  void trade(const double* x, double* f);
  void migration_flows(const double* x, double* f);
  // Pieces of migration_flows (hat_migration.cpp).
  std::vector<double> log_utility_changes() const;
  double other_destinations(std::int64_t u, const double* m, const std::vector<double>& log_u,
                            std::vector<double>& e) const;
  struct OwnShare {
    double rebate_base, rebate_new, own, total;  // C⁰_u, C'_u, m'_uu Φ_u, Φ_u
  };
  // Hukou unit (n, g) of owned region ln: its own term given b_u, its log Û_u and the region's new
  // revenues R' and wage change ŵ (hat_migration.cpp).
  OwnShare own_share(int ln, int g, double b, double log_u_self, const double* revenue_new, double wage_hat) const;
  void unit_migration(int ln, int g, const std::vector<double>& log_u, std::vector<double>& e,
                      std::vector<double>& columns);
  // The migration equations of region ln in block_residual (hat_blocks.cpp).
  void block_migration(int ln, const double* xb, const RegionChanges& rc, double* fb) const;
  void employment_equations(const double* x, const std::vector<double>& inflow, double* f) const;

  const BaseYear& base_;
  const Layout& layout_;
  const Shocks& shocks_;
  bool migration_;
  int S_, G_;
  std::int64_t N_, numeraire_;
  HatState state_;
  FrozenTerms frozen_;
  std::vector<double> log_cost_;  // owned ln·S + s
  std::vector<double> income_new_;
  std::vector<double> last_x_;  // the point of the last evaluate()
  RegionChanges scratch_, block_scratch_;
};

}  // namespace regio::hat
