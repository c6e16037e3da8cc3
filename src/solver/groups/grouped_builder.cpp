#include "regio/grouped_builder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "regio/error.hpp"

namespace regio {

hat::HatParameters grouped_parameters(const Scenario& sc, const std::vector<std::string>& groups) {
  hat::HatParameters p;
  p.groups = groups;
  const std::size_t S = sc.num_sectors();
  for (const auto& sec : sc.sectors) {
    const auto g = std::find(groups.begin(), groups.end(), sec.labour_group);
    if (g == groups.end()) {
      const std::string near = nearest(sec.labour_group, groups);
      throw InputError(fmt::format(
          "{}: sector '{}' has labour_group '{}', not a group of labour.units ({}){}: give every sector one of them",
          sc.source_file.empty() ? "scenario" : sc.source_file, sec.name, sec.labour_group, fmt::join(groups, ", "),
          near.empty() || sec.labour_group.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    p.sectors.push_back(sec.name);
    p.group_of_sector.push_back(static_cast<int>(g - groups.begin()));
    p.theta.push_back(sec.theta);
    p.labour_share.push_back(sec.labor_share);
    p.capital_share.push_back(sec.capital_share);
    p.land_share.push_back(sec.land_share());
    p.final_demand.push_back(sec.consumption_share);
    for (std::size_t k = 0; k < S; ++k)
      p.iota.push_back(sec.intermediate_shares.empty() ? 0.0 : sec.intermediate_shares[k]);
  }
  p.housing_share = sc.households.housing_share;
  p.migration_elasticity = sc.migration.elasticity;
  p.land_by_group = sc.labour.land == "by_group";
  p.stayers = sc.households.stayers();
  return p;
}

std::string grouped_run_problem(const Scenario& sc) {
  const std::string fix =
      "labour groups cover balanced trade without saving or policies other than hukou and productivity so far "
      "(docs/labour-groups.md)";
  if (sc.households.saving_rate != 0)
    return fmt::format("households.saving_rate is {}; set it to 0: {}", sc.households.saving_rate, fix);
  if (sc.external.enabled) return fmt::format("external.enabled is true; set it to false: {}", fix);
  for (const auto& p : sc.policies)  // region values only: the kernel rows are built once
    if (p.kind != "hukou" && p.kind != "productivity")
      return fmt::format("line {}{}: a {} policy; remove it: {}", p.line,
                         p.file.empty() || p.file == sc.source_file ? "" : " of " + p.file, p.kind, fix);
  if (sc.productivity.spillover != 0)
    return fmt::format("productivity.spillover is {}; set it to 0: {}", sc.productivity.spillover, fix);
  if (sc.productivity.convergence != 0 || sc.migration.amenity_convergence != 0)
    return fmt::format("productivity.convergence and migration.amenity_convergence must be 0: {}", fix);
  if (sc.scale_to_observed_gdp) return fmt::format("scale_to_observed_gdp is true; set it to false: {}", fix);
  if (sc.labour.land != "region" && sc.labour.land != "by_group")
    return fmt::format("labour.land is '{}'; it must be region or by_group", sc.labour.land);
  if (sc.labour.land == "by_group" && sc.uses_capital())
    return "labour.land: by_group needs capital shares 0 (capital income goes with one land market)";
  return "";
}

namespace {

// Owned values (width per region) gathered into CSV order on every rank.
std::vector<double> national(const Layout& layout, const std::vector<double>& owned, int width) {
  std::vector<double> all;
  layout.allgather(owned.data(), width, all);
  return all;
}

// One trade row per θ-group of KernelRows (sectors sharing θ and frictions share it), not per
// sector: S/groups times less memory.
void copy_kernel_rows(const KernelRows& rows, std::size_t n_own, std::size_t S, std::size_t N, GroupedEconomy& e) {
  const std::size_t K = rows.groups();
  e.trade_kernels = K;
  e.kernel_of_sector.clear();
  std::vector<std::size_t> sector_of_kernel(K);
  for (std::size_t s = 0; s < S; ++s) {
    e.kernel_of_sector.push_back(static_cast<int>(rows.group_of(s)));
    sector_of_kernel[rows.group_of(s)] = s;
  }
  e.trade_pow.resize(n_own * K * N);
  e.migration_pow.resize(n_own * N);
  for (std::size_t j = 0; j < n_own; ++j) {
    for (std::size_t k = 0; k < K; ++k) {
      const double* row = rows.trade(sector_of_kernel[k], j);
      std::copy(row, row + N, e.trade_pow.begin() + static_cast<std::ptrdiff_t>((j * K + k) * N));
    }
    const double* row = rows.migration(j);
    std::copy(row, row + N, e.migration_pow.begin() + static_cast<std::ptrdiff_t>(j * N));
  }
}

}  // namespace

GroupedEconomy build_grouped_economy(const Scenario& sc, const LabourUnits& units, const GroupCosts& costs,
                                     const EconomyState& st, const GlobalGeography& geo, const KernelRows& rows,
                                     const Layout& layout) {
  GroupedEconomy e;
  e.par = grouped_parameters(sc, units.groups);
  const auto G = static_cast<std::size_t>(units.G()), S = sc.num_sectors(), N = geo.size(), n_own = st.size();
  e.region_ids = geo.id;
  e.province_names = geo.province_names;
  e.province_of = geo.province;
  e.log_productivity = national(layout, st.log_productivity, static_cast<int>(S));
  e.capital = national(layout, st.capital, 1);
  const auto land = national(layout, st.land, 1), amenity = national(layout, st.amenity, 1);
  const auto registered = national(layout, st.registered, 1), population = national(layout, st.population, 1);
  std::vector<double> hukou(n_own);
  for (std::size_t j = 0; j < n_own; ++j) hukou[j] = std::pow(st.hukou_barrier[j], -sc.migration.elasticity);
  e.hukou_pow = national(layout, hukou, 1);
  for (std::size_t n = 0; n < N; ++n) {
    if (!e.par.land_by_group) e.land.push_back(land[n]);
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t u = n * G + g;
      e.amenity.push_back(units.amenity[u] * amenity[n]);
      e.registered.push_back(units.share[u] * registered[n]);
      // The starting point of the first solve only; a group nobody belongs to starts small, not at 0.
      e.employment.push_back(std::max(units.share[u], 1e-6) * population[n]);
      if (e.par.land_by_group) e.land.push_back(units.land[u] * land[n]);
    }
  }
  copy_kernel_rows(rows, n_own, S, N, e);
  for (const auto& sec : sc.sectors)
    if (sec.agglomeration != 0) e.agglomeration.assign(S, 0.0);
  for (std::size_t s = 0; s < S && !e.agglomeration.empty(); ++s) e.agglomeration[s] = sc.sectors[s].agglomeration;
  e.group_weights = GroupSwitchWeights::from_costs(G, costs.within, costs.between, sc.migration.elasticity);
  e.migration = sc.migration.enabled;
  return e;
}

}  // namespace regio
