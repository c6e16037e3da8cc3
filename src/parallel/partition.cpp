#include "regio/partition.hpp"

#include <fmt/format.h>
#include <petscmat.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "regio/error.hpp"
#include "regio/geography.hpp"
#include "regio/petsc_util.hpp"

namespace regio {

namespace {

struct ProvinceGraph {
  std::vector<std::string> names;  // CSV order of first appearance
  std::vector<int> work;           // regions per province
  std::vector<std::set<int>> neighbours;
};

ProvinceGraph province_graph(const std::vector<Region>& regions) {
  ProvinceGraph g;
  std::map<std::string, int> index;
  std::vector<double> lat, lon, pop;
  for (const auto& r : regions) {
    auto [it, fresh] = index.emplace(r.province, static_cast<int>(g.names.size()));
    if (fresh) g.names.push_back(r.province), g.work.push_back(0), lat.push_back(0), lon.push_back(0), pop.push_back(0);
    const int p = it->second;
    g.work[p] += 1;
    lat[p] += r.population * r.lat, lon[p] += r.population * r.lon, pop[p] += r.population;
  }
  const int P = static_cast<int>(g.names.size());
  for (int p = 0; p < P; ++p) lat[p] /= pop[p], lon[p] /= pop[p];
  g.neighbours.resize(P);
  const int k = std::min(6, P - 1);
  for (int p = 0; p < P; ++p) {
    std::vector<std::pair<double, int>> d;
    for (int q = 0; q < P; ++q)
      if (q != p) d.emplace_back(great_circle_km(lat[p], lon[p], lat[q], lon[q]), q);
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    for (int t = 0; t < k; ++t) g.neighbours[p].insert(d[t].second), g.neighbours[d[t].second].insert(p);
  }
  return g;
}

Decomposition from_parts(const ProvinceGraph& g, const std::vector<int>& part, int ranks) {
  Decomposition d;
  d.ranks = ranks;
  d.assignment.resize(ranks);
  d.lines.assign(ranks, 0);
  for (std::size_t p = 0; p < part.size(); ++p) d.assignment[part[p]].push_back(g.names[p]);
  return d;
}

std::vector<int> lpt(const ProvinceGraph& g, int ranks) {
  std::vector<int> order(g.names.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.work[a] > g.work[b]; });
  std::vector<long> load(ranks, 0);
  std::vector<int> part(g.names.size());
  for (int p : order) {
    const int r = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());  // lowest rank on ties
    part[p] = r;
    load[r] += g.work[p];
  }
  return part;
}

// Regions per rank of an assignment of provinces.
std::vector<long> rank_loads(const ProvinceGraph& g, int ranks, const std::vector<int>& part) {
  std::vector<long> load(ranks, 0);
  for (std::size_t p = 0; p < part.size(); ++p) load[part[p]] += g.work[p];
  return load;
}

// LPT leaves up to a third above the optimum (e.g. {3,3,2,2,2} on two ranks: 7 against 6).
// Improve it by moves and swaps of provinces between the heaviest rank and another, taking the
// step that lowers the heavier of the two loads most, until none lowers it below the heaviest
// load. Each step lowers the sorted vector of loads, so this ends; deterministic (lowest
// indices on ties).
void refine(const ProvinceGraph& g, int ranks, std::vector<int>& part) {
  std::vector<long> load = rank_loads(g, ranks, part);
  std::vector<std::vector<int>> members(ranks);
  for (std::size_t p = 0; p < part.size(); ++p) members[part[p]].push_back(static_cast<int>(p));
  for (std::size_t step = 0; step < 100 * part.size() + 100; ++step) {
    const int hi = static_cast<int>(std::max_element(load.begin(), load.end()) - load.begin());
    long best = load[hi];  // the heavier of the two new loads must fall below this
    int best_p = -1, best_q = -1, best_r = -1;
    for (int r = 0; r < ranks; ++r) {
      if (r == hi) continue;
      for (const int p : members[hi]) {
        const long move = std::max(load[hi] - g.work[p], load[r] + g.work[p]);
        if (move < best) best = move, best_p = p, best_q = -1, best_r = r;
        for (const int q : members[r]) {
          const long d = g.work[p] - g.work[q];
          if (d <= 0) continue;
          const long swap = std::max(load[hi] - d, load[r] + d);
          if (swap < best) best = swap, best_p = p, best_q = q, best_r = r;
        }
      }
    }
    if (best_p < 0) break;
    auto drop = [&](int rank, int province) {
      auto& m = members[rank];
      m.erase(std::find(m.begin(), m.end(), province));
    };
    drop(hi, best_p);
    members[best_r].push_back(best_p);
    part[best_p] = best_r;
    load[hi] -= g.work[best_p];
    load[best_r] += g.work[best_p];
    if (best_q >= 0) {
      drop(best_r, best_q);
      members[hi].push_back(best_q);
      part[best_q] = hi;
      load[best_r] -= g.work[best_q];
      load[hi] += g.work[best_q];
    }
  }
}

