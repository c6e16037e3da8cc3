#pragma once
// What a national solve reports: its statistics, and when it fails the one error every rank
// raises (the SNES reason, the residual history, the regions with the largest residuals).
#include <string>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/layout.hpp"
#include "regio/snes_driver.hpp"

namespace regio {

// The statistics of a finished SNES solve (residual evaluations and seconds are the caller's).
SolveStats solve_stats(const NonlinearSolve& result);

// Collective. The SolverError message of a solve that did not converge: `what` names the solve
// ("national", "calibration"), G is the residual at its last iterate (owned entries, `block`
// per region), `prefix` the PETSc options prefix for the monitors it suggests.
std::string nonconvergence_message(const std::string& context, const std::string& what, const NonlinearSolve& result,
                                   const std::vector<double>& G, int block, const Layout& layout,
                                   const GlobalGeography& geo, const std::string& prefix);

}  // namespace regio
