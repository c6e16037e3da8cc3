#include "regio/geography.hpp"

#include <cmath>
#include <numbers>

namespace regio {

double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  const double rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

UnitVector unit_vector(double lat_deg, double lon_deg) {
  const double rad = std::numbers::pi / 180.0;
  const double lat = lat_deg * rad, lon = lon_deg * rad;
  return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

double internal_distance_km(double area_km2) { return (2.0 / 3.0) * std::sqrt(area_km2 / std::numbers::pi); }

}  // namespace regio
