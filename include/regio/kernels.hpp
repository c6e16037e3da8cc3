#pragma once
// Serial economics kernels (MODEL.md §2): technology and prices, trade and migration shares,
// and the per-region local clearing of the labor, capital and land markets. No MPI here, so
// everything is unit-testable on one rank; the distributed layer (src/solver/) calls
// these on the rows a rank owns.
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

enum Factor : int { kLabor = 0, kCapital = 1, kLand = 2 };

// Per-sector constants derived once from the scenario.
struct Technology {
  std::size_t S = 0;
  std::vector<double> theta, alpha, beta, lambda, eta, gamma;
  std::vector<double> log_cost_const;            // log of α^-α β^-β λ^-λ (0^0 = 1)
  double housing_share = 0;                      // δ_h
  double saving_rate = 0;                        // σ
  std::array<bool, 3> active{true, true, true};  // factor markets that exist (MODEL.md §2)
  // Input–output links (MODEL.md §9): ι_sk row-major (S×S), empty when every ι_sk = 0 (Part I,
  // whose code paths are then taken unchanged).
  std::vector<double> iota;
  bool intermediates() const { return !iota.empty(); }
  double value_added_share(std::size_t s) const { return alpha[s] + beta[s] + lambda[s]; }
  // Σ_k ι_sk log P_k: what the intermediate bundle adds to log c_s (the −ι log ι are in log_cost_const).
  double log_intermediate_cost(std::size_t s, const double* log_sector_price) const {
    double c = 0;
    for (std::size_t k = 0; k < S; ++k) c += iota[s * S + k] * log_sector_price[k];
    return c;
  }

  explicit Technology(const Scenario& s);
  Technology() = default;
  // Share of factor f in sector s's costs.
  double share(std::size_t s, int f) const { return f == kLabor ? alpha[s] : f == kCapital ? beta[s] : lambda[s]; }
  int num_active() const { return int(active[0]) + int(active[1]) + int(active[2]); }
};

struct FactorPrices {
  double wage = 1, capital_rent = 1, land_rent = 1;  // w_i, r_i, q_i
  double operator[](int f) const { return f == kLabor ? wage : f == kCapital ? capital_rent : land_rent; }
  double& operator[](int f) { return f == kLabor ? wage : f == kCapital ? capital_rent : land_rent; }
};

// log w, log r, log q, taken once per region and price point for all sectors (the hot loops of
// the residual and of the local clearing).
struct LogFactorPrices {
  double wage = 0, capital_rent = 0, land_rent = 0;
};
inline LogFactorPrices log_factor_prices(const FactorPrices& p) {
  return {std::log(p.wage), std::log(p.capital_rent), std::log(p.land_rent)};
}

// log p_is = log c_s + α_s log w + β_s log r + λ_s log q − log A_is  (A_is includes agglomeration)
inline double log_unit_price(const Technology& tech, std::size_t s, const LogFactorPrices& log_p,
                             double log_productivity) {
  double lp = tech.log_cost_const[s] - log_productivity + tech.alpha[s] * log_p.wage;
  if (tech.beta[s] > 0) lp += tech.beta[s] * log_p.capital_rent;
  if (tech.lambda[s] > 0) lp += tech.lambda[s] * log_p.land_rent;
  return lp;
}
double log_unit_price(const Technology& tech, std::size_t s, const FactorPrices& p, double log_productivity);

// A_is = Ā_is · (L/H)^γ_s, as a log.
inline double log_effective_productivity(double log_fundamental, double gamma, double L, double H);

// Goods price index log P_n = Σ_s η_s log P_ns with P_ns = Φ_ns^(−1/θ_s).
double log_price_index(const Technology& tech, std::span<const double> phi);

// Utility of living in a region (MODEL.md §2): U = B · (I/L) / (P^(1−δ_h) q^δ_h); without a
// land market q is its placeholder 1.
double utility(const Technology& tech, double amenity, double income, double population, double price_index,
               const FactorPrices& p);

// Income I = wL + rK + qH + T over the markets that exist (an unused factor earns nothing).
double income(const Technology& tech, const FactorPrices& p, double L, double K, double H, double transfer);

// A newcomer's income in a region, in total over its L residents: I, less the land and housing
// rent qH when that goes to the stayers (land_income: stayers, MODEL.md §11).
inline double newcomer_income(const Technology& tech, bool stayers, const FactorPrices& p, double L, double K, double H,
                              double transfer) {
  const double I = income(tech, p, L, K, H, transfer);
  return stayers && tech.active[kLand] ? I - p.land_rent * H : I;
}

// Trade shares of one destination n over all origins: π_nis = (τ p)^−θ / Φ_ns for one sector,
// given the row t_k = τ_nk^−θ and a_k = p_k^−θ. Returns Φ_ns; writes shares if `shares` non-empty.
double trade_shares(std::span<const double> tau_pow, std::span<const double> price_pow, std::span<double> shares);

// Migration shares of one origin: m_od = (U_d/μ_od)^ε / Σ_k (U_k/μ_ok)^ε. Returns the denominator.
double migration_shares(std::span<const double> utility, std::span<const double> mu, double epsilon,
                        std::span<double> shares);

