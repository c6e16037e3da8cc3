// The policy language: value tables, YAML parsing with file:line errors, YAML output and docs.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "regio/error.hpp"
#include "regio/parameters.hpp"
#include "regio/policy.hpp"
#include "regio/policy_kind.hpp"
#include "regio/scenario.hpp"
#include "regio/yaml_reader.hpp"

namespace regio {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

const std::vector<std::string>& transport_modes() {
  static const std::vector<std::string> modes = {"road", "rail", "high_speed_rail", "waterway"};
  return modes;
}

double NetworkParams::mode_cost(const std::string& mode) const {
  if (mode == "road") return road;
  if (mode == "rail") return rail;
  if (mode == "high_speed_rail") return high_speed_rail;
  if (mode == "waterway") return waterway;
  throw InputError(fmt::format("unknown transport mode '{}' (use road, rail, high_speed_rail or waterway)", mode));
}

bool Policy::selects(std::int64_t region_index) const {
  return std::binary_search(selected.begin(), selected.end(), region_index);
}

std::string Policy::describe() const {
  return fmt::format("{} ({} at epoch {}{}, line {})", name.empty() ? kind + " policy" : "'" + name + "'", kind, epoch,
                     year >= 0 ? fmt::format(", year {}", year) : "", line);
}

namespace {

struct PolicyReader : YamlReader {
  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a single value", what));
    return n.Scalar();
  }
  double number(const YAML::Node& n, const std::string& what) const {
    const std::string text = scalar(n, what);
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, fmt::format("'{}' must be a number, got '{}'", what, text));
    }
    if (!std::isfinite(v)) fail(n, fmt::format("'{}' must be a finite number, got '{}'", what, text));
    return v;
  }
  int integer(const YAML::Node& n, const std::string& what) const {
    const double v = number(n, what);
    if (v != std::floor(v) || std::abs(v) > 1e6)
      fail(n, fmt::format("'{}' must be an integer, got '{}'", what, n.Scalar()));
    return static_cast<int>(v);
  }
  // A list of names; a single name is accepted as a one-element list.
  std::vector<std::string> names(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) fail(n, fmt::format("'{}' must be a list of names", what));
    for (const auto& e : n) out.push_back(scalar(e, what));
    if (out.empty()) fail(n, fmt::format("'{}' is an empty list", what));
    return out;
  }
  [[noreturn]] void unknown(const YAML::Node& k, const std::string& key, const std::vector<std::string>& valid,
                            const std::string& where) const {
    const std::string near = nearest(key, valid);
    fail(k, fmt::format("unknown key '{}' in {}{}", key, where,
                        near.empty() ? fmt::format(" (valid: {})", fmt::join(valid, ", "))
                                     : fmt::format(" (did you mean '{}'?)", near)));
  }
};

TransportLinkSpec parse_link(const PolicyReader& rd, const YAML::Node& n) {
  if (!n.IsMap()) rd.fail(n, "each entry of 'links' must be a mapping {from: ID, to: ID, mode: MODE[, km: KM]}");
  TransportLinkSpec link;
  link.line = rd.line(n);
  const std::vector<std::string> valid = {"from", "to", "mode", "km"};
  std::set<std::string> seen;
  for (const auto& kv : n) {
    const std::string key = rd.scalar(kv.first, "link key");
    if (!seen.insert(key).second) rd.fail(kv.first, fmt::format("key '{}' appears twice in a link", key));
    if (key == "from")
      link.from = rd.scalar(kv.second, "from");
    else if (key == "to")
      link.to = rd.scalar(kv.second, "to");
    else if (key == "mode")
      link.mode = rd.scalar(kv.second, "mode");
    else if (key == "km") {
      link.km = rd.number(kv.second, "km");
      if (!(link.km > 0))
        rd.fail(kv.second,
                fmt::format("link km = {} must be > 0 (omit it for the great-circle distance)", kv.second.Scalar()));
    } else
      rd.unknown(kv.first, key, valid, "a link");
  }
  for (const char* k : {"from", "to", "mode"})
    if (!seen.count(k)) rd.fail(n, fmt::format("a link lacks '{}' (give from, to and mode)", k));
  const auto& modes = transport_modes();
  if (std::find(modes.begin(), modes.end(), link.mode) == modes.end()) {
    const std::string near = nearest(link.mode, modes);
    rd.fail(n, fmt::format("unknown transport mode '{}'{} (use {})", link.mode,
                           near.empty() ? "" : fmt::format(", did you mean '{}'?", near), fmt::join(modes, ", ")));
  }
  if (link.from == link.to) rd.fail(n, fmt::format("a link joins '{}' to itself", link.from));
  return link;
}

