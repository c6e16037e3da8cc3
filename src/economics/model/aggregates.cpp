// Outputs of an epoch (MODEL.md §7): per-region outcomes from the owned kernel rows, and the
// national aggregates, summed in CSV order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "regio/outcomes.hpp"

namespace regio {

double region_gdp(const Equilibrium& eq, std::size_t j) {
  const auto& v = eq.view;
  const auto& tech = eq.technology;
  double revenue = 0;
  if (tech.intermediates()) {  // value added (MODEL.md §9): gross output less intermediate use
    for (std::size_t s = 0; s < tech.S; ++s) revenue += tech.value_added_share(s) * v.revenue[j * tech.S + s];
  } else {
    for (std::size_t s = 0; s < tech.S; ++s) revenue += v.revenue[j * tech.S + s];
  }
  return revenue + tech.housing_share * v.income[j];
}

std::vector<RegionOutcome> region_outcomes(const Scenario& sc, const Equilibrium& eq, const EconomyState& st) {
  const auto& v = eq.view;
  const auto& tech = eq.technology;
  const auto& geo = eq.geography;
  const std::size_t S = tech.S, N = geo.size();
  const double eps = eq.migration_elasticity;
  std::vector<RegionOutcome> out;
  for (std::size_t j = 0; j < st.size(); ++j) {
    const auto i = static_cast<std::size_t>(st.records[j].index);
    RegionOutcome o;
    o.index = static_cast<std::int64_t>(i);
    o.id = st.records[j].id;
    o.province = st.records[j].province;
    const auto& p = st.prices[j];
    o.population = st.population[j];
    o.registered = st.registered[j];
    o.wage = p.wage;
    o.capital_rent = p.capital_rent;
    o.land_rent = p.land_rent;
    o.price_index = v.price_index[j];
    o.income = v.income[j];
    o.transfer = v.transfer[j];
    o.capital = st.capital[j];
    o.utility = v.utility[j];
    // Real income per resident, the region's average (under land_income: stayers, utility is a
    // newcomer's and the stayers' rent share is on top).
    o.real_income_pc = v.stayer_rent_ratio.empty()
                           ? v.utility[j] / st.amenity[j]
                           : utility(tech, 1.0, v.income[j], st.population[j], v.price_index[j], p);
    for (std::size_t s = 0; s < S; ++s) {
      o.employment.push_back(tech.alpha[s] * v.revenue[j * S + s] / p.wage);
      if (sc.sectors[s].agricultural) o.agricultural_employment += o.employment.back();
    }
    for (std::size_t s = 0; s < S; ++s) {
      o.gross_output += v.revenue[j * S + s];
      if (tech.intermediates())
        for (std::size_t k = 0; k < S; ++k) o.intermediate_use += tech.iota[s * S + k] * v.revenue[j * S + s];
    }
    o.gdp = region_gdp(eq, j);
    o.gdp_pc = o.gdp / o.population;
    // Trade: π_nis = τ_nis^−θ p_is^−θ / Φ_ns for this destination n = i.
    double own = 0, other_prov = 0, goods = 0;
    for (std::size_t s = 0; s < S; ++s) {
      const double X = v.expenditure[j * S + s], phi = v.phi[j * S + s];
      if (!v.external_demand.empty()) {  // rest of the world: π_nWs X_ns and π_Wis X_Ws
        o.imports += X * v.external_pow[j * S + s] / phi;
        o.exports += v.external_pow[j * S + s] * v.price_pow_all[i * S + s] * v.external_demand[s] / v.external_phi[s];
      }
      const double* row = eq.trade_row(s, j);
      double cross = 0;
      for (std::size_t k = 0; k < N; ++k)
        if (geo.province[k] != geo.province[i]) cross += row[k] * v.price_pow_all[k * S + s];
      own += X * row[i] * v.price_pow_all[i * S + s] / phi;
      other_prov += X * cross / phi;
      goods += X;
    }
    o.goods_spending = goods;
    o.own_trade_share = own / goods;
    o.spending_elsewhere = goods - own - o.imports;  // bought from other Chinese regions
    o.spending_other_provinces = other_prov;
    if (eq.migration) {
      const double D = v.migration_denominator[j];
      // Σ_{o≠d} L_od scaled to the solved population (L_d = L̂_d at the solution), and
      // Σ_{d≠o} L_od = R_o Σ_{d≠o}(U_d/μ_od)^ε / D_o: sums, not differences of large numbers.
      o.migrants_in = v.inflow[j] * (o.population / v.population_demand[j]);
      o.migrants_out = st.registered[j] * v.leaving_weight[j] / D;
      const double* row = eq.migration_row(j);
      double cross = 0;
      for (std::size_t k = 0; k < N; ++k)
        if (geo.province[k] != geo.province[i]) cross += row[k] * v.attraction_all[k];
      o.interprovincial_migrants = st.registered[j] / D * cross;
      o.expected_utility = std::log(D) / eps;
    } else {
      o.expected_utility = std::log(v.utility[j]);
    }
    out.push_back(std::move(o));
  }
  return out;
}

double theil_index(const std::vector<double>& y, const std::vector<double>& w) {
  const double W = std::accumulate(w.begin(), w.end(), 0.0);
  double mean = 0;
  for (std::size_t i = 0; i < y.size(); ++i) mean += w[i] * y[i];
  mean /= W;
  double t = 0;
  for (std::size_t i = 0; i < y.size(); ++i) t += w[i] / W * (y[i] / mean) * std::log(y[i] / mean);
  return t;
}

double gini_index(const std::vector<double>& y, const std::vector<double>& w) {
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return y[a] < y[b]; });
  double W = 0, Y = 0;
  for (std::size_t i = 0; i < y.size(); ++i) W += w[i], Y += w[i] * y[i];
  // G = 1 − Σ_i p_i (Λ_{i−1} + Λ_i): trapezoids under the Lorenz curve.
  double lorenz_prev = 0, area = 0;
  for (auto i : order) {
    const double lorenz = lorenz_prev + w[i] * y[i] / Y;
    area += (w[i] / W) * (lorenz_prev + lorenz);
    lorenz_prev = lorenz;
  }
  return 1.0 - area;
}

