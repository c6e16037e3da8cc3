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
//
// What keeps this cheap at large N (docs/performance.md, "Transport networks"):
// - a link no cheaper than the direct leg between its ends never shortens a path (the direct
//   leg does the same for less), so only cheaper links make network nodes: a road network with
//   detours (km ≥ great circle, road factor) leaves M = 0;
// - exits: a path to k need only leave the network at a node b that no other node b' beats,
//   C_bb' + d_b'k ≤ d_bk (riding on to b' and walking from there is no dearer; then for every
//   origin reach(b') ≤ reach(b) + C_bb'). These non-dominated exits U_k are few, the nodes
//   near k, and are found once per k in O(M log M + M·|U_k|). D is symmetric, so U_i are also
//   the only entries a row i needs. A row then costs O(|U_i|·M + Σ_k |U_k|) instead of
//   O(M² + M·N) direct legs (M·N asin);
// - Floyd–Warshall and the exits are prepared at the first use, so an epoch whose links are
//   those of the costs in force (operator==) costs nothing.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/geography.hpp"

namespace regio {

struct TransportLink {
  std::size_t a = 0, b = 0;  // region indices (CSV order)
  double cost_km = 0;        // km × mode cost factor
  auto operator<=>(const TransportLink&) const = default;
};

class TransportCosts {
 public:
  // Border costs from the scenario (b_s, b_m for every pair of different provinces), no links.
  TransportCosts(const Scenario& sc, const GlobalGeography& geo);

  // Links from the scenario's network file plus those of infrastructure policies in force
  // (any order and orientation; kept as a sorted list with a < b).
  void set_links(std::vector<TransportLink> links);
  // Border costs between two provinces (indices of geo.province_names); order does not matter.
  void set_border(int p, int q, double trade_border, double migration_border);
  void set_trade_border(int p, int q, double b);
  void set_migration_border(int p, int q, double b);

  double log_trade_border(int p, int q) const { return p == q ? 0.0 : log_trade_[idx(p, q)]; }
  // Province-pair trade frictions (trade.frictions, MODEL.md §12) times their scales
  // (trade.province_scales): log factor of sector s for importers of province p buying from
  // exporters of province q, directed (0 within a province and for pairs the files do not name;
  // +inf: no trade).
  bool has_frictions() const { return !log_friction_.empty(); }
  double log_trade_friction(std::size_t s, int importer, int exporter) const {
    return log_friction_[s * P_ * P_ + idx(importer, exporter)];
  }
  // Replace the scales of the inherited trade costs (log, S×P×P: sector, importer, exporter; 0 within
  // a province; the calibration's steps). An empty vector removes them.
  void set_trade_scales(std::vector<double> log_scale);
  // Province-pair migration frictions (migration.frictions, MODEL.md §12): log factor of μ_od for
  // hukou origins of province p and destinations of province q, directed (0 where not named).
  bool has_migration_frictions() const { return !log_migration_friction_.empty(); }
  double log_migration_friction(int origin, int destination) const {
    return log_migration_friction_[idx(origin, destination)];
  }
  // The first sector whose frictions equal those of s (sectors of one θ and one class share a kernel).
  std::size_t friction_class(std::size_t s) const { return has_frictions() ? friction_class_[s] : 0; }
  // The province terms of log μ_od between units of provinces p and q: log b_m between provinces;
  // with province migration-cost scales (migration.province_costs) also ½(log x_p + log x_q)
  // between provinces and log w_p within province p (for o ≠ d; 0 without them).
  double log_migration_border(int p, int q) const {
    if (log_within_.empty()) return p == q ? 0.0 : log_migration_[idx(p, q)];
    return p == q ? log_within_[p] : log_migration_[idx(p, q)] + 0.5 * (log_between_[p] + log_between_[q]);
  }
  bool has_province_costs() const { return !log_within_.empty(); }
  // Replace the province scales (P each; the calibration's steps). Empty vectors remove them.
  void set_province_costs(std::vector<double> log_within, std::vector<double> log_between);
  std::size_t links() const { return links_.size(); }
  // Network nodes: the ends of the links cheaper than their direct legs (prepares the network).
  std::size_t network_nodes() const;
  // Non-dominated exits summed over all regions, Σ_k |U_k| (prepares the network).
  std::size_t network_exits() const;
  // Links no cheaper than the direct leg between their ends: they change no distance.
  std::size_t idle_links() const;

  // Row i of effective distances D_ik for all k (D_ii = internal distance), into out[0..N).
  void effective_distances(std::size_t i, double* out) const;
  // Row i of network.road × great-circle distance for all k (0 at k = i), into out[0..N):
  // bitwise road · great_circle(i, k), with the asin taken over the row at once.
  void direct_legs(std::size_t i, double* out) const;

  // Great-circle distance between regions i and k (km) from unit vectors precomputed once (the
  // kernels recompute N of them per row when they are not stored).
  double great_circle(std::size_t i, std::size_t k) const { return chord_distance_km(unit_[i], unit_[k]); }

  bool operator==(const TransportCosts& o) const {
    return road_ == o.road_ && log_trade_ == o.log_trade_ && log_friction_ == o.log_friction_ &&
           log_migration_ == o.log_migration_ && log_migration_friction_ == o.log_migration_friction_ &&
           log_within_ == o.log_within_ && log_between_ == o.log_between_ && links_ == o.links_;
  }

 private:
  std::size_t idx(int p, int q) const { return static_cast<std::size_t>(p) * P_ + static_cast<std::size_t>(q); }
  const GlobalGeography* geo_;
  std::size_t P_ = 0;
  double road_ = 1;
  std::vector<double> log_trade_, log_migration_;  // P×P, symmetric
  std::size_t S_ = 0;
  std::vector<double> log_friction_;  // S×P×P, importer × exporter: log_inherited_ + log_scale_ (empty without both)
  std::vector<double> log_inherited_;             // trade.frictions (empty without)
  std::vector<double> log_scale_;                 // trade.province_scales (empty without)
  std::vector<double> log_migration_friction_;    // P×P, origin × destination (empty without migration.frictions)
  std::vector<double> log_within_, log_between_;  // P each (empty without migration.province_costs)
  std::vector<std::size_t> friction_class_;       // per sector
  std::vector<TransportLink> links_;              // sorted, a < b
  std::vector<UnitVector> unit_;                  // unit vectors of the centroids

  // The network, prepared at the first use (mutable: a cache of what links_ determines).
  void prepare_network() const;
  mutable bool network_ready_ = false;
  mutable std::vector<std::size_t> nodes_;  // network nodes (region indices), sorted
  mutable std::size_t idle_links_ = 0;
  mutable std::vector<double> node_cost_;  // M×M shortest-path costs between nodes
  // U_k in compressed rows: exits exit_start_[k] .. exit_start_[k+1] (node b, leg d_bk).
  mutable std::vector<std::size_t> exit_start_;
  mutable std::vector<std::uint32_t> exit_node_;
  mutable std::vector<double> exit_leg_;
  mutable std::vector<double> reach_;  // scratch: M (so effective_distances is not reentrant)
};

}  // namespace regio
