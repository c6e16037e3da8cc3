// The output schema of a `regio counterfactual` folder (output_schema.hpp, namespace
// counterfactual): run.yaml, units.csv, sectors.csv, national.csv and migration_costs.csv. The
// writer (src/app/counterfactual.cpp through counterfactual_output.hpp) and `regio compare` on
// counterfactual folders (src/io/compare/compare_counterfactual.cpp) take their names from here;
// tools/output_schema.json (`counterfactual_files`) and docs/outputs.md are generated from it.
// Hats are x'/x; nominal hats (wages, prices, rents, revenues, spending, unit costs) are relative
// to the counterfactual's numeraire (docs/hat-algebra.md §3), real ones and shares are not.
#include "regio/output_schema.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace regio::schema::counterfactual {

using enum ToProvince;

// ---- run.yaml ---------------------------------------------------------------------------------
namespace run_yaml {
const Column regio_version{"regio_version", "", "version of regio that ran (git describe)"};
const Column mode{"mode", "",
                  "`counterfactual`: a counterfactual in changes by exact hat algebra (MODEL.md §12); the run.yaml "
                  "of `regio run` has no `mode`"};
const Column command{"command", "", "the command line"};
const Column counterfactual_file{"counterfactual_file", "", "the counterfactual YAML as given on the command line"};
const Column description{"description", "", "the counterfactual file's `description`"};
const Column base_year{"base_year", "",
                       "the base-year folder (relative paths resolved against the counterfactual file)"};
const Column migration{"migration", "",
                       "`true`: workers choose where to live (MODEL.md §10); `false`: every unit's employment fixed"};
const Column regions{"regions", "", "number of regions of the base year"};
const Column sectors{"sectors", "", "number of sectors"};
const Column groups{"groups", "", "number of labour groups"};
const Column ranks{"ranks", "", "MPI ranks"};
const Column decomposition{"decomposition", "",
                           "the provinces of each rank (map: source, the --decomp file or `auto`; ranks; assignment)"};
const Column shocks{"shocks", "",
                    "the shocks as read (map: trade_costs, productivity, amenity, land, migration_costs; files "
                    "resolved against the counterfactual file; docs/hat-algebra.md §2)"};
const Column started{"started", "UTC", "when the run started"};
const Column preconditioner{"preconditioner",
                            "",
                            "the PC of the Newton steps' GMRES: `regio` (the per-region blocks, default) or a PETSc "
                            "type (-hat_pc_type)",
                            "",
                            none,
                            false,
                            true};
const Column newton_iterations{"newton_iterations", "", "SNES Newton steps", "", none, false, true};
const Column linear_iterations{"linear_iterations", "", "GMRES iterations of all Newton steps", "", none, false, true};
const Column residual_norm{"residual_norm", "", "2-norm of the residual at the solution", "", none, false, true};
const Column seconds{"seconds", "s", "wall time of the whole command", "", none, false, true};
const Column finished{"finished", "UTC", "when the run ended (once it has)", "", none, false, true};
const Column error{"error", "", "the error message, if the run failed", "", none, false, true};
const Column status{"status", "",
                    "the last line: `running` while the run is going, `failed` or `complete` at the end (complete "
                    "only after every file is written)"};

constexpr const Column* kColumns[] = {&regio_version,
                                      &mode,
                                      &command,
                                      &counterfactual_file,
                                      &description,
                                      &base_year,
                                      &migration,
                                      &regions,
                                      &sectors,
                                      &groups,
                                      &ranks,
                                      &decomposition,
                                      &shocks,
                                      &started,
                                      &preconditioner,
                                      &newton_iterations,
                                      &linear_iterations,
                                      &residual_norm,
                                      &seconds,
                                      &finished,
                                      &error,
                                      &status};
const File file{"run.yaml",
                "the run record, one key per line in this order (decomposition and shocks are maps); the keys after "
                "`started` are written once the solve has finished",
                kColumns};
}  // namespace run_yaml

