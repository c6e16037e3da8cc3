#include "regio/province_costs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio {

std::vector<ProvinceMigrationCost> read_province_costs(const std::string& path,
                                                       const std::map<std::string, int>& provinces,
                                                       const std::vector<std::string>& province_list) {
  const auto rows = csv::parse(
      read_input_file(path, "province migration costs file", "migration.province_costs; check the path"), path);
  if (rows.empty())
    throw InputError(fmt::format(
        "{}: the province migration costs file is empty (header province, within_scale, between_scale expected)",
        path));
  auto col =
      csv::named_columns(rows[0], path, {"province", "within_scale", "between_scale"}, "province migration costs");
  std::map<int, int> seen;  // province → line
  std::vector<ProvinceMigrationCost> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    const std::string& name = row.fields[col["province"]];
    const auto it = provinces.find(name);
    if (it == provinces.end()) {
      const std::string near = nearest(name, province_list);
      throw InputError(fmt::format("{}: unknown province '{}'{}: names are the 'province' column of the region CSV",
                                   where, name, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    if (const auto [s, fresh] = seen.emplace(it->second, row.line); !fresh)
      throw InputError(fmt::format("{}: province '{}' is given twice (also line {})", where, name, s->second));
    ProvinceMigrationCost c;
    c.province = it->second;
    for (auto [key, value] :
         {std::pair{"within_scale", &c.within_scale}, std::pair{"between_scale", &c.between_scale}}) {
      const std::string& field = row.fields[col[key]];
      if (!csv::to_double(field, *value) || !std::isfinite(*value) || !(*value > 0))
        throw InputError(fmt::format("{}: {} = '{}' must be a finite positive number", where, key, field));
    }
    out.push_back(c);
  }
  return out;
}

UnitMigrants read_unit_migrants(const std::string& path, const std::vector<Region>& regions,
                                const std::string& regions_file) {
  const auto rows =
      csv::parse(read_input_file(path, "census migrants file", "calibration.migrants; check the path"), path);
  const std::vector<std::string> names{"id", "within_province", "other_province"};
  if (rows.empty())
    throw InputError(fmt::format(
        "{}: the census migrants file is empty (header id, within_province, other_province expected)", path));
  auto col = csv::named_columns(rows[0], path, {"id", "within_province", "other_province"}, "census migrants");
  std::map<std::string, std::size_t> index;
  std::vector<std::string> ids;
  for (const auto& r : regions) index.emplace(r.id, static_cast<std::size_t>(r.index)), ids.push_back(r.id);
  UnitMigrants out;
  out.within_province.assign(regions.size(), 0.0);
  out.other_province.assign(regions.size(), 0.0);
  std::vector<int> line_of(regions.size(), 0);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    const std::string& id = row.fields[col["id"]];
    const auto it = index.find(id);
    if (it == index.end()) {
      const std::string near = nearest(id, ids);
      throw InputError(fmt::format("{}: unknown region id '{}'{}: ids are the 'id' column of {}", where, id,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), regions_file));
    }
    const std::size_t i = it->second;
    if (line_of[i] != 0)
      throw InputError(fmt::format("{}: region '{}' is given twice (also line {})", where, id, line_of[i]));
    line_of[i] = row.line;
    for (auto [key, target] :
         {std::pair{"within_province", &out.within_province[i]}, std::pair{"other_province", &out.other_province[i]}}) {
      const std::string& field = row.fields[col[key]];
      if (!csv::to_double(field, *target) || !std::isfinite(*target) || !(*target >= 0))
        throw InputError(fmt::format("{}: {} = '{}' must be a finite number >= 0 (persons)", where, key, field));
    }
    const Region& reg = regions[i];
    if (!(out.within_province[i] + out.other_province[i] < reg.population))
      throw InputError(fmt::format(
          "{}: region '{}' has {} + {} residents registered elsewhere, not fewer than its population {} ({}:{}): "
          "some residents must be registered there",
          where, id, out.within_province[i], out.other_province[i], reg.population, regions_file, reg.csv_line));
  }
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (line_of[i] == 0)
      throw InputError(fmt::format("{}: no row for region '{}' ({}:{}); every region needs one", path, regions[i].id,
                                   regions_file, regions[i].csv_line));
  return out;
}

void write_province_costs(const std::string& path, const std::vector<std::string>& province_list,
                          const std::vector<double>& within_scale, const std::vector<double>& between_scale) {
  std::ofstream out(path, std::ios::trunc);
  if (!out)
    throw InputError(
        fmt::format("{}: cannot write the province migration costs (check the folder and permissions)", path));
  out << "province,within_scale,between_scale\n";
  for (std::size_t p = 0; p < province_list.size(); ++p)
    out << csv::quote(province_list[p]) << ',' << fmt::format("{}", within_scale[p]) << ','
        << fmt::format("{}", between_scale[p]) << '\n';
  if (!out.flush()) throw InputError(fmt::format("{}: writing the province migration costs failed (disk full?)", path));
}

}  // namespace regio
