// regio compare: differences between a baseline and a scenario output folder (docs/outputs.md,
// "regio compare"). Serial; the CLI runs it on rank 0 inside on_root_collectively. The folders
// are read in compare_read.cpp and compare_panel.cpp, the files written in compare_report.cpp.
#include "regio/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "comparison.hpp"
#include "regio/error.hpp"
#include "regio/output_schema.hpp"
#include "regio/welfare_table.hpp"

namespace regio {

namespace fs = std::filesystem;
// The files and columns compared are the output schema's (output_schema.hpp).
namespace rc = schema::regions_csv;
namespace ac = schema::aggregates_csv;

// ---- public ------------------------------------------------------------------------------------

const std::vector<std::string>& national_metrics() {
  // The aggregates.csv columns every run has; `optional` ones (added later) are compared when
  // both runs have them.
  static const std::vector<std::string> m = [] {
    std::vector<std::string> v;
    for (const schema::Column* c : ac::file.columns)
      if (c != &schema::epoch && c != &schema::year && !c->optional) v.push_back(comparison::name_of(*c));
    return v;
  }();
  return m;
}

bool is_level_metric(const std::string& m) {
  return m == ac::gdp.name || m == ac::real_gdp.name || m == ac::population.name;
}

namespace {
// provinces.csv's quantities in column order; gdp_pc is recomputed from the province sums.
const std::vector<const schema::Column*>& quantity_columns() {
  static const std::vector<const schema::Column*> q = {
      &rc::population, &rc::registered, &rc::migrants_in,    &rc::migrants_out, &rc::gdp,
      &rc::gdp_pc,     &rc::income,     &rc::real_income_pc, &rc::wage,         &rc::capital};
  return q;
}
// The regions.csv columns they are made from: all but the ratio (gdp_pc).
const std::vector<const schema::Column*>& source_columns() {
  static const std::vector<const schema::Column*> c = [] {
    std::vector<const schema::Column*> v;
    for (const schema::Column* q : quantity_columns())
      if (q->to_province != schema::ToProvince::ratio) v.push_back(q);
    return v;
  }();
  return c;
}
std::vector<std::string> names_of(const std::vector<const schema::Column*>& columns) {
  std::vector<std::string> names;
  for (const schema::Column* c : columns) names.push_back(comparison::name_of(*c));
  return names;
}
}  // namespace

const std::vector<std::string>& province_quantities() {
  static const std::vector<std::string> q = names_of(quantity_columns());
  return q;
}

const std::vector<std::string>& province_source_columns() {
  static const std::vector<std::string> c = names_of(source_columns());
  return c;
}

ProvinceTable aggregate_provinces(const std::vector<std::string>& province,
                                  const std::vector<std::vector<double>>& columns) {
  const auto& src = source_columns();
  auto at = [&](const schema::Column* c) {
    return static_cast<std::size_t>(std::find(src.begin(), src.end(), c) - src.begin());
  };
  const std::size_t pop = at(&rc::population), gdp = at(&rc::gdp);
  ProvinceTable t;
  std::unordered_map<std::string, std::size_t> index;
  // Accumulators per province: the source columns summed (the schema's means weighted by population).
  std::vector<std::vector<double>> acc;
  for (std::size_t i = 0; i < province.size(); ++i) {
    const auto [it, added] = index.emplace(province[i], t.provinces.size());
    if (added) {
      t.provinces.push_back(province[i]);
      acc.emplace_back(src.size(), 0.0);
    }
    auto& a = acc[it->second];
    const double L = columns[pop][i];
    for (std::size_t c = 0; c < src.size(); ++c)
      a[c] += src[c]->to_province == schema::ToProvince::mean ? L * columns[c][i] : columns[c][i];
  }
  for (const auto& a : acc) {
    const double L = a[pop];
    std::vector<double> v;
    for (const schema::Column* q : quantity_columns()) {
      if (q == &rc::gdp_pc)
        v.push_back(a[gdp] / L);  // the ratio of the sums
      else if (q->to_province == schema::ToProvince::mean)
        v.push_back(a[at(q)] / L);
      else
        v.push_back(a[at(q)]);
    }
    t.values.push_back(std::move(v));
  }
  return t;
}

std::vector<int> parse_epoch_list(const std::string& text, const std::vector<int>& common) {
  if (common.empty()) throw InputError("no common epochs");
  std::vector<int> out;
  if (comparison::trim(text).empty()) {
    out = {common.front(), common.back()};
  } else {
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) {
      const std::string t = comparison::trim(item);
      int e = 0;
      if (t == "last")
        e = common.back();
      else if (t == "first")
        e = common.front();
      else if (!comparison::to_int(t, e))
        throw InputError(located("", 0,
                                 fmt::format("--epochs: '{}' is not an epoch number, `first` or `last` "
                                             "(example: --epochs 0,5,last)",
                                             t)));
      else if (!std::binary_search(common.begin(), common.end(), e))
        throw InputError(located("", 0,
                                 fmt::format("--epochs: epoch {} is not an epoch of both runs (common epochs: {})", e,
                                             comparison::epochs_text(common))));
      out.push_back(e);
    }
    if (!text.empty() && text.back() == ',') throw InputError("--epochs: empty item at the end of the list");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double percent_change(double b, double s) { return b == 0 ? std::nan("") : 100.0 * (s - b) / b; }

double welfare_equivalent_percent(double d) { return 100.0 * std::expm1(d); }

namespace comparison {
namespace {}  // namespace

// Both folders are there.
void require_folders(const CompareOptions& opt) {
  for (const auto* d : {&opt.baseline, &opt.scenario}) {
    std::error_code ec;
    if (!fs::is_directory(*d, ec))
      fail(*d, 0, "no such folder (give the --out folder of `regio run` or `regio counterfactual`)");
  }
}

namespace {

// The epochs both runs have, sorted; refuses runs that start in different years or give an
// epoch different years.
std::vector<int> common_epochs(const CompareOptions& opt, const RunRecord& rb, const RunRecord& rs,
                               const NationalTable& nb, const NationalTable& ns) {
  // Same period: start years (run.yaml, else the first row of aggregates.csv).
  const int yb = rb.start_year.value_or(nb.years[0] - nb.epochs[0]);
  const int ys = rs.start_year.value_or(ns.years[0] - ns.epochs[0]);
  if (yb != ys)
    throw InputError(located("", 0,
                             fmt::format("{} starts in {} but {} in {}: compare runs with the same start_year",
                                         opt.baseline, yb, opt.scenario, ys)));
  std::vector<int> common;
  for (int e : nb.epochs)
    if (ns.row_of(e) >= 0) common.push_back(e);
  std::sort(common.begin(), common.end());
  if (common.empty())
    throw InputError(located("", 0,
                             fmt::format("{} (epochs {}) and {} (epochs {}) have no epoch in common", opt.baseline,
                                         epochs_text(nb.epochs), opt.scenario, epochs_text(ns.epochs))));
  for (int e : common)
    if (nb.years[nb.row_of(e)] != ns.years[ns.row_of(e)])
      throw InputError(
          located("", 0,
                  fmt::format("epoch {} is year {} in {} but {} in {}: compare runs of the same period", e,
                              nb.years[nb.row_of(e)], opt.baseline, ns.years[ns.row_of(e)], opt.scenario)));
  return common;
}

// Both folders read and checked to be comparable: the same period and the same regions.
Comparison read_comparison(const CompareOptions& opt) {
  Comparison c;
  c.base_run = read_run_record(opt.baseline, opt.allow_partial);
  c.scen_run = read_run_record(opt.scenario, opt.allow_partial);
  c.base = read_aggregates(opt.baseline);
  c.scen = read_aggregates(opt.scenario);
  c.common = common_epochs(opt, c.base_run, c.scen_run, c.base, c.scen);
  c.chosen = parse_epoch_list(opt.epochs, c.common);

  // The summary ranks provinces at the last common epoch, whether or not provinces.csv has it.
  std::vector<int> panel_epochs = c.chosen;
  if (panel_epochs.back() != c.common.back()) panel_epochs.push_back(c.common.back());
  const RegionPanel pb = read_region_panel(opt.baseline, panel_epochs);
  RegionPanel ps = read_region_panel(opt.scenario, panel_epochs);
  match_regions(pb, ps, opt.baseline, opt.scenario);
  c.regions = pb.ids.size();
  for (int e : panel_epochs)
    c.provinces.emplace(e, std::pair{aggregate_provinces(pb.provinces, pb.columns.at(e)),
                                     aggregate_provinces(ps.provinces, ps.columns.at(e))});
  return c;
}

void create_output_folder(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    fail(dir, 0, fmt::format("cannot create the output folder ({}); choose another with --out", ec.message()));
}

}  // namespace
}  // namespace comparison

CompareSummary compare_runs(const CompareOptions& opt) {
  comparison::require_folders(opt);
  const bool cb = comparison::is_counterfactual_folder(opt.baseline),
             cs = comparison::is_counterfactual_folder(opt.scenario);
  if (cb != cs)
    comparison::fail("", 0,
                     fmt::format("{} is a {} folder but {} a {} one: compare two runs of `regio run`, or two "
                                 "counterfactuals; to set a counterfactual against two runs, give the runs and "
                                 "--hats COUNTERFACTUAL",
                                 opt.baseline, cb ? "`regio counterfactual`" : "`regio run`", opt.scenario,
                                 cs ? "`regio counterfactual`" : "`regio run`"));
  if (cb) return comparison::compare_counterfactuals(opt);
  if (!opt.hats.empty() && !comparison::is_counterfactual_folder(opt.hats))
    comparison::fail(opt.hats, 0,
                     "--hats: not a folder of `regio counterfactual` (its run.yaml has no `mode: "
                     "counterfactual`)");
  const comparison::Comparison c = comparison::read_comparison(opt);
  comparison::create_output_folder(opt.output);
  const std::string national_file = comparison::path_in(opt.output, "national.csv");
  comparison::write_file(national_file, comparison::national_csv(c));
  const std::string provinces_file = comparison::path_in(opt.output, "provinces.csv");
  comparison::write_file(provinces_file, comparison::provinces_csv(c));
  const std::string summary_file = comparison::path_in(opt.output, "summary.md");
  comparison::write_file(summary_file, comparison::summary_markdown(opt, c));

  CompareSummary summary;
  summary.epochs = c.common;
  summary.province_epochs = c.chosen;
  summary.provinces = c.provinces.begin()->second.first.provinces.size();
  summary.files = {national_file, provinces_file, summary_file};
  std::string extra;  // sections of summary.md after the standard ones
  if (has_welfare_terms(opt.baseline) && has_welfare_terms(opt.scenario)) {
    const comparison::WelfareComparison w = comparison::compare_welfare(opt, c);
    extra += w.markdown;
    comparison::write_file(summary_file, comparison::summary_markdown(opt, c) + extra);
    summary.files.push_back(w.file);
  }
  if (!opt.hats.empty()) {
    const comparison::HatsComparison h = comparison::compare_hats(opt, c);
    comparison::write_file(summary_file, comparison::summary_markdown(opt, c) + extra + h.markdown);
    summary.files.insert(summary.files.end(), h.files.begin(), h.files.end());
    summary.hats_largest_difference = h.largest_difference;
  }
  return summary;
}

}  // namespace regio
