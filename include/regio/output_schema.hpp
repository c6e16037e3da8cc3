#pragma once
// The output schema: every file of a `regio run` output folder with its columns (CSV), keys
// (run.yaml) or datasets (regions.h5) in file order, each with its unit and one-line meaning;
// and the files of a `regio counterfactual` folder (namespace counterfactual).
// It is the one place that names them. From it
//   - the writers take their headers and column order (output.cpp, region_panel.cpp),
//   - `regio compare` takes the columns it reads (compare.cpp),
//   - `regio schema` prints tools/output_schema.json, which tools/regio_outputs.py reads,
//   - `regio schema --markdown` prints the column tables of docs/outputs.md;
// CTests docs_output_schema_current and docs_outputs_current fail when those two are stale
// (regenerate both with tools/output_schema.py).
//
// The definitions (names, units, meanings) are in src/io/output_schema.cpp; this header
// declares one object per column so that code refers to a column, never to its name spelt out.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace regio::schema {

// How a regions.csv column adds up over a province's regions (regio compare, the plotting tools).
enum class ToProvince {
  none,   // no rule (the plotting tools keep it only when a province is one region)
  key,    // identifies the row (epoch, year, region, province)
  sum,    // summed
  mean,   // population-weighted mean
  ratio,  // recomputed from the province sums (gdp_pc = gdp / population)
};
std::string_view to_string(ToProvince rule);

struct Column {
  std::string_view name;         // per_sector: the prefix, followed by each sector's name
  std::string_view unit;         // empty: a pure number, an index, an identifier or text
  std::string_view meaning;      // one line, Markdown
  std::string_view symbol = {};  // MODEL.md symbol or formula
  ToProvince to_province = ToProvince::none;
  bool per_sector = false;  // one column per sector: employment_<sector>
  // Not in every output folder: a run.yaml key written only in some runs (the meaning says
  // when), or a column added after the first output format (folders of older versions lack
  // it). Readers must not require it.
  bool optional = false;
  // Written only when the scenario has input–output links (some ι_sk > 0, MODEL.md §9); such a
  // column is also `optional`.
  bool with_intermediates = false;
};

// A dataset or attribute of regions.h5.
struct Dataset {
  std::string_view name;   // inside the group (datasets) or of the root group (attributes)
  std::string_view type;   // float64 | int64 | string
  std::string_view shape;  // e.g. "[epochs, N]"; "scalar" for attributes
  std::string_view meaning;
  const Column* column = nullptr;  // the regions.csv column it holds (null: every numeric one)
};

// A file of the output folder. CSV files and run.yaml have `columns` (run.yaml: its keys);
// regions.h5 has `group`, `datasets` and `attributes`. A long-format CSV (one row per statistic,
// named in its first column) lists its rows in `keyed_rows` (name, unit, meaning of each).
struct File {
  std::string_view name;
  std::string_view rows;  // what one row is, and when the file is written
  std::span<const Column* const> columns = {};
  std::string_view group = {};
  std::span<const Dataset* const> datasets = {};
  std::span<const Dataset* const> attributes = {};
  std::span<const Column* const> keyed_rows = {};
};

// Every file, in the order docs/outputs.md describes them.
std::span<const File* const> files();

// A file's column names in order; a per-sector column once per sector, e.g. employment_services;
// the columns of input–output links only if `intermediates`.
std::vector<std::string> column_names(const File& file, const std::vector<std::string>& sectors = {},
                                      bool intermediates = false);
// The name of one column; a per-sector column as its template, employment_<sector>.
std::string display_name(const Column& column);

// Columns of more than one file.
extern const Column epoch, year;

namespace regions_csv {
extern const File file;
extern const Column region, province, population, registered, migrants_in, migrants_out, employment, wage, capital_rent,
    land_rent, price_index, gdp, gdp_pc, income, transfer, exports, imports, real_income_pc, own_trade_share, capital,
    utility, gross_output, intermediate_use;
}  // namespace regions_csv

namespace aggregates_csv {
extern const File file;
extern const Column gdp, real_gdp, population, migrant_share, interprovincial_migrant_share, urbanization,
    internal_trade_share, interprovincial_trade_share, welfare, theil, gini, cv, maxmin_ratio, theil_income,
    gini_income, transfers, import_share, export_share;
}  // namespace aggregates_csv

namespace migration_csv {
extern const File file;
extern const Column origin, destination, migrants;
}  // namespace migration_csv

namespace solver_csv {
extern const File file;
extern const Column nonlinear_iterations, linear_iterations, residual_evaluations, residual_norm, seconds, reason,
    initial_residual_norm;
}  // namespace solver_csv

