#include "regio/transport_costs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "regio/geography.hpp"
#include "regio/vector_math.hpp"

namespace regio {

namespace {
// road × great-circle km from u to the regions target(0) .. target(n − 1): chord_distance_km,
// split into passes so that the asin runs over the whole row in vectors. Every direct leg of a
// row (direct_legs, a region's legs to the network nodes) comes from here, so they agree
// bitwise (squared_chord is symmetric in its arguments).
template <class Target>
void road_legs(const std::vector<UnitVector>& unit, double road, const UnitVector& u, std::size_t n, Target target,
               double* out) {
  for (std::size_t k = 0; k < n; ++k) out[k] = std::min(1.0, 0.5 * std::sqrt(squared_chord(u, unit[target(k)])));
  vmath::asin(out, out, n);
  for (std::size_t k = 0; k < n; ++k) out[k] = road * (2.0 * kEarthRadiusKm * out[k]);
}
}  // namespace

TransportCosts::TransportCosts(const Scenario& sc, const GlobalGeography& geo)
    : geo_(&geo), P_(geo.province_names.size()), road_(sc.network.road) {
  log_trade_.assign(P_ * P_, std::log(sc.trade.border_cost));
  log_migration_.assign(P_ * P_, std::log(sc.migration.border_cost));
  for (std::size_t i = 0; i < geo.size(); ++i) unit_.push_back(unit_vector(geo.lat[i], geo.lon[i]));
  const std::size_t PP = P_ * P_;
  if (!sc.migration_frictions.empty()) {
    log_migration_friction_.assign(PP, 0.0);
    for (const auto& f : sc.migration_frictions) log_migration_friction_[idx(f.p, f.q)] = std::log(f.mu);
  }
  if (!sc.migration.province_costs.empty()) {
    std::vector<double> within(P_, 0.0), between(P_, 0.0);
    for (const auto& c : sc.province_migration_costs) {
      within[static_cast<std::size_t>(c.province)] = std::log(c.within_scale);
      between[static_cast<std::size_t>(c.province)] = std::log(c.between_scale);
    }
    set_province_costs(std::move(within), std::move(between));
  }
  S_ = sc.sectors.size();
  // Directed: row = importer's province (to_province), column = exporter's (from_province).
  const auto directed = [&](const std::vector<TradeFriction>& factors) {
    std::vector<double> logs(S_ * PP, 0.0);
    for (const auto& f : factors) logs[f.sector * PP + idx(f.q, f.p)] = std::log(f.tau);
    return logs;
  };
  if (!sc.trade_frictions.empty()) log_inherited_ = directed(sc.trade_frictions);
  set_trade_scales(sc.trade_scales.empty() ? std::vector<double>{} : directed(sc.trade_scales));
}

void TransportCosts::set_trade_scales(std::vector<double> log_scale) {
  const std::size_t PP = P_ * P_;
  if (!log_scale.empty() && log_scale.size() != S_ * PP)
    throw std::logic_error("TransportCosts::set_trade_scales: one scale per sector and province pair expected");
  log_scale_ = std::move(log_scale);
  log_friction_ = log_inherited_;
  if (!log_scale_.empty()) {
    if (log_friction_.empty()) log_friction_.assign(S_ * PP, 0.0);
    for (std::size_t k = 0; k < log_friction_.size(); ++k) log_friction_[k] += log_scale_[k];
  }
  friction_class_.clear();
  if (log_friction_.empty()) return;
  for (std::size_t s = 0; s < S_; ++s) {
    std::size_t c = 0;
    while (c < s && !std::equal(&log_friction_[c * PP], &log_friction_[c * PP] + PP, &log_friction_[s * PP])) ++c;
    friction_class_.push_back(c);
  }
}

void TransportCosts::set_trade_border(int p, int q, double b) {
  log_trade_[idx(p, q)] = log_trade_[idx(q, p)] = std::log(b);
}

void TransportCosts::set_migration_border(int p, int q, double b) {
  log_migration_[idx(p, q)] = log_migration_[idx(q, p)] = std::log(b);
}

void TransportCosts::set_province_costs(std::vector<double> log_within, std::vector<double> log_between) {
  if (log_within.size() != log_between.size() || (!log_within.empty() && log_within.size() != P_))
    throw std::logic_error("TransportCosts::set_province_costs: one scale per province expected");
  log_within_ = std::move(log_within);
  log_between_ = std::move(log_between);
}

void TransportCosts::set_border(int p, int q, double trade_border, double migration_border) {
  set_trade_border(p, q, trade_border);
  set_migration_border(p, q, migration_border);
}

void TransportCosts::set_links(std::vector<TransportLink> links) {
  for (auto& l : links)
    if (l.b < l.a) std::swap(l.a, l.b);
  std::sort(links.begin(), links.end());
  links_ = std::move(links);
  network_ready_ = false;
  nodes_.clear();
  node_cost_.clear();
  exit_start_.clear(), exit_node_.clear(), exit_leg_.clear();
}

std::size_t TransportCosts::network_nodes() const {
  prepare_network();
  return nodes_.size();
}

std::size_t TransportCosts::network_exits() const {
  prepare_network();
  return exit_node_.size();
}

std::size_t TransportCosts::idle_links() const {
  prepare_network();
  return idle_links_;
}

void TransportCosts::prepare_network() const {
  if (network_ready_) return;
  // Only links cheaper than the direct leg between their ends can shorten a path.
  std::vector<TransportLink> useful;
  for (const auto& l : links_)
    if (l.a != l.b && l.cost_km < road_ * great_circle(l.a, l.b)) useful.push_back(l);
  idle_links_ = links_.size() - useful.size();
  nodes_.clear();
  for (const auto& l : useful) nodes_.push_back(l.a), nodes_.push_back(l.b);
  std::sort(nodes_.begin(), nodes_.end());
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
  const std::size_t M = nodes_.size(), N = geo_->size();
  if (M > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("transport network: more than 2^32 nodes");
  node_cost_.assign(M * M, 0.0);
  for (std::size_t a = 0; a < M; ++a)
    for (std::size_t b = 0; b < M; ++b)
      if (a != b) node_cost_[a * M + b] = road_ * great_circle(nodes_[a], nodes_[b]);
  auto pos = [&](std::size_t region) {
    return static_cast<std::size_t>(std::lower_bound(nodes_.begin(), nodes_.end(), region) - nodes_.begin());
  };
  for (const auto& l : useful) {
    const std::size_t a = pos(l.a), b = pos(l.b);
    node_cost_[a * M + b] = node_cost_[b * M + a] = std::min(node_cost_[a * M + b], l.cost_km);
  }
  for (std::size_t k = 0; k < M; ++k)  // Floyd–Warshall
    for (std::size_t a = 0; a < M; ++a) {
      const double via = node_cost_[a * M + k];
      double* row = &node_cost_[a * M];
      const double* from_k = &node_cost_[k * M];
      for (std::size_t b = 0; b < M; ++b) row[b] = std::min(row[b], via + from_k[b]);
    }
  // The exits U_k of every region k: nodes by increasing leg d_bk; b is dominated if riding on
  // to an exit b' already taken and walking from there is no dearer. Checking the exits taken
  // is enough: whatever dominates b' dominates b.
  exit_start_.assign(N + 1, 0);
  exit_node_.clear();
  exit_leg_.clear();
  std::vector<double> leg(M);
  std::vector<std::uint32_t> order;
  order.reserve(M);
  for (std::size_t k = 0; M > 0 && k < N; ++k) {
    road_legs(
        unit_, road_, unit_[k], M, [&](std::size_t b) { return nodes_[b]; }, leg.data());  // bitwise row k's
    // The nearest node is an exit; the nodes it dominates (most of them) need no sorting. C is
    // symmetric (Floyd–Warshall keeps it so), so its row holds C_b,nearest.
    std::uint32_t nearest = 0;
    for (std::uint32_t b = 1; b < M; ++b)
      if (leg[b] < leg[nearest]) nearest = b;
    const double* to_nearest = &node_cost_[nearest * M];
    order.clear();
    for (std::uint32_t b = 0; b < M; ++b)
      if (b == nearest || !(to_nearest[b] + leg[nearest] <= leg[b])) order.push_back(b);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t x, std::uint32_t y) { return leg[x] < leg[y] || (leg[x] == leg[y] && x < y); });
    const std::size_t first = exit_node_.size();
    for (const std::uint32_t b : order) {
      bool dominated = false;
      for (std::size_t e = first; e < exit_node_.size() && !dominated; ++e)
        dominated = node_cost_[b * M + exit_node_[e]] + exit_leg_[e] <= leg[b];
      if (!dominated) {
        exit_node_.push_back(b);
        exit_leg_.push_back(leg[b]);
      }
    }
    exit_start_[k + 1] = exit_node_.size();
  }
  reach_.assign(M, 0.0);
  network_ready_ = true;
}

