#include "regio/policy_schedule.hpp"

#include "regio/geography.hpp"

namespace regio {

PolicySchedule::PolicySchedule(const Scenario& sc, const GlobalGeography& geo)
    : sc_(sc), geo_(geo), baseline_home_bias_(sc.capital.home_bias), baseline_net_exports_(sc.external.net_exports) {
  for (const auto& p : sc_.policies) kinds_.push_back(&policy_kind(p));
}

template <class F>
void PolicySchedule::for_each_in_force(int epoch, F&& f) const {
  for (std::size_t i = 0; i < sc_.policies.size(); ++i)  // sorted by epoch (resolve_policies)
    if (sc_.policies[i].epoch <= epoch) f(sc_.policies[i], *kinds_[i]);
}

std::vector<const Policy*> PolicySchedule::starting_at(int epoch) const {
  std::vector<const Policy*> out;
  for (const auto& p : sc_.policies)
    if (p.epoch == epoch) out.push_back(&p);
  return out;
}

void PolicySchedule::apply_region_policies(int epoch, EconomyState& st) const {
  const std::size_t S = sc_.num_sectors();
  for (std::size_t i = 0; i < sc_.policies.size(); ++i) {
    const Policy& p = sc_.policies[i];
    if (p.epoch != epoch) continue;
    for (std::size_t j = 0; j < st.size(); ++j)
      if (p.selects(st.records[j].index)) kinds_[i]->apply_to_region(p, j, S, st);
  }
}

std::shared_ptr<const TransportCosts> costs_with(const Scenario& sc, const GlobalGeography& geo,
                                                 const CostChanges& changes) {
  auto costs = std::make_shared<TransportCosts>(sc, geo);
  for (const auto& b : changes.borders) {
    if (b.trade) costs->set_trade_border(b.p, b.q, *b.trade);
    if (b.migration) costs->set_migration_border(b.p, b.q, *b.migration);
  }
  std::vector<TransportLink> links;
  for (const auto& l : changes.links) {
    const auto a = static_cast<std::size_t>(l.from_index), b = static_cast<std::size_t>(l.to_index);
    const double km = l.km > 0 ? l.km : costs->great_circle(a, b);  // the length of the direct leg
    links.push_back({a, b, km * sc.network.mode_cost(l.mode)});
  }
  if (!links.empty()) costs->set_links(std::move(links));
  return costs;
}

std::shared_ptr<const TransportCosts> network_costs(const Scenario& sc, const GlobalGeography& geo) {
  CostChanges changes;
  changes.links = sc.network_links;
  return costs_with(sc, geo, changes);
}

std::shared_ptr<const TransportCosts> PolicySchedule::costs_at(int epoch) const {
  CostChanges changes;
  changes.links = sc_.network_links;
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_costs(p, changes); });
  return costs_with(sc_, geo_, changes);
}

FiscalRegime PolicySchedule::fiscal_at(int epoch, const EconomyState& st) const {
  FiscalRules rules;
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_fiscal(p, rules); });
  FiscalRegime r;
  if (!rules.policy) return r;
  r.equalisation_rate = rules.equalisation_rate;
  r.targeted_share = rules.targeted_share;
  r.pool.assign(st.size(), 0);
  r.recipient.assign(st.size(), 0);
  for (std::size_t j = 0; j < st.size(); ++j) {
    const bool sel = rules.policy->selects(st.records[j].index);
    r.pool[j] = static_cast<char>(sel && r.equalisation_rate > 0);
    r.recipient[j] = static_cast<char>(sel && r.targeted_share > 0);
  }
  return r;
}

double PolicySchedule::home_bias_at(int epoch) const {
  double phi = baseline_home_bias_;
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_home_bias(p, phi); });
  return phi;
}

std::vector<double> PolicySchedule::external_cost_factors_at(int epoch, const EconomyState& st) const {
  std::vector<double> f(st.size(), 1.0);
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_external_costs(p, st, f); });
  return f;
}

double PolicySchedule::wedge_exponent_at(int epoch) const {
  double e = 1;
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_wedge_exponent(p, epoch, e); });
  return e;
}

double PolicySchedule::net_exports_at(int epoch) const {
  double nx = baseline_net_exports_;
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.edit_net_exports(p, nx); });
  return nx;
}

std::vector<double> PolicySchedule::extra_growth(int epoch, const EconomyState& st) const {
  const std::size_t S = sc_.num_sectors();
  std::vector<double> g(st.size() * S, 0.0);
  for_each_in_force(epoch, [&](const Policy& p, const PolicyKind& kind) { kind.add_growth(p, epoch, st, S, g); });
  return g;
}

}  // namespace regio
