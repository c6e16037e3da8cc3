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
#include "regio/parameters.hpp"
#include "regio/scenario.hpp"
#include "regio/sector_shares.hpp"

namespace regio {

std::string located(const std::string& file, int line, const std::string& message) {
  const std::string text = file.empty() ? message
                           : line <= 0  ? fmt::format("{}: {}", file, message)
                                        : fmt::format("{}:{}: {}", file, line, message);
  // One line, whatever the file echoed back (a CSV field or YAML scalar with a newline, a NUL,
  // yaml-cpp quoting a raw control character): control characters are shown escaped.
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if ((u < 0x20 && c != '\t') || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  // std::tolower of a negative char (UTF-8 bytes) is undefined behaviour.
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  auto distance = [&](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  // Only suggest when the typo is plausible: at most a third of the word changed.
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    // The distance is at least the length difference: skip candidates that cannot be within
    // `limit` (a long garbage key would otherwise cost |word| x |candidate| steps each).
    if ((word.size() > c.size() ? word.size() - c.size() : c.size() - word.size()) > limit) continue;
    const std::size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best_d == std::string::npos || best_d > limit) return "";
  return best;
}

namespace {

constexpr const char* kSectorsKey = "sectors";
constexpr const char* kPoliciesKey = "policies";
constexpr const char* kBaseKey = "base";
int base_depth = 0;  // `base:` chains (a guard against cycles)

struct Reader {
  std::string file;

  int line(const YAML::Node& n) const { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
    throw InputError(located(file, line(n), msg));
  }

  // A mapping key as a plain name (yaml-cpp also allows lists or mappings as keys).
  std::string key(const YAML::Node& k) const {
    if (!k.IsScalar()) fail(k, "a key must be a plain name (found a list or mapping used as a key)");
    return k.Scalar();
  }

  template <class Target>
  void assign(Target& target, const ParamSpec<Target>& spec, const YAML::Node& value,
              const std::string& shown_key) const {
    if (!value.IsScalar())
      fail(value, fmt::format("'{}' must be a single value ({}), not a list or mapping", shown_key, spec.doc));
    const std::string text = value.Scalar();
    if (spec.kind == ParamKind::Text) {
      spec.set_text(target, text);
      return;
    }
    double v = 0;
    if (spec.kind == ParamKind::Boolean) {
      bool b = false;
      if (!YAML::convert<bool>::decode(value, b))
        fail(value, fmt::format("'{}' must be true or false, got '{}'", shown_key, text));
      v = b ? 1 : 0;
    } else {
      try {
        v = value.as<double>();
      } catch (const YAML::Exception&) {
        fail(value, fmt::format("'{}' must be a number, got '{}'", shown_key, text));
      }
      if (!std::isfinite(v)) fail(value, fmt::format("'{}' must be a finite number, got '{}'", shown_key, text));
      if (spec.kind == ParamKind::Integer && v != std::floor(v))
        fail(value, fmt::format("'{}' must be an integer, got '{}'", shown_key, text));
      if (!spec.range.contains(v))
        fail(value, fmt::format("'{}' = {} is out of range {}: {}", shown_key, text, spec.range.describe(), spec.doc));
    }
    spec.set_number(target, v);
  }
};

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
  if (households.housing_share + households.saving_rate >= 1.0)
    fail(fmt::format(
        "households.housing_share + households.saving_rate = {} must be < 1 (something must be spent on goods)",
        format_number(households.housing_share + households.saving_rate)));
}

Scenario parse_scenario(const std::string& yaml_text, const std::string& file_label, const std::string& base_dir) {
  Reader rd{file_label};
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp's depth guard against stack overflow reports nesting deeper than ~500 as "bad file".
    const std::string what = e.msg == YAML::ErrorMsg::BAD_FILE ? "lists or mappings nested too deeply" : e.msg;
    throw InputError(
        located(file_label, e.mark.line + 1, fmt::format("malformed YAML: {} (check indentation and quoting)", what)));
  }
  if (!root.IsMap()) rd.fail(root, "a scenario must be a YAML mapping of keys (regions:, epochs:, sectors:, ...)");

  // `base: FILE` starts from another scenario (resolved, validated) and overrides what this file
  // sets: a policy scenario restates only its policies. Its policies come first.
  Scenario s = Scenario::defaults();
  std::set<std::string> set_here;
  if (const auto base = root[kBaseKey]) {
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
      s = load_scenario(path.string());
    } catch (...) {
      --base_depth;
      throw;
    }
    --base_depth;
  }
  s.source_file = file_label;
  const auto& table = scenario_parameters();
  std::vector<std::string> valid = keys_of(table);
  valid.push_back(kSectorsKey);
  valid.push_back(kPoliciesKey);
  valid.push_back(kBaseKey);
  std::set<std::string> groups;
  for (const auto& p : table)
    if (auto dot = p.key.find('.'); dot != std::string::npos) groups.insert(p.key.substr(0, dot));
  for (const auto& g : groups) valid.push_back(g);

