// The outputs of a grouped equilibrium in Part I's form (regions.csv, aggregates) and by unit
// (units.csv). A region's value of a group quantity: wage and utility weighted by residents,
// land rent by land, real income per resident I_n/L_n deflated by each group's housing cost;
// with one group every value is Part I's (docs/labour-groups.md "Outputs").
#include <cmath>

#include "regio/grouped_builder.hpp"

namespace regio {

namespace {

// Migration totals of one owned region from its units' shares (O(N·G²) per region).
struct RegionMigration {
  double stay_home = 0;  // registered here and living here (any group)
  double leaving = 0, other_province = 0;
};

RegionMigration region_migration(const GroupedEconomy& e, const GroupedSystem& sys, int ln, std::int64_t n,
                                 std::vector<UnitOutcome>* units) {
  const int G = e.par.G();
  const auto N = e.N();
  RegionMigration rm;
  for (int g = 0; g < G; ++g) {
    const double R = e.registered[n * G + g];
    const auto m = sys.migration_shares(ln, g);
    double home = 0, other = 0;
    for (std::int64_t k = 0; k < N; ++k)
      for (int h = 0; h < G; ++h) {
        const double share = m[k * G + h];
        if (k == n) home += share;
        if (e.province_of[k] != e.province_of[n]) other += share;
      }
    rm.stay_home += R * home;
    rm.leaving += R * (1 - home);
    rm.other_province += R * other;
    if (units) (*units)[ln * G + g].migrants_out = R * (1 - home);
  }
  return rm;
}

// The real income per resident of owned region ln: I_n/L_n deflated by P_n^(1−δ_h) q_ng^δ_h, the
// groups weighted by their residents.
double real_income_per_resident(const GroupedEconomy& e, const GroupedState& st, int ln, double L) {
  const int G = e.par.G();
  const double delta = e.par.housing_share, P = st.goods_price[ln];
  double deflated = 0;
  for (int g = 0; g < G; ++g) {
    const double q = st.land_rent[ln * G + g];
    deflated += st.employment[ln * G + g] / (std::pow(P, 1 - delta) * (delta > 0 ? std::pow(q, delta) : 1.0));
  }
  return st.income[ln] / L * deflated / L;
}

void trade_terms(const GroupedEconomy& e, const GroupedSystem& sys, int ln, std::int64_t n, RegionOutcome& o) {
  const auto& st = sys.state();
  const int S = e.par.S();
  for (int s = 0; s < S; ++s) {
    const double X = st.spending[ln * S + s];
    const auto pi = sys.trade_shares(ln, s);
    double other = 0;
    for (std::int64_t i = 0; i < e.N(); ++i)
      if (e.province_of[i] != e.province_of[n]) other += pi[i];
    o.goods_spending += X;
    o.own_trade_share += X * pi[n];
    o.spending_other_provinces += X * other;
  }
  o.spending_elsewhere = o.goods_spending - o.own_trade_share;
  o.own_trade_share /= o.goods_spending;
}

// The owned units of region ln (n), their migrants_out filled in by the caller.
void unit_outcomes(const GroupedEconomy& e, const GroupedSystem& sys, int ln, std::int64_t n,
                   std::vector<UnitOutcome>& out) {
  const auto& st = sys.state();
  const int G = e.par.G();
  for (int g = 0; g < G; ++g) {
    const int u = ln * G + g;
    UnitOutcome o;
    o.region = n, o.group = g;
    o.registered = e.registered[n * G + g];
    o.employment = st.employment[u];
    o.wage = st.wage[u];
    o.land_rent = st.land_rent[u];
    o.real_income = st.real_income[u];
    o.amenity = e.amenity[n * G + g];
    o.utility = st.utility[u];
    o.expected_utility =
        e.migration ? std::log(st.flows.denominator[u]) / e.par.migration_elasticity : std::log(st.utility[u]);
    out.push_back(o);
  }
}

// Region ln's (n) outcomes, but for trade and migration.
RegionOutcome region_outcome(const Scenario& sc, const GroupedEconomy& e, const GroupedState& st, int ln,
                             std::int64_t n) {
  const auto& par = e.par;
  const int G = par.G(), S = par.S();
  RegionOutcome o;
  o.index = n;
  o.id = e.region_ids[n];
  o.province = e.province_names[e.province_of[n]];
  double wage_bill = 0, utility = 0, rent = 0, land = 0;
  for (int g = 0; g < G; ++g) {
    const int u = ln * G + g;
    o.population += st.employment[u];
    o.registered += e.registered[n * G + g];
    wage_bill += st.wage[u] * st.employment[u];
    utility += st.utility[u] * st.employment[u];
    const double H = par.land_by_group ? e.land[n * G + g] : 1.0;
    rent += st.land_rent[u] * H, land += H;
  }
  o.wage = wage_bill / o.population;
  o.utility = utility / o.population;
  o.land_rent = rent / land;
  o.capital_rent = st.capital_rent[ln];
  o.price_index = st.goods_price[ln];
  o.income = st.income[ln];
  o.capital = e.capital[n];
  o.real_income_pc = real_income_per_resident(e, st, ln, o.population);
  for (int s = 0; s < S; ++s) {
    const double R = st.revenue[ln * S + s];
    o.employment.push_back(par.labour_share[s] * R / st.wage[ln * G + par.group_of_sector[s]]);
    if (sc.sectors[s].agricultural) o.agricultural_employment += o.employment.back();
    o.gross_output += R;
    for (int k = 0; k < S; ++k) o.intermediate_use += par.intermediate(s, k) * R;
    o.gdp += par.value_added(s) * R;
  }
  o.gdp += par.housing_share * o.income;
  o.gdp_pc = o.gdp / o.population;
  return o;
}

}  // namespace

GroupedOutcomes grouped_outcomes(const Scenario& sc, const GroupedEconomy& e, const GroupedSystem& sys,
                                 const Layout& layout) {
  const auto& st = sys.state();
  const int G = e.par.G();
  GroupedOutcomes out;
  for (int ln = 0; ln < layout.num_owned(); ++ln) {
    const std::int64_t n = layout.owned()[ln];
    RegionOutcome o = region_outcome(sc, e, st, ln, n);
    trade_terms(e, sys, ln, n, o);
    unit_outcomes(e, sys, ln, n, out.units);
    if (e.migration) {
      const RegionMigration rm = region_migration(e, sys, ln, n, &out.units);
      o.migrants_out = rm.leaving;
      o.migrants_in = o.population - rm.stay_home;
      o.interprovincial_migrants = rm.other_province;
      double eu = 0;
      for (int g = 0; g < G; ++g)
        eu += e.registered[n * G + g] * std::log(st.flows.denominator[ln * G + g]) / e.par.migration_elasticity;
      o.expected_utility = eu / o.registered;
    } else {
      o.expected_utility = std::log(o.utility);
    }
    out.regions.push_back(std::move(o));
  }
  return out;
}

}  // namespace regio
