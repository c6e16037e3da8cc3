// The members of an ensemble at work (ensemble_run.hpp): groups of ranks, each member a
// `regio run` on its group's communicator, and the verdict and results at the end.
#include "regio/ensemble_run.hpp"

#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/output.hpp"
#include "regio/stop_signal.hpp"
#include "regio/work_queue.hpp"

namespace regio {

namespace fs = std::filesystem;

std::string member_dir(const EnsemblePlan& plan, const EnsembleMember& member) {
  return (fs::path(plan.output) / "members" / member.id).string();
}

std::vector<std::string> member_args(const EnsemblePlan& plan, const EnsembleMember& member, const EnsembleOptions& opt,
                                     bool with_out) {
  std::vector<std::string> a = {"run", plan.spec.scenario};
  if (with_out) a.insert(a.end(), {"--out", member_dir(plan, member)});
  a.push_back("--quiet");
  if (plan.epochs > 0) a.insert(a.end(), {"--epochs", std::to_string(plan.epochs)});
  if (!opt.decomposition.empty()) a.insert(a.end(), {"--decomp", opt.decomposition});
  for (const auto& o : member.overrides) a.insert(a.end(), {"--set", override_text(o)});
  if (!member.all_policies) a.insert(a.end(), {"--policies", policy_positions_text(member.policies)});
  if (plan.welfare_terms) a.push_back("--welfare-terms");
  return a;
}

RunOptions member_run_options(const EnsemblePlan& plan, const EnsembleMember& member, const EnsembleOptions& opt) {
  RunOptions r;
  r.scenario = plan.spec.scenario;
  r.output = member_dir(plan, member);
  r.decomposition = opt.decomposition;
  r.epochs = plan.epochs > 0 ? plan.epochs : kEpochsFromScenario;
  r.quiet = true;
  for (const auto& o : member.overrides) r.set.push_back(override_text(o));
  if (!member.all_policies) r.policies = policy_positions_text(member.policies);
  r.welfare_terms = plan.welfare_terms;
  r.petsc_args = opt.petsc_args;
  std::vector<std::string> ours = {opt.program};
  for (auto& a : member_args(plan, member, opt, true)) ours.push_back(std::move(a));
  r.command_line = command_line_text(ours, opt.petsc_args);
  return r;
}

namespace {

std::string member_summary(const EnsemblePlan& plan, const EnsembleMember& m) {
  if (plan.spec.shapley()) {
    std::vector<std::string> names;
    for (int j : m.policies) names.push_back(plan.spec.policy_labels[static_cast<std::size_t>(j)]);
    return names.empty() ? "no policy" : fmt::format("{}", fmt::join(names, " + "));
  }
  std::vector<std::string> kv;
  for (const auto& o : m.overrides) kv.push_back(override_text(o));
  return kv.empty() ? "the scenario as is" : fmt::format("{}", fmt::join(kv, " "));
}

// One member on the group: a failed or interrupted earlier attempt's folder is removed first (its
// checkpoints included), so the folder holds exactly what `regio run` would write.
void run_member(const boost::mpi::communicator& group, int first_rank, const EnsemblePlan& plan,
                const EnsembleMember& m, const EnsembleOptions& opt, EnsembleTally& tally) {
  const RunOptions run = member_run_options(plan, m, opt);
  on_root(group, [&] {
    std::error_code ec;
    fs::remove_all(run.output, ec);
  });
  const auto start = std::chrono::steady_clock::now();
  std::string verdict = "complete";
  try {
    if (run_command(group, run) == kExitInterrupted) {
      tally.interrupted = true;
      verdict = "stopped by a signal";
    } else {
      ++tally.run;
    }
  } catch (const Error& e) {
    if (!e.on_all_ranks()) throw;  // one rank's error: main() aborts the job
    tally.failures.emplace_back(m.id, e.what());
    tally.solver_failure = tally.solver_failure || dynamic_cast<const SolverError*>(&e) != nullptr;
    verdict = fmt::format("FAILED: {}", e.what());
  }
  if (group.rank() != 0) return;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string ranks = group.size() == 1 ? fmt::format("rank {}", first_rank)
                                              : fmt::format("ranks {}-{}", first_rank, first_rank + group.size() - 1);
  std::printf("member %s %s (%.2f s, %s): %s\n", m.id.c_str(), verdict.c_str(), seconds, ranks.c_str(),
              member_summary(plan, m).c_str());
  std::fflush(stdout);
}

}  // namespace

EnsembleTally run_members(const boost::mpi::communicator& world, const EnsemblePlan& plan, const EnsembleOptions& opt) {
  const RankGroups groups(world, plan.group_ranks);
  const boost::mpi::communicator group(groups.group(), boost::mpi::comm_attach);
  EnsembleTally tally;
  WorkQueue queue(world, groups, opt.schedule == "dynamic");
  for (long k = queue.next(); k < static_cast<long>(plan.todo.size()); k = queue.next()) {
    run_member(group, groups.first_rank(), plan, plan.spec.members[plan.todo[static_cast<std::size_t>(k)]], opt, tally);
    // A signal stops the group after its member (a signal during it has stopped the member).
    if (tally.interrupted || any_rank(group, StopSignals::requested())) {
      tally.interrupted = true;
      break;
    }
  }
  return tally;
}

namespace {

// Rank 0: every group's tally summed up (the other ranks' are empty).
EnsembleTally gather_tallies(const boost::mpi::communicator& world, EnsembleTally mine) {
  std::vector<EnsembleTally> all;
  boost::mpi::gather(world, mine, all, 0);
  EnsembleTally total;
  for (const auto& t : all) {
    total.run += t.run;
    total.interrupted = total.interrupted || t.interrupted;
    total.solver_failure = total.solver_failure || t.solver_failure;
    total.failures.insert(total.failures.end(), t.failures.begin(), t.failures.end());
  }
  std::sort(total.failures.begin(), total.failures.end());
  return total;
}

}  // namespace

int finish_ensemble(const boost::mpi::communicator& world, const EnsemblePlan& plan, EnsembleRecord& record,
                    const EnsembleTally& mine) {
  // Only a group's first rank speaks for it: its other ranks hold the same tally.
  const bool leader = world.rank() % plan.group_ranks == 0;
  const EnsembleTally total = gather_tallies(world, leader ? mine : EnsembleTally{});
  const bool interrupted = any_rank(world, world.rank() == 0 && total.interrupted);
  on_root(world, [&] {
    record.members_run = total.run;
    record.finished = utc_now();
    if (total.failures.empty()) return;
    for (const auto& [id, error] : total.failures)
      std::fprintf(stderr, "regio: member %s: %s\n", id.c_str(), error.c_str());
    record.error = fmt::format(
        "{} of {} members failed (first: member {}: {}); their folders say why; run the "
        "command again to retry them",
        total.failures.size(), plan.spec.members.size(), total.failures.front().first, total.failures.front().second);
    record.status = "failed";
    write_ensemble_yaml(plan.output, record);
    const std::string message = fmt::format("{}: {}", plan.output, record.error);
    if (total.solver_failure) throw SolverError(message);
    throw InputError(message);
  });
  if (interrupted) {
    on_root(world, [&] {
      record.status = "interrupted";
      record.error = "stopped by a signal: run the same command again to complete the missing members";
      write_ensemble_yaml(plan.output, record);
      std::printf("stopped by a signal after %ld members: run the same command again to complete the others\n",
                  total.run);
    });
    return kExitInterrupted;
  }
  on_root(world, [&] {
    std::vector<std::string> dirs;
    std::vector<double> weights;
    for (const auto& m : plan.spec.members) {
      dirs.push_back(member_dir(plan, m));
      weights.push_back(m.weight);
    }
    std::vector<std::string> written;
    if (plan.spec.shapley()) {
      written.push_back(write_shapley(plan.output, dirs, plan.spec.policy_labels));
      if (plan.welfare_terms) written.push_back(write_shapley_welfare(plan.output, dirs, plan.spec.policy_labels));
    } else {
      written = write_bands(plan.output, dirs, weights);
    }
    record.status = "complete";
    write_ensemble_yaml(plan.output, record);
    std::printf("done: %zu members (%ld run now, %zu kept) in %.2f s; wrote %s (ensemble.yaml status: complete)\n",
                plan.spec.members.size(), total.run, record.complete_before, record.seconds,
                fmt::format("{}", fmt::join(written, ", ")).c_str());
    std::fflush(stdout);
  });
  return kExitOk;
}

}  // namespace regio
