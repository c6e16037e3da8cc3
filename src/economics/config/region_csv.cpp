// Region CSV loading and validation (MODEL.md §1). Every error names file:line, the column and
// the region, and says what a valid value is.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"
#include "regio/region.hpp"

namespace regio {
namespace {

enum class Rule { Positive, NonNegative, Latitude, Longitude, Finite, Growth, AtLeastOne };

struct NumericColumn {
  const char* name;
  bool required;
  Rule rule;
  double Region::*field;
};

const NumericColumn kNumeric[] = {
    {"lat", true, Rule::Latitude, &Region::lat},
    {"lon", true, Rule::Longitude, &Region::lon},
    {"area_km2", true, Rule::Positive, &Region::area_km2},
    {"land_km2", true, Rule::Positive, &Region::land_km2},
    {"population", true, Rule::Positive, &Region::population},
    {"registered", false, Rule::Positive, &Region::registered},
    {"capital", true, Rule::Positive, &Region::capital},
    {"gdp", false, Rule::NonNegative, &Region::gdp},
    {"amenity", false, Rule::Positive, &Region::amenity},
    {"productivity_drift", false, Rule::Finite, &Region::productivity_drift},
    {"amenity_drift", false, Rule::Finite, &Region::amenity_drift},
    {"natural_growth", false, Rule::Growth, &Region::natural_growth},
    {"capital_friction", false, Rule::AtLeastOne, &Region::capital_friction},
    {"capital_friction_drift", false, Rule::Finite, &Region::capital_friction_drift},
    {"capital_rent_lagged", false, Rule::Positive, &Region::capital_rent_lagged},
};
const char* kTextColumns[] = {"id", "name", "province", "tags"};

// The header of a region CSV: where each column is, and the productivity column of each sector.
struct RegionHeader {
  const csv::Row& row;
  std::map<std::string, std::size_t> col;  // trimmed column name -> position
  std::vector<std::size_t> productivity;   // per sector: productivity_<sector>, else productivity
  bool has(const std::string& c) const { return col.count(c) > 0; }
};

// Column names as written (blanks around them and a UTF-8 BOM aside); every name known, once,
// and the required columns there.
RegionHeader read_header(const csv::Row& header, const std::string& file, const std::vector<std::string>& sectors) {
  std::vector<std::string> valid;
  for (auto* t : kTextColumns) valid.push_back(t);
  for (const auto& c : kNumeric) valid.push_back(c.name);
  valid.push_back("productivity");
  for (const auto& s : sectors) valid.push_back("productivity_" + s);
  const int hline = header.line;
  RegionHeader h{header, {}, {}};
  for (std::size_t j = 0; j < header.fields.size(); ++j) {
    std::string name = header.fields[j];
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (j == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // UTF-8 BOM
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      const std::string near = nearest(name, valid);
      throw InputError(located(
          file, hline,
          fmt::format("unknown column '{}'{} (valid columns: id,name,province,lat,lon,area_km2,land_km2,population,"
                      "registered,capital,gdp,productivity|productivity_<sector>,amenity,tags; history-based dynamics: "
                      "productivity_drift,amenity_drift,natural_growth,capital_friction,capital_friction_drift,"
                      "capital_rent_lagged)",
                      name, near.empty() ? "" : fmt::format(", did you mean '{}'?", near))));
    }
    if (!h.col.emplace(name, j).second)
      throw InputError(located(file, hline, fmt::format("column '{}' appears twice in the header", name)));
  }
  auto require = [&](const std::string& c) {
    if (!h.has(c)) throw InputError(located(file, hline, fmt::format("missing required column '{}'", c)));
  };
  require("id");
  require("province");
  for (const auto& c : kNumeric)
    if (c.required) require(c.name);
  for (const auto& s : sectors) {
    auto it = h.col.find("productivity_" + s);
    if (it != h.col.end())
      h.productivity.push_back(it->second);
    else if (h.has("productivity"))
      h.productivity.push_back(h.col.at("productivity"));
    else
      throw InputError(located(
          file, hline, fmt::format("missing column 'productivity' (or 'productivity_{}' for sector '{}')", s, s)));
  }
  return h;
}

// One field of a region's row as the number its column's rule allows.
double region_number(const std::string& file, const csv::Row& row, const std::string& who, const std::string& c,
                     std::size_t j, Rule rule) {
  const std::string& f = row.fields[j];
  double v = 0;
  if (!csv::to_double(f, v))
    throw InputError(located(file, row.line, fmt::format("{}: column '{}' is not a number: '{}'", who, c, f)));
  bool ok = std::isfinite(v);
  const char* want = "a finite number";
  switch (rule) {
    case Rule::Positive:
      ok = ok && v > 0;
      want = "a finite number > 0";
      break;
    case Rule::NonNegative:
      ok = ok && v >= 0;
      want = "a finite number >= 0";
      break;
    case Rule::Latitude:
      ok = ok && v >= -90 && v <= 90;
      want = "a latitude in [-90, 90]";
      break;
    case Rule::Longitude:
      ok = ok && v >= -180 && v <= 180;
      want = "a longitude in [-180, 180]";
      break;
    case Rule::Finite:
      break;
    case Rule::Growth:
      ok = ok && v > -0.5 && v < 0.5;
      want = "a growth rate per epoch in (-0.5, 0.5)";
      break;
    case Rule::AtLeastOne:
      ok = ok && v >= 1;
      want = "a finite number >= 1 (a friction; only ratios between regions matter)";
      break;
  }
  if (!ok) throw InputError(located(file, row.line, fmt::format("{}: column '{}' = '{}' must be {}", who, c, f, want)));
  return v;
}

// Tags separated by blanks, ';' or '|'.
std::vector<std::string> region_tags(std::string text) {
  for (char& c : text)
    if (c == ';' || c == '|') c = ' ';
  std::istringstream ts(text);
  std::vector<std::string> tags;
  for (std::string t; ts >> t;) tags.push_back(t);
  return tags;
}

// One row of the CSV as region number `index`; `seen_ids` holds the ids so far and their lines.
Region read_region(const csv::Row& row, const RegionHeader& h, const std::string& file,
                   const std::vector<std::string>& sectors, std::size_t index, std::map<std::string, int>& seen_ids) {
  const std::size_t width = h.row.fields.size();
  if (row.fields.size() != width)
    throw InputError(
        located(file, row.line,
                fmt::format("region '{}': has {} fields but the header has {} (a stray comma, or a name with a comma "
                            "that needs quotes?)",
                            h.has("id") && h.col.at("id") < row.fields.size() ? row.fields[h.col.at("id")] : "?",
                            row.fields.size(), width)));
  auto field = [&](const std::string& c) -> std::string {
    auto it = h.col.find(c);
    return it == h.col.end() ? std::string() : row.fields[it->second];
  };
  Region r;
  r.index = static_cast<std::int64_t>(index);
  r.csv_line = row.line;
  r.id = field("id");
  if (r.id.empty()) throw InputError(located(file, row.line, "empty region id"));
  r.name = field("name").empty() ? r.id : field("name");
  r.province = field("province");
  const std::string who = fmt::format("region '{}'", r.id);
  if (r.province.empty()) throw InputError(located(file, row.line, who + ": empty province"));
  // "Hebei " would be a province of its own beside "Hebei": blanks around a name are an error,
  // not trimmed silently (the decomposition, policies and frictions name provinces too).
  for (const auto& [column, value] : {std::pair{"id", r.id}, std::pair{"province", r.province}})
    if (std::isspace(static_cast<unsigned char>(value.front())) ||
        std::isspace(static_cast<unsigned char>(value.back())))
      throw InputError(located(
          file, row.line, fmt::format("{}: {} '{}' has a leading or trailing blank — remove it", who, column, value)));
  if (auto [it, fresh] = seen_ids.emplace(r.id, row.line); !fresh)
    throw InputError(located(file, row.line,
                             fmt::format("{}: duplicate id (first on line {}); ids must be unique", who, it->second)));
  for (const auto& c : kNumeric) {
    auto it = h.col.find(c.name);
    if (it == h.col.end() || (!c.required && row.fields[it->second].find_first_not_of(" \t") == std::string::npos))
      continue;  // optional and blank: keep the default
    r.*c.field = region_number(file, row, who, c.name, it->second, c.rule);
  }
  if (r.registered == 0) r.registered = r.population;
  if (r.land_km2 > r.area_km2 * (1 + 1e-9))
    throw InputError(
        located(file, row.line,
                fmt::format("{}: land_km2 = {} exceeds area_km2 = {} (developable land is part of the area)", who,
                            r.land_km2, r.area_km2)));
  for (std::size_t s = 0; s < sectors.size(); ++s)
    r.productivity.push_back(
        region_number(file, row, who, h.row.fields[h.productivity[s]], h.productivity[s], Rule::Positive));
  r.tags = region_tags(field("tags"));
  return r;
}

}  // namespace

std::vector<Region> parse_regions(const std::string& text, const std::string& file,
                                  const std::vector<std::string>& sectors) {
  const auto rows = csv::parse(text, file);
  if (rows.empty())
    throw InputError(located(file, 1, "the region CSV is empty (it needs a header and one row per region)"));
  const RegionHeader header = read_header(rows[0], file, sectors);
  std::vector<Region> regions;
  std::map<std::string, int> seen_ids;
  for (std::size_t k = 1; k < rows.size(); ++k)
    regions.push_back(read_region(rows[k], header, file, sectors, regions.size(), seen_ids));
  if (regions.empty()) throw InputError(located(file, rows[0].line, "the region CSV has a header but no regions"));
  return regions;
}

std::vector<Region> load_regions(const std::string& path, const std::vector<std::string>& sectors) {
  return parse_regions(read_input_file(path, "region CSV", "check 'regions:' in the scenario"), path, sectors);
}

void write_regions(const std::string& path, const std::vector<Region>& regions,
                   const std::vector<std::string>& sectors) {
  bool common = true;
  for (const auto& r : regions)
    for (double a : r.productivity) common = common && a == r.productivity[0];
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw InputError(fmt::format("{}: cannot write the region CSV (check the folder and permissions)", path));
  out << "id,name,province,lat,lon,area_km2,land_km2,population,registered,capital,gdp";
  if (common)
    out << ",productivity";
  else
    for (const auto& s : sectors) out << ",productivity_" << s;
  out << ",amenity,tags";
  // The history-based dynamics' columns only where some region has them (MODEL.md §14).
  const bool drifts = std::any_of(regions.begin(), regions.end(), [](const Region& r) {
    return r.productivity_drift != 0 || r.amenity_drift != 0 || !std::isnan(r.natural_growth);
  });
  out << (drifts ? ",productivity_drift,amenity_drift,natural_growth" : "");
  // The investment wedges' columns likewise (MODEL.md §14).
  const bool wedges = std::any_of(regions.begin(), regions.end(), [](const Region& r) {
    return r.capital_friction != 1 || r.capital_friction_drift != 0 || r.capital_rent_lagged != 1;
  });
  out << (wedges ? ",capital_friction,capital_friction_drift,capital_rent_lagged\n" : "\n");
  auto num = [](double v) { return fmt::format("{}", v); };  // shortest exact round trip
  for (const auto& r : regions) {
    std::string tags;
    for (const auto& t : r.tags) tags += (tags.empty() ? "" : ";") + t;
    out << csv::quote(r.id) << ',' << csv::quote(r.name) << ',' << csv::quote(r.province) << ',' << num(r.lat) << ','
        << num(r.lon) << ',' << num(r.area_km2) << ',' << num(r.land_km2) << ',' << num(r.population) << ','
        << num(r.registered) << ',' << num(r.capital) << ',' << num(r.gdp);
    if (common)
      out << ',' << num(r.productivity[0]);
    else
      for (double a : r.productivity) out << ',' << num(a);
    out << ',' << num(r.amenity) << ',' << csv::quote(tags);
    if (drifts)
      out << ',' << num(r.productivity_drift) << ',' << num(r.amenity_drift) << ','
          << (std::isnan(r.natural_growth) ? std::string() : num(r.natural_growth));
    if (wedges)
      out << ',' << num(r.capital_friction) << ',' << num(r.capital_friction_drift) << ','
          << num(r.capital_rent_lagged);
    out << '\n';
  }
  if (!out.flush()) throw InputError(fmt::format("{}: writing the region CSV failed (disk full?)", path));
}

}  // namespace regio
