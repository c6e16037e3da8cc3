// regio compare: the files written from two runs (national.csv, provinces.csv, summary.md) and
// how their numbers and epochs are shown.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "comparison.hpp"

namespace regio::comparison {

// The columns written here are the output schema's (output_schema.hpp).
namespace rc = schema::regions_csv;
namespace ac = schema::aggregates_csv;

namespace {

// A Markdown table cell: '|' escaped, line breaks as spaces.
std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// Levels readable in a table: whole numbers for large values, 6 significant digits otherwise.
std::string readable(double v) {
  if (!std::isfinite(v)) return num(v);
  return std::fabs(v) >= 1e5 ? fmt::format("{:.0f}", v) : fmt::format("{:.6g}", v);
}
std::string signed_text(double v, const char* unit, int decimals) {
  if (!std::isfinite(v)) return num(v);
  return fmt::format("{:+.{}f}{}", v, decimals, unit);
}

struct ProvinceRow {
  std::string name;
  double baseline, scenario, pct;
};

// The five largest gains (or losses) of a province quantity, in percent, as a Markdown table.
std::string province_ranking(const std::vector<ProvinceRow>& all, bool gains, const char* what) {
  std::vector<ProvinceRow> rows;
  for (const auto& r : all)
    if (std::isfinite(r.pct) && (gains ? r.pct > 0 : r.pct < 0)) rows.push_back(r);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const ProvinceRow& a, const ProvinceRow& b) { return gains ? a.pct > b.pct : a.pct < b.pct; });
  if (rows.size() > 5) rows.resize(5);
  std::string s = fmt::format("**{}, largest {}**", what, gains ? "gains" : "losses");
  if (rows.empty()) return s + ": none\n\n";
  s += "\n\n| province | baseline | scenario | change |\n|---|---:|---:|---:|\n";
  for (const auto& r : rows)
    s += fmt::format("| {} | {} | {} | {} |\n", md_escape(r.name), readable(r.baseline), readable(r.scenario),
                     signed_text(r.pct, " %", 3));
  return s + "\n";
}

// The title, both runs' records side by side, and what they have in common.
std::string runs_table(const CompareOptions& opt, const Comparison& c) {
  const RunRecord& rb = c.base_run;
  const RunRecord& rs = c.scen_run;
  const NationalTable& nb = c.base;
  const NationalTable& ns = c.scen;
  const std::size_t provinces = c.provinces.begin()->second.first.provinces.size();
  const int year = nb.years[nb.row_of(c.common.back())];
  std::string md = fmt::format("# regio compare: `{}` against the baseline `{}`\n\n", md_escape(opt.scenario),
                               md_escape(opt.baseline));
  md += "| | baseline | scenario |\n|---|---|---|\n";
  md += fmt::format("| folder | `{}` | `{}` |\n", md_escape(rb.dir), md_escape(rs.dir));
  md += fmt::format("| scenario file | `{}` | `{}` |\n", md_escape(rb.scenario_file), md_escape(rs.scenario_file));
  md += fmt::format("| status | {} | {} |\n", md_escape(rb.status), md_escape(rs.status));
  md += fmt::format("| epochs | {} | {} |\n", epochs_text(nb.epochs), epochs_text(ns.epochs));
  md += fmt::format("| regio | {} | {} |\n\n", md_escape(rb.version), md_escape(rs.version));
  md += fmt::format("{} regions in {} provinces; {} common epochs ({}, years {}–{}).\n\n", c.regions, provinces,
                    c.common.size(), epochs_text(c.common), nb.years[nb.row_of(c.common.front())], year);
  if (rb.status != "complete" || rs.status != "complete")
    md += "**Partial results** (--allow-partial): at least one run did not finish.\n\n";
  return md;
}