// Moves and swaps stop where no single province or pair helps. Then split the provinces of the
// heaviest rank and one other anew, exactly: the subset of their union closest to half its
// regions (0/1 subset sum), if that lowers the heavier of the two. Skipped for pairs holding
// more than 2^22 regions (a few MB of table).
void rebalance_pairs(const ProvinceGraph& g, int ranks, std::vector<int>& part) {
  std::vector<long> load = rank_loads(g, ranks, part);
  for (std::size_t step = 0; step < 10 * part.size() + 10; ++step) {
    const int hi = static_cast<int>(std::max_element(load.begin(), load.end()) - load.begin());
    long best = load[hi];
    int best_r = -1;
    std::vector<int> best_side;  // provinces of the pair that go to the lighter side
    for (int r = 0; r < ranks; ++r) {
      const long total = load[hi] + load[r];
      if (r == hi || total > (1L << 22)) continue;
      std::vector<int> items;
      for (std::size_t p = 0; p < part.size(); ++p)
        if (part[p] == hi || part[p] == r) items.push_back(static_cast<int>(p));
      const long half = total / 2;
      // first[s]: the item that first reached sum s (−1: unreached; s = 0 is reached by none).
      std::vector<int> first(static_cast<std::size_t>(half) + 1, -1);
      std::vector<char> reached(static_cast<std::size_t>(half) + 1, 0);
      reached[0] = 1;
      for (std::size_t it = 0; it < items.size(); ++it) {
        const long w = g.work[items[it]];
        for (long sum = half; sum >= w; --sum)
          if (!reached[sum] && reached[sum - w]) reached[sum] = 1, first[sum] = static_cast<int>(it);
      }
      long light = half;
      while (!reached[light]) --light;
      const long heavy = total - light;
      if (heavy < best) {
        best = heavy, best_r = r, best_side.clear();
        for (long sum = light; sum > 0; sum -= g.work[items[first[sum]]]) best_side.push_back(items[first[sum]]);
        std::sort(best_side.begin(), best_side.end());
      }
    }
    if (best_r < 0) break;
    long to_r = 0;
    for (std::size_t p = 0; p < part.size(); ++p)
      if (part[p] == hi || part[p] == best_r) {
        const bool light_side = std::binary_search(best_side.begin(), best_side.end(), static_cast<int>(p));
        part[p] = light_side ? best_r : hi;
        if (light_side) to_r += g.work[p];
      }
    load[hi] = load[hi] + load[best_r] - to_r;
    load[best_r] = to_r;
  }
}

std::vector<int> scotch(const ProvinceGraph& g, int ranks) {
  const PetscInt n = static_cast<PetscInt>(g.names.size());
  PetscInt *ia = nullptr, *ja = nullptr, *weights = nullptr;
  PetscInt nnz = 0;
  for (const auto& nb : g.neighbours) nnz += static_cast<PetscInt>(nb.size());
  REGIO_PETSC(PetscMalloc1(n + 1, &ia));
  REGIO_PETSC(PetscMalloc1(std::max<PetscInt>(1, nnz), &ja));
  REGIO_PETSC(PetscMalloc1(n, &weights));
  ia[0] = 0;
  for (PetscInt p = 0; p < n; ++p) {
    PetscInt k = ia[p];
    for (int q : g.neighbours[p]) ja[k++] = q;
    ia[p + 1] = k;
    weights[p] = g.work[p];
  }
  PetscMat adj;
  REGIO_PETSC(MatCreateMPIAdj(PETSC_COMM_SELF, n, n, ia, ja, nullptr, adj.address()));  // takes ia, ja
  MatPartitioning part;
  REGIO_PETSC(MatPartitioningCreate(PETSC_COMM_SELF, &part));
  REGIO_PETSC(MatPartitioningSetAdjacency(part, adj));
  REGIO_PETSC(MatPartitioningSetNParts(part, ranks));
  REGIO_PETSC(MatPartitioningSetType(part, MATPARTITIONINGPTSCOTCH));
  REGIO_PETSC(MatPartitioningSetVertexWeights(part, weights));  // takes weights
  REGIO_PETSC(PetscObjectSetOptionsPrefix(reinterpret_cast<PetscObject>(part), "decomp_"));
  REGIO_PETSC(MatPartitioningSetFromOptions(part));
  IS is;
  REGIO_PETSC(MatPartitioningApply(part, &is));
  const PetscInt* idx;
  REGIO_PETSC(ISGetIndices(is, &idx));
  std::vector<int> out(idx, idx + n);
  REGIO_PETSC(ISRestoreIndices(is, &idx));
  REGIO_PETSC(ISDestroy(&is));
  REGIO_PETSC(MatPartitioningDestroy(&part));
  return out;
}

