#pragma once
// `regio counterfactual FILE.yaml [--out DIR]`: one exact-hat-algebra counterfactual (MODEL.md
// §12) from a base-year folder; writes DIR/run.yaml (status last), units.csv, sectors.csv,
// national.csv and, with migration shares, migration_costs.csv, as the output schema's
// counterfactual files say (docs/outputs.md). Collective.
#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

namespace regio::hat {

struct CounterfactualOptions {
  std::string file;
  std::string output;         // overrides the file's `output`
  std::string decomposition;  // --decomp: a decomposition YAML, or empty / `auto` (the default partition)
  bool quiet = false;
  bool overwrite = false;  // --overwrite: replace the run in the output folder (run_folder.hpp)
  std::string command_line;
};

int counterfactual_command(const boost::mpi::communicator& comm, const CounterfactualOptions& opt);

}  // namespace regio::hat
