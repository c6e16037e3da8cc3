#include "regio/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/national_system.hpp"
#include "regio/policy_schedule.hpp"
#include "regio/productivity_inversion.hpp"
#include "regio/snes_driver.hpp"

namespace regio {

namespace {

// Amenity inversion residual: G_d = log L̂_d(b) − log L_d + Σ_k w_k b_k, w = L/ΣL. At a root
// Σ L̂ = Σ R = Σ L forces the normalisation Σ w b = 0, so the root is unique. The inflows are taken
// as row sums of the owned rows, which needs μ̃ symmetric: it is without migration.frictions, the
// only case that inverts amenities.
struct AmenityInversion {
  const Equilibrium sys;
  const Layout& layout;
  const EconomyState& st;
  std::vector<double> real_income;  // v_d = U_d / B_d at the calibrated prices
  std::vector<double> hukou_pow;    // h_d^−ε
  std::vector<double> weight;       // L_d / Σ L
  std::vector<double> rent_ratio;   // c_o (land_income: stayers), else empty
  double eps;

  AmenityInversion(const Equilibrium& s, const Layout& l, const EconomyState& state)
      : sys(s), layout(l), st(state), eps(s.migration_elasticity) {
    const auto& v = sys.view;
    const double total = layout.ordered_sum(st.population);
    for (std::size_t j = 0; j < st.size(); ++j) {
      real_income.push_back(v.utility[j] / st.amenity[j]);
      hukou_pow.push_back(std::pow(st.hukou_barrier[j], -eps));
      weight.push_back(st.population[j] / total);
    }
    rent_ratio = v.stayer_rent_ratio;
  }

  // Population each owned destination attracts at log amenities b.
  std::vector<double> attracted(const double* b) const {
    const std::size_t n = st.size(), N = sys.geography.size();
    std::vector<double> own(n), attraction(n), outflow(n), attraction_all, outflow_all, L(n);
    for (std::size_t j = 0; j < n; ++j) {
      own[j] = std::pow(std::exp(b[j]) * real_income[j], eps);
      attraction[j] = own[j] * hukou_pow[j];
    }
    layout.allgather(attraction.data(), 1, attraction_all);
    for (std::size_t j = 0; j < n; ++j) {
      const double* row = sys.migration_row(j);
      if (rent_ratio.empty()) {
        double D = own[j];
        for (std::size_t k = 0; k < N; ++k) D += row[k] * attraction_all[k];
        outflow[j] = st.registered[j] / D;
      } else {  // the own term (C_o U_o)^ε of MODEL.md §11
        double leaving = 0;
        for (std::size_t k = 0; k < N; ++k) leaving += row[k] * attraction_all[k];
        own[j] *= std::pow(stayers_rebate(own[j], leaving, rent_ratio[j], eps, own[j] / (own[j] + leaving)), eps);
        outflow[j] = st.registered[j] / (own[j] + leaving);
      }
    }
    layout.allgather(outflow.data(), 1, outflow_all);
    for (std::size_t j = 0; j < n; ++j) {
      double in = 0;
      const double* row = sys.migration_row(j);
      for (std::size_t k = 0; k < N; ++k) in += row[k] * outflow_all[k];
      L[j] = own[j] * outflow[j] + attraction[j] * in;
    }
    return L;
  }

