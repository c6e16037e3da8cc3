// Reading an ensemble spec (ensemble_spec.hpp): its keys, the varied parameters and their
// values or distributions, with one-line file:line errors.
#include "regio/ensemble_spec.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "regio/error.hpp"
#include "regio/input_file.hpp"
#include "regio/parameters.hpp"
#include "regio/yaml_reader.hpp"

namespace regio {

const std::vector<std::string>& ensemble_designs() {
  static const std::vector<std::string> designs = {"list", "grid", "quadrature", "latin_hypercube", "shapley"};
  return designs;
}

namespace {

const std::vector<std::string> kTopKeys = {"scenario", "output",  "epochs", "group_ranks", "design",
                                           "rule",     "samples", "seed",   "parameters",  "members"};
// The keys each design takes besides scenario, output, epochs and group_ranks.
const std::map<std::string, std::vector<std::string>> kDesignKeys = {
    {"list", {"members"}},
    {"grid", {"parameters"}},
    {"quadrature", {"parameters", "rule"}},
    {"latin_hypercube", {"parameters", "samples", "seed"}},
    {"shapley", {}}};
constexpr long kMaxMembers = 100000;

struct SpecReader : YamlReader {
  std::string text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar() || n.Scalar().empty()) fail(n, fmt::format("'{}' must be a single value", key));
    return n.Scalar();
  }
  long integer(const YAML::Node& n, const std::string& key, long lo, long hi) const {
    long v = 0;
    try {
      v = n.as<long>();
    } catch (const YAML::Exception&) {
      fail(n, fmt::format("'{}' must be an integer, got '{}'", key, n.IsScalar() ? n.Scalar() : "a list or mapping"));
    }
    if (v < lo || v > hi) fail(n, fmt::format("'{}' = {} is out of range [{}, {}]", key, v, lo, hi));
    return v;
  }
  double number(const YAML::Node& n, const std::string& key) const {
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(n, fmt::format("'{}' must be a number, got '{}'", key, n.IsScalar() ? n.Scalar() : "a list or mapping"));
    }
    if (!std::isfinite(v)) fail(n, fmt::format("'{}' must be a finite number", key));
    return v;
  }
  // A mapping's entries by key, each key once and known.
  std::map<std::string, YAML::Node> entries(const YAML::Node& map, const std::vector<std::string>& known,
                                            const std::string& what) const {
    std::map<std::string, YAML::Node> out;
    for (const auto& kv : map) {
      const std::string k = key(kv.first);
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        const std::string near = nearest(k, known);
        fail(kv.first, fmt::format("unknown key '{}' in {}{}", k, what,
                                   near.empty() ? fmt::format(" (keys: {})", fmt::join(known, ", "))
                                                : fmt::format(" (did you mean '{}'?)", near)));
      }
      if (out.count(k)) fail(kv.first, fmt::format("key '{}' appears twice in {}; keep one", k, what));
      out.emplace(k, kv.second);
    }
    return out;
  }
  void check_parameter_key(const YAML::Node& key_node, const std::string& k) const {
    if (const std::string problem = override_key_problem(k, true); !problem.empty()) fail(key_node, problem);
  }
};

Distribution read_distribution(const SpecReader& rd, const YAML::Node& n, const std::string& key) {
  if (!n.IsMap())
    rd.fail(n, fmt::format("'{}' needs a distribution, e.g. {{distribution: normal, mean: 4, sd: 0.5}} or "
                           "{{distribution: uniform, min: 3, max: 5}}",
                           key));
  const auto e = rd.entries(n, {"distribution", "mean", "sd", "min", "max"}, fmt::format("'{}'", key));
  if (!e.count("distribution")) rd.fail(n, fmt::format("'{}' lacks 'distribution' (normal or uniform)", key));
  Distribution d;
  d.kind = rd.text(e.at("distribution"), "distribution");
  const auto& kinds = distribution_kinds();
  if (std::find(kinds.begin(), kinds.end(), d.kind) == kinds.end())
    rd.fail(e.at("distribution"), fmt::format("unknown distribution '{}' of '{}' (normal or uniform)", d.kind, key));
  const bool normal = d.kind == "normal";
  const std::string first = normal ? "mean" : "min", second = normal ? "sd" : "max";
  for (const auto& [k, node] : e)
    if (k != "distribution" && k != first && k != second)
      rd.fail(node, fmt::format("a {} distribution takes '{}' and '{}', not '{}'", d.kind, first, second, k));
  for (const auto& k : {first, second})
    if (!e.count(k)) rd.fail(n, fmt::format("the {} distribution of '{}' lacks '{}'", d.kind, key, k));
  d.a = rd.number(e.at(first), first);
  d.b = rd.number(e.at(second), second);
  if (normal && d.b <= 0) rd.fail(e.at(second), fmt::format("'sd' of '{}' must be > 0", key));
  if (!normal && d.b <= d.a) rd.fail(e.at(second), fmt::format("'max' of '{}' must be above its 'min'", key));
  const Range range = override_range(key);
  if (!normal && !(range.contains(d.a) && range.contains(d.b)))
    rd.fail(n, fmt::format("the uniform distribution [{}, {}] of '{}' leaves its range {}", format_number(d.a),
                           format_number(d.b), key, range.describe()));
  return d;
}

