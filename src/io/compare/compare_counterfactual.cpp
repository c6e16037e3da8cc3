// regio compare on two `regio counterfactual` folders (docs/outputs.md, "regio compare"): the
// national statistics, every unit's and every region × sector's changes side by side, and a
// summary. Both are changes from a base year, so the comparison is of the counterfactual
// equilibria themselves: scenario − baseline, and 100 (scenario/baseline − 1) for the hats.
// Nominal hats are relative to each counterfactual's numeraire (an outside region's wage, else
// the last region's); with the same base year both have the same numeraire region.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "comparison.hpp"
#include "regio/error.hpp"

namespace regio::comparison {

namespace cf = schema::counterfactual;
namespace uc = cf::units_csv;
namespace sc = cf::sectors_csv;
namespace nc = cf::national_csv;

namespace {

std::string joined(const std::vector<std::string>& key) {
  std::string s;
  for (std::size_t k = 0; k < key.size(); ++k) {
    if (k) s += ", ";
    s += key[k];
  }
  return s;
}

// The scenario's rows in the baseline's order (by key); refuses different sets of rows.
void match_rows(const KeyedTable& base, KeyedTable& scen, const std::string& file, const CompareOptions& opt) {
  const std::string both = fmt::format("{} and {} have different {} rows", opt.baseline, opt.scenario, file);
  if (base.keys.size() != scen.keys.size())
    fail("", 0,
         fmt::format("{} ({} vs {}); compare counterfactuals of the same base year's regions, groups and sectors", both,
                     base.keys.size(), scen.keys.size()));
  std::map<std::vector<std::string>, std::size_t> index;
  for (std::size_t r = 0; r < scen.keys.size(); ++r) index.emplace(scen.keys[r], r);
  std::vector<std::size_t> perm(base.keys.size());
  for (std::size_t r = 0; r < base.keys.size(); ++r) {
    const auto it = index.find(base.keys[r]);
    if (it == index.end()) fail("", 0, fmt::format("{}: ({}) is only in the baseline", both, joined(base.keys[r])));
    perm[r] = it->second;
  }
  for (auto& [c, v] : scen.values) {
    std::vector<double> ordered(v.size());
    for (std::size_t r = 0; r < perm.size(); ++r) ordered[r] = v[perm[r]];
    v = std::move(ordered);
  }
  scen.keys = base.keys;
}

// A compared quantity: a schema column, or the real wage change ŵ/P̂_n made from two.
struct Quantity {
  std::string name;
  const schema::Column* column = nullptr;  // null: ŵ/P̂
};

const std::vector<Quantity>& unit_quantities() {
  static const std::vector<Quantity> q = {{"real_wage_change", nullptr},
                                          {name_of(uc::real_income_change), &uc::real_income_change},
                                          {name_of(uc::employment_change), &uc::employment_change},
                                          {name_of(uc::expected_utility_change), &uc::expected_utility_change},
                                          {name_of(uc::own_share_new), &uc::own_share_new},
                                          {name_of(uc::rebate_new), &uc::rebate_new},
                                          {name_of(uc::wage_change), &uc::wage_change},
                                          {name_of(uc::land_rent_change), &uc::land_rent_change},
                                          {name_of(uc::goods_price_change), &uc::goods_price_change}};
  return q;
}

const std::vector<Quantity>& sector_quantities() {
  static const std::vector<Quantity> q = {{name_of(sc::revenue_change), &sc::revenue_change},
                                          {name_of(sc::spending_change), &sc::spending_change},
                                          {name_of(sc::price_change), &sc::price_change},
                                          {name_of(sc::unit_cost_change), &sc::unit_cost_change},
                                          {name_of(sc::own_trade_share_new), &sc::own_trade_share_new}};
  return q;
}

std::vector<double> values_of(const KeyedTable& t, const Quantity& q) {
  if (q.column) return t.at(*q.column);
  const auto& w = t.at(uc::wage_change);
  const auto& p = t.at(uc::goods_price_change);
  std::vector<double> v(w.size());
  for (std::size_t r = 0; r < v.size(); ++r) v[r] = w[r] / p[r];
  return v;
}

// units.csv / sectors.csv of the comparison: the keys, then per quantity baseline, scenario,
// scenario − baseline and 100 (scenario/baseline − 1).
std::string side_by_side(const std::vector<const schema::Column*>& keys, const std::vector<Quantity>& quantities,
                         const KeyedTable& b, const KeyedTable& s) {
  std::string text;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k) text += ',';
    text += keys[k]->name;
  }
  for (const auto& q : quantities) text += fmt::format(",{0}_baseline,{0}_scenario,{0}_diff,{0}_pct", q.name);
  text += "\n";
  std::vector<std::vector<double>> vb, vs;
  for (const auto& q : quantities) vb.push_back(values_of(b, q)), vs.push_back(values_of(s, q));
  for (std::size_t r = 0; r < b.keys.size(); ++r) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (k) text += ',';
      text += csv::quote(b.keys[r][k]);
    }
    for (std::size_t q = 0; q < quantities.size(); ++q) {
      const double x = vb[q][r], y = vs[q][r];
      text += fmt::format(",{},{},{},{}", num(x), num(y), num(y - x), num(percent_change(x, y)));
    }
    text += "\n";
  }
  return text;
}

