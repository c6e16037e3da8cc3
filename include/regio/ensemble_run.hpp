#pragma once
// The members of `regio ensemble` and `regio shapley` at work (src/app/ensemble_run.cpp): the
// plan every rank shares, each member as the `regio run` that reproduces it alone, the groups
// running members, and the end: the verdict over all members and the results.
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include <string>
#include <utility>
#include <vector>

#include "regio/commands.hpp"
#include "regio/ensemble_output.hpp"
#include "regio/ensemble_spec.hpp"

namespace regio {

// What every rank knows about the ensemble, decided on rank 0.
struct EnsemblePlan {
  EnsembleSpec spec;
  std::string output;
  int group_ranks = 1;
  int epochs = 0;                 // every member's (0: the scenario's)
  std::vector<std::size_t> todo;  // the members to run: not yet complete
  std::string definition;         // ensemble.yaml's fingerprint of every member's run
  bool welfare_terms = false;     // members write welfare_terms.csv (--welfare-terms)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& spec& output& group_ranks& epochs& todo& definition& welfare_terms;
  }
};

// The member's folder, OUT/members/<id>.
std::string member_dir(const EnsemblePlan& plan, const EnsembleMember& member);
// The arguments of `regio run` after argv[0] that run the member alone (with_out: with its
// --out; without, what identifies its run).
std::vector<std::string> member_args(const EnsemblePlan& plan, const EnsembleMember& member, const EnsembleOptions& opt,
                                     bool with_out);
// The member as `regio run` options, its command line that of running it alone.
RunOptions member_run_options(const EnsemblePlan& plan, const EnsembleMember& member, const EnsembleOptions& opt);

// What the members a group ran came to (meaningful on each group's first rank).
struct EnsembleTally {
  long run = 0;  // completed by this invocation
  bool interrupted = false;
  bool solver_failure = false;                                // some member's solve failed (else: its input)
  std::vector<std::pair<std::string, std::string>> failures;  // member id, error
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& run& interrupted& solver_failure& failures;
  }
};

// Splits `world` into groups of plan.group_ranks ranks and runs the members of plan.todo, each on
// the next free group. Collective over world.
EnsembleTally run_members(const boost::mpi::communicator& world, const EnsemblePlan& plan, const EnsembleOptions& opt);

// The verdict over every group: a member that failed fails the ensemble (the error names it; exit
// 1 or 2), a signal stops it (kExitInterrupted; a rerun completes the missing members); else rank
// 0 writes the bands (or shapley.csv) and ensemble.yaml ends `status: complete`. Collective.
int finish_ensemble(const boost::mpi::communicator& world, const EnsemblePlan& plan, EnsembleRecord& record,
                    const EnsembleTally& mine);

}  // namespace regio
