#pragma once
// What one epoch's equilibrium is, for the code that reads it — outputs, dynamics, policies,
// calibration — without PETSc, MPI or the solver: the solve's statistics, the national terms
// at the solution (EquilibriumView), the policy regime the solve was given, and a read-only
// handle on all of it (Equilibrium).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/kernels.hpp"
#include "regio/transport_costs.hpp"

namespace regio {

struct SolveStats {
  int nonlinear_iterations = 0;
  int linear_iterations = 0;
  int residual_evaluations = 0;
  double residual_norm = 0;
  double initial_residual_norm = 0;  // ‖G(x₀)‖ of the (first) solve: how far the start was
  double seconds = 0;
  std::string reason;
};

// Quantities at the last evaluated point. Owned-region vectors are indexed by j (and j*S+s);
// *_all vectors are global (CSV order) and were exchanged anyway by the residual.
struct EquilibriumView {
  std::vector<double> price_index;    // P_n
  std::vector<double> income;         // I_n (including transfers)
  std::vector<double> transfer;       // T_n (fiscal_transfer policies; Σ T = 0)
  std::vector<double> investment;     // J_n
  std::vector<double> expenditure;    // X_ns
  std::vector<double> phi;            // Φ_ns
  std::vector<double> revenue;        // R_is
  std::vector<double> market_access;  // MA_is
  std::vector<double> utility;        // U_d (with land_income: stayers, a newcomer's)
  // land_income: stayers (MODEL.md §11): c_o = Λ_o/(y_o R_o), the region's land and housing rent
  // over its newcomers' income per head y_o and registered population, so that a stayer's
  // factor is C_o = 1 + c_o/m_oo; empty under residents.
  std::vector<double> stayer_rent_ratio;
  std::vector<double> own_term;               // (C_o U_o)^ε, the own term of D_o (stayers only; empty under residents)
  std::vector<double> migration_denominator;  // D_o = Σ_k (U_k/μ_ok)^ε
  std::vector<double> population_demand;      // Σ_o R_o m_od
  std::vector<double> inflow;                 // Σ_{o≠d} L_od (migrants living in d), summed directly
  std::vector<double> leaving_weight;         // Σ_{d≠o} (U_d/μ_od)^ε = D_o − U_o^ε, summed directly
  std::vector<double> price_pow_all;          // p_ks^−θ_s, N×S
  std::vector<double> attraction_all;         // U_k^ε h_k^−ε, N
  double price_level = 1;                     // P̄ = Σ L P / Σ L
  double total_saving = 0;                    // Σ_k S_k
  double pooled_saving = 0;                   // (1 − ϕ) Σ_k S_k − NX: what the national capital market allocates
  // Rest of the world (external.enabled; zeros otherwise).
  std::vector<double> external_pow;     // τ_nWs^−θ_s p_W^−θ_s (owned × S)
  std::vector<double> external_demand;  // X_Ws = IM_s + η_s NX (S)
  std::vector<double> external_phi;     // Φ_Ws = Σ_k (τ_Wks p_ks)^−θ_s (S)
  double net_exports = 0;               // NX
};

// C_o^ε, the stayers' factor on the own term at the view's point (1 under residents): held
// fixed where a block of one region is differentiated (the preconditioners).
inline double stayers_rebate_pow(const EquilibriumView& v, std::size_t j, double eps) {
  return v.stayer_rent_ratio.empty() ? 1.0 : v.own_term[j] / std::pow(v.utility[j], eps);
}

// Fiscal rules in force (MODEL.md §4, fiscal_transfer policies), for the owned regions. With Y_n
// the pre-transfer income wL + rK + qH:
//   T_n = t_f (Σ_pool Y / Σ_pool L − Y_n/L_n) L_n [n ∈ pool]  +  f (Σ_all Y · L_n/Σ_recip L [n ∈ recip] − Y_n),
// so Σ_n T_n = 0 by construction (equalisation within the pool; a targeted grant of a share f of
// national income to the recipients per resident, financed by a proportional levy f on all).
struct FiscalRegime {
  double equalisation_rate = 0;  // t_f
  std::vector<char> pool;        // owned j in the equalisation pool
  double targeted_share = 0;     // f
  std::vector<char> recipient;   // owned j receiving the targeted grant
  bool active() const { return equalisation_rate > 0 || targeted_share > 0; }
};

// The national side of the policies in force during one solve (MODEL.md §4–§5), handed to the
// solver with each solve: nothing writes into the scenario after it is loaded. Region values
// (ρ_d, h_d, H_i, ζ_i, Ā shocks) live in the EconomyState instead.
struct PolicyRegime {
  std::shared_ptr<const TransportCosts> costs;  // effective distances and border costs
  FiscalRegime fiscal;
  double home_bias = 0;  // ϕ
  // Power on each region's investment wedge ζ_i in the capital market's weights, (r̄/ζ^e)^ν:
  // 1 = the wedges as they are, 0 = none (capital_market `wedge_convergence`).
  double wedge_exponent = 1;
  double net_exports = 0;                     // NX / GDP (external.enabled)
  std::vector<double> external_cost_factors;  // factor on τ_nW of each owned region; empty = all 1
};

// A solved epoch as the readers see it: the terms at the solution, the technology and the
// owned kernel rows (trade_row: τ_iks^−θ_s for the owned importer i = j and every exporter k;
// migration_row: μ̃_ik^−ε for the owned origin i and every destination k, 0 on the diagonal, the
// destination barrier h_k^−ε apart). Neither is symmetric in general (asymmetric frictions).
struct Equilibrium {
  const Technology& technology;
  const GlobalGeography& geography;
  const EquilibriumView& view;
  const KernelRows& kernels;
  bool migration = true;
  double migration_elasticity = 1;  // ε

  const double* trade_row(std::size_t s, std::size_t j) const { return kernels.trade(s, j); }
  const double* migration_row(std::size_t j) const { return kernels.migration(j); }
};

}  // namespace regio
