#pragma once
// Step 2 of `regio calibrate` with census migrants (calibration.migrants; docs/calibration.md,
// "Finer geographies' migration"): instead of amenities alone, it inverts every unit's amenity
// B_d together with every province's within-province scale w_p and between-province scale x_p of
// μ (the terms of migration.province_costs), with the registered populations R_o as given, so that
//   - every unit's residents Σ_o R_o m_od equal L_d (as the amenity inversion), and
//   - every province's residents registered in another of its units (Σ_{d∈p} W_d) and in
//     another province (Σ_{d∈p} X_d) equal the census totals.
// With R's province totals at the data (L_p − X_p plus the province's registered living in other
// provinces), that also reproduces every province's out-migrants to other provinces.
// Unknowns z = (log B_d of the owned units, log w_p and log x_p of the owned provinces: a
// province lives on one rank). The fixed-point map z ← z + β g(z) with
//   g_d  = log L_d − log L̂_d            (L̂_d ∝ B_d^ε: the amenity inversion's step),
//   g_wp = (log W_p(model) − log W_p)/ε  (W_p ∝ w_p^−ε),
//   g_xp = 2 (log X_p(model) − log X_p)/ε (X_p ∝ x_p^−ε/2 through its own half of the pair term),
// and the population-weighted mean of log B held at 0, converges; Anderson acceleration (the last
// five steps) makes it take a few hundred residuals instead of thousands. Provinces of one unit
// have no within-province moves: their w_p stays as given. μ's rows are the scenario's (scales
// from migration.province_costs or 1); the scales enter as one factor per province pair, so no
// row is rebuilt.
#include <string>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/layout.hpp"

namespace regio {

struct MigrationCensusFit {
  SolveStats solve;                                 // nonlinear_iterations = fixed-point steps, residual_norm = max |g|
  std::vector<double> within_scale, between_scale;  // P each (all provinces, geography order)
  // Largest relative errors at the solution: province totals of within- and between-province
  // migrants (by destination) and of out-migrants to other provinces (by origin: R_p less those
  // who live in p, against the data's R_p − (L_p − X_p)), and units' residents.
  double max_within_error = 0, max_between_error = 0, max_emigrant_error = 0, max_unit_error = 0;
  // The destination pattern (not a target): units' shares of residents registered in another
  // unit of the province / in another province, model against census (population-unweighted).
  double within_share_correlation = 0, within_share_rmse = 0;
  double between_share_correlation = 0, between_share_rmse = 0;
  double stayer_share_correlation = 0, stayer_share_rmse = 0;  // R_d m_dd / L_d against S_d / L_d
  // Shares of the total population: migrants (W + X) and between-province migrants (X).
  double migrant_share = 0, interprovincial_share = 0;
};

// Collective. `sys`: the equilibrium of the productivity inversion (U_d at the calibrated
// prices, the scenario's migration rows). On exit state.amenity holds the calibrated amenities.
// Throws InputError for census data no scales can reproduce (a province without between-province
// migrants, or of several units without within-province ones; province registered totals that
// leave no out-migrants to other provinces), SolverError if the iteration does not converge.
MigrationCensusFit invert_migration_census(const Scenario& sc, const Equilibrium& sys, const Layout& layout,
                                           EconomyState& state);

}  // namespace regio
