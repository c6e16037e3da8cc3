// Provinces to ranks, rows to owners: the base-year folder read on rank 0 is broadcast without its
// bilateral rows, and each rank receives the rows of π (by importer n) and m (by hukou origin u)
// of the regions of its provinces (docs/hat-algebra.md §1).
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "base_year_steps.hpp"
#include "regio/collectives.hpp"
#include "regio/partition.hpp"

namespace regio::hat {

namespace {

// The owning rank of every region: whole provinces (never split), by the decomposition file (the
// checks of `regio run --decomp`: every province once, as many ranks as mpirun started) or, when
// `path` is empty or `auto`, by the default partition.
std::vector<int> assign_owners(const RawBase& b, int ranks, const std::string& path, Decomposition& d) {
  std::vector<Region> regions(b.ids.size());
  for (std::size_t n = 0; n < regions.size(); ++n) {
    regions[n].index = static_cast<std::int64_t>(n);
    regions[n].id = regions[n].name = b.ids[n];
    regions[n].province = b.provinces[b.province_of[n]];
    regions[n].population = regions[n].registered = 1;
  }
  if (path.empty() || path == "auto") {
    d = partition_provinces(regions, ranks, kDefaultPartitionStrategy);
    d.source = "auto";
  } else {
    d = load_decomposition(path);
  }
  return region_owners(d, regions, ranks);
}

// Rank 0: the rows of π_n·s (every sector s) and m_u· (u = (n, g), every g) of each region n,
// concatenated per owning rank in region order.
void rows_by_owner(const RawBase& raw, const std::vector<int>& owners, bool has_m, int ranks,
                   std::vector<std::vector<double>>& pi_parts, std::vector<std::vector<double>>& m_parts) {
  const std::int64_t N = static_cast<std::int64_t>(raw.ids.size());
  const int S = raw.par.S(), G = raw.par.G();
  const std::int64_t U = N * G;
  pi_parts.resize(ranks);
  m_parts.resize(ranks);
  for (std::int64_t n = 0; n < N; ++n) {
    auto& pp = pi_parts[owners[n]];
    for (int s = 0; s < S; ++s)
      pp.insert(pp.end(), raw.pi.begin() + (s * N + n) * N, raw.pi.begin() + (s * N + n + 1) * N);
    if (!has_m) continue;
    auto& mp = m_parts[owners[n]];
    mp.insert(mp.end(), raw.m.begin() + n * G * U, raw.m.begin() + (n + 1) * G * U);
  }
}

}  // namespace

BaseYear distribute_base_year(const boost::mpi::communicator& comm, const std::string& folder, bool migration_needed,
                              const std::string& decomposition, RawBase& raw) {
  std::vector<int> owners;
  Decomposition d;
  bool has_m = false;
  on_root(comm, [&] {
    raw = read_base_folder(folder, migration_needed);
    owners = assign_owners(raw, comm.size(), decomposition, d);
    has_m = !raw.m.empty();
  });
  // Everything but the bilateral rows goes to every rank (O(N·(S + G)) values).
  boost::mpi::broadcast(comm, raw, 0);
  boost::mpi::broadcast(comm, owners, 0);
  boost::mpi::broadcast(comm, d, 0);
  boost::mpi::broadcast(comm, has_m, 0);
  // Each rank receives the rows of its regions only.
  std::vector<std::vector<double>> pi_parts, m_parts;
  if (comm.rank() == 0) rows_by_owner(raw, owners, has_m, comm.size(), pi_parts, m_parts);
  BaseYear b;
  boost::mpi::scatter(comm, pi_parts, b.trade_shares, 0);
  if (has_m) boost::mpi::scatter(comm, m_parts, b.migration_shares, 0);
  b.par = raw.par;
  b.folder = folder;
  b.region_ids = raw.ids;
  b.provinces = raw.provinces;
  b.province_of = raw.province_of;
  b.outside = raw.outside;
  b.owners = owners;
  b.decomposition = std::move(d);
  b.has_migration = has_m;
  b.real_income_from_data = raw.has_real_income;
  b.price = raw.price;
  return b;
}

}  // namespace regio::hat
