#pragma once
// Per-region and national outputs of an epoch (MODEL.md §7).
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/equilibrium.hpp"

namespace regio {

struct RegionOutcome {
  std::int64_t index = 0;
  std::string id, province;
  double population = 0, registered = 0, migrants_in = 0, migrants_out = 0;
  std::vector<double> employment;  // E_is = α_s R_is / w_i
  double wage = 0, capital_rent = 0, land_rent = 0, price_index = 0;
  double gross_output = 0, intermediate_use = 0;  // Σ_s R_is, Σ_s Σ_k ι_sk R_is (MODEL.md §9)
  double gdp = 0, gdp_pc = 0, income = 0, transfer = 0, exports = 0, imports = 0, real_income_pc = 0,
         own_trade_share = 0, capital = 0, utility = 0;
  // Inputs of the national aggregates:
  double goods_spending = 0;            // Σ_s X_ns
  double spending_elsewhere = 0;        // Σ_s X_ns (1 − π_nns)
  double spending_other_provinces = 0;  // Σ_s X_ns Σ_{prov(i)≠prov(n)} π_nis
  double interprovincial_migrants = 0;  // origin side: Σ_{prov(d)≠prov(o)} L_od
  double expected_utility = 0;          // (1/ε) log D_o, or log U with migration off
  double agricultural_employment = 0;

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& index& id& province& population& registered& migrants_in& migrants_out& employment& wage& capital_rent&
        land_rent& price_index& gdp& gdp_pc& income& transfer& exports& imports& real_income_pc& own_trade_share&
            capital& utility& goods_spending& spending_elsewhere& spending_other_provinces& interprovincial_migrants&
                expected_utility& agricultural_employment& gross_output& intermediate_use;
  }
};

struct Aggregates {
  double gdp = 0, real_gdp = 0, population = 0, migrant_share = 0, interprovincial_migrant_share = 0;
  double urbanization = 0, internal_trade_share = 0, interprovincial_trade_share = 0, welfare = 0;
  double theil = 0, gini = 0, cv = 0, maxmin_ratio = 0;
  double theil_income = 0, gini_income = 0;   // of income per resident I_n/L_n (after transfers)
  double transfers = 0;                       // gross fiscal transfers Σ_n max(T_n, 0)
  double net_transfers = 0;                   // Σ_n T_n (0 up to round-off; checked every epoch, not written)
  double import_share = 0, export_share = 0;  // imports / goods spending, exports / GDP (rest of the world)
};

// Outcomes of the owned regions at the solved equilibrium (not collective).
std::vector<RegionOutcome> region_outcomes(const Scenario& sc, const Equilibrium& eq, const EconomyState& st);

// GDP of owned region j at the system's last evaluation: Σ_s (α_s+β_s+λ_s) R_js + δ_h I_j (value
// added; Σ_s R_js + δ_h I_j without input–output links) (the `gdp` of
// region_outcomes; also what scaling to observed GDP matches).
double region_gdp(const Equilibrium& eq, std::size_t j);

// National aggregates from all regions' outcomes in CSV order (pure function).
Aggregates national_aggregates(const Scenario& sc, const std::vector<RegionOutcome>& all);

// Population-weighted disparity measures of y across regions (pure functions, unit-tested).
double theil_index(const std::vector<double>& y, const std::vector<double>& w);
double gini_index(const std::vector<double>& y, const std::vector<double>& w);
double coefficient_of_variation(const std::vector<double>& y, const std::vector<double>& w);

}  // namespace regio