// Stayers' rebate (MODEL.md §11, land_income: stayers): the factor C = 1 + c/m_oo by which
// staying beats moving, where m_oo = z/(z + b) is the own share, z = a C^ε the own term (a = U_o^ε,
// or the hat mode's m_oo Û_o^ε), b the weight of every other destination and c the unit's rent
// over its newcomers' income and registered population. The root in y = log m_oo is unique
// (g(y) = log z − log(z + b) − y is decreasing); Newton from log m_start.
double stayers_rebate(double a, double b, double c, double eps, double m_start);

// The region's own purchases, treated exactly in local clearing (optional). With national
// terms frozen, a region's own price moves its own price index Φ_ii and its own spending X_i
// (through its income); ignoring that makes local clearing overreact by a factor 1/(1 − π_ii),
// which is large when most spending stays at home. With these terms,
//   R_is = p_is^−θ [ MA_is^(others) + t_s X_is(I) / (Φ_is^(others) + t_s p_is^−θ) ],
//   X_is(I) = η_s (c I + J_other),   t_s = τ_ii^−θ_s.
struct OwnMarket {
  std::span<const double> tau_pow;        // t_s = τ_ii^−θ_s
  std::span<const double> phi_others;     // Φ_is − t_s p_is^−θ (other origins), frozen
  std::span<const double> access_others;  // MA_is − t_s X_is/Φ_is (other destinations), frozen
  double spending_per_income = 0;         // c = 1 − δ_h − σ + ϕσ: goods spending out of own income
  double investment_other = 0;            // J_other = (1 − ϕ) ω_i Σ_k S_k, frozen
  std::span<const double> intermediate;  // Σ_k ι_ks R_ik: own producers' purchases (MODEL.md §9), frozen; empty = none
};

// Inputs of one region's local clearing: national terms held fixed.
struct LocalMarketInputs {
  std::span<const double> market_access;     // MA_is = Σ_n τ_nis^−θ X_ns / Φ_ns, per sector
  std::span<const double> log_productivity;  // log A_is (with agglomeration), per sector
  double population = 1;                     // L_i
  double capital = 1;                        // K_i
  double land = 1;                           // H_i
  double transfer = 0;                       // T_i
  double price_level = 1;                    // P̄: the numeraire enters the labor equation (see docs/numerics.md)
  const OwnMarket* own = nullptr;            // if set, market_access is ignored in favour of the exact own terms
};

struct LocalClearingResult {
  FactorPrices prices;
  int iterations = 0;
  double residual = 0;  // max |log(demand/supply)| at exit
  bool converged = false;
};

// Solve the region's factor markets (MODEL.md §2, "Local factor markets"):
//   Σ_s α_s R_is = w L / P̄,   Σ_s β_s R_is = r K,   Σ_s λ_s R_is + δ_h I = q H,
// with R_is = p_is^−θ_s MA_is, by Newton's method in log prices with backtracking. The system
// is strictly diagonally dominant in logs (own-price elasticities ≤ −1), so the root is unique.
LocalClearingResult clear_local_markets(const Technology& tech, const LocalMarketInputs& in, FactorPrices guess,
                                        double tol = 1e-14, int max_iterations = 100);

struct LocalInversionResult {
  LocalClearingResult clearing;  // prices at the inverted productivity
  double log_shift = 0;          // c_i: log Ā_is is raised by c_i in every sector
  int iterations = 0;
  bool converged = false;
};

// Calibration (MODEL.md §6) of one region: the common log shift c_i of its productivities such
// that its cleared markets produce the observed income/GDP Y_i (at a solution GDP_i = I_i).
// `in.log_productivity` holds the unshifted log A_is. Newton on c with a finite-difference
// slope; d log I / d c > 0 (higher productivity raises every factor price), so the root is unique.
LocalInversionResult invert_local_productivity(const Technology& tech, const LocalMarketInputs& in,
                                               double observed_income, FactorPrices guess, double shift_guess,
                                               double tol = 1e-13);

// With input–output links (MODEL.md §9): the region's sector price indices and revenues at the
// factor prices p (typically the local clearing's), its own purchases exact as in the clearing
// (with `in.own`: P_is = (Φ_is^others + t_s p_is^−θ)^(−1/θ_s) and R_is = p_is^−θ (MA_is^others +
// t_s X_is/Φ_is); without it, `frozen_phi` and the market access are the national terms at x).
// `in.log_productivity` already carries −Σ_k ι_sk log P_ik. Writes log P_is and log R_is.
void own_price_indices_and_revenues(const Technology& tech, const LocalMarketInputs& in, const FactorPrices& p,
                                    const double* frozen_phi, double* log_price, double* log_revenue);

// Log residuals of the local markets at given prices (for tests and diagnostics).
std::array<double, 3> local_market_residuals(const Technology& tech, const LocalMarketInputs& in,
                                             const FactorPrices& p);

inline double log_effective_productivity(double log_fundamental, double gamma, double L, double H) {
  return gamma == 0 ? log_fundamental : log_fundamental + gamma * (std::log(L) - std::log(H));
}

}  // namespace regio
