#pragma once
// National statistics of a counterfactual (MODEL.md §7, §11; Tombe & Zhu's post_simulate.m
// definitions, docs/replication-tombe-zhu.md §4) and of the base year's migration costs
// (MODEL.md §12; Tombe & Zhu's Table 5). All collective; sums in region order (Layout::ordered_sum).
#include <string>
#include <utility>
#include <vector>

#include "regio/hat/hat_system.hpp"

namespace regio::hat {

struct Statistic {
  std::string name;
  double value;
  std::string unit, meaning;
};

// Real GDP, welfare (Tombe & Zhu's and MODEL.md §7's), trade and migration shares before and after.
std::vector<Statistic> national_statistics(const BaseYear& base, const Layout& layout, const HatSystem& system);

struct CostStatistic {
  std::string name;
  double cost;   // flow-weighted harmonic mean of μ_uv over the class's pairs
  double share;  // Σ R_u m_uv over the class / Σ R_u
};
// μ_uv from the base shares: 1/μ_uv = (m_uv/m_uu)^(1/ε) C_u V_u / V_v (MODEL.md §12, B ≡ 1).
std::vector<CostStatistic> migration_cost_statistics(const BaseYear& base, const Layout& layout);

}  // namespace regio::hat
