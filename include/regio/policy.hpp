#pragma once
// Policies (MODEL.md §4): the `policies:` list of a scenario. Each entry names the epoch (or
// year) at whose start it takes effect, its kind, a selection of regions and its values.
//
// Life of a policy:
//   1. parse_policies (YAML, every rank alike): keys, types and ranges, with file:line errors;
//      each kind is one registered class (policy_kind.hpp) that declares its value keys;
//      policy_values() collects them and generates the docs (docs/parameters.md, "Policies").
//   2. resolve_policies (rank 0, before distribution): region ids, provinces, tags, sectors,
//      province pairs and link endpoints are checked against the region CSV and replaced by
//      indices; the epoch must lie inside the run. Errors name the scenario file and line.
//   3. The resolved list travels with the Scenario; PolicySchedule (policy_schedule.hpp)
//      applies it: region values (ρ_d, h_d, H_i, ζ_i, Ā_is shocks) once at their epoch, and the
//      national regime (border costs, transport links, fiscal rules, home bias, extra growth)
//      as a pure function of the epoch, so a restart rebuilds it from the list alone.
#include <boost/serialization/array.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace regio {

struct Region;
struct Scenario;

// Which regions a policy applies to: the union of `all`, `regions` (ids), `provinces` and
// `tags`, minus the `exclude:` lists.
struct PolicySelection {
  bool all = false;
  std::vector<std::string> regions, provinces, tags;
  std::vector<std::string> exclude_regions, exclude_provinces, exclude_tags;
  bool empty() const { return !all && regions.empty() && provinces.empty() && tags.empty(); }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& all& regions& provinces& tags& exclude_regions& exclude_provinces& exclude_tags;
  }
};

// A transport link (infrastructure policy or network file): an undirected edge whose cost is
// km × the mode's cost factor (network.* parameters); km defaults to the great-circle distance.
struct TransportLinkSpec {
  std::string from, to, mode;
  double km = 0;  // 0: great-circle distance between the two centroids
  int line = 0;
  std::int64_t from_index = -1, to_index = -1;  // resolved
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& from& to& mode& km& line& from_index& to_index;
  }
};

struct Policy {
  std::string kind;  // name of a registered kind (policy_kind.hpp): hukou, infrastructure, ...
  std::string name;  // optional label shown in the log
  int epoch = -1;    // resolved start epoch (from `epoch:` or `year:` − start_year)
  int year = -1;     // as given (-1: not given)
  int line = 0;      // line of the entry in the scenario file
  std::string file;  // that file (a `base:` scenario's policies keep theirs)
  PolicySelection select;
  std::map<std::string, double> values;           // validated against policy_values()
  std::vector<std::string> sectors;               // productivity: sectors hit (empty: all)
  std::vector<std::array<std::string, 2>> pairs;  // market_integration: province pairs
  std::vector<TransportLinkSpec> links;           // infrastructure
  // Filled by resolve_policies:
  std::vector<std::int64_t> selected;               // region indices (CSV order, sorted)
  std::vector<int> sector_index;                    // sectors hit (all if `sectors` empty)
  std::vector<std::pair<int, int>> province_pairs;  // indices into the province list

  bool has(const std::string& key) const { return values.count(key) != 0; }
  double value(const std::string& key) const { return values.at(key); }
  bool selects(std::int64_t region_index) const;  // binary search in `selected`
  std::string describe() const;                   // "'megacity caps' (hukou at epoch 3, year 2023, line 41)"

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& kind& name& epoch& year& line& file& select& values& sectors& pairs& links& selected& sector_index&
        province_pairs;
  }
};

// One value key of one policy kind (the single source of truth for names, ranges and docs),
// declared by its kind (src/economics/policy/kinds/).
struct PolicyValueSpec {
  std::string kind, key;
  double lo, hi;
  bool lo_open, hi_open;
  bool integer;
  std::string symbol, doc;
};
// Every kind's value keys, kind by kind; the kinds' names. Both in registration order.
const std::vector<PolicyValueSpec>& policy_values();
const std::vector<std::string>& policy_kinds();
// Transport modes and their scenario parameter (network.<mode>: cost factor per km).
const std::vector<std::string>& transport_modes();

// Markdown documentation of the policy language (appended to docs/parameters.md).
std::string policies_markdown();

// Parse the `policies:` list (syntax, keys, types, ranges; not yet the region names).
std::vector<Policy> parse_policies(const YAML::Node& list, const std::string& file);

// Resolve selections, sectors, pairs, links and epochs against the regions (rank 0). Throws
// InputError naming the scenario file and line.
void resolve_policies(Scenario& sc, const std::vector<Region>& regions);

// YAML text of the policies (run.yaml records what was run).
std::string policies_to_yaml(const std::vector<Policy>& policies, int indent);

}  // namespace regio
