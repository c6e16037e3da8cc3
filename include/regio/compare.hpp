#pragma once
// `regio compare BASELINE SCENARIO --out DIR`: differences between two output folders of
// `regio run` (docs/outputs.md, section "regio compare"): per-epoch national differences
// (national.csv), per-province differences at chosen epochs (provinces.csv) and a short
// Markdown summary (summary.md); or between two folders of `regio counterfactual`; and, with
// --hats, a counterfactual's hats against two runs' relative changes.
//
// Everything here is serial and Not Collective: the CLI runs it on rank 0 inside
// on_root_collectively, so an InputError reaches every rank. Errors are InputErrors with one
// line naming the folder or file and what to do.
#include <string>
#include <vector>

namespace regio {

struct CompareOptions {
  std::string baseline;        // output folder of the baseline run
  std::string scenario;        // output folder of the scenario (policy) run
  std::string output;          // folder for national.csv, provinces.csv, summary.md (created)
  std::string epochs;          // "0,5,last"; empty: the first and last common epoch
  bool allow_partial = false;  // accept run.yaml without `status: complete`
  // A `regio counterfactual` folder whose hats are set against the relative changes scenario /
  // baseline of the two runs (real and normalised quantities only; hats_*.csv).
  std::string hats;
};

// The metrics of aggregates.csv (after epoch, year), in file order.
const std::vector<std::string>& national_metrics();
// Whether national.csv also gets `<metric>_pct` (level variables: gdp, real_gdp, population).
bool is_level_metric(const std::string& metric);

// Province quantities of provinces.csv, in column order: sums over the province's regions
// (population, registered, migrants_in, migrants_out, gdp, income, capital), gdp_pc =
// gdp / population, and population-weighted means (real_income_pc, wage).
const std::vector<std::string>& province_quantities();
// The regions.csv columns the province quantities are made from.
const std::vector<std::string>& province_source_columns();

struct ProvinceTable {
  std::vector<std::string> provinces;       // in order of first appearance among the regions
  std::vector<std::vector<double>> values;  // [province][quantity], province_quantities() order
};

// Aggregate one epoch of regions to provinces. `columns[c][i]` is region i's value of
// province_source_columns()[c]; `province[i]` its province.
ProvinceTable aggregate_provinces(const std::vector<std::string>& province,
                                  const std::vector<std::vector<double>>& columns);

// The epochs of an --epochs list ("0,5,last", "first" also accepted) among `common` (sorted),
// sorted and without duplicates; an empty list gives the first and last common epoch.
// Throws InputError for anything that is not a common epoch.
std::vector<int> parse_epoch_list(const std::string& text, const std::vector<int>& common);

// 100 (s − b) / b; NaN when b is 0.
double percent_change(double baseline, double scenario);
// Consumption-equivalent change of a log-utility welfare difference: 100 (exp(Δ) − 1).
double welfare_equivalent_percent(double welfare_diff);

struct CompareSummary {
  std::vector<int> epochs;           // common epochs (national.csv rows)
  std::vector<int> province_epochs;  // epochs of provinces.csv
  std::size_t provinces = 0;
  std::vector<std::string> files;      // written files
  bool counterfactual = false;         // two counterfactual folders were compared
  double hats_largest_difference = 0;  // with --hats: the largest |hat − levels| of hats_*.csv
};

// Read both folders, check they are comparable, write national.csv, provinces.csv and
// summary.md into opt.output (and, with opt.hats, hats_regions.csv and hats_national.csv).
// Two `regio counterfactual` folders instead give national.csv, units.csv, sectors.csv and
// summary.md of the counterfactuals side by side (docs/outputs.md). Not Collective. Throws
// InputError.
CompareSummary compare_runs(const CompareOptions& opt);

}  // namespace regio
