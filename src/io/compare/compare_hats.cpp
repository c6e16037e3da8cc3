// regio compare BASELINE SCENARIO --hats COUNTERFACTUAL: a counterfactual's hats against the
// relative changes scenario/baseline of two levels runs, at their last common epoch (MODEL.md §12,
// docs/hat-algebra.md §4). Only what both modes define alike is compared: the hat mode has no
// price-index levels and another numeraire (an outside region's wage, or the last region's; the
// levels runs' is Σ L P / Σ L = 1), so nominal changes are compared only as ratios (real wage,
// land rent over the wage, revenue over the wage), and shares as levels. Not compared: GDP and
// real GDP (the hat mode's real GDP is Tombe & Zhu's real-income index, the levels runs' Σ GDP/P).
#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "comparison.hpp"
#include "regio/error.hpp"

namespace regio::comparison {

namespace rc = schema::regions_csv;
namespace ac = schema::aggregates_csv;
namespace cf = schema::counterfactual;
namespace uc = cf::units_csv;
namespace sc = cf::sectors_csv;
namespace nc = cf::national_csv;

namespace {

struct Row {
  std::string region, province, quantity;
  double levels, hat;
};

// The sectors of the counterfactual in file order.
std::vector<std::string> sectors_of(const CounterfactualFolder& f) {
  std::vector<std::string> s;
  for (const auto& k : f.sectors.keys)
    if (std::find(s.begin(), s.end(), k[1]) == s.end()) s.push_back(k[1]);
  return s;
}

// Whether a levels run rebated land rents to the stayers (MODEL.md §11): its run.yaml lists
// households.land_income only then.
bool stayers(const RunRecord& run) {
  for (const auto& [key, value] : run.parameters)
    if (key.size() >= 22 && key.compare(key.size() - 22, 22, "households.land_income") == 0 && value == "stayers")
      return true;
  return false;
}

// The levels columns read: the panel's first six, then employment_<sector> per sector. The real
// income compared is the hat mode's V: a newcomer's, which under land_income: stayers is the
// `utility` column's U/B (B the same in both runs), not the region's average real_income_pc.
std::vector<std::string> levels_columns(const std::vector<std::string>& sectors, bool newcomer_income) {
  const std::string income = newcomer_income ? name_of(rc::utility) : name_of(rc::real_income_pc);
  std::vector<std::string> c = {
      name_of(rc::population),     name_of(rc::wage), name_of(rc::price_index), name_of(rc::land_rent), income,
      name_of(rc::own_trade_share)};
  for (const auto& s : sectors) c.push_back(name_of(rc::employment) + s);
  return c;
}

// Region by region: levels (scenario/baseline) and hat of every compared quantity.
std::vector<Row> region_rows(const CounterfactualFolder& f, const RegionPanel& pb, const RegionPanel& ps, int epoch,
                             const std::string& hats_dir) {
  const auto sectors = sectors_of(f);
  std::unordered_map<std::string, std::size_t> unit_of, sector_row;
  for (std::size_t r = 0; r < f.units.keys.size(); ++r) unit_of[f.units.keys[r][0]] = r;
  for (std::size_t r = 0; r < f.sectors.keys.size(); ++r)
    sector_row[f.sectors.keys[r][0] + '\n' + f.sectors.keys[r][1]] = r;
  const auto& B = pb.columns.at(epoch);
  const auto& S = ps.columns.at(epoch);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < pb.ids.size(); ++i) {
    const auto it = unit_of.find(pb.ids[i]);
    if (it == unit_of.end())
      fail(hats_dir, 0, fmt::format("--hats: region '{}' of the runs is not in the counterfactual", pb.ids[i]));
    const std::size_t u = it->second;
    auto ratio = [&](std::size_t c) { return S[c][i] / B[c][i]; };
    const double w_hat = f.units.at(uc::wage_change)[u];
    auto add = [&](const std::string& q, double levels, double hat) {
      rows.push_back({pb.ids[i], pb.provinces[i], q, levels, hat});
    };
    add("real_wage_change", ratio(1) / ratio(2), w_hat / f.units.at(uc::goods_price_change)[u]);
    add("population_change", ratio(0), f.units.at(uc::employment_change)[u]);
    add("real_income_change", ratio(4), f.units.at(uc::real_income_change)[u]);
    add("land_rent_over_wage_change", ratio(3) / ratio(1), f.units.at(uc::land_rent_change)[u] / w_hat);
    double x0 = 0, x1 = 0, own0 = 0, own1 = 0;  // Σ_s X π_nn / Σ_s X, before and after
    for (std::size_t k = 0; k < sectors.size(); ++k) {
      const auto r = sector_row.find(pb.ids[i] + '\n' + sectors[k]);
      if (r == sector_row.end())
        fail(hats_dir, 0, fmt::format("--hats: no sector '{}' of region '{}' in sectors.csv", sectors[k], pb.ids[i]));
      const double X0 = f.sectors.at(sc::spending_base)[r->second];
      const double X1 = X0 * f.sectors.at(sc::spending_change)[r->second];
      x0 += X0, x1 += X1;
      own0 += X0 * f.sectors.at(sc::own_trade_share_base)[r->second];
      own1 += X1 * f.sectors.at(sc::own_trade_share_new)[r->second];
      // employment_<s> = α_s R_s / w: its change is R̂_s/ŵ (no such column where α_s = 0)
      if (B[6 + k][i] > 0)
        add("revenue_over_wage_change_" + sectors[k], ratio(6 + k),
            f.sectors.at(sc::revenue_change)[r->second] / w_hat);
    }
    add("own_trade_share_base", B[5][i], own0 / x0);
    add("own_trade_share_new", S[5][i], own1 / x1);
  }
  return rows;
}

// National: the runs' aggregates at `epoch` against the counterfactual's national.csv.
std::vector<Row> national_rows(const CounterfactualFolder& f, const Comparison& c, int epoch) {
  const auto& vb = c.base.values[c.base.row_of(epoch)];
  const auto& vs = c.scen.values[c.scen.row_of(epoch)];
  auto B = [&](const schema::Column& m) { return vb[c.base.metric(m.name)]; };
  auto S = [&](const schema::Column& m) { return vs[c.scen.metric(m.name)]; };
  auto H = [&](const schema::Column& r) { return f.national.at(&r); };
  return {
      {"", "", "welfare_pct", welfare_equivalent_percent(S(ac::welfare) - B(ac::welfare)), H(nc::welfare_logmean_pct)},
      {"", "", "internal_trade_share_base", B(ac::internal_trade_share), H(nc::internal_trade_share_base)},
      {"", "", "internal_trade_share_new", S(ac::internal_trade_share), H(nc::internal_trade_share_new)},
      {"", "", "migrant_share_base", B(ac::migrant_share),
       H(nc::within_province_migrant_share_base) + H(nc::between_province_migrant_share_base)},
      {"", "", "migrant_share_new", S(ac::migrant_share),
       H(nc::within_province_migrant_share_new) + H(nc::between_province_migrant_share_new)},
      {"", "", "interprovincial_migrant_share_base", B(ac::interprovincial_migrant_share),
       H(nc::between_province_migrant_share_base)},
      {"", "", "interprovincial_migrant_share_new", S(ac::interprovincial_migrant_share),
       H(nc::between_province_migrant_share_new)}};
}

double largest(const std::vector<Row>& rows) {
  double d = 0;
  for (const auto& r : rows)
    if (std::isfinite(r.hat - r.levels)) d = std::max(d, std::fabs(r.hat - r.levels));
  return d;
}

// The largest |hat − levels| of each quantity, in order of first appearance.
std::string largest_by_quantity(const std::vector<Row>& rows) {
  std::vector<std::string> order;
  std::map<std::string, std::pair<double, std::string>> worst;
  for (const auto& r : rows) {
    if (!worst.count(r.quantity)) order.push_back(r.quantity), worst[r.quantity] = {0.0, ""};
    const double d = std::fabs(r.hat - r.levels);
    if (std::isfinite(d) && d >= worst[r.quantity].first) worst[r.quantity] = {d, r.region};
  }
  std::string md;
  for (const auto& q : order)
    md += fmt::format("| `{}` | {:.3g} | {} |\n", q, worst[q].first, worst[q].second.empty() ? "–" : worst[q].second);
  return md;
}

}  // namespace