namespace welfare_terms_csv {
extern const File file;
extern const Column weight, welfare, amenity, trade, technology, factor_prices, capital_income, land_income, transfers,
    migration;
extern const std::span<const Column* const> channels;  // amenity .. migration: welfare_channels() in order
}  // namespace welfare_terms_csv

namespace units_csv {
extern const File file;
extern const Column group, registered, employment, wage, land_rent, real_income, amenity, utility, migrants_out,
    expected_utility;
}  // namespace units_csv

namespace run_yaml {
extern const File file;
extern const Column regio_version, run_id, kernel_products, kernel_math, kernel_storage, kernel_stored_ranks, command,
    scenario_file, ranks, regions, decomposition_imbalance, epochs, epochs_done, restarted_from, first_epoch, started,
    finished, decomposition, scenario, error, status;
}  // namespace run_yaml

namespace regions_h5 {
extern const File file;
extern const Dataset column, id, province, year;  // `column`: one per numeric regions.csv column
extern const Dataset start_year, regions;         // attributes of the root group
}  // namespace regions_h5

// ---- the output folder of `regio counterfactual` (output_schema_counterfactual.cpp) -----------
// Its files have their own names space: in tools/output_schema.json they are the list
// `counterfactual_files`, in docs/outputs.md the blocks `counterfactual/<file>`.
namespace counterfactual {
std::span<const File* const> files();

namespace run_yaml {
extern const File file;
extern const Column regio_version, mode, command, counterfactual_file, description, base_year, migration, regions,
    sectors, groups, ranks, decomposition, shocks, started, preconditioner, newton_iterations, linear_iterations,
    residual_norm, seconds, finished, error, status;
}  // namespace run_yaml

namespace units_csv {
extern const File file;
extern const Column region, province, group, outside, employment_base, registered_base, wage_change, land_rent_change,
    goods_price_change, employment_change, real_income_change, rebate_base, rebate_new, own_share_base, own_share_new,
    expected_utility_change;
}  // namespace units_csv

namespace sectors_csv {
extern const File file;
extern const Column region, sector, revenue_base, revenue_change, spending_base, spending_change, price_change,
    unit_cost_change, own_trade_share_base, own_trade_share_new;
}  // namespace sectors_csv

namespace national_csv {
extern const File file;
extern const Column statistic, value, unit, meaning;
// Rows: the counterfactual's statistics (`changes`: what `regio compare` compares), then the
// solve's `diagnostics`.
extern const Column real_gdp_pct, welfare_pct, welfare_logmean_pct, internal_trade_pp, international_trade_pp,
    within_province_migration_pct, between_province_migration_pct, internal_trade_share_base, internal_trade_share_new,
    international_trade_share_base, international_trade_share_new, within_province_migrant_share_base,
    within_province_migrant_share_new, between_province_migrant_share_base, between_province_migrant_share_new,
    base_fixed_point_residual, base_registered_residual, newton_iterations, linear_iterations, residual_norm;
extern const std::span<const Column*const> changes, diagnostics;
}  // namespace national_csv

namespace migration_costs_csv {
extern const File file;
extern const Column statistic, cost, share;
}  // namespace migration_costs_csv
}  // namespace counterfactual

// ---- the folder of `regio ensemble` and `regio shapley` (output_schema_ensemble.cpp) ----------
// In tools/output_schema.json the list `ensemble_files`, in docs/outputs.md the blocks
// `ensemble/<file>`. Each member's folder members/<id>/ is a run folder of the files above.
namespace ensemble {
std::span<const File* const> files();

namespace ensemble_yaml {
extern const File file;
extern const Column regio_version, command, design, spec_file, scenario_file, rule, samples, seed, members, epochs,
    group_ranks, groups, ranks, schedule, definition, started, members_complete_before, members_run, finished, seconds,
    error, status;
}  // namespace ensemble_yaml

namespace members_csv {
extern const File file;
extern const Column member, weight, parameter;
}  // namespace members_csv

// The statistics columns of both bands files, and their `variable`.
extern const Column variable, mean, sd, p5, p50, p95, min, max;
namespace bands_national_csv {
extern const File file;
}
namespace bands_regions_csv {
extern const File file;
}

namespace shapley_csv {
extern const File file;
extern const Column policy, contribution, total;
extern const std::span<const Column* const> variables;  // aggregates.csv columns decomposed
}  // namespace shapley_csv
namespace shapley_welfare_csv {
extern const File file;
extern const Column channel, contribution, total;
}  // namespace shapley_welfare_csv
}  // namespace ensemble

// tools/output_schema.json: every file with its columns, keys or datasets (`regio schema`).
std::string json();
// The column tables of docs/outputs.md, one block per file between marker comments
// (`regio schema --markdown`; tools/output_schema.py puts them into the document).
std::string markdown();

}  // namespace regio::schema
