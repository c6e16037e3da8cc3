#include "regio/hat/counterfactual_spec.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "yaml_fields.hpp"

namespace regio::hat {

namespace fs = std::filesystem;

namespace {

std::string relative_to(const std::string& yaml, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(yaml).parent_path() / path).lexically_normal().string();
}

PairScope read_scope(const YamlFile& y, const YAML::Node& n, const std::string& key) {
  const std::string v = y.choice(n, key, {"all", "domestic", "external"});
  return v == "domestic" ? PairScope::domestic : v == "external" ? PairScope::external : PairScope::all;
}

std::vector<RegionShock> read_region_shocks(const YamlFile& y, const YAML::Node& list, const std::string& key,
                                            bool sectors) {
  if (!list.IsSequence()) y.fail(list, fmt::format("'shocks.{}' must be a list", key));
  std::vector<RegionShock> out;
  for (const auto& item : list) {
    y.require_map(item, "shocks." + key + "[]");
    std::vector<std::string> keys{"regions", "change"};
    if (sectors) keys.push_back("sector");
    y.check_keys(item, keys, "shocks." + key);
    RegionShock s;
    s.line = y.line(item);
    if (!item["change"]) y.fail(item, fmt::format("a '{}' shock needs 'change' (the factor x'/x)", key));
    s.change = y.number(item["change"], "shocks." + key + ".change", 0, 1e6, true);
    if (item["sector"]) s.sector = y.text(item["sector"], "shocks." + key + ".sector");
    if (item["regions"]) {
      if (item["regions"].IsScalar() && item["regions"].Scalar() == "all") {
      } else {
        s.regions = y.text_list(item["regions"], "shocks." + key + ".regions");
      }
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

CounterfactualSpec read_counterfactual(const std::string& path) {
  const YamlFile y = YamlFile::load(path, "counterfactual");
  CounterfactualSpec c;
  c.file = path;
  y.check_keys(y.root, {"base_year", "output", "migration", "shocks", "description"}, "");
  if (!y.root["base_year"]) y.fail(y.root, "missing key 'base_year' (the base-year folder)");
  c.base_year = relative_to(path, y.text(y.root["base_year"], "base_year"));
  if (y.root["output"]) c.output = y.text(y.root["output"], "output");
  if (y.root["migration"]) c.migration = y.boolean(y.root["migration"], "migration");
  if (y.root["description"]) c.description = y.text(y.root["description"], "description");
  if (const YAML::Node sh = y.root["shocks"]) {
    if (sh.IsNull()) return c;
    y.require_map(sh, "shocks");
    y.check_keys(sh, {"trade_costs", "productivity", "amenity", "land", "migration_costs"}, "shocks");
    if (const YAML::Node tc = sh["trade_costs"]) {
      if (!tc.IsSequence()) y.fail(tc, "'shocks.trade_costs' must be a list");
      for (const auto& item : tc) {
        y.require_map(item, "shocks.trade_costs[]");
        y.check_keys(item, {"file", "sector", "change", "pairs"}, "shocks.trade_costs");
        TradeCostShock t;
        t.line = y.line(item);
        if (item["file"]) t.file = relative_to(path, y.text(item["file"], "shocks.trade_costs.file"));
        if (item["change"]) t.change = y.number(item["change"], "shocks.trade_costs.change", 0, 1e6, true);
        if (item["sector"]) t.sector = y.text(item["sector"], "shocks.trade_costs.sector");
        if (item["pairs"]) t.pairs = read_scope(y, item["pairs"], "shocks.trade_costs.pairs");
        if (t.file.empty() == !item["change"])
          y.fail(item, "a trade-cost shock needs either 'file' (pairs and changes) or 'change' (one factor), not both");
        if (!t.file.empty() && item["sector"])
          y.fail(item["sector"], "'sector' goes with 'change'; a trade-cost file names the sector in each row");
        c.trade_costs.push_back(t);
      }
    }
    if (sh["productivity"]) c.productivity = read_region_shocks(y, sh["productivity"], "productivity", true);
    if (sh["amenity"]) c.amenity = read_region_shocks(y, sh["amenity"], "amenity", false);
    if (sh["land"]) c.land = read_region_shocks(y, sh["land"], "land", false);
    if (const YAML::Node mc = sh["migration_costs"]) {
      y.require_map(mc, "shocks.migration_costs");
      y.check_keys(mc, {"within_province", "between_provinces"}, "shocks.migration_costs");
      if (mc["within_province"])
        c.migration_costs.within_province =
            y.number(mc["within_province"], "shocks.migration_costs.within_province", 0, 1e6, true);
      if (mc["between_provinces"])
        c.migration_costs.between_provinces =
            y.number(mc["between_provinces"], "shocks.migration_costs.between_provinces", 0, 1e6, true);
    }
  }
  return c;
}

}  // namespace regio::hat
