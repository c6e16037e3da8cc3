#include "regio/decomposition.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio {

Decomposition parse_decomposition(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp's depth guard against stack overflow reports nesting deeper than ~500 as "bad file".
    const std::string what = e.msg == YAML::ErrorMsg::BAD_FILE ? "lists or mappings nested too deeply" : e.msg;
    throw InputError(located(file, e.mark.line + 1, fmt::format("malformed YAML: {}", what)));
  }
  auto line = [](const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; };
  const char* shape = "a decomposition is a mapping 'ranks: P' and 'assignment:' (a list of P lists of province names)";
  if (!root.IsMap()) throw InputError(located(file, line(root), shape));
  std::map<std::string, int> seen;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar())
      throw InputError(
          located(file, line(kv.first), "a key must be a plain name (found a list or mapping used as a key)"));
    const auto key = kv.first.Scalar();
    if (auto [it, fresh] = seen.emplace(key, line(kv.first)); !fresh)
      throw InputError(located(file, line(kv.first),
                               fmt::format("key '{}' appears twice (first on line {}); keep one", key, it->second)));
    if (key != "ranks" && key != "assignment") {
      const auto near = nearest(key, {"ranks", "assignment"});
      throw InputError(located(file, line(kv.first),
                               fmt::format("unknown key '{}'{}; {}", key,
                                           near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), shape)));
    }
  }
  if (!root["ranks"] || !root["assignment"]) throw InputError(located(file, line(root), shape));
  Decomposition d;
  d.source = file;
  try {
    d.ranks = root["ranks"].as<int>();
  } catch (const YAML::Exception&) {
    throw InputError(located(file, line(root["ranks"]), "'ranks' must be a positive integer"));
  }
  if (d.ranks < 1) throw InputError(located(file, line(root["ranks"]), "'ranks' must be a positive integer"));
  const auto a = root["assignment"];
  if (!a.IsSequence()) throw InputError(located(file, line(a), shape));
  for (const auto& entry : a) {
    if (!entry.IsSequence())
      throw InputError(located(file, line(entry),
                               "each assignment entry must be a list of province names, e.g. [Beijing, Tianjin]"));
    std::vector<std::string> provs;
    for (const auto& p : entry) {
      if (!p.IsScalar()) throw InputError(located(file, line(p), "a province name must be a plain string"));
      provs.push_back(p.Scalar());
    }
    d.assignment.push_back(std::move(provs));
    d.lines.push_back(line(entry));
  }
  if (static_cast<int>(d.assignment.size()) != d.ranks)
    throw InputError(
        located(file, line(a),
                fmt::format("'ranks: {}' but 'assignment' has {} entries; there must be one list of provinces per rank",
                            d.ranks, d.assignment.size())));
  return d;
}

Decomposition load_decomposition(const std::string& path) {
  return parse_decomposition(
      read_input_file(path, "decomposition file", "check --decomp or 'decomposition:'; use 'auto' to build one"), path);
}

Decomposition auto_decomposition(const std::vector<Region>& regions, int ranks) {
  std::vector<std::string> order;
  std::map<std::string, double> count;
  for (const auto& r : regions) {
    if (!count.count(r.province)) order.push_back(r.province);
    count[r.province] += 1;
  }
  Decomposition d;
  d.source = "auto";
  d.ranks = ranks;
  d.assignment.resize(ranks);
  d.lines.assign(ranks, 0);
  // Contiguous blocks: province p goes to the rank whose share of the cumulative work its
  // midpoint falls in. Every rank's work is then within one province of the mean.
  const double total = static_cast<double>(regions.size());
  double before = 0;
  for (const auto& p : order) {
    const double mid = before + 0.5 * count[p];
    int rank = std::min(ranks - 1, static_cast<int>(mid / total * ranks));
    d.assignment[rank].push_back(p);
    before += count[p];
  }
  return d;
}

std::vector<int> region_owners(const Decomposition& d, const std::vector<Region>& regions, int world_size) {
  const std::string fix = d.source == "auto"
                              ? ""
                              : fmt::format(
                                    " (run with 'mpirun -np {}', pass a decomposition made for {} ranks with --decomp, "
                                    "or use --decomp auto)",
                                    d.ranks, world_size);
  if (d.ranks != world_size)
    throw InputError(located(
        d.source, 0, fmt::format("decomposition is for {} ranks but mpirun started {}{}", d.ranks, world_size, fix)));
  std::map<std::string, int> owner;
  std::map<std::string, bool> known;
  for (const auto& r : regions) known[r.province] = true;
  for (int rank = 0; rank < d.ranks; ++rank) {
    const int ln = rank < static_cast<int>(d.lines.size()) ? d.lines[rank] : 0;
    for (const auto& p : d.assignment[rank]) {
      if (!known.count(p)) {
        std::vector<std::string> names;
        for (const auto& [k, v] : known) names.push_back(k);
        const auto near = nearest(p, names);
        throw InputError(located(d.source, ln,
                                 fmt::format("rank {} lists province '{}', which has no region in the region CSV{}",
                                             rank, p, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near))));
      }
      if (auto [it, fresh] = owner.emplace(p, rank); !fresh)
        throw InputError(located(
            d.source, ln,
            fmt::format("province '{}' is assigned twice (ranks {} and {}); each province belongs to exactly one rank",
                        p, it->second, rank)));
    }
  }
  std::vector<std::string> missing;
  for (const auto& [p, v] : known)
    if (!owner.count(p)) missing.push_back(p);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 8; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 8) list += fmt::format(", ... ({} in all)", missing.size());
    throw InputError(
        located(d.source, 0,
                fmt::format("{} province(s) of the region CSV are assigned to no rank: {}; add each to one rank's list",
                            missing.size(), list)));
  }
  std::vector<int> owners;
  owners.reserve(regions.size());
  for (const auto& r : regions) owners.push_back(owner.at(r.province));
  return owners;
}

std::string decomposition_to_yaml(const Decomposition& d, int indent) {
  const std::string pad(indent, ' ');
  std::ostringstream out;
  out << pad << "source: " << d.source << "\n" << pad << "ranks: " << d.ranks << "\n" << pad << "assignment:\n";
  for (const auto& provs : d.assignment) {
    YAML::Emitter e;
    e << YAML::Flow << provs;
    out << pad << "  - " << e.c_str() << "\n";
  }
  return out.str();
}

}  // namespace regio
