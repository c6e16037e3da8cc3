#include "regio/distribute.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/utility.hpp>

#include <fmt/format.h>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/partition.hpp"

namespace regio {

namespace mpi = boost::mpi;

Decomposition resolve_decomposition(const Scenario& sc, const std::string& decomp_path,
                                    const std::vector<Region>& regions, int ranks) {
  const std::string path = decomp_path.empty() ? sc.decomposition : decomp_path;
  if (path.empty() || path == "auto") {  // the default strategy for the rank count at hand
    Decomposition d = partition_provinces(regions, ranks, kDefaultPartitionStrategy);
    d.source = "auto";
    return d;
  }
  return load_decomposition(path);
}

namespace {
DistributedInputs scatter(const mpi::communicator& comm, const Scenario& sc, const std::vector<Region>& regions,
                          Decomposition d, std::vector<int> owners) {
  DistributedInputs in;
  in.scenario = sc;
  in.decomposition = std::move(d);
  in.owners = std::move(owners);
  if (comm.rank() == 0) in.geography = make_geography(regions);
  mpi::broadcast(comm, in.scenario, 0);
  mpi::broadcast(comm, in.decomposition, 0);
  mpi::broadcast(comm, in.owners, 0);
  mpi::broadcast(comm, in.geography, 0);
  if (comm.rank() == 0) {
    std::vector<std::vector<Region>> per_rank(comm.size());
    for (const auto& r : regions) per_rank[in.owners[r.index]].push_back(r);
    mpi::scatter(comm, per_rank, in.owned, 0);
  } else {
    mpi::scatter(comm, in.owned, 0);
  }
  return in;
}
}  // namespace

LoadedInputs load_inputs(const Scenario& scenario, const std::string& decomp_path, int ranks, bool require_gdp) {
  LoadedInputs in{scenario, {}, {}, {}};
  Scenario& sc = in.scenario;
  std::vector<std::string> names;
  for (const auto& s : sc.sectors) names.push_back(s.name);
  in.regions = load_regions(sc.regions, names);
  if (sc.scale_to_observed_gdp || require_gdp)
    for (const auto& r : in.regions)
      if (!(r.gdp > 0))
        throw InputError(
            located(sc.regions, r.csv_line,
                    fmt::format("region '{}' has no positive gdp, which {} needs (give every region's gdp{})", r.id,
                                require_gdp ? "calibration" : "scale_to_observed_gdp: true",
                                require_gdp ? "" : " or set scale_to_observed_gdp: false")));
  resolve_policies(sc, in.regions);
  in.decomposition = resolve_decomposition(sc, decomp_path, in.regions, ranks);
  in.owners = region_owners(in.decomposition, in.regions, ranks);
  return in;
}

DistributedInputs distribute_inputs(const mpi::communicator& comm, const Scenario& scenario,
                                    const std::string& decomp_path, bool require_gdp) {
  LoadedInputs in{scenario, {}, {}, {}};  // filled on rank 0; scatter broadcasts the resolved scenario
  on_root(comm, [&] { in = load_inputs(scenario, decomp_path, comm.size(), require_gdp); });
  return scatter(comm, in.scenario, in.regions, std::move(in.decomposition), std::move(in.owners));
}

DistributedInputs distribute_regions(const mpi::communicator& comm, const Scenario& scenario,
                                     const std::vector<Region>& regions, const Decomposition* decomposition) {
  Scenario sc = scenario;
  Decomposition d;
  std::vector<int> owners;
  on_root(comm, [&] {
    resolve_policies(sc, regions);
    d = decomposition ? *decomposition : auto_decomposition(regions, comm.size());
    owners = region_owners(d, regions, comm.size());
  });
  return scatter(comm, sc, regions, std::move(d), std::move(owners));
}

}  // namespace regio
