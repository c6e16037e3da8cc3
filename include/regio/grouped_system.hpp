#pragma once
// The levels economy with labour groups (MODEL.md §9–§11): S sectors in G labour groups, one wage
// per region and group, land by group or one market per region, migration over (region, group)
// units with parametric costs (unit_migration.hpp, product form: O(N²(S + G)) per residual),
// input–output links, land income to residents or stayers. The model class is the hat mode's
// (docs/hat-algebra.md "Assumptions"): balanced trade, no saving or transfers, capital fixed
// (capital needs one land market and `residents`), no agglomeration; so the levels economy and
// the hat-algebra solve from its own base-year shares answer the same counterfactual (MODEL.md
// §12; tests/test_grouped_system.cpp). Beyond it, `agglomeration` (Part I's density externality)
// for `regio run`. docs/labour-groups.md maps the equations to the code.
//
// Unknowns per owned region n (logs), as the system in changes: w_ng (G), P_ns (S), R_ns (S) and,
// with migration, L_ng (G). Equations: labour markets Σ_{s∈g} α_s R_ns = w_ng L_ng, price indices
// P_ns = Φ_ns^(−1/θ_s), goods markets Σ_m π_mns X_ms = R_ns (the last region's last one replaced by
// the numeraire w_{N−1,1} = 1, Walras) and employment L_ng = Σ_u R_u m_{u,(n,g)}. Capital and land
// rents follow from the region's revenues: r_n K_n = Σ β_s R_ns, q_ng H_ng = Σ_{s on g's land}
// λ_s R_ns + δ_h (income of the land's users).
#include <cstdint>
#include <string>
#include <vector>

#include "regio/block_system.hpp"
#include "regio/hat/base_year.hpp"
#include "regio/unit_migration.hpp"

namespace regio {

// The fundamentals in levels. Per-region and per-unit vectors are held by every rank; kernel
// rows only by their owners (owned regions in Layout order).
struct GroupedEconomy {
  hat::HatParameters par;  // technology, groups, ε, land, land income (one source with the hat mode)
  std::vector<std::string> region_ids, province_names;  // N; one per province
  std::vector<int> province_of;                         // N: index into province_names
  std::vector<double> log_productivity;                 // log A_ns (N × S)
  std::vector<double> capital;                          // K_n (N; unused without capital shares)
  std::vector<double> land;                             // H_ng (N × G) with land by group, else H_n (N)
  std::vector<double> amenity;                          // B_ng (N × G)
  std::vector<double> registered;                       // R_ng (N × G): hukou holders of each unit
  std::vector<double> employment;                       // L_ng (N × G): the starting point; fixed without migration
  std::vector<double> hukou_pow;                        // h_n^−ε (N): the destination barrier of §1 (1 = none)
  // γ_s (S; empty: none): A_ns = Ā_ns (L_n/H_n)^γ_s with L_n = Σ_g L_ng the region's residents and
  // H_n its land (MODEL.md §2, Part I's density externality).
  std::vector<double> agglomeration;
  // τ_nis^−θ_s of owned importer ln at (ln·K + κ(s))·N + i, K = trade_kernels.
  std::size_t trade_kernels = 1;
  // κ(s): the kernel row sector s reads (sectors sharing θ and frictions share one, as KernelRows
  // groups them). Empty: κ(s) = s with K = S, κ(s) = 0 with K = 1.
  std::vector<int> kernel_of_sector;
  std::size_t kernel_of(int s) const {
    return !kernel_of_sector.empty() ? static_cast<std::size_t>(kernel_of_sector[static_cast<std::size_t>(s)])
           : trade_kernels == 1      ? 0
                                     : static_cast<std::size_t>(s);
  }
  std::vector<double> trade_pow;
  std::vector<double> migration_pow;  // μ̃_nk^−ε of owned origin ln at ln·N + k, 0 at k = n
  GroupSwitchWeights group_weights;   // s_gg'^−ε, S_gg'^−ε
  bool migration = true;