double coefficient_of_variation(const std::vector<double>& y, const std::vector<double>& w) {
  double W = 0, mean = 0, var = 0;
  for (std::size_t i = 0; i < y.size(); ++i) W += w[i], mean += w[i] * y[i];
  mean /= W;
  for (std::size_t i = 0; i < y.size(); ++i) var += w[i] * (y[i] - mean) * (y[i] - mean);
  return std::sqrt(var / W) / mean;
}

Aggregates national_aggregates(const Scenario& sc, const std::vector<RegionOutcome>& all) {
  Aggregates a;
  double goods = 0, elsewhere = 0, other_prov = 0, migrants = 0, inter_migrants = 0;
  double employment = 0, agri = 0, registered = 0, welfare = 0, imports = 0, exports = 0;
  std::vector<double> y, w, y_income;
  const bool any_agri = std::any_of(sc.sectors.begin(), sc.sectors.end(), [](auto& s) { return s.agricultural; });
  for (const auto& o : all) {
    a.gdp += o.gdp;
    a.real_gdp += o.gdp / o.price_index;
    a.population += o.population;
    goods += o.goods_spending;
    elsewhere += o.spending_elsewhere;
    other_prov += o.spending_other_provinces;
    migrants += o.migrants_in;
    inter_migrants += o.interprovincial_migrants;
    double region_employment = 0;  // per region first: the distributed path exchanges this sum
    for (double e : o.employment) region_employment += e;
    employment += region_employment;
    agri += o.agricultural_employment;
    const double weight = sc.migration.enabled ? o.registered : o.population;
    registered += weight;
    welfare += weight * o.expected_utility;
    y.push_back(o.gdp_pc);
    y_income.push_back(o.income / o.population);
    a.transfers += std::max(o.transfer, 0.0);
    a.net_transfers += o.transfer;
    imports += o.imports;
    exports += o.exports;
    w.push_back(o.population);
  }
  a.migrant_share = migrants / a.population;
  a.interprovincial_migrant_share = inter_migrants / a.population;
  a.urbanization = any_agri ? 1.0 - agri / employment : std::numeric_limits<double>::quiet_NaN();
  a.internal_trade_share = elsewhere / goods;
  a.interprovincial_trade_share = other_prov / goods;
  a.welfare = welfare / registered;
  a.theil = theil_index(y, w);
  a.gini = gini_index(y, w);
  a.cv = coefficient_of_variation(y, w);
  a.theil_income = theil_index(y_income, w);
  a.import_share = imports / goods;
  a.export_share = exports / a.gdp;
  a.gini_income = gini_index(y_income, w);
  const auto [mn, mx] = std::minmax_element(y.begin(), y.end());
  a.maxmin_ratio = *mx / *mn;
  return a;
}

}  // namespace regio