// The kind named by entry `index`, looked up once; an unknown name fails with the nearest one.
const PolicyKind& read_kind(const PolicyReader& rd, const YAML::Node& n, std::size_t index, Policy& p) {
  const auto& kinds = policy_kinds();
  if (!n["kind"]) rd.fail(n, fmt::format("policies[{}] lacks 'kind' (one of {})", index, fmt::join(kinds, ", ")));
  p.kind = rd.scalar(n["kind"], "kind");
  const PolicyKind* kind = find_policy_kind(p.kind);
  if (!kind) {
    const std::string near = nearest(p.kind, kinds);
    rd.fail(n["kind"],
            fmt::format("unknown policy kind '{}'{} (one of {})", p.kind,
                        near.empty() ? "" : fmt::format(", did you mean '{}'?", near), fmt::join(kinds, ", ")));
  }
  return *kind;
}

// The keys an entry of `kind` takes, in the order an unknown-key message lists them.
std::vector<std::string> valid_keys(const PolicyKind& kind) {
  std::vector<std::string> valid = {"kind", "name", "epoch", "year", "all", "regions", "provinces", "tags", "exclude"};
  if (kind.target() == PolicyTarget::Links) valid = {"kind", "name", "epoch", "year", "links"};
  if (kind.takes_sectors()) valid.push_back("sectors");
  if (kind.target() == PolicyTarget::SelectionOrPairs) valid.push_back("pairs");
  const auto values = kind.value_keys();
  valid.insert(valid.end(), values.begin(), values.end());
  return valid;
}

void read_exclude(const PolicyReader& rd, const YAML::Node& v, PolicySelection& select) {
  if (!v.IsMap()) rd.fail(v, "'exclude' must be a mapping with regions, provinces and/or tags");
  for (const auto& e : v) {
    const std::string ek = rd.scalar(e.first, "exclude key");
    if (ek == "regions")
      select.exclude_regions = rd.names(e.second, "exclude.regions");
    else if (ek == "provinces")
      select.exclude_provinces = rd.names(e.second, "exclude.provinces");
    else if (ek == "tags")
      select.exclude_tags = rd.names(e.second, "exclude.tags");
    else
      rd.unknown(e.first, ek, {"regions", "provinces", "tags"}, "'exclude'");
  }
}

void read_pairs(const PolicyReader& rd, const YAML::Node& v, Policy& p) {
  if (!v.IsSequence() || v.size() == 0) rd.fail(v, "'pairs' must be a list of [province, province] pairs");
  for (const auto& pair : v) {
    if (!pair.IsSequence() || pair.size() != 2)
      rd.fail(pair, "each entry of 'pairs' must be a two-element list [province, province]");
    p.pairs.push_back({rd.scalar(pair[0], "pairs"), rd.scalar(pair[1], "pairs")});
    if (p.pairs.back()[0] == p.pairs.back()[1])
      rd.fail(pair, fmt::format("pair [{0}, {0}] names one province twice", p.pairs.back()[0]));
  }
}

// A value key of the kind, checked against its range.
void read_value(const PolicyReader& rd, const std::string& key, const YAML::Node& v, const PolicyValueSpec& spec,
                Policy& p) {
  const double x = spec.integer ? rd.integer(v, key) : rd.number(v, key);
  const bool ok = (spec.lo_open ? x > spec.lo : x >= spec.lo) && (spec.hi_open ? x < spec.hi : x <= spec.hi);
  if (!ok)
    rd.fail(v, fmt::format("{} = {} is out of range {}{}, {}{}: {}", key, v.Scalar(), spec.lo_open ? "(" : "[",
                           format_number(spec.lo), spec.hi == kInf ? "inf" : format_number(spec.hi),
                           spec.hi_open || spec.hi == kInf ? ")" : "]", spec.doc));
  p.values[key] = x;
}

