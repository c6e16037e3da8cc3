// Welfare split into channels (welfare_terms.hpp, docs/welfare.md).
#include "regio/welfare_terms.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace regio {

const std::vector<WelfareChannel>& welfare_channels() {
  static const std::vector<WelfareChannel> channels = {{"amenity", &WelfareTerms::amenity},
                                                       {"trade", &WelfareTerms::trade},
                                                       {"technology", &WelfareTerms::technology},
                                                       {"factor_prices", &WelfareTerms::factor_prices},
                                                       {"capital_income", &WelfareTerms::capital_income},
                                                       {"land_income", &WelfareTerms::land_income},
                                                       {"transfers", &WelfareTerms::transfers},
                                                       {"migration", &WelfareTerms::migration}};
  return channels;
}

double channel_sum(const WelfareTerms& t) {
  double s = 0;
  for (const auto& c : welfare_channels()) s += t.*c.member;
  return s;
}

std::string welfare_terms_problem(const Scenario& sc) {
  if (sc.uses_intermediates())
    return "not built with input-output links (intermediate_shares): unit costs then depend on other regions' prices";
  if (sc.households.stayers()) return "not built with households.land_income: stayers (MODEL.md §11)";
  return "";
}

namespace {

// log A_os, log p_os and log P_os's trade part for region j of the owned ones: the trade,
// technology and factor-price channels of its residents' real income.
void goods_terms(const Equilibrium& eq, const EconomyState& st, std::size_t j, WelfareTerms& t) {
  const auto& tech = eq.technology;
  const auto& v = eq.view;
  const auto& p = st.prices[j];
  const std::size_t S = tech.S, i = static_cast<std::size_t>(st.records[j].index);
  const double goods = 1 - tech.housing_share;
  const double log_w = std::log(p.wage), log_r = std::log(p.capital_rent);
  const double log_q = tech.active[kLand] ? std::log(p.land_rent) : 0.0;
  t.factor_prices = log_w - tech.housing_share * log_q;
  for (std::size_t s = 0; s < S; ++s) {
    const double log_A =
        log_effective_productivity(st.log_productivity[j * S + s], tech.gamma[s], st.population[j], st.land[j]);
    const double log_p = -std::log(v.price_pow_all[i * S + s]) / tech.theta[s];  // p_os
    // −(1/θ)(log π_oos + θ log τ_oos) = log p_os + (1/θ) log Φ_os
    t.trade += goods * tech.eta[s] * (log_p + std::log(v.phi[j * S + s]) / tech.theta[s]);
    t.technology += goods * tech.eta[s] * log_A;
    double log_cost = tech.log_cost_const[s] + tech.alpha[s] * log_w;  // c_os: p_os at A_os = 1
    if (tech.beta[s] > 0) log_cost += tech.beta[s] * log_r;
    if (tech.lambda[s] > 0) log_cost += tech.lambda[s] * log_q;
    t.factor_prices -= goods * tech.eta[s] * log_cost;
  }
}

}  // namespace

std::vector<WelfareTerms> welfare_terms(const Scenario& sc, const Equilibrium& eq, const EconomyState& st) {
  if (const std::string problem = welfare_terms_problem(sc); !problem.empty()) throw std::logic_error(problem);
  const auto& tech = eq.technology;
  const auto& v = eq.view;
  std::vector<WelfareTerms> out(st.size());
  for (std::size_t j = 0; j < st.size(); ++j) {
    WelfareTerms& t = out[j];
    const auto& p = st.prices[j];
    const double L = st.population[j];
    goods_terms(eq, st, j, t);
    const double labour = p.wage * L;
    const double with_capital = labour + (tech.active[kCapital] ? p.capital_rent * st.capital[j] : 0.0);
    const double I = v.income[j], T = v.transfer.empty() ? 0.0 : v.transfer[j];
    t.capital_income = std::log(with_capital / labour);
    t.land_income = std::log((I - T) / with_capital);
    t.transfers = std::log(I / (I - T));
    t.amenity = std::log(st.amenity[j]);
    const double log_U = std::log(v.utility[j]);
    if (eq.migration) {
      t.weight = st.registered[j];
      t.welfare = std::log(v.migration_denominator[j]) / eq.migration_elasticity;
      t.migration = t.welfare - log_U;
    } else {
      t.weight = L;
      t.welfare = log_U;
    }
  }
  return out;
}

WelfareChange welfare_change(const std::vector<WelfareTerms>& base, const std::vector<WelfareTerms>& scenario) {
  if (base.size() != scenario.size()) throw std::logic_error("welfare_change: different regions");
  double Rb = 0, Rs = 0;
  for (std::size_t o = 0; o < base.size(); ++o) Rb += base[o].weight, Rs += scenario[o].weight;
  WelfareChange c;
  c.channels.assign(welfare_channels().size(), 0.0);
  for (std::size_t o = 0; o < base.size(); ++o) {
    const auto &b = base[o], &s = scenario[o];
    const double rb = b.weight / Rb, rs = s.weight / Rs, r_mean = 0.5 * (rb + rs);
    for (std::size_t k = 0; k < c.channels.size(); ++k) {
      const auto m = welfare_channels()[k].member;
      c.channels[k] += r_mean * (s.*m - b.*m);
    }
    c.composition += 0.5 * (b.welfare + s.welfare) * (rs - rb);
    c.base += rb * b.welfare;
    c.scenario += rs * s.welfare;
    c.closure = std::max({c.closure, std::abs(b.welfare - channel_sum(b)), std::abs(s.welfare - channel_sum(s))});
  }
  c.total = c.scenario - c.base;
  return c;
}

}  // namespace regio
