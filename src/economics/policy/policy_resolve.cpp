// Resolving policies and the transport network against the region CSV (rank 0, before the
// inputs are distributed): names become indices, and every mistake is reported with the
// scenario file and line.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"
#include "regio/pair_frictions.hpp"
#include "regio/policy.hpp"
#include "regio/policy_kind.hpp"
#include "regio/province_costs.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"
#include "regio/trade_shares.hpp"

namespace regio {

namespace {

struct Names {
  std::map<std::string, std::int64_t> region;
  std::map<std::string, int> province;  // index in order of first appearance (GlobalGeography's)
  std::set<std::string> tags;
  std::vector<std::string> region_list, province_list, tag_list;
};

Names collect(const std::vector<Region>& regions) {
  Names n;
  for (const auto& r : regions) {
    n.region.emplace(r.id, r.index);
    if (n.province.emplace(r.province, static_cast<int>(n.province_list.size())).second)
      n.province_list.push_back(r.province);
    for (const auto& t : r.tags)
      if (n.tags.insert(t).second) n.tag_list.push_back(t);
  }
  for (const auto& r : regions) n.region_list.push_back(r.id);
  return n;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

std::int64_t region_index(const Names& names, const std::string& id, const std::string& where, const std::string& csv) {
  auto it = names.region.find(id);
  if (it == names.region.end())
    throw InputError(fmt::format("{}: unknown region '{}'{}: ids are the 'id' column of {}", where, id,
                                 suggestion(id, names.region_list), csv));
  return it->second;
}

int province_index(const Names& names, const std::string& p, const std::string& where) {
  auto it = names.province.find(p);
  if (it == names.province.end())
    throw InputError(fmt::format("{}: unknown province '{}'{}", where, p, suggestion(p, names.province_list)));
  return it->second;
}

std::vector<std::int64_t> select_regions(const PolicySelection& sel, const std::vector<Region>& regions,
                                         const Names& names, const std::string& where, const std::string& csv) {
  for (const auto& t : sel.tags)
    if (!names.tags.count(t))
      throw InputError(fmt::format("{}: no region has the tag '{}'{}", where, t, suggestion(t, names.tag_list)));
  for (const auto& t : sel.exclude_tags)
    if (!names.tags.count(t))
      throw InputError(
          fmt::format("{}: no region has the tag '{}' (in exclude){}", where, t, suggestion(t, names.tag_list)));
  std::set<std::int64_t> ids, excluded;
  for (const auto& id : sel.regions) ids.insert(region_index(names, id, where, csv));
  for (const auto& id : sel.exclude_regions) excluded.insert(region_index(names, id, where, csv));
  std::set<int> provinces, excluded_provinces;
  for (const auto& p : sel.provinces) provinces.insert(province_index(names, p, where));
  for (const auto& p : sel.exclude_provinces) excluded_provinces.insert(province_index(names, p, where));
  std::vector<std::int64_t> out;
  for (const auto& r : regions) {
    const int prov = names.province.at(r.province);
    bool in = sel.all || ids.count(r.index) || provinces.count(prov) ||
              std::any_of(sel.tags.begin(), sel.tags.end(), [&](const auto& t) { return r.has_tag(t); });
    bool out_ =
        excluded.count(r.index) || excluded_provinces.count(prov) ||
        std::any_of(sel.exclude_tags.begin(), sel.exclude_tags.end(), [&](const auto& t) { return r.has_tag(t); });
    if (in && !out_) out.push_back(r.index);
  }
  if (out.empty())
    throw InputError(fmt::format("{}: the selection is empty after exclusions; check the selection", where));
  std::sort(out.begin(), out.end());
  return out;
}

void resolve_link(TransportLinkSpec& l, const Names& names, const std::string& where, const std::string& csv) {
  l.from_index = region_index(names, l.from, where, csv);
  l.to_index = region_index(names, l.to, where, csv);
}

std::vector<TransportLinkSpec> read_network(const std::string& path, const Names& names,
                                            const std::string& csv_regions) {
  const auto rows = csv::parse(read_input_file(path, "transport network file", "network.file; check the path"), path);
  if (rows.empty())
    throw InputError(fmt::format("{}: the network file is empty (header from,to,mode,km expected)", path));
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < rows[0].fields.size(); ++c) col[rows[0].fields[c]] = c;
  for (const char* need : {"from", "to", "mode"})
    if (!col.count(need))
      throw InputError(
          fmt::format("{}:1: the network file lacks the column '{}' (columns: from, to, mode[, km])", path, need));
  std::vector<TransportLinkSpec> links;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    TransportLinkSpec l;
    l.line = row.line;
    l.from = row.fields[col["from"]];
    l.to = row.fields[col["to"]];
    l.mode = row.fields[col["mode"]];
    const auto& modes = transport_modes();
    if (std::find(modes.begin(), modes.end(), l.mode) == modes.end())
      throw InputError(fmt::format("{}: unknown transport mode '{}'{} (use road, rail, high_speed_rail or waterway)",
                                   where, l.mode, suggestion(l.mode, modes)));
    if (col.count("km") && !row.fields[col["km"]].empty()) {
      if (!csv::to_double(row.fields[col["km"]], l.km) || !(l.km > 0) || !std::isfinite(l.km))
        throw InputError(fmt::format("{}: km = '{}' must be a positive number (or empty for the great-circle distance)",
                                     where, row.fields[col["km"]]));
    }
    if (l.from == l.to) throw InputError(fmt::format("{}: the link joins '{}' to itself", where, l.from));
    resolve_link(l, names, where, csv_regions);
    links.push_back(l);
  }
  return links;
}

std::vector<int> sector_indices(const Policy& p, const Scenario& sc, const std::string& where) {
  std::vector<std::string> sector_names;
  for (const auto& s : sc.sectors) sector_names.push_back(s.name);
  std::vector<int> out;
  if (p.sectors.empty())
    for (std::size_t s = 0; s < sc.sectors.size(); ++s) out.push_back(static_cast<int>(s));
  for (const auto& name : p.sectors) {
    auto it = std::find(sector_names.begin(), sector_names.end(), name);
    if (it == sector_names.end())
      throw InputError(fmt::format("{}: unknown sector '{}'{} (sectors: {})", where, name,
                                   suggestion(name, sector_names), fmt::join(sector_names, ", ")));
    out.push_back(static_cast<int>(it - sector_names.begin()));
  }
  return out;
}

// Every pair of the provinces the policy's selection covers (at least two).
std::vector<std::pair<int, int>> pairs_within(const Policy& p, const std::vector<Region>& regions, const Names& names,
                                              const std::string& where) {
  std::set<int> provs;
  for (auto i : p.selected) provs.insert(names.province.at(regions[static_cast<std::size_t>(i)].province));
  if (provs.size() < 2)
    throw InputError(fmt::format("{}: {} needs regions in at least two provinces (the selection covers {})", where,
                                 p.kind, provs.size()));
  std::vector<std::pair<int, int>> out;
  for (auto a = provs.begin(); a != provs.end(); ++a)
    for (auto b = std::next(a); b != provs.end(); ++b) out.emplace_back(*a, *b);
  return out;
}

// One policy: its epoch, then what its kind applies to, as indices.
void resolve_policy(Policy& p, const PolicyKind& kind, const Scenario& sc, const std::vector<Region>& regions,
                    const Names& names, const std::string& file) {
  const std::string where = fmt::format("{}:{}", p.file.empty() ? file : p.file, p.line);
  if (p.year >= 0) p.epoch = p.year - sc.start_year;
  if (p.epoch < 0 || p.epoch >= sc.epochs)
    throw InputError(fmt::format(
        "{}: the {} policy {} is outside the run (epochs 0–{}, years {}–{}); move it or raise 'epochs'", where, p.kind,
        p.year >= 0 ? fmt::format("in year {}", p.year) : fmt::format("at epoch {}", p.epoch), sc.epochs - 1,
        sc.start_year, sc.start_year + sc.epochs - 1));
  if (kind.target() == PolicyTarget::Links) {
    for (auto& l : p.links)
      resolve_link(l, names, fmt::format("{}:{}", p.file.empty() ? file : p.file, l.line), sc.regions);
    return;
  }
  if (const std::string why = kind.scenario_conflict(p, sc); !why.empty())
    throw InputError(fmt::format("{}: {}", where, why));
  p.sector_index.clear();
  if (kind.takes_sectors()) p.sector_index = sector_indices(p, sc, where);
  p.province_pairs.clear();
  if (kind.target() == PolicyTarget::SelectionOrPairs && !p.pairs.empty()) {
    for (const auto& pr : p.pairs) {
      int a = province_index(names, pr[0], where), b = province_index(names, pr[1], where);
      p.province_pairs.emplace_back(std::min(a, b), std::max(a, b));
    }
    return;
  }
  p.selected = select_regions(p.select, regions, names, where, sc.regions);
  if (kind.target() == PolicyTarget::SelectionOrPairs) {
    p.province_pairs = pairs_within(p, regions, names, where);
    p.selected.clear();
  }
}

}  // namespace