void TransportCosts::direct_legs(std::size_t i, double* out) const {
  road_legs(
      unit_, road_, unit_[i], geo_->size(), [](std::size_t k) { return k; }, out);
}

void TransportCosts::effective_distances(std::size_t i, double* out) const {
  const auto& g = *geo_;
  const std::size_t N = g.size();
  direct_legs(i, out);
  out[i] = internal_distance_km(g.area_km2[i]);
  if (links_.empty()) return;
  prepare_network();
  const std::size_t M = nodes_.size();
  if (M == 0) return;
  // reach[b] = cheapest cost from i to node b: a direct leg to an entry a, then the network. By
  // symmetry the entries worth taking are i's exits (when i is a node: itself, at leg 0).
  for (std::size_t b = 0; b < M; ++b) reach_[b] = std::numeric_limits<double>::infinity();
  for (std::size_t e = exit_start_[i]; e < exit_start_[i + 1]; ++e) {
    const double leg = exit_leg_[e];
    const double* cost = &node_cost_[exit_node_[e] * M];
    for (std::size_t b = 0; b < M; ++b) reach_[b] = std::min(reach_[b], leg + cost[b]);
  }
  for (std::size_t k = 0; k < N; ++k) {
    double best = out[k];
    for (std::size_t e = exit_start_[k]; e < exit_start_[k + 1]; ++e)
      best = std::min(best, reach_[exit_node_[e]] + exit_leg_[e]);
    out[k] = best;
  }
  out[i] = internal_distance_km(g.area_km2[i]);  // D_ii is the internal distance, links or not
}

}  // namespace regio
