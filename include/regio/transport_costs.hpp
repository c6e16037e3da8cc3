#pragma once
// Bilateral cost geography (MODEL.md §1) that policies change: effective distances D_ni over a
// transport network and the provincial border costs b_s, b_m per province pair.
//
// Effective distance. Any two regions are joined by a direct leg of great-circle length d (cost
// factor network.road); links (network file, infrastructure policies) add edges of cost
// km × mode factor. Because direct legs obey the triangle inequality, a shortest path is the
// direct leg, or a direct leg to a network node a, the cheapest node-to-node route a → b, and a
// direct leg from b. With the M network nodes' all-pairs costs C (Floyd–Warshall, O(M³), once),
// a row costs O(M² + N·M):  D_ik = min(d_ik, min_b [min_a (d_ia + C_ab)] + d_bk).
// Adding a link can only lower D (a new edge never lengthens a shortest path); D_ii is the
// internal distance and does not change. Every rank computes the rows of its own regions.
#include <cstddef>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/geography.hpp"

namespace regio {

struct TransportLink {
  std::size_t a = 0, b = 0;  // region indices (CSV order)
  double cost_km = 0;        // km × mode cost factor
};

class TransportCosts {
 public:
  // Border costs from the scenario (b_s, b_m for every pair of different provinces), no links.
  TransportCosts(const Scenario& sc, const GlobalGeography& geo);

  // Links from the scenario's network file plus those of infrastructure policies in force.
  void set_links(std::vector<TransportLink> links);
  // Border costs between two provinces (indices of geo.province_names); order does not matter.
  void set_border(int p, int q, double trade_border, double migration_border);
  void set_trade_border(int p, int q, double b);
  void set_migration_border(int p, int q, double b);

  double log_trade_border(int p, int q) const { return p == q ? 0.0 : log_trade_[idx(p, q)]; }
  double log_migration_border(int p, int q) const { return p == q ? 0.0 : log_migration_[idx(p, q)]; }
  bool has_links() const { return !nodes_.empty(); }
  std::size_t links() const { return links_.size(); }

  // Row i of effective distances D_ik for all k (D_ii = internal distance), into out[0..N).
  void effective_distances(std::size_t i, double* out) const;
  // Row i of network.road × great-circle distance for all k (0 at k = i), into out[0..N):
  // bitwise road · great_circle(i, k), with the asin taken over the row at once.
  void direct_legs(std::size_t i, double* out) const;

  // Great-circle distance between regions i and k (km) from unit vectors precomputed once (the
  // kernels recompute N of them per row when they are not stored).
  double great_circle(std::size_t i, std::size_t k) const { return chord_distance_km(unit_[i], unit_[k]); }

  bool operator==(const TransportCosts& o) const {
    return log_trade_ == o.log_trade_ && log_migration_ == o.log_migration_ && node_cost_ == o.node_cost_ && nodes_ == o.nodes_;
  }

 private:
  std::size_t idx(int p, int q) const { return static_cast<std::size_t>(p) * P_ + static_cast<std::size_t>(q); }
  const GlobalGeography* geo_;
  std::size_t P_ = 0;
  double road_ = 1;
  std::vector<double> log_trade_, log_migration_;  // P×P, symmetric
  std::vector<TransportLink> links_;
  std::vector<std::size_t> nodes_;                 // network nodes (region indices), sorted
  std::vector<double> node_cost_;                  // M×M shortest-path costs between nodes
  std::vector<UnitVector> unit_;                   // unit vectors of the centroids
};

}  // namespace regio
