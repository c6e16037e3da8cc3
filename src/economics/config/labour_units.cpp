#include "regio/labour_units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio {

namespace {

bool has_column(const csv::Row& header, const std::string& name) {
  return std::find(header.fields.begin(), header.fields.end(), name) != header.fields.end();
}

// The file's groups in order of first appearance (the region × group grid is checked later).
std::vector<std::string> groups_of(const std::vector<csv::Row>& rows, std::size_t group_col) {
  std::vector<std::string> groups;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string& g = rows[r].fields.at(group_col);
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  return groups;
}

double number(const csv::Row& row, std::size_t col, const std::string& key, const std::string& where, bool positive) {
  double v = 0;
  const std::string& field = row.fields[col];
  if (!csv::to_double(field, v) || !std::isfinite(v) || v < 0 || (positive && v == 0))
    throw InputError(
        fmt::format("{}: {} = '{}' must be a finite number {}", where, key, field, positive ? "> 0" : ">= 0"));
  return v;
}

}  // namespace

LabourUnits read_labour_units(const std::string& path, const std::vector<std::string>& region_ids,
                              const std::string& regions_file, bool land_by_group) {
  const auto rows = csv::parse(read_input_file(path, "labour units file", "labour.units; check the path"), path);
  if (rows.size() < 2)
    throw InputError(
        fmt::format("{}: the labour units file has no rows (header region, group, share[, amenity][, "
                    "land][, residents] and one row per region and group expected)",
                    path));
  std::vector<std::string> names{"region", "group", "share"};
  for (const char* optional : {"amenity", "land", "residents"})
    if (has_column(rows[0], optional)) names.emplace_back(optional);
  if (land_by_group && !has_column(rows[0], "land"))
    throw InputError(
        fmt::format("{}:{}: labour.land is by_group but the labour units file has no 'land' column "
                    "(the share of each region's land H_i used by the group)",
                    path, rows[0].line));
  auto col = csv::named_columns(rows[0], path, names, "labour units");
  for (std::size_t r = 1; r < rows.size(); ++r) csv::require_header_width(rows[r], rows[0], path);
  LabourUnits out;
  out.groups = groups_of(rows, col["group"]);
  const std::size_t N = region_ids.size(), G = out.groups.size();
  out.share.assign(N * G, std::nan(""));
  out.amenity.assign(N * G, 1.0);
  if (land_by_group) out.land.assign(N * G, std::nan(""));
  const bool residents = col.count("residents") != 0;
  if (residents) out.residents.assign(N * G, std::nan(""));
  std::map<std::string, std::size_t> index;
  for (std::size_t n = 0; n < N; ++n) index.emplace(region_ids[n], n);
  std::vector<int> line_of(N * G, 0);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    const std::string& id = row.fields[col["region"]];
    const auto it = index.find(id);
    if (it == index.end()) {
      const std::string near = nearest(id, region_ids);
      throw InputError(fmt::format("{}: unknown region id '{}'{}: ids are the 'id' column of {}", where, id,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), regions_file));
    }
    const auto g = static_cast<std::size_t>(std::find(out.groups.begin(), out.groups.end(), row.fields[col["group"]]) -
                                            out.groups.begin());
    const std::size_t u = it->second * G + g;
    if (line_of[u] != 0)
      throw InputError(
          fmt::format("{}: unit ({}, {}) is given twice (also line {})", where, id, out.groups[g], line_of[u]));
    line_of[u] = row.line;
    out.share[u] = number(row, col["share"], "share", where, false);
    if (col.count("amenity")) out.amenity[u] = number(row, col["amenity"], "amenity", where, true);
    if (land_by_group) out.land[u] = number(row, col["land"], "land", where, false);
    if (residents) out.residents[u] = number(row, col["residents"], "residents", where, true);
  }
  for (std::size_t n = 0; n < N; ++n) {
    double share = 0, land = 0;
    for (std::size_t g = 0; g < G; ++g) {
      if (line_of[n * G + g] == 0)
        throw InputError(
            fmt::format("{}: no row for unit ({}, {}); every region of {} needs a row for every group "
                        "(share 0 where none is registered)",
                        path, region_ids[n], out.groups[g], regions_file));
      share += out.share[n * G + g];
      if (land_by_group) land += out.land[n * G + g];
    }
    if (std::abs(share - 1) > 1e-9)
      throw InputError(
          fmt::format("{}:{}: the shares of region '{}' sum to {}, not 1 (they split its registered "
                      "population among the groups)",
                      path, line_of[n * G], region_ids[n], share));
    double lived = 0;
    for (std::size_t g = 0; g < G && residents; ++g) lived += out.residents[n * G + g];
    if (residents && std::abs(lived - 1) > 1e-9)
      throw InputError(
          fmt::format("{}:{}: the residents shares of region '{}' sum to {:.10g}, not 1 (they split its "
                      "resident population among the groups)",
                      path, line_of[n * G], region_ids[n], lived));
    if (land_by_group && std::abs(land - 1) > 1e-9)
      throw InputError(fmt::format("{}:{}: the land shares of region '{}' sum to {}, not 1", path, line_of[n * G],
                                   region_ids[n], land));
  }
  return out;
}

GroupCosts unit_group_costs(int G) {
  const auto size = static_cast<std::size_t>(G * G);
  return {std::vector<double>(size, 1.0), std::vector<double>(size, 1.0)};
}

GroupCosts read_group_costs(const std::string& path, const std::vector<std::string>& groups) {
  const auto rows = csv::parse(read_input_file(path, "group costs file", "labour.group_costs; check the path"), path);
  if (rows.empty())
    throw InputError(
        fmt::format("{}: the group costs file is empty (header from_group, to_group, within, between expected)", path));
  auto col = csv::named_columns(rows[0], path, {"from_group", "to_group", "within", "between"}, "group costs");
  const auto G = static_cast<int>(groups.size());
  GroupCosts out = unit_group_costs(G);
  std::map<int, int> seen;
  auto group = [&](const std::string& name, const std::string& where) {
    const auto it = std::find(groups.begin(), groups.end(), name);
    if (it == groups.end()) {
      const std::string near = nearest(name, groups);
      throw InputError(fmt::format("{}: unknown group '{}'{}: groups are those of labour.units", where, name,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    return static_cast<int>(it - groups.begin());
  };
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    const int g = group(row.fields[col["from_group"]], where), h = group(row.fields[col["to_group"]], where);
    if (const auto [s, fresh] = seen.emplace(g * G + h, row.line); !fresh)
      throw InputError(
          fmt::format("{}: the pair ({}, {}) is given twice (also line {})", where, groups[g], groups[h], s->second));
    const auto at = static_cast<std::size_t>(g * G + h);
    out.within[at] = number(row, col["within"], "within", where, true);
    out.between[at] = number(row, col["between"], "between", where, true);
    if (g == h && out.within[at] != 1)
      throw InputError(
          fmt::format("{}: within = {} for ({}, {}): staying in one's group inside the province costs "
                      "only the geographic cost (s_gg = 1, MODEL.md §10); put group-specific costs "
                      "in 'between'",
                      where, out.within[at], groups[g], groups[h]));
  }
  return out;
}

}  // namespace regio