HatsComparison compare_hats(const CompareOptions& opt, const Comparison& c) {
  const CounterfactualFolder f = read_counterfactual_folder(opt.hats, opt.allow_partial);
  if (f.groups() != 1)
    fail(opt.hats, 0,
         fmt::format("--hats: the counterfactual has {} labour groups per region; runs of `regio run` have one wage "
                     "per region, so compare a counterfactual with one group (e.g. from `regio run --export-base`)",
                     f.groups()));
  const int epoch = c.common.back();
  const auto columns = levels_columns(sectors_of(f), stayers(c.base_run) && stayers(c.scen_run));
  const RegionPanel pb = read_region_panel(opt.baseline, {epoch}, columns);
  RegionPanel ps = read_region_panel(opt.scenario, {epoch}, columns);
  match_regions(pb, ps, opt.baseline, opt.scenario);
  const std::vector<Row> regions = region_rows(f, pb, ps, epoch, opt.hats);
  const std::vector<Row> national = national_rows(f, c, epoch);
  HatsComparison h;
  std::string text = "region,province,quantity,levels,hat,difference\n";
  for (const auto& r : regions)
    text += fmt::format("{},{},{},{},{},{}\n", csv::quote(r.region), csv::quote(r.province), r.quantity, num(r.levels),
                        num(r.hat), num(r.hat - r.levels));
  h.files.push_back(path_in(opt.output, "hats_regions.csv"));
  write_file(h.files.back(), text);
  text = "statistic,levels,hat,difference\n";
  for (const auto& r : national)
    text += fmt::format("{},{},{},{}\n", r.quantity, num(r.levels), num(r.hat), num(r.hat - r.levels));
  h.files.push_back(path_in(opt.output, "hats_national.csv"));
  write_file(h.files.back(), text);
  h.largest_difference = std::max(largest(regions), largest(national));
  h.markdown = fmt::format(
      "## Levels against the hat algebra, epoch {}\n\nThe counterfactual `{}` (base year `{}`) against the relative "
      "changes scenario/baseline of the two runs: real and normalised quantities only (the numeraires differ; "
      "docs/hat-algebra.md §4). They agree when the base year is the baseline's own equilibrium "
      "(`regio run --export-base`) and the conditions of MODEL.md §12 hold. Largest |hat − levels|: {:.3g}.\n\n"
      "| quantity | largest \\|hat − levels\\| | where |\n|---|---:|---|\n{}{}\nEvery region: `hats_regions.csv`; "
      "national: `hats_national.csv`.\n",
      epoch, opt.hats, f.base_year, h.largest_difference, largest_by_quantity(regions), largest_by_quantity(national));
  return h;
}

}  // namespace regio::comparison
