// `regio ensemble SPEC.yaml` and `regio shapley SCENARIO.yaml` (docs/ensembles.md): the members
// are checked on rank 0, the ranks split into groups of P, each group runs one member at a time
// as `regio run` would on P ranks (run_command on the group's communicator), the next member
// handed to the first group that is free; then rank 0 gathers the bands or the Shapley values.
//   mpirun -np 4 regio ensemble inputs/china31/ensembles/elasticities.yaml --group-ranks 2
#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/utility.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "regio/collectives.hpp"
#include "regio/distribute.hpp"
#include "regio/ensemble_output.hpp"
#include "regio/ensemble_run.hpp"
#include "regio/output.hpp"
#include "regio/output_schema.hpp"
#include "regio/run_folder.hpp"
#include "regio/version.hpp"
#include "regio/welfare_terms.hpp"

namespace regio {

namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bits, as hex: the definition's fingerprint in ensemble.yaml.
std::string fingerprint(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

// Ranks per group: --group-ranks, else the spec's group_ranks, else 1; it must divide the job's ranks.
int group_size(const EnsembleOptions& opt, const EnsembleSpec& spec, int ranks) {
  const bool from_spec = opt.group_ranks <= 0 && spec.group_ranks > 0;
  const int P = opt.group_ranks > 0 ? opt.group_ranks : from_spec ? spec.group_ranks : 1;
  if (ranks % P != 0) {
    const std::string why = fmt::format(
        "{} ranks per member do not divide the {} ranks of this job: start a multiple of {} ranks or give a divisor "
        "of {}",
        P, ranks, P, ranks);
    throw InputError(from_spec ? located(spec.file, spec.group_ranks_line, "group_ranks: " + why)
                               : fmt::format("--group-ranks {}: {}", P, why));
  }
  return P;
}

std::string default_output(const EnsembleOptions& opt, const EnsembleSpec& spec) {
  if (!opt.output.empty()) return opt.output;
  if (!spec.output.empty()) return spec.output;
  const std::string stem = fs::path(opt.file).stem().string();
  return (fs::path("out") / (opt.shapley ? "shapley-" + stem : stem)).string();
}

// Rank 0: the spec (or the Shapley ensemble of the scenario), every member's scenario checked as
// its keys would be in a scenario file, and the inputs checked once as `regio validate` would
// for a group's ranks (and again for a member that names other input files).
EnsemblePlan plan_on_root(const EnsembleOptions& opt, int ranks) {
  EnsemblePlan plan;
  Scenario base;
  if (opt.shapley) {
    base = load_scenario(opt.file);
    plan.spec = shapley_ensemble(opt.file, base);
  } else {
    plan.spec = load_ensemble_spec(opt.file);
    base = load_scenario(plan.spec.scenario);
    if (plan.spec.shapley()) add_shapley_members(plan.spec, base);
  }
  plan.welfare_terms = opt.welfare_terms;
  if (opt.welfare_terms && !welfare_terms_problem(base).empty())
    throw InputError(fmt::format("--welfare-terms: {}: {}", plan.spec.scenario, welfare_terms_problem(base)));
  plan.epochs = opt.epochs > 0 ? opt.epochs : plan.spec.epochs;
  if (plan.epochs > 0) base.epochs = plan.epochs;
  plan.group_ranks = group_size(opt, plan.spec, ranks);
  load_inputs(base, opt.decomposition, plan.group_ranks);
  for (const auto& m : plan.spec.members) {
    const Scenario s = member_scenario(plan.spec, m, base);
    if (std::any_of(m.overrides.begin(), m.overrides.end(), [](const auto& o) { return override_is_path(o.key); }))
      load_inputs(s, opt.decomposition, plan.group_ranks);
  }
  plan.output = default_output(opt, plan.spec);
  std::string definition;
  for (const auto& m : plan.spec.members) definition += m.id + " " + join_args(member_args(plan, m, opt, false)) + "\n";
  plan.definition = fingerprint(definition + join_args(opt.petsc_args));
  return plan;
}

// Rank 0: the folder, its record and members table; the members still to run (a member whose
// run.yaml says complete is kept). Refuses a folder that holds another ensemble.
void prepare_folder(EnsemblePlan& plan, EnsembleRecord& record) {
  std::error_code ec;
  fs::create_directories(fs::path(plan.output) / "members", ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot create the ensemble's folder ({}); choose another with --out", plan.output,
                                 ec.message()));
  const std::string old = recorded_definition(plan.output);
  if (!old.empty() && old != plan.definition)
    throw InputError(fmt::format(
        "{}: holds another ensemble (its ensemble.yaml has definition {}, this one is {}: other scenario, members, "
        "epochs, decomposition or PETSc options); choose another --out or remove the folder",
        plan.output, old, plan.definition));
  namespace se = schema::ensemble;
  for (const auto* f : {&se::bands_national_csv::file, &se::bands_regions_csv::file, &se::shapley_csv::file,
                        &se::shapley_welfare_csv::file})
    fs::remove(fs::path(plan.output) / f->name, ec);  // results of an earlier attempt: written again at the end
  write_members_csv(plan.output, plan.spec);
  plan.todo.clear();
  for (std::size_t k = 0; k < plan.spec.members.size(); ++k)
    if (!run_complete(member_dir(plan, plan.spec.members[k]))) plan.todo.push_back(k);
  record.complete_before = plan.spec.members.size() - plan.todo.size();
  record.status = "running";
  write_ensemble_yaml(plan.output, record);
}

EnsembleRecord first_record(const EnsemblePlan& plan, const EnsembleOptions& opt, int ranks) {
  EnsembleRecord r;
  r.version = kVersion;
  r.command = opt.command_line;
  r.design = plan.spec.design;
  r.spec_file = opt.file;
  r.scenario_file = plan.spec.scenario;
  r.rule = plan.spec.rule;
  r.samples = plan.spec.samples;
  r.seed = plan.spec.seed;
  r.members = plan.spec.members.size();
  r.epochs = plan.epochs;
  r.group_ranks = plan.group_ranks;
  r.groups = ranks / plan.group_ranks;
  r.ranks = ranks;
  r.schedule = opt.schedule;
  r.definition = plan.definition;
  r.started = utc_now();
  return r;
}

void announce(const EnsemblePlan& plan, const EnsembleRecord& r) {
  const auto& spec = plan.spec;
  std::string design = spec.design;
  if (!spec.rule.empty()) design += fmt::format(" ({} rule)", spec.rule);
  if (spec.shapley())
    design += fmt::format(" of {} policies", spec.policy_labels.size());
  else
    design += fmt::format(" over {} parameter{}", spec.columns.size(), spec.columns.size() == 1 ? "" : "s");
  std::printf(
      "regio %s ensemble | %s: %zu members | %d group%s of %d rank%s (%d ranks), %s schedule | %zu complete, %zu to "
      "run | output %s\n",
      kVersion, design.c_str(), spec.members.size(), r.groups, r.groups == 1 ? "" : "s", r.group_ranks,
      r.group_ranks == 1 ? "" : "s", r.ranks, r.schedule.c_str(), r.complete_before, plan.todo.size(),
      plan.output.c_str());
  std::fflush(stdout);
}

}  // namespace

int ensemble_command(const boost::mpi::communicator& world, const EnsembleOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  EnsemblePlan plan;
  on_root(world, [&] { plan = plan_on_root(opt, world.size()); });
  boost::mpi::broadcast(world, plan, 0);
  EnsembleRecord record = first_record(plan, opt, world.size());
  // The folder's lock for the ensemble's lifetime: a second ensemble into it would delete and
  // rerun the members this one is running (run_member starts a member's folder afresh).
  std::optional<FolderLock> lock;
  on_root(world, [&] {
    lock.emplace(plan.output);
    prepare_folder(plan, record);
  });
  boost::mpi::broadcast(world, plan.todo, 0);
  if (world.rank() == 0) announce(plan, record);
  const EnsembleTally tally = run_members(world, plan, opt);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return finish_ensemble(world, plan, record, tally);
}

}  // namespace regio