std::vector<EnsembleParameter> read_parameters(const SpecReader& rd, const YAML::Node& n, const std::string& design) {
  if (!n.IsMap() || n.size() == 0)
    rd.fail(n, "'parameters' must be a mapping of parameter keys, e.g. trade.border_cost: [2, 3, 4]");
  std::vector<EnsembleParameter> params;
  for (const auto& kv : n) {
    EnsembleParameter p;
    p.key = rd.key(kv.first);
    p.line = rd.line(kv.first);
    rd.check_parameter_key(kv.first, p.key);
    for (const auto& q : params)
      if (q.key == p.key) rd.fail(kv.first, fmt::format("parameter '{}' appears twice; keep one", p.key));
    if (design == "grid") {
      if (!kv.second.IsSequence() || kv.second.size() == 0)
        rd.fail(kv.second, fmt::format("the grid of '{}' is empty: give a list of at least one value", p.key));
      for (const auto& v : kv.second) {
        p.values.push_back(rd.text(v, p.key));
        p.value_lines.push_back(rd.line(v));
      }
    } else {
      if (override_kind(p.key) != ParamKind::Real)
        rd.fail(kv.first, fmt::format("'{}' is not a real-valued parameter: give it a grid or a list instead", p.key));
      p.distribution = read_distribution(rd, kv.second, p.key);
    }
    params.push_back(std::move(p));
  }
  return params;
}

}  // namespace

std::string member_id(std::size_t index, std::size_t count) {
  const std::size_t width = std::max<std::size_t>(3, fmt::format("{}", count > 0 ? count - 1 : 0).size());
  return fmt::format("{:0{}}", index, width);
}

namespace {

void read_list(const SpecReader& rd, const YAML::Node& n, EnsembleSpec& spec) {
  if (!n.IsSequence() || n.size() == 0)
    rd.fail(n, "'members' must be a list of mappings of parameter values, e.g. - {trade.border_cost: 2}");
  for (const auto& entry : n) {
    if (!entry.IsMap()) rd.fail(entry, "each member must be a mapping of parameter keys to values ({} : as is)");
    EnsembleMember m;
    m.line = rd.line(entry);
    std::vector<std::string> seen;
    for (const auto& kv : entry) {
      const std::string k = rd.key(kv.first);
      rd.check_parameter_key(kv.first, k);
      if (std::find(seen.begin(), seen.end(), k) != seen.end())
        rd.fail(kv.first, fmt::format("key '{}' appears twice in this member; keep one", k));
      seen.push_back(k);
      m.overrides.push_back({k, rd.text(kv.second, k), rd.line(kv.second)});
      if (std::find(spec.columns.begin(), spec.columns.end(), k) == spec.columns.end()) spec.columns.push_back(k);
    }
    spec.members.push_back(std::move(m));
  }
}

void add_grid_members(EnsembleSpec& spec, const SpecReader& rd, const YAML::Node& at) {
  long count = 1;
  for (const auto& p : spec.parameters) {
    count *= static_cast<long>(p.values.size());
    if (count > kMaxMembers) rd.fail(at, fmt::format("the grid has more than {} members", kMaxMembers));
  }
  for (long k = 0; k < count; ++k) {
    EnsembleMember m;
    m.line = rd.line(at);
    long rest = k;  // the first parameter varies slowest
    std::vector<std::size_t> index(spec.parameters.size());
    for (std::size_t j = spec.parameters.size(); j-- > 0;) {
      index[j] = static_cast<std::size_t>(rest % static_cast<long>(spec.parameters[j].values.size()));
      rest /= static_cast<long>(spec.parameters[j].values.size());
    }
    for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
      const auto& p = spec.parameters[j];
      m.overrides.push_back({p.key, p.values[index[j]], p.value_lines[index[j]]});
    }
    spec.members.push_back(std::move(m));
  }
}

// Quadrature points or hypercube draws, mapped through each parameter's distribution.
void add_design_members(EnsembleSpec& spec, const std::vector<std::vector<double>>& points, bool standard, int line) {
  for (const auto& x : points) {
    EnsembleMember m;
    m.line = line;
    for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
      const auto& p = spec.parameters[j];
      const double v = standard ? p.distribution.at_standard(x[j]) : p.distribution.quantile(x[j]);
      m.overrides.push_back({p.key, format_number(v), p.line});
    }
    spec.members.push_back(std::move(m));
  }
}