// What the scenario changes: the resolved parameters that differ (`output` always does).
std::string parameter_changes(const RunRecord& rb, const RunRecord& rs) {
  std::map<std::string, std::pair<std::string, std::string>> diff;
  for (const auto& [k, v] : rb.parameters) diff[k].first = v;
  for (const auto& [k, v] : rs.parameters) diff[k].second = v;
  std::string rows;
  for (const auto& [k, v] : diff)
    if (k != "output" && v.first != v.second)
      rows += fmt::format("| `{}` | {} | {} |\n", md_escape(k), v.first.empty() ? "–" : md_escape(v.first),
                          v.second.empty() ? "–" : md_escape(v.second));
  if (rb.parameters.empty() || rs.parameters.empty())
    return "(a run.yaml has no resolved `scenario`: parameters not compared)\n\n";
  if (rows.empty()) return "The resolved scenarios in run.yaml are identical (apart from `output`).\n\n";
  return "Parameters that differ (resolved scenarios in run.yaml):\n\n| parameter | baseline | scenario "
         "|\n|---|---|---|\n" +
         rows + "\n";
}

// The national measures at the last common epoch: output, welfare, inequality and shares.
std::string national_measures(const NationalTable& nb, const NationalTable& ns, int last, int year) {
  auto B = [&](const schema::Column* m) { return nb.values[nb.row_of(last)][nb.metric(m->name)]; };
  auto S = [&](const schema::Column* m) { return ns.values[ns.row_of(last)][ns.metric(m->name)]; };
  std::string md = fmt::format(
      "## National, epoch {} ({})\n\n| measure | baseline | scenario | change |\n|---|---:|---:|---:|\n", last, year);
  for (const auto& [m, label] : {std::pair{&ac::gdp, "GDP"}, std::pair{&ac::real_gdp, "real GDP"}})
    md += fmt::format("| {} | {} | {} | {} |\n", label, readable(B(m)), readable(S(m)),
                      signed_text(percent_change(B(m), S(m)), " %", 3));
  md += fmt::format("| welfare (consumption equivalent) | {} | {} | {} |\n", readable(B(&ac::welfare)),
                    readable(S(&ac::welfare)),
                    signed_text(welfare_equivalent_percent(S(&ac::welfare) - B(&ac::welfare)), " %", 3));
  for (const auto& [m, label] :
       {std::pair{&ac::theil, "Theil"}, std::pair{&ac::gini, "Gini"}, std::pair{&ac::cv, "CV"}}) {
    const double d = S(m) - B(m);
    md += fmt::format("| {} (GDP per capita) | {} | {} | {} |\n", label, fmt::format("{:.4f}", B(m)),
                      fmt::format("{:.4f}", S(m)), std::isfinite(d) ? fmt::format("{:+.4g}", d) : num(d));
  }
  // Income inequality after transfers (runs of regio ≥ policies; older runs lack the column).
  if (nb.metric(ac::theil_income.name) >= 0 && ns.metric(ac::theil_income.name) >= 0) {
    const double d = S(&ac::theil_income) - B(&ac::theil_income);
    md += fmt::format("| Theil (income per capita, after transfers) | {:.4f} | {:.4f} | {:+.4g} |\n",
                      B(&ac::theil_income), S(&ac::theil_income), d);
  }
  for (const auto& [m, label] :
       {std::pair{&ac::migrant_share, "migrant share"}, std::pair{&ac::internal_trade_share, "internal trade share"},
        std::pair{&ac::import_share, "import share (of goods spending)"}}) {
    if (nb.metric(m->name) < 0 || ns.metric(m->name) < 0) continue;
    md += fmt::format("| {} | {} | {} | {} |\n", label, fmt::format("{:.3f} %", 100 * B(m)),
                      fmt::format("{:.3f} %", 100 * S(m)), signed_text(100 * (S(m) - B(m)), " pp", 3));
  }
  md += "\n";
  return md;
}

// The provinces that gain and lose most at the last common epoch.
std::string province_rankings(const std::pair<ProvinceTable, ProvinceTable>& tables, int last, int year) {
  const auto& [tb, ts] = tables;
  const auto& quantities = province_quantities();
  std::string md = fmt::format("## Provinces, epoch {} ({})\n\n", last, year);
  for (const auto& [q, label] : {std::pair{&rc::gdp_pc, "GDP per capita"}, std::pair{&rc::population, "Population"}}) {
    const auto qi =
        static_cast<std::size_t>(std::find(quantities.begin(), quantities.end(), q->name) - quantities.begin());
    std::vector<ProvinceRow> rows;
    for (std::size_t p = 0; p < tb.provinces.size(); ++p)
      rows.push_back(
          {tb.provinces[p], tb.values[p][qi], ts.values[p][qi], percent_change(tb.values[p][qi], ts.values[p][qi])});
    md += province_ranking(rows, true, label);
    md += province_ranking(rows, false, label);
  }
  return md;
}

}  // namespace