// national.csv of the comparison: the schema's statistics of the counterfactual (not the solve's).
std::string national_side_by_side(const CounterfactualFolder& b, const CounterfactualFolder& s) {
  std::string text = fmt::format("{},{},baseline,scenario,difference\n", name_of(nc::statistic), name_of(nc::unit));
  for (const schema::Column* c : nc::changes) {
    const double x = b.national.at(c), y = s.national.at(c);
    text += fmt::format("{},{},{},{},{}\n", c->name, c->unit, num(x), num(y), num(y - x));
  }
  return text;
}

// The largest relative difference of the base-year columns (the same base year gives 0).
double base_difference(const CounterfactualFolder& b, const CounterfactualFolder& s) {
  double worst = 0;
  const std::pair<const KeyedTable*, const KeyedTable*> tables[] = {{&b.units, &s.units}, {&b.sectors, &s.sectors}};
  const schema::Column* columns[] = {&uc::employment_base, &uc::registered_base, &uc::own_share_base,
                                     &sc::revenue_base,    &sc::spending_base,   &sc::own_trade_share_base};
  for (const auto& [tb, ts] : tables)
    for (const schema::Column* c : columns) {
      if (!tb->values.count(c)) continue;
      const auto &x = tb->at(*c), &y = ts->at(*c);
      for (std::size_t r = 0; r < x.size(); ++r)
        if (!(std::isnan(x[r]) && std::isnan(y[r])))
          worst = std::max(worst, std::fabs(y[r] - x[r]) / std::max(std::fabs(x[r]), 1e-300));
    }
  return worst;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += '\\';
    out += ch == '\n' ? ' ' : ch;
  }
  return out;
}

std::string readable(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : num(v); }

// The five units whose hat of `q` is highest (or lowest) in the scenario relative to the baseline.
std::string unit_ranking(const CounterfactualFolder& b, const CounterfactualFolder& s, const Quantity& q) {
  const auto vb = values_of(b.units, q), vs = values_of(s.units, q);
  std::vector<std::size_t> order;
  for (std::size_t r = 0; r < vb.size(); ++r)
    if (std::isfinite(percent_change(vb[r], vs[r]))) order.push_back(r);
  auto pct = [&](std::size_t r) { return percent_change(vb[r], vs[r]); };
  std::string md;
  for (const bool gains : {true, false}) {
    std::vector<std::size_t> rows;
    for (std::size_t r : order)
      if (gains ? pct(r) > 0 : pct(r) < 0) rows.push_back(r);
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t x, std::size_t y) { return gains ? pct(x) > pct(y) : pct(x) < pct(y); });
    if (rows.size() > 5) rows.resize(5);
    md += fmt::format("**`{}`, largest {}**", q.name, gains ? "gains" : "losses");
    if (rows.empty()) {
      md += ": none\n\n";
      continue;
    }
    md += "\n\n| region | group | baseline | scenario | scenario/baseline |\n|---|---|---:|---:|---:|\n";
    for (std::size_t r : rows)
      md += fmt::format("| {} | {} | {} | {} | {:+.3f} % |\n", md_cell(b.units.keys[r][0]), md_cell(b.units.keys[r][2]),
                        readable(vb[r]), readable(vs[r]), pct(r));
    md += "\n";
  }
  return md;
}

