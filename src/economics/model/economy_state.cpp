#include "regio/economy_state.hpp"

#include <cmath>
#include <map>

namespace regio {

GlobalGeography make_geography(const std::vector<Region>& regions) {
  GlobalGeography g;
  std::map<std::string, int> prov;
  for (const auto& r : regions) {
    auto [it, fresh] = prov.emplace(r.province, static_cast<int>(g.province_names.size()));
    if (fresh) g.province_names.push_back(r.province);
    g.id.push_back(r.id);
    g.name.push_back(r.name);
    g.lat.push_back(r.lat);
    g.lon.push_back(r.lon);
    g.area_km2.push_back(r.area_km2);
    g.province.push_back(it->second);
    g.port.push_back(static_cast<char>(r.has_tag("port")));
  }
  return g;
}

EconomyState make_state(const Scenario& sc, std::vector<Region> owned, bool guess_from_gdp) {
  EconomyState st;
  const Technology tech(sc);
  for (const auto& r : owned) {
    for (double a : r.productivity) st.log_productivity.push_back(std::log(a));
    st.amenity.push_back(r.amenity);
    st.land.push_back(r.land_km2);
    st.capital.push_back(r.capital);
    st.registered.push_back(r.registered);
    st.capital_friction.push_back(r.capital_friction);
    st.hukou_barrier.push_back(sc.migration.hukou_barrier);
    st.conversion_rate.push_back(sc.migration.conversion_rate);
    st.lagged_capital_rent.push_back(r.capital_rent_lagged);
    const double L = sc.migration.enabled ? r.population : r.registered;
    st.population.push_back(L);
    // Initial guess: each factor paid its consumption-weighted cost share of revenue. With an
    // observed GDP Y for every region the revenue is (1 − δ_h) Y (at a solution
    // Σ_s R_is = (1 − δ_h) I_i and I_i = GDP_i): exact for calibrated data, and closer than a
    // uniform wage for uncalibrated data (synthetic N = 1,000: relative errors of log w, r, q
    // 0.14, 0.44, 0.49 instead of 0.39, 0.68, 0.70). Its level may be far off (GDP in yuan,
    // prices in the numeraire's units); NationalSystem::solve puts the price level right before
    // Newton starts. Otherwise w = 1.
    double a = 0, b = 0, l = 0;
    for (std::size_t s = 0; s < tech.S; ++s)
      a += tech.eta[s] * tech.alpha[s], b += tech.eta[s] * tech.beta[s], l += tech.eta[s] * tech.lambda[s];
    const double revenue = guess_from_gdp ? (1 - tech.housing_share) * r.gdp : L / a;  // w = 1 without data
    FactorPrices p;
    p.wage = a * revenue / L;
    p.capital_rent = tech.active[kCapital] ? b * revenue / r.capital : 1.0;
    p.land_rent =
        tech.active[kLand] ? (l * revenue + tech.housing_share * revenue / (1 - tech.housing_share)) / r.land_km2 : 1.0;
    st.prices.push_back(p);
  }
  st.records = std::move(owned);
  return st;
}

}  // namespace regio