  auto unknown = [&](const YAML::Node& key_node, const std::string& key) {
    const std::string near = nearest(key, valid);
    rd.fail(key_node, fmt::format("unknown key '{}'{}", key,
                                  near.empty() ? " (see docs/parameters.md for the valid keys)"
                                               : fmt::format(" (did you mean '{}'?)", near)));
  };
  auto find = [&](const std::string& key) {
    return std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == key; });
  };

  // yaml-cpp keeps duplicate keys silently; a repeated key is almost always a mistake.
  std::map<std::string, int> first_line;
  auto check_unique = [&](const YAML::Node& key_node, const std::string& key) {
    auto [it, fresh] = first_line.emplace(key, rd.line(key_node));
    if (!fresh) rd.fail(key_node, fmt::format("key '{}' appears twice (first on line {}); keep one", key, it->second));
  };
  for (const auto& kv : root) {
    const std::string key = rd.key(kv.first);
    check_unique(kv.first, key);
    if (key == kSectorsKey) {
      if (!kv.second.IsSequence()) rd.fail(kv.second, "'sectors' must be a list of sector mappings");
      s.sectors.clear();
      const auto names = sector_names(kv.second);
      for (std::size_t i = 0; i < kv.second.size(); ++i) s.sectors.push_back(parse_sector(rd, kv.second[i], i, names));
      continue;
    }
    if (key == kBaseKey) continue;
    set_here.insert(key);
    if (key == kPoliciesKey) {
      auto own = parse_policies(kv.second, file_label);
      s.policies.insert(s.policies.end(), own.begin(), own.end());
      continue;
    }
    if (groups.count(key)) {
      if (kv.second.IsNull()) continue;
      if (!kv.second.IsMap()) rd.fail(kv.second, fmt::format("'{}' must be a mapping of {}.* keys", key, key));
      for (const auto& sub : kv.second) {
        const std::string full = key + "." + rd.key(sub.first);
        check_unique(sub.first, full);
        auto it = find(full);
        if (it == table.end()) unknown(sub.first, full);
        set_here.insert(full);
        rd.assign(s, *it, sub.second, full);
      }
      continue;
    }
    auto it = find(key);
    if (it == table.end()) unknown(kv.first, key);
    rd.assign(s, *it, kv.second, key);
  }
  if (!root["regions"] && !root[kBaseKey]) rd.fail(root, "missing required key 'regions' (path of the region CSV)");

  // Paths in the file are relative to the file.
  namespace fs = std::filesystem;
  auto resolve = [&](std::string& p) {
    if (p.empty() || p == "auto" || fs::path(p).is_absolute()) return;
    if (!set_here.count(&p == &s.regions ? "regions" : &p == &s.decomposition ? "decomposition" : "network.file"))
      return;  // from `base:`, already resolved
    p = (fs::path(base_dir) / p).lexically_normal().string();
  };
  resolve(s.regions);
  resolve(s.decomposition);
  resolve(s.network.file);
  s.validate(file_label);
  return s;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot open the scenario file (check the path)", path));
  std::stringstream buf;
  buf << in.rdbuf();
  const auto base = std::filesystem::path(path).parent_path().string();
  return parse_scenario(buf.str(), path, base.empty() ? "." : base);
}

