#pragma once
// The parts of `regio compare` (compare.hpp): the two output folders as read (compare_read.cpp:
// run.yaml and aggregates.csv; compare_panel.cpp: the region panel) and the files written from
// them (compare_report.cpp). Serial, like compare_runs; every error is an InputError.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "regio/compare.hpp"
#include "regio/csv.hpp"
#include "regio/output_schema.hpp"

namespace regio::comparison {

// A value in the comparison's CSVs and report: 15 significant digits, as the run outputs.
inline std::string num(double v) { return fmt::format("{:.15g}", v); }

// ---- small helpers (compare_read.cpp) ----------------------------------------------------------

std::string path_in(const std::string& dir, std::string_view name);
std::string name_of(const schema::Column& c);
[[noreturn]] void fail(const std::string& file, int line, const std::string& message);
// The file's text; `what` names it when the folder lacks it.
std::string read_text(const std::string& path, const std::string& dir, std::string_view what);
bool to_int(const std::string& field, int& out);
std::string trim(const std::string& s);
// Header of a CSV as name -> column; every `needed` column must be there.
std::map<std::string, std::size_t> header_columns(const csv::Row& header, const std::string& file,
                                                  const std::vector<std::string>& needed);

// ---- the runs as read ----------------------------------------------------------------------------

struct RunRecord {
  std::string dir, status, scenario_file, version;
  std::optional<int> start_year;
  std::vector<std::pair<std::string, std::string>> parameters;  // resolved scenario, flattened
};

// run.yaml of an output folder; a partial run only with allow_partial.
RunRecord read_run_record(const std::string& dir, bool allow_partial);
// The status on the last line of a run.yaml's text ("missing" without one); InputError for an
// incomplete run unless allow_partial.
std::string run_status(const std::string& text, const std::string& file, bool allow_partial);
// A YAML tree as (dotted path, scalar) pairs: "trade.d0_km", "shocks.trade_costs[0].pairs".
void flatten_yaml(const YAML::Node& n, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out);

struct NationalTable {
  std::vector<std::string> metrics;         // every column after epoch, year (file order)
  std::vector<int> epochs, years;           // in file order, epochs unique
  std::vector<std::vector<double>> values;  // [row][metric]
  int metric(std::string_view name) const {
    const auto it = std::find(metrics.begin(), metrics.end(), name);
    return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
  }
  int row_of(int epoch) const {
    const auto it = std::find(epochs.begin(), epochs.end(), epoch);
    return it == epochs.end() ? -1 : static_cast<int>(it - epochs.begin());
  }
};

// aggregates.csv of an output folder.
NationalTable read_aggregates(const std::string& dir);

struct RegionPanel {
  std::string file;
  std::vector<std::string> ids, provinces;  // region order of the panel
  // columns[epoch][c][i]: the c-th column asked for (province_source_columns()[c] by default) of
  // region i at `epoch`
  std::map<int, std::vector<std::vector<double>>> columns;
};

// The `wanted` epochs of an output folder's region panel: regions.csv, else regions.h5
// (compare_panel.cpp); the regions.csv `columns` given.
RegionPanel read_region_panel(const std::string& dir, const std::vector<int>& wanted,
                              const std::vector<std::string>& columns = province_source_columns());
// The scenario panel's columns in the baseline's region order; refuses other region sets.
void match_regions(const RegionPanel& base, RegionPanel& scen, const std::string& base_dir,
                   const std::string& scen_dir);

// ---- counterfactual folders (compare_counterfactual_read.cpp) --------------------------------------

// Whether the run.yaml of `dir` is a counterfactual's (`mode: counterfactual`).
bool is_counterfactual_folder(const std::string& dir);

// A CSV of a counterfactual folder: its key columns as text and the numeric columns of the schema.
struct KeyedTable {
  std::vector<std::vector<std::string>> keys;                   // [row][key column]
  std::map<const schema::Column*, std::vector<double>> values;  // by schema column; NA read as NaN
  const std::vector<double>& at(const schema::Column& c) const { return values.at(&c); }
};

// A counterfactual output folder as read (docs/outputs.md, "regio counterfactual").
struct CounterfactualFolder {
  std::string dir, status, version, file, description, base_year, migration;
  std::vector<std::pair<std::string, std::string>> parameters;  // base_year, migration and shocks, flattened
  std::map<const schema::Column*, double> national;             // national.csv's rows (NaN for NA)
  KeyedTable units;                                             // keys: region, province, group
  KeyedTable sectors;                                           // keys: region, sector
  std::size_t groups() const;                                   // units per region
};
CounterfactualFolder read_counterfactual_folder(const std::string& dir, bool allow_partial);

// compare_counterfactual.cpp: two counterfactual folders (national.csv, units.csv, sectors.csv,
// summary.md).
CompareSummary compare_counterfactuals(const CompareOptions& opt);
// Both folders are there (compare.cpp).
void require_folders(const CompareOptions& opt);

// ---- the report (compare_report.cpp) -------------------------------------------------------------

// Province tables of the two runs by epoch: (baseline, scenario).
using ProvincePairs = std::map<int, std::pair<ProvinceTable, ProvinceTable>>;

// What the written files are made from: both runs as read, their epochs and province tables.
struct Comparison {
  RunRecord base_run, scen_run;
  NationalTable base, scen;
  std::size_t regions = 0;
  std::vector<int> common;  // epochs of both runs (national.csv)
  std::vector<int> chosen;  // epochs of provinces.csv
  ProvincePairs provinces;  // at the chosen epochs and the last common one
};

// compare_hats.cpp: the counterfactual opt.hats against the runs' relative changes at the last
// common epoch (hats_regions.csv, hats_national.csv written; a section for summary.md).
struct HatsComparison {
  std::vector<std::string> files;
  std::string markdown;
  double largest_difference = 0;  // max |hat − levels| over both files
};
HatsComparison compare_hats(const CompareOptions& opt, const Comparison& c);

// compare_welfare.cpp: two runs written with --welfare-terms: welfare.csv (every common epoch: the
// national welfare change by channel, docs/welfare.md) and a section for summary.md.
struct WelfareComparison {
  std::string file, markdown;
  int last_epoch = -1;
  double closure = 0;  // largest |W_o − Σ channels| at the last epoch
};
WelfareComparison compare_welfare(const CompareOptions& opt, const Comparison& c);

// "0..9" for a contiguous run, else "0, 2, 5".
std::string epochs_text(const std::vector<int>& e);
void write_file(const std::string& path, const std::string& text);
// national.csv: every common epoch, each metric's baseline, scenario and differences.
std::string national_csv(const Comparison& c);
// provinces.csv: the chosen epochs, each province quantity's baseline, scenario and differences.
std::string provinces_csv(const Comparison& c);
// summary.md: the runs, the parameters that differ, the national measures and the provinces
// that gain and lose most at the last common epoch.
std::string summary_markdown(const CompareOptions& opt, const Comparison& c);

}  // namespace regio::comparison
