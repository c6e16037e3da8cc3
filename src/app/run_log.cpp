#include "regio/run_log.hpp"

#include <fmt/format.h>
#include <petscsys.h>

#include <algorithm>
#include <cstdio>

#include "regio/petsc_util.hpp"
#include "regio/transport_costs.hpp"

namespace regio {

std::string seconds_text(double s) {
  if (s < 120) return fmt::format("{:.1f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.2f} h", s / 3600);
}

RankLoad rank_load(const std::vector<int>& owners, int ranks) {
  std::vector<std::size_t> per_rank(static_cast<std::size_t>(ranks), 0);
  for (const int o : owners) ++per_rank[static_cast<std::size_t>(o)];
  RankLoad l;
  l.imbalance = double(*std::max_element(per_rank.begin(), per_rank.end())) / (double(owners.size()) / ranks);
  l.idle = static_cast<long>(std::count(per_rank.begin(), per_rank.end(), std::size_t(0)));
  return l;
}

std::string rank_load_note(const RankLoad& l, int ranks, std::size_t provinces) {
  if (l.idle > 0)
    return fmt::format(
        "note: {} of {} ranks {} no region ({} provinces, and a province is never split across ranks): {}; "
        "run on at most {} ranks",
        l.idle, ranks, l.idle == 1 ? "owns" : "own", provinces, l.idle == 1 ? "it idles" : "they idle", provinces);
  if (l.imbalance > 1.1)
    return fmt::format(
        "note: decomposition imbalance {:.3f} (the busiest rank has {:.0f}% more regions than the mean and sets "
        "the pace); `regio decomp --strategy balanced` shows the best assignment it finds, fewer ranks balance better",
        l.imbalance, 100 * (l.imbalance - 1));
  return "";
}

std::string progress_line(int epoch, int epochs, int year, const SolveStats& st, double elapsed, double eta) {
  return fmt::format(
      "epoch {}/{} year {} | newton {} (gmres {}, F evals {}) | residual {:.2e} | {:.3f} s | elapsed {} | ETA {}",
      epoch, epochs, year, st.nonlinear_iterations, st.linear_iterations, st.residual_evaluations, st.residual_norm,
      st.seconds, seconds_text(elapsed), seconds_text(eta));
}

std::string network_line(const TransportCosts& costs, std::size_t regions) {
  const std::size_t idle = costs.idle_links();
  const std::string idle_text =
      idle == 0 ? ""
                : fmt::format(" ({} no cheaper than the direct leg between their ends: they change no distance)", idle);
  return fmt::format(
      "network: {} link{}{}, {} nodes (the ends of links cheaper than their direct legs), {:.1f} exits per region",
      costs.links(), costs.links() == 1 ? "" : "s", idle_text, costs.network_nodes(),
      double(costs.network_exits()) / double(std::max<std::size_t>(1, regions)));
}

std::vector<std::string> policy_lines(const Scenario& sc, int epoch) {
  std::vector<std::string> lines;
  for (const auto& p : sc.policies)
    if (p.epoch == epoch)
      lines.push_back(fmt::format("policy: {} takes effect in year {}{}", p.describe(), sc.start_year + epoch,
                                  p.selected.empty() ? "" : fmt::format(" ({} regions)", p.selected.size())));
  return lines;
}

void warn_unused_petsc_options() {
  PetscInt n = 0;
  char** names = nullptr;
  char** values = nullptr;
  REGIO_PETSC(PetscOptionsLeftGet(nullptr, &n, &names, &values));
  for (PetscInt k = 0; k < n; ++k)
    std::fprintf(
        stderr,
        "regio: warning: PETSc option -%s%s%s was not used (misspelt? solver options take the prefix -national_)\n",
        names[k], values[k] ? " " : "", values[k] ? values[k] : "");
  REGIO_PETSC(PetscOptionsLeftRestore(nullptr, &n, &names, &values));
}

}  // namespace regio
