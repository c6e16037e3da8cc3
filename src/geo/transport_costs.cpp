#include "regio/transport_costs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "regio/geography.hpp"
#include "regio/vector_math.hpp"

namespace regio {

TransportCosts::TransportCosts(const Scenario& sc, const GlobalGeography& geo)
    : geo_(&geo), P_(geo.province_names.size()), road_(sc.network.road) {
  log_trade_.assign(P_ * P_, std::log(sc.trade.border_cost));
  log_migration_.assign(P_ * P_, std::log(sc.migration.border_cost));
  for (std::size_t i = 0; i < geo.size(); ++i) unit_.push_back(unit_vector(geo.lat[i], geo.lon[i]));
}

void TransportCosts::set_trade_border(int p, int q, double b) {
  log_trade_[idx(p, q)] = log_trade_[idx(q, p)] = std::log(b);
}

void TransportCosts::set_migration_border(int p, int q, double b) {
  log_migration_[idx(p, q)] = log_migration_[idx(q, p)] = std::log(b);
}

void TransportCosts::set_border(int p, int q, double trade_border, double migration_border) {
  set_trade_border(p, q, trade_border);
  set_migration_border(p, q, migration_border);
}

void TransportCosts::set_links(std::vector<TransportLink> links) {
  links_ = std::move(links);
  nodes_.clear();
  for (const auto& l : links_) nodes_.push_back(l.a), nodes_.push_back(l.b);
  std::sort(nodes_.begin(), nodes_.end());
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
  const std::size_t M = nodes_.size();
  node_cost_.assign(M * M, 0.0);
  for (std::size_t a = 0; a < M; ++a)
    for (std::size_t b = 0; b < M; ++b)
      if (a != b)
        node_cost_[a * M + b] = road_ * great_circle(nodes_[a], nodes_[b]);
  auto pos = [&](std::size_t region) { return static_cast<std::size_t>(std::lower_bound(nodes_.begin(), nodes_.end(), region) - nodes_.begin()); };
  for (const auto& l : links_) {
    const std::size_t a = pos(l.a), b = pos(l.b);
    node_cost_[a * M + b] = node_cost_[b * M + a] = std::min(node_cost_[a * M + b], l.cost_km);
  }
  for (std::size_t k = 0; k < M; ++k)  // Floyd–Warshall
    for (std::size_t a = 0; a < M; ++a)
      for (std::size_t b = 0; b < M; ++b)
        node_cost_[a * M + b] = std::min(node_cost_[a * M + b], node_cost_[a * M + k] + node_cost_[k * M + b]);
}

void TransportCosts::direct_legs(std::size_t i, double* out) const {
  const std::size_t N = geo_->size();
  const UnitVector& u = unit_[i];
  // chord_distance_km, split into passes so that the asin runs over the whole row in vectors.
  for (std::size_t k = 0; k < N; ++k) out[k] = std::min(1.0, 0.5 * std::sqrt(squared_chord(u, unit_[k])));
  vmath::asin(out, out, N);
  for (std::size_t k = 0; k < N; ++k) out[k] = road_ * (2.0 * kEarthRadiusKm * out[k]);
}

void TransportCosts::effective_distances(std::size_t i, double* out) const {
  const auto& g = *geo_;
  const std::size_t N = g.size();
  direct_legs(i, out);
  out[i] = internal_distance_km(g.area_km2[i]);
  if (nodes_.empty()) return;
  const std::size_t M = nodes_.size();
  // reach[b] = cheapest cost from i to node b: a direct leg to some node a, then the network.
  std::vector<double> reach(M, std::numeric_limits<double>::infinity());
  for (std::size_t a = 0; a < M; ++a) {
    const double leg = nodes_[a] == i ? 0.0 : out[nodes_[a]];
    for (std::size_t b = 0; b < M; ++b) reach[b] = std::min(reach[b], leg + node_cost_[a * M + b]);
  }
  std::vector<double> from_node(N);
  for (std::size_t b = 0; b < M; ++b) {
    const std::size_t nb = nodes_[b];
    direct_legs(nb, from_node.data());  // from_node[nb] = 0: the leg from b to itself
    for (std::size_t k = 0; k < N; ++k)
      if (k != i) out[k] = std::min(out[k], reach[b] + from_node[k]);
  }
}

}  // namespace regio