// One key of an entry (already known to be valid for its kind).
void read_key(const PolicyReader& rd, const std::string& key, const YAML::Node& v, const PolicyKind& kind, Policy& p) {
  if (key == "kind") return;
  if (key == "name")
    p.name = rd.scalar(v, "name");
  else if (key == "epoch") {
    p.epoch = rd.integer(v, "epoch");
    if (p.epoch < 0) rd.fail(v, fmt::format("epoch = {} must be >= 0 (epoch 0 is start_year)", p.epoch));
  } else if (key == "year")
    p.year = rd.integer(v, "year");
  else if (key == "all") {
    bool b = false;
    if (!YAML::convert<bool>::decode(v, b)) rd.fail(v, "'all' must be true or false");
    p.select.all = b;
  } else if (key == "regions")
    p.select.regions = rd.names(v, "regions");
  else if (key == "provinces")
    p.select.provinces = rd.names(v, "provinces");
  else if (key == "tags")
    p.select.tags = rd.names(v, "tags");
  else if (key == "exclude")
    read_exclude(rd, v, p.select);
  else if (key == "sectors")
    p.sectors = rd.names(v, "sectors");
  else if (key == "pairs")
    read_pairs(rd, v, p);
  else if (key == "links") {
    if (!v.IsSequence() || v.size() == 0) rd.fail(v, "'links' must be a non-empty list of {from, to, mode[, km]}");
    for (const auto& l : v) p.links.push_back(parse_link(rd, l));
  } else
    read_value(rd, key, v, *kind.value_spec(key), p);
}

// What the entry applies to and whether it sets anything, then the kind's own checks.
void check_entry(const PolicyReader& rd, const YAML::Node& n, std::size_t index, const PolicyKind& kind,
                 const Policy& p) {
  if (kind.target() == PolicyTarget::Links) {
    if (p.links.empty()) rd.fail(n, fmt::format("policies[{}] ({}) needs 'links'", index, p.kind));
    return;
  }
  const bool has_selection = !p.select.empty();
  if (kind.target() == PolicyTarget::SelectionOrPairs) {
    if (has_selection == !p.pairs.empty())
      rd.fail(n, fmt::format("policies[{}] ({}) needs either 'pairs' or a selection (all/regions/provinces/tags) "
                             "whose provinces are integrated with each other, not both",
                             index, p.kind));
  } else if (!has_selection) {
    rd.fail(n,
            fmt::format("policies[{}] ({}) needs a selection: all: true, regions, provinces or tags", index, p.kind));
  }
  if (!kind.sets_something(p))
    rd.fail(n, fmt::format("policies[{}] ({}) sets nothing: give {}", index, p.kind,
                           fmt::join(kind.value_keys(), " and/or ")));
  if (const std::string why = kind.inconsistency(p, index); !why.empty()) rd.fail(n, why);
}

Policy parse_policy(const PolicyReader& rd, const YAML::Node& n, std::size_t index) {
  if (!n.IsMap())
    rd.fail(n, fmt::format("policies[{}] must be a mapping with kind, epoch (or year) and a selection", index));
  Policy p;
  p.line = rd.line(n);
  p.file = rd.file;
  const PolicyKind& kind = read_kind(rd, n, index, p);
  const std::vector<std::string> valid = valid_keys(kind);
  std::set<std::string> seen;
  const std::string where = fmt::format("a {} policy", p.kind);
  for (const auto& kv : n) {
    const std::string key = rd.scalar(kv.first, "policy key");
    if (!seen.insert(key).second) rd.fail(kv.first, fmt::format("key '{}' appears twice in policies[{}]", key, index));
    if (std::find(valid.begin(), valid.end(), key) == valid.end()) rd.unknown(kv.first, key, valid, where);
    read_key(rd, key, kv.second, kind, p);
  }
  if (seen.count("epoch") == seen.count("year"))
    rd.fail(n, fmt::format("policies[{}] ({}) needs exactly one of 'epoch' or 'year' (when it takes effect)", index,
                           p.kind));
  check_entry(rd, n, index, kind, p);
  return p;
}

}  // namespace