void resolve_policies(Scenario& sc, const std::vector<Region>& regions) {
  const Names names = collect(regions);
  const std::string file = sc.source_file.empty() ? "scenario" : sc.source_file;
  if (!sc.network.file.empty()) sc.network_links = read_network(sc.network.file, names, sc.regions);
  std::vector<std::string> sectors;
  for (const auto& s : sc.sectors) sectors.push_back(s.name);
  if (!sc.trade.frictions.empty())
    sc.trade_frictions = read_trade_frictions(sc.trade.frictions, names.province, names.province_list, sectors);
  if (!sc.trade.province_scales.empty())
    sc.trade_scales = read_trade_scales(sc.trade.province_scales, names.province, names.province_list, sectors);
  if (!sc.calibration.trade_shares.empty())
    sc.province_trade_shares = read_province_trade_shares(
        sc.calibration.trade_shares, names.province, names.province_list, sectors,
        {{sc.trade.frictions, &sc.trade_frictions}, {sc.trade.province_scales, &sc.trade_scales}});
  if (!sc.migration.frictions.empty())
    sc.migration_frictions = read_migration_frictions(sc.migration.frictions, names.province, names.province_list);
  if (!sc.migration.province_costs.empty())
    sc.province_migration_costs = read_province_costs(sc.migration.province_costs, names.province, names.province_list);
  if (!sc.calibration.migrants.empty()) {
    auto census = read_unit_migrants(sc.calibration.migrants, regions, sc.regions);
    sc.census_within = std::move(census.within_province);
    sc.census_other = std::move(census.other_province);
  }
  if (sc.external.enabled && names.tags.count("port") == 0)
    throw InputError(
        fmt::format("{}: external.enabled needs at least one region tagged 'port' in {} (the gateways to the "
                    "rest of the world); tag the port regions or set external.enabled: false",
                    file, sc.regions));
  for (auto& p : sc.policies) resolve_policy(p, policy_kind(p), sc, regions, names, file);
  // Policies in the order they take effect (stable: the file order within an epoch).
  std::stable_sort(sc.policies.begin(), sc.policies.end(),
                   [](const Policy& a, const Policy& b) { return a.epoch < b.epoch; });
  // Checks over each kind's whole sequence (e.g. land factors compound).
  std::map<std::string, std::vector<const Policy*>> by_kind;
  for (const auto& p : sc.policies) by_kind[p.kind].push_back(&p);
  for (const PolicyKind* kind : registered_policy_kinds())
    if (auto it = by_kind.find(kind->name()); it != by_kind.end()) kind->check_sequence(it->second, regions, file);
}

}  // namespace regio
