// Shocks of a counterfactual resolved against the base year (names checked, files read on rank 0,
// trade-cost rows sent to the importers' owners).
#include <fmt/format.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/hat/hat_system.hpp"
#include "yaml_fields.hpp"

namespace regio::hat {

namespace {

bool in_scope(const BaseYear& b, PairScope scope, std::int64_t n, std::int64_t i) {
  const bool external = b.outside[n] || b.outside[i];
  return scope == PairScope::all || (scope == PairScope::external) == external;
}

void apply_region_shocks(const BaseYear& b, const CounterfactualSpec& spec, const std::vector<RegionShock>& shocks,
                         const char* key, bool by_sector, std::vector<double>& log_x) {
  const int S = b.S();
  for (const auto& sh : shocks) {
    int sector = -1;
    if (!sh.sector.empty()) sector = index_of(b.par.sectors, sh.sector, "sector", spec.file, sh.line);
    std::vector<char> chosen(static_cast<std::size_t>(b.N()), sh.regions.empty() ? 1 : 0);
    for (const auto& id : sh.regions)
      chosen[index_of(b.region_ids, id, fmt::format("region in shocks.{}", key), spec.file, sh.line)] = 1;
    for (std::int64_t n = 0; n < b.N(); ++n) {
      if (!chosen[n]) continue;
      if (!by_sector) {
        log_x[n] += std::log(sh.change);
        continue;
      }
      for (int s = 0; s < S; ++s)
        if (sector < 0 || sector == s) log_x[n * S + s] += std::log(sh.change);
    }
  }
}

}  // namespace

Shocks resolve_shocks(const BaseYear& b, const Layout& layout, const CounterfactualSpec& spec) {
  boost::mpi::communicator comm(layout.comm(), boost::mpi::comm_attach);
  const std::int64_t N = b.N();
  const int S = b.S();
  Shocks sh;
  std::vector<std::vector<double>> parts;
  on_root(comm, [&] {
    std::vector<double> log_tau(static_cast<std::size_t>(S * N * N), 0.0);
    for (const auto& t : spec.trade_costs) {
      if (!t.file.empty()) {
        const CsvTable tab = CsvTable::load(t.file, "trade-cost change", {"sector", "importer", "exporter", "change"});
        std::vector<int> seen(log_tau.size(), 0);
        for (const auto& r : tab.rows) {
          const int s = index_of(b.par.sectors, tab.field(r, "sector"), "sector", t.file, r.line);
          const int n = index_of(b.region_ids, tab.field(r, "importer"), "region", t.file, r.line);
          const int i = index_of(b.region_ids, tab.field(r, "exporter"), "region", t.file, r.line);
          const std::size_t k = (static_cast<std::size_t>(s) * N + n) * N + i;
          if (seen[k])
            tab.fail(r, fmt::format("duplicate change for this pair and sector (first on line {})", seen[k]));
          seen[k] = r.line;
          const double change = tab.number(r, "change", 0, 1e6, true);
          if (in_scope(b, t.pairs, n, i)) log_tau[k] += std::log(change);
        }
        continue;
      }
      const int sector = t.sector.empty() ? -1 : index_of(b.par.sectors, t.sector, "sector", spec.file, t.line);
      for (int s = 0; s < S; ++s)
        for (std::int64_t n = 0; n < N && (sector < 0 || sector == s); ++n)
          for (std::int64_t i = 0; i < N; ++i)
            if (i != n && in_scope(b, t.pairs, n, i)) log_tau[(s * N + n) * N + i] += std::log(t.change);
    }
    parts.resize(comm.size());
    for (std::int64_t n = 0; n < N; ++n)
      for (int s = 0; s < S; ++s) {
        auto& p = parts[b.owners[n]];
        p.insert(p.end(), log_tau.begin() + (s * N + n) * N, log_tau.begin() + (s * N + n + 1) * N);
      }
    sh.log_A.assign(static_cast<std::size_t>(N * S), 0.0);
    sh.log_B.assign(static_cast<std::size_t>(N), 0.0);
    sh.log_H.assign(static_cast<std::size_t>(N), 0.0);
    apply_region_shocks(b, spec, spec.productivity, "productivity", true, sh.log_A);
    apply_region_shocks(b, spec, spec.amenity, "amenity", false, sh.log_B);
    apply_region_shocks(b, spec, spec.land, "land", false, sh.log_H);
  });
  boost::mpi::scatter(comm, parts, sh.log_tau, 0);
  boost::mpi::broadcast(comm, sh.log_A, 0);
  boost::mpi::broadcast(comm, sh.log_B, 0);
  boost::mpi::broadcast(comm, sh.log_H, 0);
  if (comm.rank() == 0) {
    sh.log_mu_within = std::log(spec.migration_costs.within_province);
    sh.log_mu_between = std::log(spec.migration_costs.between_provinces);
  }
  boost::mpi::broadcast(comm, sh.log_mu_within, 0);
  boost::mpi::broadcast(comm, sh.log_mu_between, 0);
  return sh;
}

}  // namespace regio::hat