std::vector<Policy> parse_policies(const YAML::Node& list, const std::string& file) {
  PolicyReader rd{file};
  if (list.IsNull()) return {};
  if (!list.IsSequence()) rd.fail(list, "'policies' must be a list of policy mappings (- kind: ..., epoch: ..., ...)");
  std::vector<Policy> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(parse_policy(rd, list[i], i));
  return out;
}

std::string policies_to_yaml(const std::vector<Policy>& policies, int indent) {
  if (policies.empty()) return "";
  const std::string pad(indent, ' ');
  auto quoted = [](const std::string& s) {
    YAML::Emitter e;
    e << YAML::DoubleQuoted << s;
    return std::string(e.c_str());
  };
  auto list = [&](const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quoted(v[i]);
    return out + "]";
  };
  std::ostringstream o;
  o << pad << "policies:\n";
  for (const auto& p : policies) {
    o << pad << "  - kind: " << p.kind << "\n";
    if (!p.name.empty()) o << pad << "    name: " << quoted(p.name) << "\n";
    if (p.year >= 0)
      o << pad << "    year: " << p.year << "\n";
    else
      o << pad << "    epoch: " << p.epoch << "\n";
    if (p.select.all) o << pad << "    all: true\n";
    if (!p.select.regions.empty()) o << pad << "    regions: " << list(p.select.regions) << "\n";
    if (!p.select.provinces.empty()) o << pad << "    provinces: " << list(p.select.provinces) << "\n";
    if (!p.select.tags.empty()) o << pad << "    tags: " << list(p.select.tags) << "\n";
    const auto& s = p.select;
    if (!s.exclude_regions.empty() || !s.exclude_provinces.empty() || !s.exclude_tags.empty()) {
      o << pad << "    exclude:\n";
      if (!s.exclude_regions.empty()) o << pad << "      regions: " << list(s.exclude_regions) << "\n";
      if (!s.exclude_provinces.empty()) o << pad << "      provinces: " << list(s.exclude_provinces) << "\n";
      if (!s.exclude_tags.empty()) o << pad << "      tags: " << list(s.exclude_tags) << "\n";
    }
    if (!p.sectors.empty()) o << pad << "    sectors: " << list(p.sectors) << "\n";
    if (!p.pairs.empty()) {
      o << pad << "    pairs:\n";
      for (const auto& pr : p.pairs) o << pad << "      - " << list({pr[0], pr[1]}) << "\n";
    }
    if (!p.links.empty()) {
      o << pad << "    links:\n";
      for (const auto& l : p.links)
        o << pad << "      - {from: " << quoted(l.from) << ", to: " << quoted(l.to) << ", mode: " << l.mode
          << (l.km > 0 ? ", km: " + format_number(l.km) : "") << "}\n";
    }
    for (const auto& [k, v] : p.values) o << pad << "    " << k << ": " << format_number(v) << "\n";
  }
  return o.str();
}

std::string policies_markdown() {
  std::ostringstream md;
  md << "\n## Policies (each entry of `policies:`, MODEL.md §4)\n\n"
        "Every entry has `kind`, `epoch` (0 = start_year) or `year`, and — except `infrastructure` — a selection: "
        "`all: true`, `regions: [ids]`, `provinces: [names]`, `tags: [tags]` (their union), minus "
        "`exclude: {regions, provinces, tags}`. `market_integration` takes `pairs: [[A, B], ...]` instead of a "
        "selection, or integrates all provinces of the selection with each other; `infrastructure` takes "
        "`links: [{from: ID, to: ID, mode: road|rail|high_speed_rail|waterway, km: KM}]`; `productivity` may "
        "name `sectors: [...]` (default: all). A policy takes effect at the start of its epoch and stays "
        "until a later policy of the same kind changes the same thing. See docs/policies.md.\n\n"
        "| kind | key | symbol | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& v : policy_values())
    md << fmt::format("| {} | `{}` | {} | {}{}, {}{} | {} |\n", v.kind, v.key, markdown_cell(v.symbol),
                      v.lo_open ? "(" : "[", format_number(v.lo), v.hi == kInf ? "inf" : format_number(v.hi),
                      v.hi_open || v.hi == kInf ? ")" : "]", markdown_cell(v.doc));
  return md.str();
}

}  // namespace regio
