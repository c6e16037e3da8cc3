#pragma once
// Amenities by unit inverted from residents (MODEL.md §10; docs/labour-groups.md "Calibration by
// unit"): the B_ng under which the grouped equilibrium puts exactly the observed residents L*_ng
// in every (region, group) unit, given the registered populations, the migration costs and the
// technology — as Part I's calibration inverts B_n from the regions' populations.
#include <vector>

#include "regio/grouped_system.hpp"

namespace regio {

struct UnitAmenityCalibration {
  int solves = 0, newton_iterations = 0;
  double max_log_gap = 0;  // max over units of |log L_ng/L*_ng| at the end
  double seconds = 0;
};

// Collective. Starting from economy.amenity (every rank alike) and the solution `x`: the fixed
// point log B_ng ← log B_ng + (1/ε) log(L*_ng/L_ng), L the equilibrium under B (one solve per
// step, warm-started), Anderson-accelerated (anderson.hpp), until max |log L/L*| ≤ `tolerance`.
// Only ratios of B are identified (scaling every B_ng by one factor leaves every migration share
// unchanged), so after each step they are rescaled so that the L*-weighted mean of
// log(B/B_start) is 0. `target` is N × G with Σ L* = Σ R. Leaves economy.amenity calibrated and
// `x` its equilibrium; throws SolverError (on every rank) if `max_solves` steps do not get there.
UnitAmenityCalibration calibrate_unit_amenities(GroupedEconomy& economy, GroupedSystem& system, std::vector<double>& x,
                                                const std::vector<double>& target, const Layout& layout,
                                                double tolerance = 1e-12, int max_solves = 1000);

}  // namespace regio
