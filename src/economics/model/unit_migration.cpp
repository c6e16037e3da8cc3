#include "regio/unit_migration.hpp"

#include <cmath>
#include <map>

namespace regio {

GroupSwitchWeights GroupSwitchWeights::from_costs(std::size_t groups, const std::vector<double>& within_cost,
                                                  const std::vector<double>& between_cost, double epsilon) {
  GroupSwitchWeights w;
  w.groups = groups;
  w.within.resize(groups * groups);
  w.between.resize(groups * groups);
  for (std::size_t k = 0; k < groups * groups; ++k) {
    w.within[k] = k % (groups + 1) == 0 ? 1.0 : std::pow(within_cost[k], -epsilon);  // s_gg = 1
    w.between[k] = std::pow(between_cost[k], -epsilon);
  }
  return w;
}

ProvincePeers ProvincePeers::of(const std::vector<int>& province_of_region,
                                const std::vector<std::size_t>& owned_regions) {
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t k = 0; k < province_of_region.size(); ++k) members[province_of_region[k]].push_back(k);
  ProvincePeers p;
  p.offset.push_back(0);
  for (auto i : owned_regions) {
    for (auto k : members[province_of_region[i]])
      if (k != i) p.peers.push_back(k);
    p.offset.push_back(p.peers.size());
  }
  return p;
}

void UnitMigrationPass::prepare(const UnitMigrationPoint& x, UnitMigrationFlows& out) {
  const std::size_t G = x.groups, N = x.regions, units = x.owned->size() * G;
  // c_g = Σ_g' b_gg' a_·g': the row's G products carry every destination group at once.
  combined_.assign(G * N, 0.0);
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t g = 0; g < G; ++g) {
      double c = 0;
      for (std::size_t h = 0; h < G; ++h) c += w_.between[g * G + h] * x.attraction[k * G + h];
      combined_[g * N + k] = c;
    }
  for (auto* v : {&out.own_term, &out.leaving_weight, &out.denominator, &out.outflow, &out.home_switches})
    v->assign(units, 0.0);
  out.inflow_partial.assign(G * N, 0.0);
  dot_vectors_.resize(G);
  accum_.resize(G);
  for (std::size_t g = 0; g < G; ++g) {
    dot_vectors_[g] = combined_.data() + g * N;
    accum_[g] = out.inflow_partial.data() + g * N;
  }
}

}  // namespace regio
