// `regio run`: read and distribute the inputs, build the simulation (or restore it from a
// checkpoint), and let the epoch driver run it.
//   mpirun -np 4 regio run inputs/china31/baseline.yaml --out out/x -- -national_snes_monitor
#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>

#include <chrono>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/epoch_driver.hpp"
#include "regio/grouped_run.hpp"
#include "regio/parameters.hpp"
#include "regio/run_folder.hpp"
#include "regio/scenario_overrides.hpp"
#include "regio/version.hpp"
#include "regio/welfare_terms.hpp"

namespace regio {

namespace {

// The scenario as `regio run` runs it: read on rank 0, --set's parameters set and --policies'
// policies kept there (checked as the scenario file's keys would be), then broadcast.
Scenario load_run_scenario(const boost::mpi::communicator& comm, const RunOptions& opt) {
  Scenario sc;
  on_root(comm, [&] {
    sc = load_scenario(opt.scenario);
    if (!opt.set.empty()) {
      std::vector<ParameterOverride> overrides;
      for (const auto& text : opt.set) overrides.push_back(parse_override(text));
      apply_overrides(sc, overrides, "--set", 0);
    }
    if (!opt.policies.empty()) keep_policies(sc, parse_policy_positions(opt.policies, sc.policies.size()));
    if (opt.welfare_terms && !welfare_terms_problem(sc).empty())
      throw InputError(fmt::format("--welfare-terms: {}", welfare_terms_problem(sc)));
  });
  boost::mpi::broadcast(comm, sc, 0);
  return sc;
}

}  // namespace

int run_command(const boost::mpi::communicator& comm, const RunOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  // 1. The scenario, with the command line's overrides and solver options.
  Scenario sc = load_run_scenario(comm, opt);
  if (opt.epochs != kEpochsFromScenario) {  // the range of the YAML key `epochs`, from the parameter table
    try {
      check_parameter_value("epochs", opt.epochs, "--epochs");
    } catch (const InputError& e) {
      raise_on_all_ranks(e);  // every rank checks the same command line
    }
    sc.epochs = opt.epochs;
  }
  if (!opt.output.empty()) sc.output = opt.output;
  insert_petsc_options(sc, opt.petsc_args);
  if (sc.labour.grouped())  // labour groups (MODEL.md §10): what they do not cover yet, before any work
    if (const auto problem = grouped_command_problem(opt, sc); !problem.empty())
      raise_on_all_ranks(InputError(fmt::format("{}: {}", opt.scenario, problem)));
  // 2. The regions, read on rank 0 and sent to the ranks that own their provinces.
  Simulation sim(comm, distribute_inputs(comm, sc, opt.decomposition));
  fail_point("setup", comm);
  // 3. A restart continues from the checkpoint's epoch with the checkpoint's state, as the
  //    checkpoint's run (its run id); a fresh run gets a new id.
  CheckpointInfo identity{0, scenario_hash(sc), geography_hash(sim.geography()), kVersion, ""};
  int first_epoch = 0;
  if (opt.restart.empty()) {
    if (comm.rank() == 0) identity.run_id = new_run_id();
    boost::mpi::broadcast(comm, identity.run_id, 0);
  } else {
    const CheckpointInfo got = sim.restore(opt.restart, identity);
    first_epoch = got.epoch;
    identity.run_id = got.run_id;
  }
  if (first_epoch >= sc.epochs)
    raise_on_all_ranks(
        InputError(fmt::format("{}: the checkpoint is at epoch {} but the run has only {} epochs; raise --epochs",
                               opt.restart, first_epoch, sc.epochs)));
  // 4. The epochs.
  if (sc.labour.grouped()) return run_grouped(comm, opt, sc, sim, identity.run_id, start);
  EpochDriver driver(comm, opt, sc, sim, identity, first_epoch, start);
  return driver.run();
}

}  // namespace regio
