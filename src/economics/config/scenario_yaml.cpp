// Scenario YAML: loading with file:line errors, unknown-key detection, defaults and validation,
// all driven by the parameter table.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "regio/error.hpp"
#include "regio/input_file.hpp"
#include "regio/parameter_reader.hpp"
#include "regio/parameters.hpp"
#include "regio/scenario.hpp"
#include "regio/sector_shares.hpp"
#include "regio/yaml_reader.hpp"

namespace regio {

namespace {

constexpr const char* kSectorsKey = "sectors";
constexpr const char* kPoliciesKey = "policies";
constexpr const char* kBaseKey = "base";
int base_depth = 0;  // `base:` chains (a guard against cycles)

using Reader = ParameterReader;

template <class Target>
std::vector<std::string> keys_of(const std::vector<ParamSpec<Target>>& table) {
  std::vector<std::string> keys;
  for (const auto& p : table) keys.push_back(p.key);
  return keys;
}

template <class Target>
void apply_defaults(Target& t, const std::vector<ParamSpec<Target>>& table) {
  for (const auto& p : table) {
    if (p.kind == ParamKind::Text) {
      if (p.set_text) p.set_text(t, p.default_text);
    } else if (!p.default_text.empty()) {
      double v = p.default_text == "true" ? 1 : p.default_text == "false" ? 0 : std::stod(p.default_text);
      p.set_number(t, v);
    }
  }
}

SectorParams parse_sector(const Reader& rd, const YAML::Node& node, std::size_t index,
                          const std::vector<std::string>& names) {
  if (!node.IsMap()) rd.fail(node, fmt::format("sectors[{}] must be a mapping of sector parameters", index));
  SectorParams s;
  apply_defaults(s, sector_parameters());
  const auto& table = sector_parameters();
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = rd.key(kv.first);
    if (seen.count(key)) rd.fail(kv.first, fmt::format("key 'sectors[{}].{}' appears twice; keep one", index, key));
    auto it = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == key; });
    if (it == table.end()) {
      const std::string near = nearest(key, keys_of(table));
      rd.fail(kv.first, fmt::format("unknown sector key 'sectors[{}].{}'{}", index, key,
                                    near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    const std::string shown = fmt::format("sectors[{}].{}", index, key);
    if (it->kind == ParamKind::Shares)
      it->set_list(s, parse_sector_shares(kv.second, rd.file, shown, names));
    else
      rd.assign(s, *it, kv.second, shown);
    seen.insert(key);
  }
  for (const auto& p : table) {
    if ((p.required() || p.key == "name") && !seen.count(p.key))
      rd.fail(node, fmt::format("sectors[{}] lacks required key '{}': {}", index, p.key, p.doc));
  }
  if (const std::string problem = share_problem(s); !problem.empty())
    rd.fail(node, fmt::format("sectors[{}] ('{}'): {}", index, s.name, problem));
  return s;
}

// The sector names of a `sectors:` list, for intermediate_shares given by name.
std::vector<std::string> sector_names(const YAML::Node& list) {
  std::vector<std::string> names;
  for (const auto& node : list)
    names.push_back(node.IsMap() && node["name"] && node["name"].IsScalar() ? node["name"].Scalar() : "");
  return names;
}

}  // namespace

Scenario Scenario::defaults() {
  Scenario s;
  apply_defaults(s, scenario_parameters());
  s.sectors = default_sectors();
  return s;
}

bool Scenario::uses_capital() const {
  return std::any_of(sectors.begin(), sectors.end(), [](const auto& s) { return s.capital_share > 0; });
}

bool Scenario::uses_intermediates() const {
  return std::any_of(sectors.begin(), sectors.end(), [](const auto& s) { return s.uses_intermediates(); });
}

bool Scenario::uses_land() const {
  return households.housing_share > 0 ||
         std::any_of(sectors.begin(), sectors.end(), [](const auto& s) { return s.land_share() > 0; });
}

void Scenario::validate(const std::string& where) const {
  auto fail = [&](const std::string& msg) { throw InputError(located(where, 0, msg)); };
  if (regions.empty()) fail("'regions' (the region CSV) is required");
  if (sectors.empty()) fail("'sectors' must list at least one sector");
  double eta = 0;
  std::set<std::string> names;
  bool any_labor = false;
  for (const auto& s : sectors) {
    if (s.name.empty()) fail("every sector needs a 'name'");
    if (!names.insert(s.name).second) fail(fmt::format("sector name '{}' appears twice", s.name));
    if (s.name.find_first_of(" ,;\"") != std::string::npos)
      fail(fmt::format("sector name '{}' may not contain spaces, commas, semicolons or quotes", s.name));
    if (!s.intermediate_shares.empty() && s.intermediate_shares.size() != sectors.size())
      fail(fmt::format("sector '{}': intermediate_shares has {} entries, one per sector ({}) needed", s.name,
                       s.intermediate_shares.size(), sectors.size()));
    if (const std::string problem = share_problem(s); !problem.empty())
      fail(fmt::format("sector '{}': {}", s.name, problem));
    else if (s.land_share() < -1e-12)
      fail(
          fmt::format("sector '{}': labor_share + capital_share = {} exceeds 1 (the land share "
                      "1 - labor_share - capital_share must be >= 0)",
                      s.name, format_number(s.labor_share + s.capital_share)));
    any_labor = any_labor || s.labor_share > 0;
    eta += s.consumption_share;
  }
  if (!any_labor) fail("at least one sector must use labor (labor_share > 0): labor is the numeraire's market");
  if (std::abs(eta - 1.0) > 1e-9)
    fail(fmt::format("sector consumption_share values sum to {}, they must sum to 1", format_number(eta)));
  if (output_format != "auto" && output_format != "csv" && output_format != "hdf5" && output_format != "both")
    fail(fmt::format("output_format = '{}' must be auto, csv, hdf5 or both", output_format));
  if (solver.kernels != "auto" && solver.kernels != "stored" && solver.kernels != "on_the_fly")
    fail(fmt::format("solver.kernels = '{}' must be auto, stored or on_the_fly", solver.kernels));
  if (external.cold_start != "auto" && external.cold_start != "gradual")
    fail(fmt::format("external.cold_start = '{}' must be auto or gradual", external.cold_start));
  if (solver.kernel_precision != "double" && solver.kernel_precision != "single")
    fail(fmt::format("solver.kernel_precision = '{}' must be double or single", solver.kernel_precision));
  if (!calibration.migrants.empty() && households.stayers())
    fail(
        "calibration.migrants with households.land_income: stayers is not built (the census inversion uses "
        "the residents' own term); calibrate with residents, or drop calibration.migrants");
  if (!calibration.migrants.empty() && !migration.frictions.empty())
    fail("calibration.migrants and migration.frictions both set migration costs: give one of them");
  if (!calibration.trade_shares.empty() && external.enabled)
    fail(
        "calibration.trade_shares with external.enabled is not built (the shares are of purchases from the "
        "provinces; the rest of the world's share would need its own target): calibrate closed, or drop "
        "calibration.trade_shares");
  if (labour.land != "region" && labour.land != "by_group")
    fail(fmt::format("labour.land = '{}' must be region or by_group", labour.land));
  for (const auto& sec : sectors)
    if (!labour.grouped() && !sec.labour_group.empty())
      fail(
          fmt::format("sector '{}' has labour_group '{}' but labour.units is not given: the units file defines the "
                      "groups (docs/labour-groups.md)",
                      sec.name, sec.labour_group));
    else if (labour.grouped() && sec.labour_group.empty())
      fail(fmt::format("sector '{}' has no labour_group: with labour.units every sector pays one group's wage",
                       sec.name));
  if (!labour.grouped() && (labour.land != "region" || !labour.group_costs.empty()))
    fail("labour.land and labour.group_costs need labour.units (the groups)");
  if (households.land_income != "residents" && households.land_income != "stayers")
    fail(fmt::format("households.land_income = '{}' must be residents or stayers", households.land_income));
  if (households.housing_share + households.saving_rate >= 1.0)
    fail(fmt::format(
        "households.housing_share + households.saving_rate = {} must be < 1 (something must be spent on goods)",
        format_number(households.housing_share + households.saving_rate)));
}

namespace {

// The scenario file's YAML document; malformed YAML is an InputError at its line.
YAML::Node load_yaml(const std::string& yaml_text, const std::string& file_label) {
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp's depth guard against stack overflow reports nesting deeper than ~500 as "bad file".
    const std::string what = e.msg == YAML::ErrorMsg::BAD_FILE ? "lists or mappings nested too deeply" : e.msg;
    throw InputError(
        located(file_label, e.mark.line + 1, fmt::format("malformed YAML: {} (check indentation and quoting)", what)));
  }
}

// What the file's keys override: the defaults, or with `base: FILE` another scenario (resolved,
// validated), so that a policy scenario restates only its policies. Its policies come first.
Scenario base_scenario(const Reader& rd, const YAML::Node& root, const std::string& base_dir) {
  const auto base = root[kBaseKey];
  if (!base) return Scenario::defaults();
  if (!base.IsScalar() || base.Scalar().empty()) rd.fail(base, "'base' must be the path of a scenario YAML");
  namespace fs = std::filesystem;
  fs::path path = base.Scalar();
  if (!path.is_absolute()) path = (fs::path(base_dir) / path).lexically_normal();
  if (base_depth >= 8) rd.fail(base, "'base' files nest more than 8 deep (a cycle?)");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    rd.fail(base, fmt::format("'base' = '{}' is not a scenario file (resolved relative to this file: {})",
                              base.Scalar(), path.string()));
  ++base_depth;
  try {
    Scenario s = load_scenario(path.string());
    --base_depth;
    return s;
  } catch (...) {
    --base_depth;
    throw;
  }
}

// Reads a scenario file's top-level keys into the scenario: parameters, `group:` mappings of
// dotted ones, `sectors:` and `policies:`. Unknown keys get the nearest valid one; it records
// which keys the file sets itself (not its `base:`).
class KeyReader {
 public:
  explicit KeyReader(const Reader& rd) : rd_(rd) {
    // Suggestions come from the table's keys, then the list keys, then the groups.
    valid_ = keys_of(table_);
    valid_.push_back(kSectorsKey);
    valid_.push_back(kPoliciesKey);
    valid_.push_back(kBaseKey);
    for (const auto& p : table_)
      if (auto dot = p.key.find('.'); dot != std::string::npos) groups_.insert(p.key.substr(0, dot));
    for (const auto& g : groups_) valid_.push_back(g);
  }

