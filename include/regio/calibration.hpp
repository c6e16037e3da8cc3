#pragma once
// Model inversion (MODEL.md §6): recover productivity Ā_i and amenities B_i so that the epoch-0
// equilibrium reproduces observed population L_i and GDP Y_i exactly, distributed like `run`.
//   1. productivity: SNES (prefix calibration_) on prices and one log shift c_i per region,
//      populations held at the data, with each region's local inversion making GDP_i = Y_i;
//      the level of Ā is pinned by the numeraire and Σ Y (exact, see docs/calibration.md); with
//      calibration.trade_shares together with the province-pair trade scales (trade_scales.hpp);
//   2. amenities: SNES (prefix amenity_) on log B_i so that Σ_o R_o m_od = L_d, normalised to
//      a population-weighted mean of log B equal to 0 (migration shares are invariant to a
//      common factor of B); with migration.frictions (μ from data, MODEL.md §12) B ≡ 1 instead
//      and the populations are the model's; with calibration.migrants the amenities are
//      inverted together with the province migration-cost scales instead (migration_census.hpp);
//   3. verification: the ordinary equilibrium solve from the calibrated fundamentals, which
//      must return the data.
#include "regio/equilibrium.hpp"
#include "regio/layout.hpp"
#include "regio/migration_census.hpp"
#include "regio/trade_scales.hpp"

namespace regio {

struct CalibrationReport {
  SolveStats productivity, amenity, verification;
  bool amenities_identified = false;      // false with migration off (B then plays no role)
  bool amenities_from_frictions = false;  // migration.frictions: B ≡ 1, not inverted (MODEL.md §12)
  // With calibration.migrants: step 2 also inverted the province migration-cost scales
  // (migration_census.hpp), and the verification ran with them.
  bool census = false;
  MigrationCensusFit census_fit;
  // With calibration.trade_shares: step 1 also inverted the province-pair trade scales
  // (trade_scales.hpp), and the verification ran with them.
  bool trade = false;
  TradeScaleFit trade_fit;
  double max_trade_share_error = 0;  // max |π̂_pqs/π_pqs − 1| in the verification solve, π the calibration's
  double max_population_error = 0;   // max_i |L_i/L_i^obs − 1| in the verification solve
  double max_gdp_error = 0;          // max_i |GDP_i/Y_i − 1|
};

// Collective. On entry the state holds the data (population = observed L, records[].gdp = Y,
// log_productivity = the CSV's Ā as the sector profile); on exit log_productivity and amenity
// hold the calibrated fundamentals and prices/population the verified equilibrium.
// Throws InputError if Σ R ≠ Σ L (no amenities can fit), SolverError if a solve fails.
CalibrationReport calibrate(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& state);

}  // namespace regio
