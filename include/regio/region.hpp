#pragma once
// A region record as read from the region CSV (MODEL.md §1). Serializable so that rank 0 can
// read and validate the file once and send each rank only the records of its provinces.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace regio {

struct Region {
  std::int64_t index = -1;  // position in the CSV (0-based): the global order of every sum
  int csv_line = 0;         // for error messages
  std::string id, name, province;
  double lat = 0, lon = 0;           // degrees
  double area_km2 = 0;               // total area (sets the internal distance d_ii)
  double land_km2 = 0;               // developable land H_i
  double population = 0;             // resident population L_i (initial guess and outputs at epoch 0)
  double registered = 0;             // hukou-registered population R_i
  double capital = 0;                // capital stock K_i
  double gdp = 0;                    // observed GDP (calibration, later); 0 if not given
  std::vector<double> productivity;  // Ā_is, one per sector
  double amenity = 1;                // B_i
  // History-based dynamics (MODEL.md §14, docs/forecast-protocol.md): the region's own drifts of
  // log Ā and log B per epoch (α_i), and its natural population growth (NaN: population.growth).
  double productivity_drift = 0, amenity_drift = 0;
  double natural_growth = std::numeric_limits<double>::quiet_NaN();
  // The capital market's investment wedge (MODEL.md §2, §14): ζ_i (≥ 1; only ratios matter), the
  // drift of log ζ_i per epoch, and r̄_i of the first epoch (1: the model's convention without a
  // previous epoch). Estimated by `regio calibrate --history` (docs/forecast-protocol.md).
  double capital_friction = 1, capital_friction_drift = 0, capital_rent_lagged = 1;
  std::vector<std::string> tags;

  bool has_tag(const std::string& t) const {
    for (const auto& x : tags)
      if (x == t) return true;
    return false;
  }

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& index& csv_line& id& name& province& lat& lon& area_km2& land_km2& population& registered& capital& gdp&
        productivity& amenity& tags& productivity_drift& amenity_drift& natural_growth& capital_friction&
            capital_friction_drift& capital_rent_lagged;
  }
};

// Read and validate a region CSV for the given sector names. Throws InputError naming the
// file, line, column and region. Required columns: id, province, lat, lon, area_km2, land_km2,
// population, capital, and productivity (or productivity_<sector> for every sector).
// Optional: name (= id), registered (= population), gdp (0), amenity (1), tags (""), and the
// history-based dynamics' productivity_drift, amenity_drift (0), natural_growth (population.growth),
// capital_friction (1), capital_friction_drift (0), capital_rent_lagged (1).
std::vector<Region> load_regions(const std::string& path, const std::vector<std::string>& sectors);
std::vector<Region> parse_regions(const std::string& csv_text, const std::string& file_label,
                                  const std::vector<std::string>& sectors);

// Write regions in the same CSV format (full precision), e.g. calibrated fundamentals. A common
// `productivity` column is written when every region's sector productivities are equal.
void write_regions(const std::string& path, const std::vector<Region>& regions,
                   const std::vector<std::string>& sectors);

}  // namespace regio
