#pragma once
// Applying a scenario's (resolved) policies to a simulation (MODEL.md §4).
// Region values — ρ_d, h_d (hukou), H_i (land), ζ_i (capital_market friction), one-off Ā_is
// shocks (productivity) — are written into the state once, at the start of their epoch, and
// travel with checkpoints. The national regime — border costs and transport links, fiscal
// rules, home bias, extra productivity growth — is a pure function of the epoch and the policy
// list, so a restart from a checkpoint rebuilds it without replaying anything. What each policy
// does is up to its kind (policy_kind.hpp); the schedule decides when, and in which order.
#include <memory>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/equilibrium.hpp"
#include "regio/policy_kind.hpp"
#include "regio/scenario.hpp"
#include "regio/transport_costs.hpp"

namespace regio {

// The bilateral costs with the given border-cost changes and transport links (the network
// file's, then any a policy adds): border costs set first, then effective distances by shortest
// paths over the links.
std::shared_ptr<const TransportCosts> costs_with(const Scenario& sc, const GlobalGeography& geo,
                                                 const CostChanges& changes);
// The base year's costs: the scenario's border costs and its network file's links, no policy.
// What the calibration inverts against, as the run's first epoch without policies sees it.
std::shared_ptr<const TransportCosts> network_costs(const Scenario& sc, const GlobalGeography& geo);

class PolicySchedule {
 public:
  PolicySchedule(const Scenario& sc, const GlobalGeography& geo);

  // Policies that start at `epoch`, in file order.
  std::vector<const Policy*> starting_at(int epoch) const;

  // Write the region values of the policies starting at `epoch` into the owned state.
  void apply_region_policies(int epoch, EconomyState& st) const;

  // Bilateral costs in force during `epoch`: the scenario's border costs and network, with
  // every market_integration and infrastructure policy of epochs ≤ `epoch` applied in order.
  std::shared_ptr<const TransportCosts> costs_at(int epoch) const;
  // Fiscal rules in force during `epoch` (the latest fiscal_transfer policy replaces earlier ones).
  FiscalRegime fiscal_at(int epoch, const EconomyState& st) const;
  // Investment home bias ϕ in force during `epoch`.
  double home_bias_at(int epoch) const;
  // Power on the investment wedges ζ_i in force during `epoch` (1: as they are; capital_market
  // `wedge_convergence`).
  double wedge_exponent_at(int epoch) const;
  // Rest of the world: factor on τ_nW of each owned region, and net exports / GDP, during `epoch`.
  std::vector<double> external_cost_factors_at(int epoch, const EconomyState& st) const;
  double net_exports_at(int epoch) const;
  // Extra growth of log Ā_is (owned j*S + s) from epoch to epoch + 1 (productivity `growth`).
  std::vector<double> extra_growth(int epoch, const EconomyState& st) const;

 private:
  const Scenario& sc_;
  const GlobalGeography& geo_;
  double baseline_home_bias_, baseline_net_exports_;
  std::vector<const PolicyKind*> kinds_;  // the kind of each of sc_.policies, looked up once
  // f(policy, kind) for every policy in force during `epoch` (started at or before it), in the
  // order they take effect.
  template <class F>
  void for_each_in_force(int epoch, F&& f) const;
};

}  // namespace regio
