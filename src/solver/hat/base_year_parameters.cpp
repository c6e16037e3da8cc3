// parameters.yaml of the base-year folder: technology, preferences and market structure
// (MODEL.md §2, §9–§11; docs/hat-algebra.md §1), with file:line errors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base_year_steps.hpp"
#include "yaml_fields.hpp"

namespace regio::hat {

namespace {

// `groups:` (the labour groups g) and the sectors' names, in file order.
void read_names(const YamlFile& y, HatParameters& p) {
  for (const char* k : {"sectors", "groups"})
    if (!y.root[k]) y.fail(y.root, fmt::format("missing key '{}'", k));
  p.groups = y.text_list(y.root["groups"], "groups");
  if (p.groups.empty()) y.fail(y.root["groups"], "'groups' must name at least one labour group");
  const YAML::Node sectors = y.root["sectors"];
  if (!sectors.IsSequence() || sectors.size() == 0) y.fail(sectors, "'sectors' must be a non-empty list of sectors");
  for (const auto& s : sectors) {
    y.require_map(s, "sectors[]");
    if (!s["name"]) y.fail(s, "a sector needs a 'name'");
    p.sectors.push_back(y.text(s["name"], "sectors[].name"));
  }
}

// λ_s: given (then α_s + β_s + λ_s + Σ_k ι_sk = 1 is checked), or the remainder (MODEL.md §9).
void read_land_share(const YamlFile& y, const YAML::Node& n, int s, HatParameters& p) {
  const std::string pre = "sectors." + p.sectors[s];
  double io_sum = 0;
  for (int k = 0; k < p.S(); ++k) io_sum += p.intermediate(s, k);
  const double rest = 1 - p.labour_share[s] - p.capital_share[s] - io_sum;
  if (n["land_share"]) {
    p.land_share.push_back(y.number(n["land_share"], pre + ".land_share", 0, 1));
    if (std::abs(rest - p.land_share[s]) > 1e-9)
      y.fail(n, fmt::format(
                    "sector '{}': labour + capital + land + intermediate shares = {:.12g}, must be 1 (MODEL.md §9)",
                    p.sectors[s], 1 - rest + p.land_share[s]));
  } else {
    if (rest < -1e-12)
      y.fail(n, fmt::format("sector '{}': labour + capital + intermediate shares = {:.12g} exceed 1, so the land "
                            "share (the remainder, MODEL.md §9) would be negative",
                            p.sectors[s], 1 - rest));
    p.land_share.push_back(std::max(0.0, rest));
  }
}

// Sector s: its group g(s), θ_s, α_s, β_s, η_s, its input row ι_s· and λ_s.
void read_sector(const YamlFile& y, const YAML::Node& n, int s, HatParameters& p) {
  const int S = p.S();
  const std::string pre = "sectors." + p.sectors[s];
  y.check_keys(n,
               {"name", "group", "trade_elasticity", "labour_share", "capital_share", "land_share",
                "intermediate_shares", "final_demand_share"},
               pre);
  for (const char* k : {"group", "trade_elasticity", "labour_share", "final_demand_share"})
    if (!n[k]) y.fail(n, fmt::format("sector '{}' needs '{}'", p.sectors[s], k));
  p.group_of_sector.push_back(
      index_of(p.groups, y.text(n["group"], pre + ".group"), "group", y.file, y.line(n["group"])));
  p.theta.push_back(y.number(n["trade_elasticity"], pre + ".trade_elasticity", 0, 1e3, true));
  p.labour_share.push_back(y.number(n["labour_share"], pre + ".labour_share", 0, 1, true));
  p.capital_share.push_back(n["capital_share"] ? y.number(n["capital_share"], pre + ".capital_share", 0, 1) : 0.0);
  p.final_demand.push_back(y.number(n["final_demand_share"], pre + ".final_demand_share", 0, 1));
  if (const YAML::Node io = n["intermediate_shares"]) {
    y.require_map(io, pre + ".intermediate_shares");
    for (const auto& kv : io) {
      const int k =
          index_of(p.sectors, y.text(kv.first, pre + ".intermediate_shares"), "sector", y.file, y.line(kv.first));
      p.iota[static_cast<std::size_t>(s * S + k)] =
          y.number(kv.second, pre + ".intermediate_shares." + p.sectors[k], 0, 1);
    }
  }
  read_land_share(y, n, s, p);
}

// Every group g employed by some sector; Σ_s η_s = 1.
void check_sectors(const YamlFile& y, const HatParameters& p) {
  for (int g = 0; g < p.G(); ++g)
    if (std::find(p.group_of_sector.begin(), p.group_of_sector.end(), g) == p.group_of_sector.end())
      y.fail(y.root["groups"], fmt::format("group '{}' has no sector (every group needs one)", p.groups[g]));
  const double eta = std::accumulate(p.final_demand.begin(), p.final_demand.end(), 0.0);
  if (std::abs(eta - 1) > 1e-9)
    y.fail(y.root["sectors"], fmt::format("final_demand_share must sum to 1 over sectors, sum = {:.12g}", eta));
}

// δ_h, ε, the land market (region or by group), who earns the land rent (MODEL.md §11) and the
// share tolerance, and the combinations hat mode supports.
void read_market_structure(const YamlFile& y, HatParameters& p) {
  if (y.root["housing_share"]) p.housing_share = y.number(y.root["housing_share"], "housing_share", 0, 1);
  if (p.housing_share >= 1) y.fail(y.root["housing_share"], "'housing_share' must be below 1");
  if (y.root["migration_elasticity"])
    p.migration_elasticity = y.number(y.root["migration_elasticity"], "migration_elasticity", 0, 1e3, true);
  if (y.root["land"]) p.land_by_group = y.choice(y.root["land"], "land", {"region", "by_group"}) == "by_group";
  if (y.root["land_income"])
    p.stayers = y.choice(y.root["land_income"], "land_income", {"residents", "stayers"}) == "stayers";
  if (y.root["share_tolerance"]) p.share_tolerance = y.number(y.root["share_tolerance"], "share_tolerance", 0, 0.1);
  const bool capital = std::any_of(p.capital_share.begin(), p.capital_share.end(), [](double b) { return b > 0; });
  if (capital && (p.land_by_group || p.stayers))
    y.fail(y.root,
           "capital_share > 0 needs land: region and land_income: residents (capital income by group is not "
           "defined in hat mode)");
  if (p.stayers && !p.land_by_group && p.G() > 1)  // with one group, the region's land is the group's
    y.fail(y.root["land_income"],
           "land_income: stayers needs land: by_group with several groups (the rent of a unit is its group's land)");
}

}  // namespace

HatParameters read_parameters(const std::string& path) {
  const YamlFile y = YamlFile::load(path, "base-year parameters");
  y.check_keys(y.root,
               {"sectors", "groups", "housing_share", "migration_elasticity", "land", "land_income", "share_tolerance"},
               "");
  HatParameters p;
  read_names(y, p);
  const int S = p.S();
  p.iota.assign(static_cast<std::size_t>(S * S), 0);
  for (int s = 0; s < S; ++s) read_sector(y, y.root["sectors"][s], s, p);
  check_sectors(y, p);
  read_market_structure(y, p);
  return p;
}

}  // namespace regio::hat