void read_design(const SpecReader& rd, const std::map<std::string, YAML::Node>& e, EnsembleSpec& spec) {
  const YAML::Node& design = e.at("design");
  for (const auto& [k, node] : e) {
    const auto& own = kDesignKeys.at(spec.design);
    const bool shared = k == "scenario" || k == "output" || k == "epochs" || k == "group_ranks" || k == "design";
    if (!shared && std::find(own.begin(), own.end(), k) == own.end())
      rd.fail(node, fmt::format("'{}' does not apply to design '{}'", k, spec.design));
  }
  for (const auto& k : kDesignKeys.at(spec.design))
    if (!e.count(k) && k != "rule" && k != "seed")
      rd.fail(design, fmt::format("design '{}' needs '{}'", spec.design, k));
  if (spec.design == "list") return read_list(rd, e.at("members"), spec);
  if (spec.design == "shapley") return;
  const YAML::Node& params = e.at("parameters");
  spec.parameters = read_parameters(rd, params, spec.design);
  for (const auto& p : spec.parameters) spec.columns.push_back(p.key);
  if (spec.design == "grid") return add_grid_members(spec, rd, params);
  const std::size_t n = spec.parameters.size();
  if (spec.design == "quadrature") {
    spec.rule = e.count("rule") ? rd.text(e.at("rule"), "rule") : "stroud";
    const auto& rules = quadrature_rules();
    if (std::find(rules.begin(), rules.end(), spec.rule) == rules.end())
      rd.fail(e.at("rule"), fmt::format("unknown quadrature rule '{}' ({})", spec.rule, fmt::join(rules, ", ")));
    return add_design_members(spec, quadrature_points(spec.rule, n), true, rd.line(params));
  }
  spec.samples = rd.integer(e.at("samples"), "samples", 1, kMaxMembers);
  spec.seed = e.count("seed") ? static_cast<std::uint64_t>(rd.integer(e.at("seed"), "seed", 0, 1L << 62)) : 1;
  add_design_members(spec, latin_hypercube(n, static_cast<std::size_t>(spec.samples), spec.seed), false,
                     rd.line(params));
}

}  // namespace

EnsembleSpec parse_ensemble_spec(const std::string& yaml_text, const std::string& file_label,
                                 const std::string& base_dir) {
  const SpecReader rd{{file_label}};
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw InputError(located(file_label, e.mark.line + 1, fmt::format("malformed YAML: {}", e.msg)));
  }
  if (!root.IsMap()) rd.fail(root, "an ensemble spec must be a YAML mapping (scenario:, design:, ...)");
  const auto e = rd.entries(root, kTopKeys, "an ensemble spec");
  EnsembleSpec spec;
  spec.file = file_label;
  if (!e.count("scenario")) rd.fail(root, "missing required key 'scenario' (the scenario YAML every member runs)");
  if (!e.count("design"))
    rd.fail(root, fmt::format("missing required key 'design' ({})", fmt::join(ensemble_designs(), ", ")));
  namespace fs = std::filesystem;
  const fs::path scenario = rd.text(e.at("scenario"), "scenario");
  spec.scenario =
      scenario.is_absolute() ? scenario.string() : (fs::path(base_dir) / scenario).lexically_normal().string();
  if (e.count("output")) spec.output = rd.text(e.at("output"), "output");
  if (e.count("epochs")) spec.epochs = static_cast<int>(rd.integer(e.at("epochs"), "epochs", 1, 100000));
  if (e.count("group_ranks")) {
    spec.group_ranks = static_cast<int>(rd.integer(e.at("group_ranks"), "group_ranks", 1, 1 << 20));
    spec.group_ranks_line = rd.line(e.at("group_ranks"));
  }
  spec.design = rd.text(e.at("design"), "design");
  spec.design_line = rd.line(e.at("design"));
  const auto& designs = ensemble_designs();
  if (std::find(designs.begin(), designs.end(), spec.design) == designs.end()) {
    const std::string near = nearest(spec.design, designs);
    rd.fail(e.at("design"), fmt::format("unknown design '{}' ({}){}", spec.design, fmt::join(designs, ", "),
                                        near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
  }
  read_design(rd, e, spec);
  for (std::size_t k = 0; k < spec.members.size(); ++k) {
    spec.members[k].id = member_id(k, spec.members.size());
    spec.members[k].weight = 1.0 / static_cast<double>(spec.members.size());
  }
  for (auto& m : spec.members)
    for (auto& o : m.overrides)
      if (override_is_path(o.key) && !fs::path(o.value).is_absolute())
        o.value = (fs::path(base_dir) / o.value).lexically_normal().string();
  return spec;
}

EnsembleSpec load_ensemble_spec(const std::string& path) {
  return parse_ensemble_spec(read_input_file(path, "ensemble spec", "check the path"), path, input_dir(path));
}

}  // namespace regio
