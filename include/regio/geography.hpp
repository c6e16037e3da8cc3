#pragma once
// Distances (MODEL.md §1). Pure functions, unit-tested.
namespace regio {

constexpr double kEarthRadiusKm = 6371.0;

// Great-circle distance between two points given in degrees (haversine).
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

// Mean distance between two points of a disc of the given area: d_ii = (2/3)·sqrt(area/π)
// (the mean distance from the centre, used as the internal trade distance).
double internal_distance_km(double area_km2);

}  // namespace regio
