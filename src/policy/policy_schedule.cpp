#include "regio/policy_schedule.hpp"

#include <cmath>

#include "regio/geography.hpp"

namespace regio {

PolicySchedule::PolicySchedule(const Scenario& sc, const GlobalGeography& geo)
    : sc_(sc), geo_(geo), baseline_home_bias_(sc.capital.home_bias), baseline_net_exports_(sc.external.net_exports) {}

std::vector<const Policy*> PolicySchedule::starting_at(int epoch) const {
  std::vector<const Policy*> out;
  for (const auto& p : sc_.policies)
    if (p.epoch == epoch) out.push_back(&p);
  return out;
}

void PolicySchedule::apply_region_policies(int epoch, EconomyState& st) const {
  const std::size_t S = sc_.num_sectors();
  for (const auto* p : starting_at(epoch)) {
    for (std::size_t j = 0; j < st.size(); ++j) {
      if (!p->selects(st.records[j].index)) continue;
      if (p->kind == "hukou") {
        if (p->has("conversion_rate")) st.conversion_rate[j] = p->value("conversion_rate");
        if (p->has("barrier")) st.hukou_barrier[j] = p->value("barrier");
      } else if (p->kind == "land") {
        st.land[j] *= p->value("land_factor");
      } else if (p->kind == "capital_market") {
        if (p->has("friction")) st.capital_friction[j] = p->value("friction");
      } else if (p->kind == "productivity" && p->has("shock")) {
        for (int s : p->sector_index) st.log_productivity[j * S + static_cast<std::size_t>(s)] += p->value("shock");
      }
    }
  }
}

std::shared_ptr<const TransportCosts> PolicySchedule::costs_at(int epoch) const {
  auto costs = std::make_shared<TransportCosts>(sc_, geo_);
  std::vector<TransportLink> links;
  auto add = [&](const TransportLinkSpec& l) {
    const auto a = static_cast<std::size_t>(l.from_index), b = static_cast<std::size_t>(l.to_index);
    const double km = l.km > 0 ? l.km : costs->great_circle(a, b);  // the length of the direct leg
    links.push_back({a, b, km * sc_.network.mode_cost(l.mode)});
  };
  for (const auto& l : sc_.network_links) add(l);
  for (const auto& p : sc_.policies) {
    if (p.epoch > epoch) continue;
    if (p.kind == "infrastructure")
      for (const auto& l : p.links) add(l);
    if (p.kind == "market_integration")
      for (const auto& [a, b] : p.province_pairs) {
        if (p.has("trade_border_cost")) costs->set_trade_border(a, b, p.value("trade_border_cost"));
        if (p.has("migration_border_cost")) costs->set_migration_border(a, b, p.value("migration_border_cost"));
      }
  }
  if (!links.empty()) costs->set_links(std::move(links));
  return costs;
}

FiscalRegime PolicySchedule::fiscal_at(int epoch, const EconomyState& st) const {
  const Policy* in_force = nullptr;
  for (const auto& p : sc_.policies)
    if (p.kind == "fiscal_transfer" && p.epoch <= epoch) in_force = &p;
  FiscalRegime r;
  if (!in_force) return r;
  r.pool.assign(st.size(), 0);
  r.recipient.assign(st.size(), 0);
  if (in_force->has("equalisation_rate")) r.equalisation_rate = in_force->value("equalisation_rate");
  if (in_force->has("targeted_share")) r.targeted_share = in_force->value("targeted_share");
  for (std::size_t j = 0; j < st.size(); ++j) {
    const bool sel = in_force->selects(st.records[j].index);
    r.pool[j] = static_cast<char>(sel && r.equalisation_rate > 0);
    r.recipient[j] = static_cast<char>(sel && r.targeted_share > 0);
  }
  return r;
}

double PolicySchedule::latest(const char* kind, const char* key, int epoch, double fallback) const {
  for (const auto& p : sc_.policies)  // sorted by epoch: the last one in force wins
    if (p.kind == kind && p.epoch <= epoch && p.has(key)) fallback = p.value(key);
  return fallback;
}

double PolicySchedule::home_bias_at(int epoch) const { return latest("capital_market", "home_bias", epoch, baseline_home_bias_); }

std::vector<double> PolicySchedule::external_cost_factors_at(int epoch, const EconomyState& st) const {
  std::vector<double> f(st.size(), 1.0);
  for (const auto& p : sc_.policies)
    if (p.kind == "external" && p.epoch <= epoch && p.has("trade_cost_factor"))
      for (std::size_t j = 0; j < st.size(); ++j)
        if (p.selects(st.records[j].index)) f[j] *= p.value("trade_cost_factor");
  return f;
}

double PolicySchedule::net_exports_at(int epoch) const { return latest("external", "net_exports", epoch, baseline_net_exports_); }

std::vector<double> PolicySchedule::extra_growth(int epoch, const EconomyState& st) const {
  const std::size_t S = sc_.num_sectors();
  std::vector<double> g(st.size() * S, 0.0);
  for (const auto& p : sc_.policies) {
    if (p.kind != "productivity" || !p.has("growth") || p.epoch > epoch) continue;
    const int duration = p.has("duration") ? static_cast<int>(p.value("duration")) : 0;
    if (duration > 0 && epoch >= p.epoch + duration) continue;
    for (std::size_t j = 0; j < st.size(); ++j)
      if (p.selects(st.records[j].index))
        for (int s : p.sector_index) g[j * S + static_cast<std::size_t>(s)] += p.value("growth");
  }
  return g;
}

}  // namespace regio
