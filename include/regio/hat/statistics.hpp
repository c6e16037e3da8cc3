#pragma once
// National statistics of a counterfactual (MODEL.md §7, §11; Tombe & Zhu's post_simulate.m
// definitions, docs/replication-tombe-zhu.md §4) and of the base year's migration costs
// (MODEL.md §12; Tombe & Zhu's Table 5). All collective; sums in region order (Layout::ordered_sum).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "regio/hat/hat_system.hpp"

namespace regio::hat {

// The national changes of a counterfactual (their names, units and meanings: the output schema's
// national.csv rows, docs/outputs.md).
struct NationalChanges {
  double real_gdp = 1;           // Σ_u φ_u V̂_u L̂_u, φ_u ∝ V_u L_u over units inside
  double welfare_tombe_zhu = 1;  // Σ_u ω_u Φ_u^(1/ε), ω_u ∝ R_u V_u C_u m_uu^(−1/ε); without migration real GDP
  double welfare_log_mean = 1;  // MODEL.md §7: exp(R-weighted mean of log Φ_u^(1/ε)); without, of log V̂ by L
  // Spending-weighted shares bought from other regions inside and from outside, before and after.
  double internal_trade_base = 0, internal_trade_new = 0, international_trade_base = 0, international_trade_new = 0;
  // Hukou holders in another unit of their province / in another province, shares of Σ R_u (NaN
  // without migration shares).
  double within_province_base = NAN, within_province_new = NAN, between_provinces_base = NAN,
         between_provinces_new = NAN;
  bool migration = false;  // workers moved (else the migration changes do not apply)
};

// Real GDP, welfare (Tombe & Zhu's and MODEL.md §7's), trade and migration shares before and after.
NationalChanges national_statistics(const BaseYear& base, const Layout& layout, const HatSystem& system);

struct CostStatistic {
  std::string name;
  double cost;   // flow-weighted harmonic mean of μ_uv over the class's pairs
  double share;  // Σ R_u m_uv over the class / Σ R_u
};
// μ_uv from the base shares: 1/μ_uv = (m_uv/m_uu)^(1/ε) C_u V_u / V_v (MODEL.md §12, B ≡ 1).
std::vector<CostStatistic> migration_cost_statistics(const BaseYear& base, const Layout& layout);

}  // namespace regio::hat
