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
#include "regio/region.hpp"

namespace regio {
namespace {

enum class Rule { Positive, NonNegative, Latitude, Longitude };

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
};
const char* kTextColumns[] = {"id", "name", "province", "tags"};

}  // namespace

std::vector<Region> parse_regions(const std::string& text, const std::string& file,
                                  const std::vector<std::string>& sectors) {
  const auto rows = csv::parse(text, file);
  if (rows.empty())
    throw InputError(located(file, 1, "the region CSV is empty (it needs a header and one row per region)"));

  // ---- header
  std::map<std::string, std::size_t> col;
  std::vector<std::string> valid;
  for (auto* t : kTextColumns) valid.push_back(t);
  for (const auto& c : kNumeric) valid.push_back(c.name);
  valid.push_back("productivity");
  for (const auto& s : sectors) valid.push_back("productivity_" + s);
  const int hline = rows[0].line;
  for (std::size_t j = 0; j < rows[0].fields.size(); ++j) {
    std::string name = rows[0].fields[j];
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (j == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // UTF-8 BOM
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      const std::string near = nearest(name, valid);
      throw InputError(located(
          file, hline,
          fmt::format("unknown column '{}'{} (valid columns: id,name,province,lat,lon,area_km2,land_km2,population,"
                      "registered,capital,gdp,productivity|productivity_<sector>,amenity,tags)",
                      name, near.empty() ? "" : fmt::format(", did you mean '{}'?", near))));
    }
    if (!col.emplace(name, j).second)
      throw InputError(located(file, hline, fmt::format("column '{}' appears twice in the header", name)));
  }
  auto require = [&](const std::string& c) {
    if (!col.count(c)) throw InputError(located(file, hline, fmt::format("missing required column '{}'", c)));
  };
  require("id");
  require("province");
  for (const auto& c : kNumeric)
    if (c.required) require(c.name);
  const bool common_productivity = col.count("productivity") > 0;
  std::vector<std::size_t> prod_col;
  for (const auto& s : sectors) {
    auto it = col.find("productivity_" + s);
    if (it != col.end())
      prod_col.push_back(it->second);
    else if (common_productivity)
      prod_col.push_back(col["productivity"]);
    else
      throw InputError(located(
          file, hline, fmt::format("missing column 'productivity' (or 'productivity_{}' for sector '{}')", s, s)));
  }

  // ---- rows
  std::vector<Region> regions;
  std::map<std::string, int> seen_ids;
  for (std::size_t k = 1; k < rows.size(); ++k) {
    const auto& row = rows[k];
    if (row.fields.size() != rows[0].fields.size())
      throw InputError(
          located(file, row.line,
                  fmt::format("region '{}': has {} fields but the header has {} (a stray comma, or a name with a comma "
                              "that needs quotes?)",
                              col.count("id") && col["id"] < row.fields.size() ? row.fields[col["id"]] : "?",
                              row.fields.size(), rows[0].fields.size())));
    auto field = [&](const std::string& c) -> std::string {
      auto it = col.find(c);
      return it == col.end() ? std::string() : row.fields[it->second];
    };
    Region r;
    r.index = static_cast<std::int64_t>(regions.size());
    r.csv_line = row.line;
    r.id = field("id");
    if (r.id.empty()) throw InputError(located(file, row.line, "empty region id"));
    r.name = field("name").empty() ? r.id : field("name");
    r.province = field("province");
    const std::string who = fmt::format("region '{}'", r.id);
    if (r.province.empty()) throw InputError(located(file, row.line, who + ": empty province"));
    if (auto [it, fresh] = seen_ids.emplace(r.id, row.line); !fresh)
      throw InputError(located(
          file, row.line, fmt::format("{}: duplicate id (first on line {}); ids must be unique", who, it->second)));

    auto number = [&](const std::string& c, std::size_t j, Rule rule) {
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
      }
      if (!ok)
        throw InputError(located(file, row.line, fmt::format("{}: column '{}' = '{}' must be {}", who, c, f, want)));
      return v;
    };
    for (const auto& c : kNumeric) {
      auto it = col.find(c.name);
      if (it == col.end() || (!c.required && row.fields[it->second].find_first_not_of(" \t") == std::string::npos))
        continue;  // optional and blank: keep the default
      r.*c.field = number(c.name, it->second, c.rule);
    }
    if (r.registered == 0) r.registered = r.population;
    if (r.land_km2 > r.area_km2 * (1 + 1e-9))
      throw InputError(
          located(file, row.line,
                  fmt::format("{}: land_km2 = {} exceeds area_km2 = {} (developable land is part of the area)", who,
                              r.land_km2, r.area_km2)));
    for (std::size_t s = 0; s < sectors.size(); ++s)
      r.productivity.push_back(number(rows[0].fields[prod_col[s]], prod_col[s], Rule::Positive));
    std::string tags = field("tags");
    for (char& c : tags)
      if (c == ';' || c == '|') c = ' ';
    std::istringstream ts(tags);
    for (std::string t; ts >> t;) r.tags.push_back(t);
    regions.push_back(std::move(r));
  }
  if (regions.empty()) throw InputError(located(file, hline, "the region CSV has a header but no regions"));
  return regions;
}

std::vector<Region> load_regions(const std::string& path, const std::vector<std::string>& sectors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the region CSV (check 'regions:' in the scenario)", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_regions(buf.str(), path, sectors);
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
  out << ",amenity,tags\n";
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
    out << ',' << num(r.amenity) << ',' << csv::quote(tags) << '\n';
  }
  if (!out.flush()) throw InputError(fmt::format("{}: writing the region CSV failed (disk full?)", path));
}

}  // namespace regio