namespace {
template <class Target>
std::string value_text(const ParamSpec<Target>& p, const Target& t) {
  switch (p.kind) {
    case ParamKind::Text: {
      const std::string v = p.get_text(t);
      YAML::Emitter e;
      e << v;
      try {
        if (YAML::Load(std::string(e.c_str()) + "\n").as<std::string>() == v) return e.c_str();
      } catch (const YAML::Exception&) {}
      // yaml-cpp's emitter leaves a CR unquoted (a reader takes it for a line break), and its
      // double quoting replaces bytes that are not UTF-8: quote such a value here.
      std::string q = "\"";
      for (const char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
          q += '\\', q += c;
        else if (u < 0x20 || u == 0x7f)
          q += fmt::format("\\x{:02x}", u);
        else
          q += c;
      }
      return q + "\"";
    }
    case ParamKind::Boolean:
      return p.get_number(t) != 0 ? "true" : "false";
    case ParamKind::Shares: {
      std::vector<std::string> v;
      for (double x : p.get_list(t)) v.push_back(format_number(x));
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
    default:
      return format_number(p.get_number(t));
  }
}
}  // namespace

std::string scenario_to_yaml(const Scenario& s, int indent) {
  const std::string pad(indent, ' ');
  std::ostringstream out;
  std::string group;
  for (const auto& p : scenario_parameters()) {
    auto dot = p.key.find('.');
    if (dot == std::string::npos) {
      out << pad << p.key << ": " << value_text(p, s) << "\n";
      continue;
    }
    const std::string g = p.key.substr(0, dot);
    if (g != group) out << pad << g << ":\n", group = g;
    out << pad << "  " << p.key.substr(dot + 1) << ": " << value_text(p, s) << "\n";
  }
  out << pad << "sectors:\n";
  for (const auto& sec : s.sectors) {
    bool first = true;
    for (const auto& p : sector_parameters()) {
      if (!p.given(sec)) continue;  // optional keys only where given: run.yaml of Part I unchanged
      out << pad << (first ? "  - " : "    ") << p.key << ": " << value_text(p, sec) << "\n";
      first = false;
    }
  }
  out << policies_to_yaml(s.policies, indent);
  return out.str();
}

std::string parameters_markdown() {
  std::ostringstream md;
  auto row = [&](const auto& p) {
    md << fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", p.key, markdown_cell(p.symbol),
                      p.optional               ? "*optional*"
                      : p.default_text.empty() ? "*required*"
                                               : "`" + p.default_text + "`",
                      p.kind == ParamKind::Real || p.kind == ParamKind::Integer || p.kind == ParamKind::Shares
                          ? p.range.describe()
                          : "",
                      markdown_cell(p.unit), markdown_cell(p.doc));
  };
  md << "<!-- generated by `regio params --markdown`; do not edit (a test checks it is current) -->\n";
  md << "## Scenario parameters\n\n| key | symbol | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& p : scenario_parameters()) row(p);
  md << "\n## Sector parameters (each entry of `sectors:`)\n\n"
        "| key | symbol | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& p : sector_parameters()) row(p);
  md << "\nDefault economy when `sectors:` is absent:\n\n| name | θ | α | β | λ | η | γ | g | agricultural |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : default_sectors())
    md << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", s.name, format_number(s.theta),
                      format_number(s.labor_share), format_number(s.capital_share), format_number(s.land_share()),
                      format_number(s.consumption_share), format_number(s.agglomeration),
                      format_number(s.productivity_growth), s.agricultural ? "yes" : "no");
  md << policies_markdown();
  return md.str();
}

}  // namespace regio
