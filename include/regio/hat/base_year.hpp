#pragma once
// The base year of an exact-hat-algebra counterfactual (MODEL.md §12): observed shares and
// flows, no levels of τ, μ, A or B. Read from a folder (docs/hat-algebra.md "Base-year folder"),
// completed where the folder leaves something to the model (revenues from the fixed point of the
// trade shares, hukou stocks R = (mᵀ)⁻¹ L, an outside region's employment split at one wage),
// and held distributed: every rank owns the rows of the bilateral shares (π by importer, m by
// hukou origin) of the regions of its provinces; per-region and per-unit vectors (O(N·(S+G)))
// are held by every rank.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "regio/decomposition.hpp"
#include "regio/layout.hpp"

namespace regio::hat {

// Technology, preferences and market structure (MODEL.md §2, §9–§11). One source of truth: the
// base-year folder's parameters.yaml.
struct HatParameters {
  std::vector<std::string> sectors, groups;
  std::vector<int> group_of_sector;   // g(s)
  std::vector<double> theta;          // θ_s, trade elasticity
  std::vector<double> labour_share;   // α_s
  std::vector<double> capital_share;  // β_s
  std::vector<double> land_share;     // λ_s
  std::vector<double> final_demand;   // η_s (sum 1)
  std::vector<double> iota;           // ι_sk at s·S + k: sector k's goods per unit of s's output
  double housing_share = 0;           // δ_h
  double migration_elasticity = 1;    // ε
  bool land_by_group = false;         // land: by_group (H_ig, q_ig) or region (one market)
  bool stayers = false;               // land_income: stayers (C_u rebate) or residents
  double share_tolerance = 1e-6;      // |Σ_i π_nis − 1|, |Σ_v m_uv − 1| accepted (rows renormalised)

  int S() const { return static_cast<int>(sectors.size()); }
  int G() const { return static_cast<int>(groups.size()); }
  double value_added(int s) const { return labour_share[s] + capital_share[s] + land_share[s]; }
  double intermediate(int s, int k) const { return iota[static_cast<std::size_t>(s * S() + k)]; }
};

struct BaseYear {
  HatParameters par;
  std::string folder;
  // Regions in file order (the global order of every sum) and their provinces.
  std::vector<std::string> region_ids, provinces;
  std::vector<int> province_of;  // index into `provinces`
  std::vector<char> outside;     // outside the migration choice set (MODEL.md §13's ROW)
  std::vector<int> owners;       // owning rank of each region (provinces never split)
  Decomposition decomposition;   // the provinces of each rank (source: the file, or "auto")
  // Per region × sector (n·S + s), every rank: base revenue R_ns (gross output) and spending X_ns.
  std::vector<double> revenue, spending;
  // Per region × sector, every rank: the producer price p_ns where revenues.csv gives it (regio run
  // --export-base does), else empty. Only `regio frictions` (the exact trade inversion) uses it.
  std::vector<double> price;
  // Per unit u = (n, g) at n·G + g, every rank: employment L_u, hukou stock R_u, real income V_u.
  std::vector<double> employment, registered, real_income;
  bool has_migration = false;          // migration_shares.csv given
  bool real_income_from_data = false;  // units.csv had real_income (else V_u = base wage)
  // Owned rows (owned regions in Layout order): π_nis at (ln·S + s)·N + i (importer n, exporter i);
  // m_uv at (ln·G + g)·(N·G) + v for origin u = (n, g) (zero rows for outside regions).
  std::vector<double> trade_shares, migration_shares;
  // Diagnostics of the completion.
  double fixed_point_residual = 0, registered_residual = 0;

  std::int64_t N() const { return static_cast<std::int64_t>(region_ids.size()); }
  int S() const { return par.S(); }
  int G() const { return par.G(); }
  std::int64_t units() const { return N() * G(); }
  // Σ_{s∈g} α_s R_ns: the base wage bill of unit (n, g).
  double wage_bill(std::int64_t n, int g) const;
  // Base rent of the land group g of region n houses on and works (the whole region's land with
  // one land market): Λ = Σ λ_s R_ns + δ_h I (production + housing).
  double land_rent(std::int64_t n, int g) const;
  // Base income I_n = Σ_s (α_s + β_s + λ_s) R_ns / (1 − δ_h) (balanced trade, no saving).
  double income(std::int64_t n) const;
  // Λ_u / w_u: the land rent of unit (n, g) per unit of its base wage (the stayers' rebate, §11).
  double rent_over_wage(std::int64_t n, int g) const {
    return land_rent(n, g) * employment[n * G() + g] / wage_bill(n, g);
  }
};

// Collective. Reads `folder` on rank 0 (every error: one InputError on every rank, with file and
// line), assigns provinces to ranks (`decomposition`: a decomposition YAML checked as `regio run
// --decomp` checks it; empty or `auto`: the default partition), sends each rank its rows and
// completes what the folder leaves to the model. `migration_needed`: migration_shares.csv must
// exist. `equilibrium`: given revenues and hukou stocks must be an equilibrium of the hat mode's
// model (balanced trade, no saving; else an InputError); `regio frictions` reads shares of any
// levels run (saving, a rest of the world) and passes false.
BaseYear load_base_year(MPI_Comm comm, const std::string& folder, bool migration_needed,
                        const std::string& decomposition = "", bool equilibrium = true);

// Λ at revenues R = R_n· (a row of S): the rent of the land group g uses (the whole region's land
// with one land market), Σ λ_s R_ns + δ_h I over the sectors on that land (production + housing).
double land_rent_at(const HatParameters& par, const double* R, int g);

// The stayers' rebate factor C_u = 1 + Λ_u/(w_u m_uu R_u) (MODEL.md §11) of a unit, given the
// rent-to-wage ratio Λ_u/w_u; 1 under `residents`.
double rebate_factor(const HatParameters& par, double rent_over_wage, double own_share, double registered);

}  // namespace regio::hat