// ---- the strategies ----

Decomposition contiguous(const std::vector<Region>& regions, int ranks) { return auto_decomposition(regions, ranks); }

Decomposition balanced(const std::vector<Region>& regions, int ranks) {
  const ProvinceGraph g = province_graph(regions);
  std::vector<int> part = lpt(g, ranks);
  refine(g, ranks, part);
  rebalance_pairs(g, ranks, part);
  return from_parts(g, part, ranks);
}

Decomposition graph(const std::vector<Region>& regions, int ranks) {
  const ProvinceGraph g = province_graph(regions);
  // PT-Scotch needs at least one province per part; with more ranks than provinces the
  // extra ranks stay empty whatever the strategy, so balance is the only criterion left.
  const bool enough = static_cast<int>(g.names.size()) >= ranks && ranks > 1;
  return from_parts(g, enough ? scotch(g, ranks) : lpt(g, ranks), ranks);
}

// "a, b or c"
std::string one_of(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

}  // namespace

PartitionReport evaluate_partition(const Decomposition& d, const std::vector<Region>& regions) {
  const ProvinceGraph g = province_graph(regions);
  std::map<std::string, int> rank_of;
  for (int r = 0; r < d.ranks; ++r)
    for (const auto& p : d.assignment[r]) rank_of[p] = r;
  std::vector<double> load(d.ranks, 0.0);
  PartitionReport rep;
  for (std::size_t p = 0; p < g.names.size(); ++p) {
    load[rank_of.at(g.names[p])] += g.work[p];
    for (int q : g.neighbours[p])
      if (static_cast<int>(p) < q) {
        ++rep.graph_edges;
        if (rank_of.at(g.names[p]) != rank_of.at(g.names[q])) ++rep.edge_cut;
      }
  }
  const double mean = std::accumulate(load.begin(), load.end(), 0.0) / d.ranks;
  rep.imbalance = *std::max_element(load.begin(), load.end()) / mean;
  return rep;
}

const std::vector<PartitionStrategy>& partition_strategies() {
  // A new strategy goes here; the order is that of `regio decomp --help` and of error messages.
  static const std::vector<PartitionStrategy> strategies = {
      {"contiguous", "blocks of provinces in CSV order", contiguous},
      {"balanced", "largest first, then moves, swaps and exact re-splits", balanced},
      {"graph", "PT-Scotch on neighbouring provinces", graph},
  };
  return strategies;
}

const PartitionStrategy& partition_strategy(const std::string& name) {
  const auto& all = partition_strategies();
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.name == name; });
  if (it != all.end()) return *it;
  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  throw InputError(fmt::format("unknown decomposition strategy '{}': use {}", name, one_of(names)));
}

std::string partition_strategies_help() {
  std::vector<std::string> rows;
  for (const auto& s : partition_strategies())
    rows.push_back(
        fmt::format("{} ({}{})", s.name, s.name == kDefaultPartitionStrategy ? "default; " : "", s.description));
  return fmt::format("{}", fmt::join(rows, " | "));
}

Decomposition partition_provinces(const std::vector<Region>& regions, int ranks, const std::string& strategy,
                                  PartitionReport* report) {
  if (ranks < 1) throw InputError("--ranks must be at least 1");
  const PartitionStrategy& s = partition_strategy(strategy);
  Decomposition d = s.partition(regions, ranks);
  d.source = s.name;
  if (report) *report = evaluate_partition(d, regions);
  return d;
}

}  // namespace regio