  void read(const YAML::Node& key_node, const YAML::Node& value, Scenario& s) {
    const std::string key = rd_.key(key_node);
    check_unique(key_node, key);
    if (key == kSectorsKey) {
      if (!value.IsSequence()) rd_.fail(value, "'sectors' must be a list of sector mappings");
      s.sectors.clear();
      const auto names = sector_names(value);
      for (std::size_t i = 0; i < value.size(); ++i) s.sectors.push_back(parse_sector(rd_, value[i], i, names));
      return;
    }
    if (key == kBaseKey) return;
    set_here_.insert(key);
    if (key == kPoliciesKey) {
      auto own = parse_policies(value, rd_.file);
      s.policies.insert(s.policies.end(), own.begin(), own.end());
      return;
    }
    if (groups_.count(key)) return read_group(key, value, s);
    auto it = find(key);
    if (it == table_.end()) unknown(key_node, key);
    rd_.assign(s, *it, value, key);
  }

  const std::set<std::string>& set_here() const { return set_here_; }

 private:
  // `trade:` holds trade.* keys; an empty group sets nothing.
  void read_group(const std::string& group, const YAML::Node& value, Scenario& s) {
    if (value.IsNull()) return;
    if (!value.IsMap()) rd_.fail(value, fmt::format("'{}' must be a mapping of {}.* keys", group, group));
    for (const auto& sub : value) {
      const std::string full = group + "." + rd_.key(sub.first);
      check_unique(sub.first, full);
      auto it = find(full);
      if (it == table_.end()) unknown(sub.first, full);
      set_here_.insert(full);
      rd_.assign(s, *it, sub.second, full);
    }
  }

