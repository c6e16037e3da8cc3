#pragma once
// Distances (MODEL.md §1). Pure functions, unit-tested.
#include <algorithm>
#include <array>
#include <cmath>

#include "regio/vector_math.hpp"

namespace regio {

constexpr double kEarthRadiusKm = 6371.0;

// Great-circle distance between two points given in degrees (haversine).
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

// Great-circle distances in bulk: the unit vector of a point given in degrees, once per region;
// the squared chord between two unit vectors is monotone in their great-circle distance (enough
// to rank neighbours), and 2R·asin(chord/2) is that distance (the haversine formula up to
// round-off, with one sqrt and one asin instead of five transcendental functions). The asin is
// SLEEF's deterministic one (vector_math.hpp), bitwise the one TransportCosts uses for rows.
using UnitVector = std::array<double, 3>;
UnitVector unit_vector(double lat_deg, double lon_deg);
inline double squared_chord(const UnitVector& a, const UnitVector& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return dx * dx + dy * dy + dz * dz;
}
inline double chord_distance_km(const UnitVector& a, const UnitVector& b) {
  return 2.0 * kEarthRadiusKm * vmath::asin(std::min(1.0, 0.5 * std::sqrt(squared_chord(a, b))));
}

// Mean distance between two points of a disc of the given area: d_ii = (2/3)·sqrt(area/π)
// (the mean distance from the centre, used as the internal trade distance).
double internal_distance_km(double area_km2);

}  // namespace regio
