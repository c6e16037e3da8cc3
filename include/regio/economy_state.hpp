#pragma once
// Stocks and fundamentals of the regions a rank owns (MODEL.md §1–§3), plus the O(N) global
// geography every rank keeps (coordinates, areas, provinces) to build its kernel rows.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "regio/kernels.hpp"
#include "regio/region.hpp"

namespace regio {

// Per-region attributes of ALL regions that every rank needs (O(N), never O(N²)).
struct GlobalGeography {
  std::vector<std::string> id, name;
  std::vector<double> lat, lon, area_km2;
  std::vector<int> province;                // index into province_names
  std::vector<std::string> province_names;  // in order of first appearance in the CSV
  std::vector<char> port;                   // tagged `port` (gateway to the rest of the world)

  std::size_t size() const { return id.size(); }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& id& name& lat& lon& area_km2& province& province_names& port;
  }
};

GlobalGeography make_geography(const std::vector<Region>& regions);

// State of the owned regions (index j = position among this rank's regions, CSV order).
struct EconomyState {
  std::vector<Region> records;              // as read (ids, names, tags)
  std::vector<double> log_productivity;     // log Ā_is, j*S + s
  std::vector<double> amenity;              // B_i
  std::vector<double> land;                 // H_i
  std::vector<double> capital;              // K_i
  std::vector<double> registered;           // R_i
  std::vector<double> capital_friction;     // ζ_i
  std::vector<double> hukou_barrier;        // h_d
  std::vector<double> conversion_rate;      // ρ_d
  std::vector<double> lagged_capital_rent;  // r̄_i (1 in the first epoch)
  // Equilibrium unknowns (warm start for the next epoch's solve).
  std::vector<FactorPrices> prices;  // w_i, r_i, q_i
  std::vector<double> population;    // L_i
  // With input–output links (MODEL.md §9) also unknowns: P_is and R_is (j*S + s); empty until the
  // first solve of such an economy initialises them (NationalSystem), and always without.
  std::vector<double> sector_price;   // P_is
  std::vector<double> gross_revenue;  // R_is (gross output)
  int epoch = 0;

  std::size_t size() const { return records.size(); }
};

// The owned regions' state at the start of epoch 0. `guess_from_gdp`: every region (on every
// rank) has an observed GDP, and the initial price guess pays the factors their shares of it.
EconomyState make_state(const Scenario& sc, std::vector<Region> owned, bool guess_from_gdp);

}  // namespace regio