// ---- units.csv --------------------------------------------------------------------------------
namespace units_csv {
const Column region{"region", "", "region id of the base year's regions.csv", "", key};
const Column province{"province", "", "its province", "", key};
const Column group{"group", "", "labour group (parameters.yaml `groups`)", "", key};
const Column outside{"outside", "", "1: outside the migration choice set (MODEL.md §13's rest of the world)"};
const Column employment_base{"employment_base", "persons", "base-year employment", "L_u"};
const Column registered_base{"registered_base", "persons", "base-year hukou stock", "R_u"};
const Column wage_change{"wage_change", "hat", "wage (relative to the numeraire)", "ŵ_u"};
const Column land_rent_change{"land_rent_change", "hat", "rent of the land the group uses (relative to the numeraire)",
                              "q̂_u"};
const Column goods_price_change{"goods_price_change", "hat",
                                "the region's goods price index (relative to the numeraire)", "P̂_n = Π_s P̂_ns^η_s"};
const Column employment_change{"employment_change", "hat", "employment", "L̂_u"};
const Column real_income_change{"real_income_change", "hat",
                                "real income per worker: under `stayers` what a migrant earns, ŵ/(P̂^(1−δ_h) q̂^δ_h); "
                                "under `residents` with the non-wage income per resident",
                                "V̂_u (v̂_u)"};
const Column rebate_base{"rebate_base", "",
                         "stayers' land-rent rebate factor at the base (1 under `residents`; NA "
                         "outside or without migration)",
                         "C_u"};
const Column rebate_new{"rebate_new", "", "the same in the counterfactual", "C'_u"};
const Column own_share_base{"own_share_base", "fraction", "share of the unit's hukou holders living in it, base",
                            "m_uu"};
const Column own_share_new{"own_share_new", "fraction", "the same in the counterfactual (NA without migration)",
                           "m'_uu"};
const Column expected_utility_change{"expected_utility_change", "hat",
                                     "the hukou unit's expected utility: its welfare change (NA without migration)",
                                     "Φ_u^(1/ε)"};

constexpr const Column* kColumns[] = {&region,
                                      &province,
                                      &group,
                                      &outside,
                                      &employment_base,
                                      &registered_base,
                                      &wage_change,
                                      &land_rent_change,
                                      &goods_price_change,
                                      &employment_change,
                                      &real_income_change,
                                      &rebate_base,
                                      &rebate_new,
                                      &own_share_base,
                                      &own_share_new,
                                      &expected_utility_change};
const File file{"units.csv", "one row per unit (region, group), regions in base-year order, groups in their order",
                kColumns};
}  // namespace units_csv

// ---- sectors.csv ------------------------------------------------------------------------------
namespace sectors_csv {
const Column region{"region", "", "region id", "", key};
const Column sector{"sector", "", "sector name (parameters.yaml `sectors`)", "", key};
const Column revenue_base{"revenue_base", "money", "base-year gross output (Σ_n I_n = 1 when completed)", "R_ns"};
const Column revenue_change{"revenue_change", "hat", "gross output (relative to the numeraire)", "R̂_ns"};
const Column spending_base{"spending_base", "money", "base-year spending on the sector's goods, final and intermediate",
                           "X_ns"};
const Column spending_change{"spending_change", "hat", "spending (relative to the numeraire)", "X̂_ns"};
const Column price_change{"price_change", "hat", "the sector's price index (relative to the numeraire)", "P̂_ns"};
const Column unit_cost_change{"unit_cost_change", "hat", "unit cost (relative to the numeraire)", "ĉ_ns"};
const Column own_trade_share_base{"own_trade_share_base", "fraction", "share of spending bought from the region itself",
                                  "π_nns"};
const Column own_trade_share_new{"own_trade_share_new", "fraction", "the same in the counterfactual", "π'_nns"};

constexpr const Column* kColumns[] = {
    &region,          &sector,       &revenue_base,     &revenue_change,       &spending_base,
    &spending_change, &price_change, &unit_cost_change, &own_trade_share_base, &own_trade_share_new};
const File file{"sectors.csv", "one row per region and sector, regions in base-year order", kColumns};
}  // namespace sectors_csv

