// The sector parameter table (see parameters.hpp) and the default three-sector economy.
#include <fmt/format.h>

#include "parameter_macros.hpp"
#include "regio/parameters.hpp"

namespace regio {
using namespace param_detail;

const std::vector<ParamSpec<SectorParams>>& sector_parameters() {
  using P = ParamSpec<SectorParams>;
  using K = ParamKind;
  static const std::vector<P> table = {
      {"name",
       K::Text,
       "",
       {},
       "",
       "s",
       "Sector name (used in column names, e.g. employment_<name>).",
       REGIO_TEXT(name)},
      {"theta", K::Real, "4", kPositive, "", "θ_s", "Trade elasticity (Tombe & Zhu 2019: 4).", REGIO_FIELD(theta)},
      {"labor_share", K::Real, "", kUnit, "", "α_s", "Labor share of costs. Required.", REGIO_FIELD(labor_share)},
      {"capital_share", K::Real, "", kUnit, "", "β_s",
       "Capital share of costs; the land share is λ_s = 1 − α_s − β_s (− Σ_k ι_sk with `intermediate_shares`; |λ_s| < "
       "1e-12 counts as 0, so shares that add to 1 in decimals leave no land market) unless `land_share` is given. "
       "Required.",
       REGIO_FIELD(capital_share)},
      {"land_share", K::Real, "", kUnit, "", "λ_s",
       "Land share of gross output. Optional: by default the remainder 1 − α_s − β_s − Σ_k ι_sk (which must be ≥ 0); "
       "if given, α_s + β_s + λ_s + Σ_k ι_sk must be 1 (to 1e-9).",
       REGIO_FIELD(given_land_share), true},
      {"intermediate_shares", K::Shares, "", kUnit, "", "ι_sk",
       "Input–output links (MODEL.md §9): the share of sector s's gross output spent on intermediate goods of each "
       "sector k, as a list in sector order (`[0.05, 0.5, 0.15]`) or a mapping from sector names (`{manufacturing: "
       "0.5}`, the others 0). Optional: by default none (Part I). α_s, β_s and λ_s are then shares of gross output, "
       "and GDP counts value added.",
       nullptr, nullptr, nullptr, nullptr, true,
       [](SectorParams& t, const std::vector<double>& v) { t.intermediate_shares = v; },
       [](const SectorParams& t) { return t.intermediate_shares; }},
      {"consumption_share", K::Real, "", kUnit, "", "η_s",
       "Share of goods spending on this sector (the η_s sum to 1). Required.", REGIO_FIELD(consumption_share)},
      {"agglomeration",
       K::Real,
       "0",
       {0, 0.5},
       "",
       "γ_s",
       "Elasticity of productivity to density L/H.",
       REGIO_FIELD(agglomeration)},
      {"productivity_growth",
       K::Real,
       "0",
       {-0.5, 0.5},
       "1/epoch",
       "g_s",
       "Exogenous growth of log productivity per epoch.",
       REGIO_FIELD(productivity_growth)},
      {"agricultural",
       K::Boolean,
       "false",
       {0, 1},
       "",
       "",
       "Counts as rural employment in the urbanization proxy.",
       REGIO_FIELD(agricultural)},
      {"labour_group",
       K::Text,
       "",
       {},
       "",
       "g(s)",
       "The labour group whose wage the sector pays (MODEL.md §10): a group of `labour.units`. Required with it, "
       "absent without.",
       REGIO_TEXT(labour_group),
       true},
  };
  return table;
}

std::vector<SectorParams> default_sectors() {
  // Factor shares: China's national accounts put the labour share near 0.5; agriculture is land
  // intensive (Tombe & Zhu 2019 split agriculture / non-agriculture; we split non-agriculture
  // into manufacturing and services with the NBS 2020 value-added shares ≈ 8/38/54 %).
  SectorParams agriculture{"agriculture", 4.0, 0.55, 0.15, 0.08, 0.0, 0.02, true};
  SectorParams manufacturing{"manufacturing", 4.0, 0.45, 0.45, 0.38, 0.05, 0.03, false};
  SectorParams services{"services", 4.0, 0.55, 0.35, 0.54, 0.05, 0.02, false};
  return {agriculture, manufacturing, services};
}

}  // namespace regio
