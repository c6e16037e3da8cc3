#pragma once
// The welfare of MODEL.md §7 split into named channels (docs/welfare.md). For a hukou origin o,
// welfare W_o = (1/ε) log Σ_k (U_k/μ_ok)^ε (without migration: log U_o) is exactly
//   W_o = amenity + trade + technology + factor_prices + capital_income + land_income
//         + transfers + migration
// with, for the region o itself (P_os = Φ_os^(−1/θ_s), π_oos its own-trade share):
//   amenity        = log B_o
//   trade          = −(1−δ_h) Σ_s η_s [(1/θ_s) log π_oos + log τ_oos]     (ACR's own-trade-share term)
//   technology     = (1−δ_h) Σ_s η_s log A_os,  A_os = Ā_os (L_o/H_o)^γ_s
//   factor_prices  = log w_o − (1−δ_h) Σ_s η_s log c_os(w_o, r_o, q_o) − δ_h log q_o
//   capital_income = log((w L + r K)/(w L)),  land_income = log((I − T)/(w L + r K)),
//   transfers      = log(I/(I − T))
//   migration      = (1/ε) log Σ_k (U_k/μ_ok)^ε − log U_o = −(1/ε) log m_oo   (the option value)
// where c_os is the unit cost at A = 1 (p_os = c_os/A_os). The first seven add up to log U_o.
// The national welfare is Σ_o r_o W_o with r_o the weights' shares (registered, or residents
// without migration); its change between two runs adds up from Σ_o r̄_o ΔW_o per channel and a
// composition term Σ_o W̄_o Δr_o (bars: the two runs' mean). Built for Part I's levels model:
// not with input–output links (unit costs depend on other prices) or land_income: stayers.
#include <boost/serialization/string.hpp>

#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/equilibrium.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct WelfareTerms {
  double weight = 0;   // R_o (registered) with migration, L_o without
  double welfare = 0;  // W_o
  double amenity = 0, trade = 0, technology = 0, factor_prices = 0, capital_income = 0, land_income = 0, transfers = 0,
         migration = 0;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& weight& welfare& amenity& trade& technology& factor_prices& capital_income& land_income& transfers& migration;
  }
};

// The channels in the order of the docs and the files, with their members.
struct WelfareChannel {
  const char* name;
  double WelfareTerms::*member;
};
const std::vector<WelfareChannel>& welfare_channels();
// Σ of the channels (W_o to rounding).
double channel_sum(const WelfareTerms& t);

// Why the terms are not built for this scenario ("" if they are).
std::string welfare_terms_problem(const Scenario& sc);
// The terms of the owned regions at the equilibrium (every rank its own, in state order).
std::vector<WelfareTerms> welfare_terms(const Scenario& sc, const Equilibrium& eq, const EconomyState& st);

// The change of national welfare from `base` to `scenario` (every region, the same order):
// per channel Σ_o r̄_o Δc_o, the composition Σ_o W̄_o Δr_o, their total ΔW, and the largest
// |W_o − Σ channels| of either run (the closure, to rounding).
struct WelfareChange {
  std::vector<double> channels;  // welfare_channels() order
  double composition = 0, total = 0, base = 0, scenario = 0, closure = 0;
};
WelfareChange welfare_change(const std::vector<WelfareTerms>& base, const std::vector<WelfareTerms>& scenario);

}  // namespace regio