// ---- national.csv -----------------------------------------------------------------------------
namespace national_csv {
const Column statistic{"statistic", "", "the statistic's name (the rows below)", "", key};
const Column value{"value", "", "its value (`NA` where it does not apply)"};
const Column unit{"unit", "", "its unit: `%`, `pp` (percentage points), `share`, `relative`, `count`, `norm`"};
const Column meaning{"meaning", "", "one line"};

const Column real_gdp_pct{"real_gdp_pct", "%", "real GDP: Σ_u φ_u V̂_u L̂_u − 1, φ_u ∝ V_u L_u over units inside"};
const Column welfare_pct{
    "welfare_pct", "%",
    "welfare: Σ_u ω_u Φ_u^(1/ε) − 1, ω_u ∝ R_u V_u C_u m_uu^(−1/ε) (Tombe & Zhu); without migration = real GDP"};
const Column welfare_logmean_pct{
    "welfare_logmean_pct", "%",
    "MODEL.md §7: exp(R-weighted mean of log Φ_u^(1/ε)) − 1; without migration exp(L-weighted mean of log V̂) − 1"};
const Column internal_trade_pp{"internal_trade_pp", "pp",
                               "change of the spending-weighted share bought from other regions inside"};
const Column international_trade_pp{"international_trade_pp", "pp",
                                    "change of the spending-weighted share bought from regions outside"};
const Column within_province_migration_pct{"within_province_migration_pct", "%",
                                           "change of hukou holders living in another unit of their province"};
const Column between_province_migration_pct{"between_province_migration_pct", "%",
                                            "change of hukou holders living in another province"};
const Column internal_trade_share_base{"internal_trade_share_base", "share",
                                       "base: spending-weighted share bought from other regions inside"};
const Column internal_trade_share_new{"internal_trade_share_new", "share", "counterfactual: the same"};
const Column international_trade_share_base{"international_trade_share_base", "share",
                                            "base: spending-weighted share bought from outside"};
const Column international_trade_share_new{"international_trade_share_new", "share", "counterfactual: the same"};
const Column within_province_migrant_share_base{"within_province_migrant_share_base", "share",
                                                "base: hukou holders in another unit of their province"};
const Column within_province_migrant_share_new{"within_province_migrant_share_new", "share",
                                               "counterfactual: the same"};
const Column between_province_migrant_share_base{"between_province_migrant_share_base", "share",
                                                 "base: hukou holders in another province"};
const Column between_province_migrant_share_new{"between_province_migrant_share_new", "share",
                                                "counterfactual: the same"};
const Column base_fixed_point_residual{"base_fixed_point_residual", "relative",
                                       "max |Σ_n π_nis X_ns / R_is − 1| at the base"};
const Column base_registered_residual{"base_registered_residual", "relative",
                                      "max |Σ_u R_u m_uv / L_v − 1| at the base"};
const Column newton_iterations{"newton_iterations", "count", "SNES Newton steps"};
const Column linear_iterations{"linear_iterations", "count", "GMRES iterations"};
const Column residual_norm{"residual_norm", "norm", "2-norm of the residual at the solution"};

constexpr const Column* kChanges[] = {&real_gdp_pct,
                                      &welfare_pct,
                                      &welfare_logmean_pct,
                                      &internal_trade_pp,
                                      &international_trade_pp,
                                      &within_province_migration_pct,
                                      &between_province_migration_pct,
                                      &internal_trade_share_base,
                                      &internal_trade_share_new,
                                      &international_trade_share_base,
                                      &international_trade_share_new,
                                      &within_province_migrant_share_base,
                                      &within_province_migrant_share_new,
                                      &between_province_migrant_share_base,
                                      &between_province_migrant_share_new};
constexpr const Column* kDiagnostics[] = {&base_fixed_point_residual, &base_registered_residual, &newton_iterations,
                                          &linear_iterations, &residual_norm};
// national.csv's rows: the changes, then the diagnostics.
constexpr auto kRows = [] {
  std::array<const Column*, std::size(kChanges) + std::size(kDiagnostics)> rows{};
  std::copy(std::begin(kChanges), std::end(kChanges), rows.begin());
  std::copy(std::begin(kDiagnostics), std::end(kDiagnostics), rows.begin() + std::size(kChanges));
  return rows;
}();
constexpr const Column* kColumns[] = {&statistic, &value, &unit, &meaning};
const std::span<const Column* const> changes = kChanges;
const std::span<const Column* const> diagnostics = kDiagnostics;
const File file{"national.csv",
                "one row per statistic, in the order below (long format: `statistic` names the row); NA where a "
                "statistic does not apply (migration shares without migration)",
                kColumns,
                {},
                {},
                {},
                kRows};
}  // namespace national_csv

// ---- migration_costs.csv ----------------------------------------------------------------------
namespace migration_costs_csv {
const Column statistic{"statistic", "", "the class of unit pairs u ≠ v (the rows below)", "", key};
const Column cost{"cost", "", "flow-weighted harmonic mean of the base-year migration costs over the class",
                  "μ_uv, weights R_u m_uv"};
const Column share{"share", "fraction", "hukou holders living in a unit of the class", "Σ R_u m_uv / Σ R_u"};

const Column overall{"overall", "", "every pair"};
const Column group_switch{"<g1>_<g2>", "",
                          "a change of group (named after the two groups when there are two, e.g. `ag_nonag`; "
                          "`group_switch` otherwise)"};
const Column group_switch_within{"<g1>_<g2>_within_province", "", "a change of group inside the province"};
const Column group_switch_between{"<g1>_<g2>_between_provinces", "", "a change of group and of province"};
const Column between_provinces{"between_provinces", "", "pairs in different provinces"};
const Column between_within_group{"between_provinces_within_<group>", "",
                                  "pairs in different provinces within one group, one row per group"};
const Column within_province{"within_province", "", "pairs in the same province"};

constexpr const Column* kRows[] = {
    &overall,           &group_switch,         &group_switch_within, &group_switch_between,
    &between_provinces, &between_within_group, &within_province};
constexpr const Column* kColumns[] = {&statistic, &cost, &share};
const File file{"migration_costs.csv",
                "written with migration shares: one row per class of unit pairs (Tombe & Zhu's Table 5), μ_uv from "
                "the base shares, 1/μ_uv = (m_uv/m_uu)^(1/ε) C_u V_u / V_v",
                kColumns,
                {},
                {},
                {},
                kRows};
}  // namespace migration_costs_csv

namespace {
constexpr const File* kFiles[] = {&run_yaml::file, &units_csv::file, &sectors_csv::file, &national_csv::file,
                                  &migration_costs_csv::file};
}  // namespace

std::span<const File* const> files() { return kFiles; }

}  // namespace regio::schema::counterfactual
