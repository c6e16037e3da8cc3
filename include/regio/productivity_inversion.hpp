#pragma once
// Step 1 of `regio calibrate` (MODEL.md §6): the productivity inversion. Populations are held
// at the observed ones and SNES (prefix calibration_) solves for the prices and one log shift
// c_i of each region's productivities such that every region's GDP equals the observed one
// (CalibrationResidual). On success the shifts are folded into state.log_productivity and the
// terms at the solution are in results() (the amenity inversion reads U_d and the migration
// rows). Construction and solve are collective.
#include <memory>
#include <vector>

#include "regio/calibration_residual.hpp"
#include "regio/equilibrium.hpp"

namespace regio {

class ProductivityInversion {
 public:
  // observed_gdp: Y_i of the owned regions; `costs` nullptr: the scenario's border costs, no links.
  ProductivityInversion(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& state,
                        std::vector<double> observed_gdp, std::shared_ptr<const TransportCosts> costs = nullptr);

  // Throws SolverError (on every rank) if SNES does not converge.
  SolveStats solve(const std::string& context);
  // Collective. Other bilateral costs for the next solves (the kernel rows rebuilt): the
  // trade-scale calibration's steps (trade_scales.hpp).
  void set_costs(std::shared_ptr<const TransportCosts> costs);
  Equilibrium results() const;

 private:
  std::vector<double> unknowns_at_state(const std::vector<double>& shift) const;

  const Scenario& sc_;
  const Layout& layout_;
  const GlobalGeography& geo_;
  EconomyState& state_;
  Technology tech_;
  UnknownLayout unknowns_;
  std::shared_ptr<const TransportCosts> costs_;
  KernelPasses passes_;
  NationalTerms terms_;
  CalibrationResidual residual_;
};

}  // namespace regio
