// Scenario parameters set after loading, and subsets of a scenario's policies
// (scenario_overrides.hpp).
#include "regio/scenario_overrides.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "regio/error.hpp"
#include "regio/parameter_reader.hpp"
#include "regio/parameters.hpp"

namespace regio {

namespace {

constexpr std::string_view kSectorPrefix = "sectors.";
constexpr const char* kEverySector = "*";

// A key resolved against the parameter tables: a scenario parameter, or a sector parameter of
// the sector `sector` ("*": every sector).
struct KeyTarget {
  const ParamSpec<Scenario>* scenario = nullptr;
  const ParamSpec<SectorParams>* sector = nullptr;
  std::string sector_name;
};

KeyTarget find_key(const std::string& key) {
  KeyTarget t;
  if (key.starts_with(kSectorPrefix)) {
    const std::string rest = key.substr(kSectorPrefix.size());
    const auto dot = rest.rfind('.');
    if (dot == std::string::npos || dot == 0) return t;
    const auto& table = sector_parameters();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == rest.substr(dot + 1); });
    if (it != table.end()) t = {nullptr, &*it, rest.substr(0, dot)};
    return t;
  }
  const auto& table = scenario_parameters();
  const auto it = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == key; });
  if (it != table.end()) t.scenario = &*it;
  return t;
}

std::vector<std::string> valid_keys() {
  std::vector<std::string> keys;
  for (const auto& p : scenario_parameters()) keys.push_back(p.key);
  for (const auto& p : sector_parameters()) keys.push_back(fmt::format("{}{}.{}", kSectorPrefix, kEverySector, p.key));
  return keys;
}

// Keys that members of one ensemble must share: their outputs are set side by side row by row.
const std::set<std::string> kSharedInEnsemble = {"epochs", "regions", "output_format", "solver.petsc_options"};
// Keys a command-line option sets.
const std::map<std::string, std::string> kOptionKeys = {{"output", "--out"}, {"decomposition", "--decomp"}};

template <class Target>
void set_value(Target& target, const ParamSpec<Target>& spec, const ParameterOverride& o, const std::string& file) {
  YAML::Node node;
  try {
    node = YAML::Load(o.value);
  } catch (const YAML::Exception&) {
    throw InputError(located(file, o.line, fmt::format("'{}' = '{}' is not a YAML value", o.key, o.value)));
  }
  const ParameterReader rd{{file, o.line}};
  rd.assign(target, spec, node, o.key);
}

}  // namespace

ParameterOverride parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(fmt::format("--set '{}': write KEY=VALUE, e.g. --set trade.border_cost=2.5", text));
  return {text.substr(0, eq), text.substr(eq + 1), 0};
}

std::string override_text(const ParameterOverride& o) { return o.key + "=" + o.value; }

std::string override_key_problem(const std::string& key, bool ensemble) {
  const KeyTarget t = find_key(key);
  if (!t.scenario && !t.sector) {
    const std::string near = nearest(key, valid_keys());
    return fmt::format("unknown parameter '{}'{}", key,
                       near.empty() ? " (docs/parameters.md lists them; a sector's: sectors.<name>.<key>)"
                                    : fmt::format(" (did you mean '{}'?)", near));
  }
  if (t.sector && (t.sector->kind == ParamKind::Shares || t.sector->key == "name"))
    return fmt::format("'{}' cannot be set on its own: change the scenario's sectors list", key);
  if (const auto it = kOptionKeys.find(key); it != kOptionKeys.end())
    return fmt::format("'{}' is set by the command line option {}", key, it->second);
  if (ensemble && kSharedInEnsemble.count(key))
    return fmt::format("'{}' must be the same for every member of an ensemble{}", key,
                       key == "epochs" ? " (give the spec's `epochs:` or --epochs)" : "");
  return "";
}

ParamKind override_kind(const std::string& key) {
  const KeyTarget t = find_key(key);
  return t.scenario ? t.scenario->kind : t.sector->kind;
}

bool override_is_path(const std::string& key) {
  const KeyTarget t = find_key(key);
  return t.scenario && t.scenario->unit == "path";
}

Range override_range(const std::string& key) {
  const KeyTarget t = find_key(key);
  return t.scenario ? t.scenario->range : t.sector->range;
}

void apply_overrides(Scenario& s, const std::vector<ParameterOverride>& overrides, const std::string& file, int line) {
  for (const auto& o : overrides) {
    if (const std::string problem = override_key_problem(o.key, false); !problem.empty())
      throw InputError(located(file, o.line, problem));
    const KeyTarget t = find_key(o.key);
    if (t.scenario) {
      set_value(s, *t.scenario, o, file);
      continue;
    }
    bool found = false;
    for (auto& sector : s.sectors)
      if (t.sector_name == kEverySector || sector.name == t.sector_name) {
        set_value(sector, *t.sector, o, file);
        found = true;
      }
    if (!found) {
      std::vector<std::string> names;
      for (const auto& sector : s.sectors) names.push_back(sector.name);
      throw InputError(located(file, o.line,
                               fmt::format("'{}': the scenario has no sector '{}' (its sectors: {}; `*`: every sector)",
                                           o.key, t.sector_name, fmt::join(names, ", "))));
    }
  }
  s.validate(line > 0 ? fmt::format("{}:{}", file, line) : file);
}

std::vector<int> parse_policy_positions(const std::string& text, std::size_t count) {
  std::set<int> positions;
  if (text == "none") return {};
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    int k = 0;
    try {
      std::size_t used = 0;
      k = std::stoi(item, &used);
      if (used != item.size()) k = 0;
    } catch (const std::exception&) {
      k = 0;
    }
    if (k < 1 || static_cast<std::size_t>(k) > count)
      throw InputError(fmt::format(
          "--policies '{}': '{}' is not a policy of the scenario (1-based positions in its policies list, 1..{}, "
          "comma-separated; `none` for none)",
          text, item, count));
    positions.insert(k - 1);
    start = end + 1;
  }
  return {positions.begin(), positions.end()};
}

std::string policy_positions_text(const std::vector<int>& positions) {
  if (positions.empty()) return "none";
  std::vector<int> one_based;
  for (int k : positions) one_based.push_back(k + 1);
  return fmt::format("{}", fmt::join(one_based, ","));
}

void keep_policies(Scenario& s, const std::vector<int>& positions) {
  std::vector<Policy> kept;
  for (std::size_t k = 0; k < s.policies.size(); ++k)
    if (std::find(positions.begin(), positions.end(), static_cast<int>(k)) != positions.end())
      kept.push_back(s.policies[k]);
  s.policies = std::move(kept);
}

std::vector<std::string> policy_labels(const Scenario& s) {
  std::vector<std::string> labels;
  std::map<std::string, int> uses;
  for (const auto& p : s.policies) ++uses[labels.emplace_back(p.name.empty() ? p.kind : p.name)];
  for (std::size_t k = 0; k < labels.size(); ++k)
    if (uses[labels[k]] > 1) labels[k] += fmt::format(" #{}", k + 1);
  return labels;
}

}  // namespace regio