// "0..9" for a contiguous run, else "0, 2, 5".
std::string epochs_text(const std::vector<int>& e) {
  if (e.empty()) return "none";
  bool contiguous = true;
  for (std::size_t k = 1; k < e.size(); ++k) contiguous = contiguous && e[k] == e[k - 1] + 1;
  if (contiguous) return e.size() == 1 ? std::to_string(e[0]) : fmt::format("{}..{}", e.front(), e.back());
  std::string s;
  for (std::size_t k = 0; k < e.size(); ++k) s += (k ? ", " : "") + std::to_string(e[k]);
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc | std::ios::binary);
  if (!f) fail(path, 0, "cannot write the file; check permissions or choose another --out");
  f << text;
  f.close();
  if (!f) fail(path, 0, "writing failed (disk full?)");
}

std::string national_csv(const Comparison& c) {
  const NationalTable& nb = c.base;
  const NationalTable& ns = c.scen;
  // The documented metrics, then any further column both files have (from a newer regio).
  std::vector<std::string> metrics = national_metrics();
  for (const auto& m : nb.metrics)
    if (ns.metric(m) >= 0 && std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  std::vector<int> kb, ks;  // column of each metric in the two tables
  for (const auto& m : metrics) kb.push_back(nb.metric(m)), ks.push_back(ns.metric(m));
  std::string text = fmt::format("{},{}", schema::epoch.name, schema::year.name);
  for (const auto& m : metrics) {
    text += fmt::format(",{0}_baseline,{0}_scenario,{0}_diff", m);
    if (is_level_metric(m)) text += "," + m + "_pct";
    if (m == ac::welfare.name) text += ",welfare_equivalent_pct";
  }
  text += "\n";
  for (int e : c.common) {
    const auto& rowb = nb.values[nb.row_of(e)];
    const auto& rows = ns.values[ns.row_of(e)];
    text += fmt::format("{},{}", e, nb.years[nb.row_of(e)]);
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const double b = rowb[kb[k]], s = rows[ks[k]];
      text += fmt::format(",{:.15g},{:.15g},{:.15g}", b, s, s - b);
      if (is_level_metric(metrics[k])) text += fmt::format(",{:.15g}", percent_change(b, s));
      if (metrics[k] == ac::welfare.name) text += fmt::format(",{:.15g}", welfare_equivalent_percent(s - b));
    }
    text += "\n";
  }
  return text;
}

std::string provinces_csv(const Comparison& c) {
  const auto& quantities = province_quantities();
  std::string text = fmt::format("{},{},{}", schema::epoch.name, schema::year.name, rc::province.name);
  for (const auto& q : quantities) text += fmt::format(",{0}_baseline,{0}_scenario,{0}_diff,{0}_pct", q);
  text += "\n";
  for (int e : c.chosen) {
    const auto& [tb, ts] = c.provinces.at(e);
    for (std::size_t p = 0; p < tb.provinces.size(); ++p) {
      text += fmt::format("{},{},{}", e, c.base.years[c.base.row_of(e)], csv::quote(tb.provinces[p]));
      for (std::size_t q = 0; q < quantities.size(); ++q) {
        const double b = tb.values[p][q], s = ts.values[p][q];
        text += fmt::format(",{:.15g},{:.15g},{:.15g},{:.15g}", b, s, s - b, percent_change(b, s));
      }
      text += "\n";
    }
  }
  return text;
}

std::string summary_markdown(const CompareOptions& opt, const Comparison& c) {
  const int last = c.common.back();
  const int year = c.base.years[c.base.row_of(last)];
  std::string md = runs_table(opt, c);
  md += parameter_changes(c.base_run, c.scen_run);
  md += national_measures(c.base, c.scen, last, year);
  md += province_rankings(c.provinces.at(last), last, year);
  md += fmt::format("Every common epoch: `national.csv`; provinces at epochs {}: `provinces.csv` (docs/outputs.md).\n",
                    epochs_text(c.chosen));
  return md;
}

}  // namespace regio::comparison