std::string summary(const CompareOptions& opt, const CounterfactualFolder& b, const CounterfactualFolder& s) {
  std::string md = fmt::format("# regio compare: counterfactual `{}` against `{}`\n\n", md_cell(opt.scenario),
                               md_cell(opt.baseline));
  md += "| | baseline | scenario |\n|---|---|---|\n";
  const std::pair<const char*, std::pair<std::string, std::string>> rows[] = {
      {"folder", {b.dir, s.dir}},
      {"counterfactual file", {b.file, s.file}},
      {"description", {b.description, s.description}},
      {"base year", {b.base_year, s.base_year}},
      {"migration", {b.migration, s.migration}},
      {"status", {b.status, s.status}},
      {"regio", {b.version, s.version}}};
  for (const auto& [label, v] : rows)
    md += fmt::format("| {} | {} | {} |\n", label, md_cell(v.first), md_cell(v.second));
  const double base_diff = base_difference(b, s);
  const std::size_t groups = std::max<std::size_t>(b.groups(), 1), regions = b.units.keys.size() / groups;
  md += fmt::format("\n{} regions, {} groups, {} sectors. ", regions, groups,
                    b.sectors.keys.size() / std::max<std::size_t>(regions, 1));
  md += base_diff <= 1e-9
            ? "Both start from the same base year (base-year columns agree to 1e-9): every difference is the "
              "scenario's counterfactual against the baseline's.\n\n"
            : fmt::format(
                  "**The base years differ** (base-year columns by up to {:.3g} relative): the hats are "
                  "changes from different starting points.\n\n",
                  base_diff);
  if (b.status != "complete" || s.status != "complete")
    md += "**Partial results** (--allow-partial): at least one run did not finish.\n\n";
  std::map<std::string, std::pair<std::string, std::string>> diff;
  for (const auto& [k, v] : b.parameters) diff[k].first = v;
  for (const auto& [k, v] : s.parameters) diff[k].second = v;
  std::string changed;
  for (const auto& [k, v] : diff)
    if (v.first != v.second)
      changed += fmt::format("| `{}` | {} | {} |\n", md_cell(k), v.first.empty() ? "–" : md_cell(v.first),
                             v.second.empty() ? "–" : md_cell(v.second));
  md += changed.empty() ? "The shocks in run.yaml are identical.\n\n"
                        : "What differs (run.yaml: base year, migration, shocks):\n\n| key | baseline | scenario "
                          "|\n|---|---|---|\n" +
                              changed + "\n";
  md += "## National\n\n| statistic | unit | baseline | scenario | difference |\n|---|---|---:|---:|---:|\n";
  for (const schema::Column* c : nc::changes) {
    const double x = b.national.at(c), y = s.national.at(c);
    md += fmt::format("| `{}` | {} | {} | {} | {} |\n", c->name, c->unit, readable(x), readable(y), readable(y - x));
  }
  md += "\n## Units\n\n";
  md += unit_ranking(b, s, unit_quantities()[1]);  // real income
  md += unit_ranking(b, s, unit_quantities()[2]);  // employment
  md +=
      "Every unit: `units.csv`; every region and sector: `sectors.csv`; the national statistics: "
      "`national.csv` (docs/outputs.md).\n";
  return md;
}

}  // namespace

CompareSummary compare_counterfactuals(const CompareOptions& opt) {
  if (!trim(opt.epochs).empty())
    fail("", 0, "--epochs: counterfactual folders have no epochs (leave --epochs out to compare them)");
  if (!opt.hats.empty())
    fail("", 0,
         "--hats compares a counterfactual with two runs of `regio run` (its baseline and scenario); here both "
         "folders are counterfactuals already");
  const CounterfactualFolder b = read_counterfactual_folder(opt.baseline, opt.allow_partial);
  CounterfactualFolder s = read_counterfactual_folder(opt.scenario, opt.allow_partial);
  match_rows(b.units, s.units, std::string(uc::file.name), opt);
  match_rows(b.sectors, s.sectors, std::string(sc::file.name), opt);
  std::error_code ec;
  std::filesystem::create_directories(opt.output, ec);
  if (ec || !std::filesystem::is_directory(opt.output))
    fail(opt.output, 0, fmt::format("cannot create the output folder ({}); choose another with --out", ec.message()));
  CompareSummary out;
  auto write = [&](std::string_view name, const std::string& text) {
    out.files.push_back(path_in(opt.output, name));
    write_file(out.files.back(), text);
  };
  write(nc::file.name, national_side_by_side(b, s));
  write(uc::file.name, side_by_side({&uc::region, &uc::province, &uc::group}, unit_quantities(), b.units, s.units));
  write(sc::file.name, side_by_side({&sc::region, &sc::sector}, sector_quantities(), b.sectors, s.sectors));
  write("summary.md", summary(opt, b, s));
  out.counterfactual = true;
  return out;
}

}  // namespace regio::comparison