  std::int64_t N() const { return static_cast<std::int64_t>(province_of.size()); }
};

// Everything the residual computes at a point (owned regions: unit ln·G + g, region × sector ln·S + s).
struct GroupedState {
  std::vector<double> wage, land_rent, employment, real_income, utility;  // w, q, L, v, U per unit
  std::vector<double> price, revenue, spending, unit_price, own_trade;    // P_ns, R_ns, X_ns, p_ns, π_nns
  std::vector<double> income, capital_rent, goods_price;                  // I_n, r_n, P_n
  UnitMigrationFlows flows;                                               // the migration pass's terms
  std::vector<double> inflow;  // a_ng Σ_o (flows into unit (n, g) from other regions) (owned × G)
};

class GroupedSystem : public BlockSystem {
 public:
  GroupedSystem(const GroupedEconomy& economy, const Layout& layout);
  int block() const override { return G_ + 2 * S_ + (economy_.migration ? G_ : 0); }
  const Layout& layout() const override { return layout_; }
  bool evaluate(const double* x, double* f) override;
  const std::vector<double>& last_point() const override { return last_x_; }
  void block_residual(int ln, const double* xb, double* fb) override;
  // Collective. From the economy's employment, unit wages and prices: the solve's starting point.
  std::vector<double> initial_guess() const;
  SolveSummary solve(std::vector<double>& x);
  const GroupedState& state() const { return state_; }
  // Not collective. The migration shares m_uv of owned hukou unit u = (ln, g) over every unit
  // v = k·G + h, at the last point (O(N·G) each; for base-year exports of small economies).
  std::vector<double> migration_shares(int ln, int g) const;
  // Collective. Hukou stocks after the epoch's conversions (MODEL.md §3 by unit, §10): for every
  // owned unit u, R_u' = (1 + g_u) [R_u − R_u Σ_{v≠u} ρ_v m_uv + ρ_u (L_u − R_u m_uu)], the
  // conversion rate ρ_v of the unit a worker lives in applying to every registered unit that is not
  // it, group switches at home (农转非) included. `conversion` and `growth` are per unit (N × G);
  // at the last evaluated point. Returns owned × G.
  std::vector<double> registered_next(const std::vector<double>& conversion, const std::vector<double>& growth);
  // Not collective. π_nis of owned importer ln and sector s over every exporter i, at the last point.
  std::vector<double> trade_shares(int ln, int s) const;

 private:
  struct RegionTerms {  // one region's own block at its unknowns (no communication)
    std::vector<double> revenue, log_cost, spending, wage, land_rent, log_land_rent, employment, real_income,
        rent_ratio;
    double income = 0, capital_rent = 1, log_goods_price = 0;
  };
  void region_terms(std::int64_t n, const double* xb, RegionTerms& rt) const;
  const double* trade_row(int ln, int s) const;
  void own_blocks(const double* x);
  void trade(const double* x, double* f);
  void labour_equations(int ln, const double* xb, const double* revenue, double* fb) const;
  void migration(const double* x, double* f);
  void block_migration(int ln, const double* xb, const RegionTerms& rt, double* fb) const;

  const GroupedEconomy& economy_;
  const Layout& layout_;
  int S_ = 0, G_ = 0;
  std::int64_t N_ = 0;
  std::vector<double> log_cost_const_;  // −Σ shares·log shares of each sector (0 log 0 = 0)
  std::vector<std::size_t> owned_;
  UnitMigrationPass migration_pass_;
  GroupedState state_;
  std::vector<double> log_cost_, log_cost_all_;  // owned × S and N × S
  std::vector<double> demand_columns_;           // scratch of trade(): the column sums before the reduction
  std::vector<double> price_pow_;                // p_is^−θ_s of every exporter (S × N, sector-major)
  std::vector<double> rent_ratio_;               // the stayers' c_u (owned × G)
  // Migration at the last point: U^ε of the owned units, a = U^ε h^−ε of the owned units and of
  // every unit (N × G), the owned units' R and the inflow sums before a (owned × G).
  std::vector<double> own_utility_pow_, attraction_owned_, attraction_all_, registered_owned_, inflow_owned_;
  std::vector<const double*> row_scratch_;
  std::vector<double> dots_, coef_;
  // Frozen at the last point for the blocks: Φ_ns, its own term, the demand for n's goods and its
  // own purchase (owned × S); the inflow from other regions and the leaving weight outside n's
  // own units (owned × G).
  std::vector<double> phi_, own_term_, demand_, own_flow_, far_weight_;
  std::vector<double> last_x_;
  RegionTerms scratch_, block_scratch_;
};

}  // namespace regio
