#pragma once
// What a national solve reports: its statistics, and when it fails the one error every rank
// raises (the SNES reason, the residual history, the regions with the largest residuals).
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/equilibrium.hpp"
#include "regio/layout.hpp"
#include "regio/snes_driver.hpp"

namespace regio {

// The statistics of a finished SNES solve (residual evaluations and seconds are the caller's).
SolveStats solve_stats(const NonlinearSolve& result);

// Collective. The SolverError message of a solve that did not converge: `what` names the solve
// ("national", "calibration"), G is the residual at its last iterate (owned entries, `block`
// per region), `prefix` the PETSc options prefix for the monitors it suggests. `outside`: per
// owned region, 1 if it put that evaluation outside the domain (its local markets did not clear
// or its entries were not finite); those regions are named first, as where the failure began.
// `origin`: extreme_inputs(), where a domain error that reached every region likely began.
std::string nonconvergence_message(const std::string& context, const std::string& what, const NonlinearSolve& result,
                                   const std::vector<double>& G, int block, const Layout& layout,
                                   const GlobalGeography& geo, const std::string& prefix,
                                   const std::vector<char>& outside = {}, const std::string& origin = "");

// Collective. When a domain error poisons the national terms every region leaves the domain, and
// the residuals no longer say where it began: the region whose stocks (population, registered,
// capital, land, amenity) are furthest from the median region's, if more than a million times
// (or not finite): "; it likely starts at 130000 Hebei: population = 1e+308, 10^300.6 times the
// median region's". Empty if no region stands out.
std::string extreme_inputs(const EconomyState& st, const Layout& layout, const GlobalGeography& geo);

}  // namespace regio
