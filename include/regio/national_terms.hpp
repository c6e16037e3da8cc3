#pragma once
// The national terms of the residual at a point (MODEL.md §2): given the owned regions' factor
// prices and populations, their unit prices and the exchanged p^−θ, incomes (with fiscal
// transfers), savings and investment, spending X_ns, the trade pass (Φ_ns, P_n, P̄), market
// access MA_is summed over the ranks, the rest of the world's demand, revenues R_is and the
// utility U_d — everything local clearing holds fixed. Both residuals (equilibrium and the
// productivity inversion) and the per-region preconditioner blocks read them from view().
// evaluate() is collective.
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/kernel_passes.hpp"
#include "regio/layout.hpp"

namespace regio {

class NationalTerms {
 public:
  NationalTerms(const Scenario& sc, const Technology& tech, const Layout& layout, const GlobalGeography& geo,
                const EconomyState& st, KernelPasses& passes);

  // The national side of the policies for the next solves: ϕ, NX, fiscal rules and the factors
  // on τ_nW (whose change recomputes τ_nW^−θ).
  void set_regime(const PolicyRegime& regime);
  // τ_nW^−θ of the owned regions (nearest port by effective distance), after the kernels or the
  // external cost factors changed.
  void setup_external(const TransportCosts& costs);
  // Collective. Per solve: capital-market weights ω_n and destination barriers h_d^−ε from the state.
  void prepare_solve();

  // Collective. The terms at prices p and populations L (owned); `shift` (one per region, or
  // null) is added to every log Ā_is of the region (the productivity inversion's c_i).
  // With input–output links (MODEL.md §9), `io` holds the owned log P_is and R_is of the point:
  // P enters the unit prices, R the intermediate spending Σ_k ι_ks R_nk.
  struct IntermediatePoint {
    const std::vector<double>* log_price = nullptr;  // log P_is (owned × S)
    const std::vector<double>* revenue = nullptr;    // R_is (owned × S)
  };
  void evaluate(const std::vector<FactorPrices>& p, const std::vector<double>& L, const std::vector<double>* shift,
                const IntermediatePoint* io = nullptr);

  // Inputs of region j's local clearing at the last evaluated point; `own` receives the exact
  // own-purchase terms when solver.local_own_market is on (then it is what `in.own` points to).
  LocalMarketInputs local_inputs(std::size_t j, const double* own_price_pow, double population,
                                 const double* log_productivity, OwnMarket& own);

  EquilibriumView& view() { return view_; }
  const EquilibriumView& view() const { return view_; }
  const std::vector<double>& log_productivity() const { return log_productivity_; }  // log A_is (owned × S)
  // log A_is − Σ_k ι_sk log P_ik at the last point (input–output links; otherwise empty).
  const std::vector<double>& io_log_productivity() const { return io_log_productivity_; }
  // Σ_k ι_ks R_ik: what region j's producers spend on sector-s goods, at the last point (owned × S).
  const std::vector<double>& intermediate_spending() const { return intermediate_; }
  const std::vector<double>& price_pow() const { return price_pow_; }  // p_is^−θ_s (owned × S)
  const std::vector<double>& hukou_pow() const { return hukou_pow_; }  // h_d^−ε (owned)
  double home_bias() const { return home_bias_; }

 private:
  void unit_prices(const std::vector<FactorPrices>& p, const std::vector<double>& L, const std::vector<double>* shift,
                   const IntermediatePoint* io);
  void spending(const std::vector<FactorPrices>& p, const std::vector<double>& L, const IntermediatePoint* io);
  void price_indices(const std::vector<double>& L);
  void market_access();
  void stayers_utility(const std::vector<FactorPrices>& p, const std::vector<double>& L);
  // Transfers T_n at pre-transfer incomes Y (owned) and populations L (collective if active).
  void transfers(const std::vector<double>& Y, const std::vector<double>& L, std::vector<double>& T) const;

  const Scenario& sc_;
  const Technology& tech_;
  const Layout& layout_;
  const GlobalGeography& geo_;
  const EconomyState& state_;
  KernelPasses& passes_;
  std::size_t N_ = 0, n_own_ = 0, S_ = 0;
  double epsilon_ = 1;
  double home_bias_ = 0, net_exports_share_ = 0, wedge_exponent_ = 1;
  FiscalRegime fiscal_;
  std::vector<double> external_factor_;  // owned; empty = all 1
  std::vector<double> capital_weight_;   // ω_n (owned)
  std::vector<double> hukou_pow_;        // h_d^−ε (owned)
  EquilibriumView view_;
  // Scratch of one evaluation.
  std::vector<double> log_productivity_, price_pow_, cols_, saving_, weighted_price_, pre_transfer_;
  std::vector<double> own_scratch_;
  std::vector<double> io_log_productivity_, intermediate_;  // input–output links only
  std::vector<double> imports_, supply_;
};

// With input–output links (MODEL.md §9): `sweeps` fixed-point steps of the national terms at
// factor prices p, populations L and shifts (or null), P ← Φ^(−1/θ) and R ← p^−θ MA with the
// intermediate spending of the last step, from sector_price and gross_revenue where given (else
// P = 1, R = 0); writes them back (owned × S). Collective.
void sweep_intermediates(NationalTerms& terms, const Technology& tech, const std::vector<FactorPrices>& p,
                         const std::vector<double>& L, const std::vector<double>* shift, int sweeps,
                         std::vector<double>& sector_price, std::vector<double>& gross_revenue);

}  // namespace regio