  std::vector<ParamSpec<Scenario>>::const_iterator find(const std::string& key) const {
    return std::find_if(table_.begin(), table_.end(), [&](const auto& p) { return p.key == key; });
  }

  [[noreturn]] void unknown(const YAML::Node& key_node, const std::string& key) const {
    const std::string near = nearest(key, valid_);
    rd_.fail(key_node, fmt::format("unknown key '{}'{}", key,
                                   near.empty() ? " (see docs/parameters.md for the valid keys)"
                                                : fmt::format(" (did you mean '{}'?)", near)));
  }

  // yaml-cpp keeps duplicate keys silently; a repeated key is almost always a mistake.
  void check_unique(const YAML::Node& key_node, const std::string& key) {
    auto [it, fresh] = first_line_.emplace(key, rd_.line(key_node));
    if (!fresh) rd_.fail(key_node, fmt::format("key '{}' appears twice (first on line {}); keep one", key, it->second));
  }

  const Reader& rd_;
  const std::vector<ParamSpec<Scenario>>& table_ = scenario_parameters();
  std::vector<std::string> valid_;
  std::set<std::string> groups_;
  std::map<std::string, int> first_line_;
  std::set<std::string> set_here_;
};

// Paths in the file are relative to the file; those from `base:` are already resolved.
void resolve_paths(Scenario& s, const std::set<std::string>& set_here, const std::string& base_dir) {
  namespace fs = std::filesystem;
  auto resolve = [&](std::string& p, const char* key) {
    if (p.empty() || p == "auto" || fs::path(p).is_absolute() || !set_here.count(key)) return;
    p = (fs::path(base_dir) / p).lexically_normal().string();
  };
  resolve(s.regions, "regions");
  resolve(s.decomposition, "decomposition");
  resolve(s.network.file, "network.file");
  resolve(s.trade.frictions, "trade.frictions");
  resolve(s.migration.frictions, "migration.frictions");
  resolve(s.migration.province_costs, "migration.province_costs");
  resolve(s.calibration.migrants, "calibration.migrants");
  resolve(s.trade.province_scales, "trade.province_scales");
  resolve(s.calibration.trade_shares, "calibration.trade_shares");
  resolve(s.labour.units, "labour.units");
  resolve(s.labour.group_costs, "labour.group_costs");
}

}  // namespace

Scenario parse_scenario(const std::string& yaml_text, const std::string& file_label, const std::string& base_dir) {
  Reader rd{file_label};
  const YAML::Node root = load_yaml(yaml_text, file_label);
  if (!root.IsMap()) rd.fail(root, "a scenario must be a YAML mapping of keys (regions:, epochs:, sectors:, ...)");
  Scenario s = base_scenario(rd, root, base_dir);
  s.source_file = file_label;
  KeyReader keys(rd);
  for (const auto& kv : root) keys.read(kv.first, kv.second, s);
  if (!root["regions"] && !root[kBaseKey]) rd.fail(root, "missing required key 'regions' (path of the region CSV)");
  resolve_paths(s, keys.set_here(), base_dir);
  s.validate(file_label);
  return s;
}

Scenario load_scenario(const std::string& path) {
  const std::string text = read_input_file(path, "scenario file", "check the path");
  return parse_scenario(text, path, input_dir(path));
}

}  // namespace regio