  bool residual(const double* b, double* G) const {
    const auto L = attracted(b);
    std::vector<double> wb(st.size());
    for (std::size_t j = 0; j < st.size(); ++j) wb[j] = weight[j] * b[j];
    const double level = layout.ordered_sum(wb);
    bool ok = true;
    for (std::size_t j = 0; j < st.size(); ++j) {
      G[j] = std::log(L[j]) - std::log(st.population[j]) + level;
      ok = ok && std::isfinite(G[j]);
    }
    return every_rank(layout.comm(), ok);
  }
};

// Step 2 of the calibration: amenities from the migration equations at the calibrated prices.
SolveStats invert_amenities(const Equilibrium& eq, const Layout& layout, EconomyState& st, const SolverParams& solver) {
  const auto t0 = std::chrono::steady_clock::now();
  AmenityInversion amen(eq, layout, st);
  std::vector<double> b0(st.size());
  for (std::size_t j = 0; j < st.size(); ++j) b0[j] = std::log(st.amenity[j]);
  int evaluations = 0;
  const auto res = solve_nonlinear(
      layout.comm(), "amenity_", 1, b0,
      [&](const double* b, double* G) {
        ++evaluations;
        return amen.residual(b, G);
      },
      solver);
  if (!res.converged)
    raise_on_all_ranks(
        SolverError(fmt::format("calibration of amenities did not converge: SNES reason {} after {} iterations, "
                                "||G|| = {:.3e} (history: {}); inspect with `-- -amenity_snes_monitor`",
                                res.reason_text, res.nonlinear_iterations, res.residual_norm, res.history)));
  for (std::size_t j = 0; j < st.size(); ++j) st.amenity[j] = std::exp(res.x[j]);
  return {res.nonlinear_iterations,
          res.linear_iterations,
          evaluations,
          res.residual_norm,
          res.initial_residual_norm,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
          res.reason_text};
}

// The base year's costs with the calibrated province scales (migration, trade), as a run reads them
// back from the files written with shortest round-trip numbers.
std::shared_ptr<const TransportCosts> calibrated_costs(const CalibrationReport& rep,
                                                       std::shared_ptr<const TransportCosts> costs) {
  if (!rep.census && !rep.trade) return costs;
  auto with_scales = std::make_shared<TransportCosts>(*costs);
  const auto logs = [](const std::vector<double>& v) {
    std::vector<double> out;
    for (double x : v) out.push_back(std::log(x));
    return out;
  };
  if (rep.census)
    with_scales->set_province_costs(logs(rep.census_fit.within_scale), logs(rep.census_fit.between_scale));
  if (rep.trade) with_scales->set_trade_scales(logs(rep.trade_fit.scale));
  return with_scales;
}

}  // namespace

CalibrationReport calibrate(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& st) {
  CalibrationReport rep;
  const std::vector<double> observed_population = st.population;
  std::vector<double> observed_gdp;
  for (const auto& r : st.records) observed_gdp.push_back(r.gdp);
  if (sc.migration.enabled) {
    const double R = layout.ordered_sum(st.registered), L = layout.ordered_sum(st.population);
    if (std::abs(R / L - 1) > 1e-9)
      raise_on_all_ranks(InputError(fmt::format(
          "{}: total registered population {} differs from total population {}; migration preserves the total, "
          "so no amenities can reproduce the data (make the registered column sum to the population total)",
          sc.regions, R, L)));
  }

  // The inversions do not recycle Krylov products: the productivity inversion has a nearly
  // singular direction (the common level of productivity in an open economy) on which a
  // recycled exact inverse is amplified; measured, the open calibration then stalled
  // (docs/numerics.md).
  Scenario inversion_sc = sc;
  inversion_sc.solver.recycle = 0;
  // The costs of the base year: the scenario's border costs and its network's links.
  const auto costs = network_costs(sc, geo);

  // 1. Productivity (and prices) with populations at the data.
  {
    ProductivityInversion inversion(inversion_sc, layout, geo, st, observed_gdp, costs);
    if (sc.calibration.trade_shares.empty()) {
      rep.productivity = inversion.solve("calibration of productivity");
    } else {  // with the province-pair trade scales (calibration.trade_shares)
      rep.trade_fit = invert_trade_scales(inversion_sc, layout, geo, st, inversion, *costs);
      rep.productivity = rep.trade_fit.productivity;
      rep.trade = true;
    }

    // 2. Amenities from the migration equations at the calibrated prices; with migration costs
    // from data (migration.frictions) only B_d/μ_od is identified, so B ≡ 1 (MODEL.md §12): the
    // populations of the verification below then follow from the given μ; with census migrants
    // (calibration.migrants) together with the province migration-cost scales.
    if (sc.migration.enabled && !sc.migration.frictions.empty()) {
      std::fill(st.amenity.begin(), st.amenity.end(), 1.0);
      rep.amenities_from_frictions = true;
    } else if (sc.migration.enabled && !sc.calibration.migrants.empty()) {
      rep.census_fit = invert_migration_census(sc, inversion.results(), layout, st);
      rep.amenity = rep.census_fit.solve;
      rep.amenities_identified = rep.census = true;
    } else if (sc.migration.enabled) {
      rep.amenity = invert_amenities(inversion.results(), layout, st, inversion_sc.solver);
      rep.amenities_identified = true;
    }
  }

  // 3. Verification: the ordinary equilibrium from the calibrated fundamentals (and scales).
  const auto verified_costs = calibrated_costs(rep, costs);
  NationalSystem check(sc, layout, geo, st, verified_costs);
  rep.verification = check.solve(no_policy_regime(sc, verified_costs), "verification of the calibration");
  const auto& v = check.view();
  const auto& tech = check.technology();
  double pop_err = 0, gdp_err = 0;
  for (std::size_t j = 0; j < st.size(); ++j) {
    double gdp = tech.housing_share * v.income[j];
    for (std::size_t s = 0; s < tech.S; ++s)  // value added with input–output links (MODEL.md §9)
      gdp += (tech.intermediates() ? tech.value_added_share(s) : 1.0) * v.revenue[j * tech.S + s];
    pop_err = std::max(pop_err, std::abs(st.population[j] / observed_population[j] - 1));
    gdp_err = std::max(gdp_err, std::abs(gdp / observed_gdp[j] - 1));
  }
  if (rep.trade)
    rep.max_trade_share_error = province_trade_share_error(sc, check.results(), layout, st, rep.trade_fit.shares);
  rep.max_population_error = max_over_ranks(layout.comm(), pop_err);
  rep.max_gdp_error = max_over_ranks(layout.comm(), gdp_err);
  return rep;
}

}  // namespace regio
