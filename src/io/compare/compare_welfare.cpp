// `regio compare` of two runs written with --welfare-terms: the change of national welfare split
// into its channels (welfare.csv, a section of summary.md; docs/welfare.md).
#include <fmt/format.h>

#include "comparison.hpp"
#include "regio/welfare_table.hpp"
#include "regio/welfare_terms.hpp"

namespace regio::comparison {

namespace wt = schema::welfare_terms_csv;

namespace {

std::string welfare_header() {
  std::string h = "epoch,year,welfare_baseline,welfare_scenario,change";
  for (const auto& c : welfare_channels()) h += fmt::format(",{}", c.name);
  return h + ",composition,closure\n";
}

std::string welfare_table_markdown(const WelfareChange& w, int epoch, int year) {
  std::string md = fmt::format(
      "\n## Welfare by channel, epoch {} (year {})\n\nThe change of national welfare, {:+.4f} log points "
      "({:+.3f} % consumption equivalent), split into channels (docs/welfare.md): each channel's change in every "
      "region weighted by the region's mean share of the weights, and the change of the weights (composition).\n\n"
      "| channel | log points | share of the change |\n|---|---|---|\n",
      epoch, year, 100 * w.total, welfare_equivalent_percent(w.total));
  auto row = [&](const std::string& name, double v) {
    md += fmt::format("| {} | {:+.4f} | {} |\n", name, 100 * v,
                      w.total == 0 ? std::string("") : fmt::format("{:.1f} %", 100 * v / w.total));
  };
  for (std::size_t k = 0; k < welfare_channels().size(); ++k) row(welfare_channels()[k].name, w.channels[k]);
  row("composition", w.composition);
  return md + "\n";
}

}  // namespace

WelfareComparison compare_welfare(const CompareOptions& opt, const Comparison& c) {
  const WelfareTable b = read_welfare_table(opt.baseline), s = read_welfare_table(opt.scenario);
  if (b.ids != s.ids)
    fail(path_in(opt.scenario, wt::file.name), 0,
         fmt::format("other regions than {}: compare runs of the same regions", path_in(opt.baseline, wt::file.name)));
  WelfareComparison out;
  std::string text = welfare_header();
  WelfareChange last;
  for (int e : c.common) {
    if (!b.by_epoch.count(e) || !s.by_epoch.count(e)) continue;
    const WelfareChange w = welfare_change(b.by_epoch.at(e), s.by_epoch.at(e));
    text +=
        fmt::format("{},{},{},{},{}", e, c.base.years[c.base.row_of(e)], num(w.base), num(w.scenario), num(w.total));
    for (double x : w.channels) text += fmt::format(",{}", num(x));
    text += fmt::format(",{},{}\n", num(w.composition), num(w.closure));
    last = w;
    out.last_epoch = e;
  }
  if (out.last_epoch < 0) fail(opt.scenario, 0, "welfare_terms.csv: no epoch in common with the baseline's");
  out.file = path_in(opt.output, "welfare.csv");
  write_file(out.file, text);
  out.markdown = welfare_table_markdown(last, out.last_epoch, c.base.years[c.base.row_of(out.last_epoch)]);
  out.closure = last.closure;
  return out;
}

}  // namespace regio::comparison
