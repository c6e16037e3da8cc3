// An ensemble's record and members table (ensemble_output.hpp).
#include "regio/ensemble_output.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/output_file.hpp"
#include "regio/output_schema.hpp"

namespace regio {

namespace fs = std::filesystem;
namespace ey = schema::ensemble::ensemble_yaml;

namespace {
std::string quoted(const std::string& s) {
  YAML::Emitter e;
  e << s;
  return e.c_str();
}

std::string last_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}
}  // namespace

void write_ensemble_yaml(const std::string& dir, const EnsembleRecord& r) {
  std::ostringstream f;
  {
    f << "# regio ensemble record. Trust the bands or shapley.csv only if status is complete.\n";
    auto put = [&f](const schema::Column& key, const auto& value) { f << key.name << ": " << value << "\n"; };
    put(ey::regio_version, quoted(r.version));
    put(ey::command, quoted(r.command));
    put(ey::design, r.design);
    put(ey::spec_file, quoted(r.spec_file));
    put(ey::scenario_file, quoted(r.scenario_file));
    if (!r.rule.empty()) put(ey::rule, r.rule);
    if (r.samples > 0) {
      put(ey::samples, r.samples);
      put(ey::seed, r.seed);
    }
    put(ey::members, r.members);
    if (r.epochs > 0) put(ey::epochs, r.epochs);
    put(ey::group_ranks, r.group_ranks);
    put(ey::groups, r.groups);
    put(ey::ranks, r.ranks);
    put(ey::schedule, r.schedule);
    put(ey::definition, r.definition);
    put(ey::started, r.started);
    put(ey::members_complete_before, r.complete_before);
    if (r.members_run >= 0) put(ey::members_run, r.members_run);
    if (!r.finished.empty()) put(ey::finished, r.finished);
    if (r.seconds >= 0) put(ey::seconds, fmt::format("{:.3f}", r.seconds));
    if (!r.error.empty()) put(ey::error, quoted(r.error));
    put(ey::status, r.status);  // last line, by design
  }
  write_file_atomically((fs::path(dir) / ey::file.name).string(), f.str());  // checked, whole or not at all
}

std::string recorded_definition(const std::string& dir) {
  std::ifstream in(fs::path(dir) / ey::file.name);
  const std::string prefix = std::string(ey::definition.name) + ": ";
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  return "";
}

bool run_complete(const std::string& dir) {
  return last_line(fs::path(dir) / schema::run_yaml::file.name) == "status: complete";
}

void write_members_csv(const std::string& dir, const EnsembleSpec& spec) {
  namespace mc = schema::ensemble::members_csv;
  const fs::path path = fs::path(dir) / mc::file.name;
  std::ofstream f(path, std::ios::trunc);
  f << mc::member.name << ',' << mc::weight.name;
  for (const auto& c : spec.columns) f << ',' << csv::quote(c);
  f << '\n';
  for (const auto& m : spec.members) {
    f << m.id << ',' << fmt::format("{:.17g}", m.weight);
    for (std::size_t j = 0; j < spec.columns.size(); ++j) {
      if (spec.shapley()) {
        const bool in = std::find(m.policies.begin(), m.policies.end(), static_cast<int>(j)) != m.policies.end();
        f << ',' << (in ? 1 : 0);
        continue;
      }
      std::string value;
      for (const auto& o : m.overrides)
        if (o.key == spec.columns[j]) value = o.value;
      f << ',' << csv::quote(value);  // empty: the scenario's own (a list member that does not set it)
    }
    f << '\n';
  }
  if (!f.flush()) throw InputError(fmt::format("{}: cannot write {}", dir, mc::file.name));
}

}  // namespace regio
