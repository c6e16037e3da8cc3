// The parameter table (see parameters.hpp). Defaults and their sources are documented in the
// `doc` strings and rendered into docs/parameters.md by `regio params --markdown`.
#include "regio/parameters.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "parameter_macros.hpp"
#include "regio/error.hpp"

namespace regio {
using namespace param_detail;

std::string Range::describe() const {
  auto num = [](double v) {
    if (std::isinf(v)) return std::string(v > 0 ? "inf" : "-inf");
    return format_number(v);
  };
  // An infinite bound is never attained: always an open bracket.
  return fmt::format("{}{}, {}{}", lo_open || std::isinf(lo) ? "(" : "[", num(lo), num(hi),
                     hi_open || std::isinf(hi) ? ")" : "]");
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);  // shortest round-trip representation, no exponent for 100000
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

namespace {

// The scenario table by YAML section, in the order docs/parameters.md and run.yaml list them.
using ScenarioSpecs = std::vector<ParamSpec<Scenario>>;
using K = ParamKind;

// The table is laid out by hand, one entry per parameter with its fields in columns;
// clang-format would put every field of a long entry on its own line.
// clang-format off
// Top-level keys: the inputs, the run's length and what it writes.
ScenarioSpecs run_parameters() {
  return {
      {"regions", K::Text, "", {}, "path", "", "Region CSV (relative to the scenario file). Required.",
       REGIO_TEXT(regions)},
      {"decomposition", K::Text, "auto", {}, "path", "",
       "Decomposition YAML (relative to the scenario file), or `auto` (the `balanced` strategy of `regio decomp` for the rank count at hand: provinces by regions, largest first, then improved by moves, swaps and exact re-splits off the heaviest rank).",
       REGIO_TEXT(decomposition)},
      {"epochs", K::Integer, "10", {1, 100000}, "", "t", "Number of epochs (years) to simulate.",
       REGIO_FIELD(epochs)},
      {"start_year", K::Integer, "2020", {1900, 2200}, "year", "", "Calendar year of epoch 0.",
       REGIO_FIELD(start_year)},
      {"output", K::Text, "out", {}, "path", "",
       "Output folder (relative to the working directory); `--out` overrides.", REGIO_TEXT(output)},
      {"scale_to_observed_gdp", K::Boolean, "false", {0, 1}, "", "",
       "Scale every Ā_is by one factor so that epoch-0 model GDP equals the sum of the CSV's `gdp` column (MODEL.md §6: exact, prices and shares are unchanged); money is then in the unit of `gdp`. Needs gdp > 0 for every region.",
       REGIO_FIELD(scale_to_observed_gdp)},
      {"output_format", K::Text, "auto", {}, "", "",
       "Region panel format: `csv` (regions.csv, gathered on rank 0), `hdf5` (regions.h5, parallel HDF5, each rank writes its rows), `both`, or `auto` (csv up to 10,000 regions, hdf5 above).",
       REGIO_TEXT(output_format)},
      {"checkpoint_every", K::Integer, "0", {0, 1000000}, "epochs", "",
       "Write a checkpoint (parallel HDF5, in <output>/checkpoints, last two kept) every K epochs; 0 = only when stopped by SIGTERM/SIGUSR1.",
       REGIO_FIELD(checkpoint_every)},
  };
}

// households.*: how income is split between housing, saving and goods.
ScenarioSpecs households_parameters() {
  return {
      {"households.housing_share", K::Real, "0.15", {0, 1, false, true}, "", "δ_h",
       "Share of income spent on housing (paid to local land). China's housing share of consumption is about 0.2 (NBS household survey).",
       REGIO_FIELD(households.housing_share)},
      {"households.saving_rate", K::Real, "0.35", {0, 1, false, true}, "", "σ",
       "Share of income saved and invested (national saving ≈ 45% of GDP in China; households and firms pooled).",
       REGIO_FIELD(households.saving_rate)},
      {"households.land_income", K::Text, "residents", {}, "", "",
       "Who receives a region's land and housing rents (MODEL.md §11): `residents` (Part I: shared by everyone living there, migrants included) or `stayers` (Tombe & Zhu: rebated to the hukou holders who live in their registration region; migrants earn their wage, capital income and transfers only). With `stayers`, the value of staying is C_o U_o (docs/land-income.md).",
       REGIO_TEXT(households.land_income)},
  };
}

// capital.*: depreciation and where savings are invested.
ScenarioSpecs capital_parameters() {
  return {
      {"capital.depreciation", K::Real, "0.096", kUnit, "1/epoch", "δ_k",
       "Capital depreciation rate (Zhang, Wu & Zhang 2004: 9.6%).", REGIO_FIELD(capital.depreciation)},
      {"capital.home_bias", K::Real, "0.7", kUnit, "", "ϕ",
       "Share of savings invested in the saver's own region (Feldstein–Horioka-type home bias).",
       REGIO_FIELD(capital.home_bias)},
      {"capital.allocation_elasticity", K::Real, "2", kNonNegative, "", "ν",
       "Elasticity of the pooled-savings allocation ω_n to last epoch's capital return r̄_n/ζ_n.",
       REGIO_FIELD(capital.allocation_elasticity)},
  };
}

// trade.*: the cost of shipping goods between regions.
ScenarioSpecs trade_parameters() {
  return {
      {"trade.d0_km", K::Real, "100", kPositive, "km", "d0",
       "Distance scale of trade and migration costs: τ = (1 + D/d0)^φ (the fits are flat in d0 between 25 and 400 km).", REGIO_FIELD(trade.d0_km)},
      {"trade.distance_elasticity", K::Real, "0.0671", kNonNegative, "", "φ_s",
       "Elasticity of trade cost to (1 + D/d0). Fitted to Tombe & Zhu's 2002 provincial trade shares by Head–Ries (docs/calibration-costs.md); θφ ≈ 0.27 is well below the usual gravity elasticity of 1: the province border, not distance, dominates China's internal trade costs.",
       REGIO_FIELD(trade.distance_elasticity)},
      {"trade.border_cost", K::Real, "3.34", kAtLeastOne, "", "b_s",
       "Iceberg cost factor for crossing a provincial border (local protection, market segmentation); fitted with φ_s (docs/calibration-costs.md).",
       REGIO_FIELD(trade.border_cost)},
      {"trade.frictions", K::Text, "", {}, "", "τ_pqs",
       "Optional CSV of province-pair trade-cost factors (columns from_province, to_province, sector, tau; province names as in the region CSV): τ_nis is multiplied by tau for exporters i in from_province and importers n in to_province, in that sector; a pair given in one direction only applies to both, given in both each applies to its own (asymmetric); inf: no trade; pairs absent keep 1. Regions inherit their provinces' factor. From observed shares: regio frictions (docs/frictions.md).",
       REGIO_TEXT(trade.frictions), true},
      {"trade.province_scales", K::Text, "", {}, "", "x_pqs",
       "Optional CSV of scales of the inherited province-pair trade costs (columns from_province, to_province, sector, scale; province names as in the region CSV): τ_nis is multiplied by scale for exporters i in from_province and importers n in to_province ≠ from_province, in that sector, on top of b_s and trade.frictions; a pair given in one direction only applies to both; inf: no trade; pairs absent keep 1. Made by `regio calibrate --trade-scales` (calibration.trade_shares) so that a finer geography aggregated to provinces reproduces the province trade shares (MODEL.md §12; docs/frictions.md).",
       REGIO_TEXT(trade.province_scales), true},
  };
}

// network.*: the transport network and the cost per km of each mode.
ScenarioSpecs network_parameters() {
  return {
      {"network.file", K::Text, "", {}, "", "",
       "Optional transport network CSV (columns from, to, mode, km; region ids): effective distances D become shortest-path costs (MODEL.md §1). Empty: D = great-circle distance. Changes τ and μ, so a calibrated baseline must be re-calibrated with it.",
       REGIO_TEXT(network.file)},
      {"network.road", K::Real, "1", kPositive, "cost/km", "",
       "Cost factor per km of a road link (and of the direct great-circle legs between any two regions).", REGIO_FIELD(network.road)},
      {"network.rail", K::Real, "0.8", kPositive, "cost/km", "", "Cost factor per km of a conventional rail link.",
       REGIO_FIELD(network.rail)},
      {"network.high_speed_rail", K::Real, "0.5", kPositive, "cost/km", "", "Cost factor per km of a high-speed rail link.",
       REGIO_FIELD(network.high_speed_rail)},
      {"network.waterway", K::Real, "0.4", kPositive, "cost/km", "", "Cost factor per km of a waterway link.",
       REGIO_FIELD(network.waterway)},
  };
}

// external.*: the rest of the world (MODEL.md §5).
ScenarioSpecs external_parameters() {
  return {
      {"external.enabled", K::Boolean, "false", {0, 1}, "", "",
       "Rest of the world (MODEL.md §5): imports compete in every price index, W buys Chinese goods worth imports + NX. Calibrate with it on (inputs/china31/calibration-open.yaml).",
       REGIO_FIELD(external.enabled)},
      {"external.trade_cost", K::Real, "1", kPositive, "", "t_W",
       "Iceberg cost between a port region and the rest of the world (absorbs the world price level p_W = 1); inland regions add (1 + D_port/d0)^φ to the nearest `port`-tagged region.",
       REGIO_FIELD(external.trade_cost)},
      {"external.net_exports", K::Real, "0", {-0.5, 0.5}, "share of GDP", "NX",
       "Net exports as a share of national GDP, financed out of pooled savings (China 2020: ≈ 0.025).",
       REGIO_FIELD(external.net_exports)},
      {"external.cold_start", K::Text, "auto", {}, "", "",
       "First solve of the open economy: `auto` solves it directly and opens up gradually (external costs ×8, ×4, "
       "×2, ×1.4, ×1) only if that fails; `gradual` always opens up in those steps (3–5 × the residual evaluations; "
       "the behaviour before 2026-11-24).",
       REGIO_TEXT(external.cold_start)},
  };
}

// migration.*: where residents choose to live, and the hukou frictions.
ScenarioSpecs migration_parameters() {
  return {
      {"migration.enabled", K::Boolean, "true", {0, 1}, "", "",
       "Whether residents choose where to live; `false` keeps L = R.", REGIO_FIELD(migration.enabled)},
      {"migration.elasticity", K::Real, "1.5", kPositive, "", "ε",
       "Migration elasticity to real income (Tombe & Zhu 2019: 1.5).", REGIO_FIELD(migration.elasticity)},
      {"migration.moving_cost", K::Real, "1.77", kAtLeastOne, "", "μ_0",
       "Fixed cost of living outside one's hukou region; set so that the average within-province move costs what Tombe & Zhu's 2000 data imply (docs/calibration-costs.md).",
       REGIO_FIELD(migration.moving_cost)},
      {"migration.distance_elasticity", K::Real, "0.858", kNonNegative, "", "φ_m",
       "Elasticity of migration cost to (1 + d/d0); Head–Ries fit to Tombe & Zhu's 2000 migration shares (docs/calibration-costs.md).", REGIO_FIELD(migration.distance_elasticity)},
      {"migration.border_cost", K::Real, "13.7", kAtLeastOne, "", "b_m",
       "Migration cost factor for leaving one's hukou province; μ_0·b_m = 24.3 is what Tombe & Zhu's 2000 data identify (docs/calibration-costs.md).",
       REGIO_FIELD(migration.border_cost)},
      {"migration.hukou_barrier", K::Real, "1", kAtLeastOne, "", "h_d",
       "Default destination hukou barrier (policies raise it for megacities).",
       REGIO_FIELD(migration.hukou_barrier)},
      {"migration.conversion_rate", K::Real, "0.02", kUnit, "1/epoch", "ρ_d",
       "Share of migrants living in d that obtain d's hukou each epoch.",
       REGIO_FIELD(migration.conversion_rate)},
      {"migration.amenity_convergence", K::Real, "0", {-1, 1}, "1/epoch", "β_B",
       "History-based dynamics (MODEL.md §14): log B_i moves by β_B (log B_i − b̄) + amenity_drift_i per epoch, b̄ the population-weighted mean; 0 keeps amenities fixed (Part I). Estimated by `regio calibrate --history` (docs/forecast-protocol.md).",
       REGIO_FIELD(migration.amenity_convergence)},
      {"migration.frictions", K::Text, "", {}, "", "μ_pq",
       "Optional CSV of province-pair migration-cost factors (columns from_province, to_province, mu; province names as in the region CSV): μ_od is multiplied by mu for hukou origins o in from_province and destinations d in to_province; a pair given in one direction only applies to both; inf: no migration; pairs absent keep 1. With it amenities are B ≡ 1 (only B_d/μ_od is identified: regio calibrate then inverts productivity only). From observed shares: regio frictions (docs/frictions.md).",
       REGIO_TEXT(migration.frictions), true},
      {"migration.province_costs", K::Text, "", {}, "", "w_p, x_p",
       "Optional CSV of migration-cost scales by province (columns province, within_scale, between_scale; province names as in the region CSV): μ_od is multiplied by within_scale of p for o ≠ d both in p, and by √(between_scale_p · between_scale_q) for o in p and d in q ≠ p; provinces absent keep 1. Made by `regio calibrate --province-costs` so that finer geographies reproduce the census's within- and between-province migrants (docs/calibration.md).",
       REGIO_TEXT(migration.province_costs), true},
  };
}

// productivity.*: catch-up towards neighbours.
ScenarioSpecs productivity_parameters() {
  return {
      {"productivity.spillover", K::Real, "0.02", kUnit, "", "κ",
       "Catch-up speed towards better neighbours' log productivity.", REGIO_FIELD(productivity.spillover)},
      {"productivity.neighbours", K::Integer, "6", {1, 1000}, "", "k",
       "Neighbours in the k-nearest-neighbour spatial weights W (great-circle distance, ties by input order).",
       REGIO_FIELD(productivity.neighbours)},
      {"productivity.convergence", K::Real, "0", {-1, 1}, "1/epoch", "β_A",
       "History-based dynamics (MODEL.md §14): every log Ā_is also moves by β_A (a_i − ā) + productivity_drift_i per epoch, a_i the mean over sectors of log Ā_is and ā its population-weighted mean; 0 = Part I. Estimated by `regio calibrate --history` (docs/forecast-protocol.md).",
       REGIO_FIELD(productivity.convergence)},
  };
}

// population.*: natural growth.
ScenarioSpecs population_parameters() {
  return {
      {"population.growth", K::Real, "0", {-0.5, 0.5}, "1/epoch", "g^L",
       "Natural growth of the registered population (China 2020–2024 ≈ 0).", REGIO_FIELD(population.growth)},
  };
}

// solver.*: the equilibrium solve (tolerances, kernels, preconditioner, warm starts).
ScenarioSpecs solver_parameters() {
  return {
      {"solver.rtol", K::Real, "1e-12", {0, 1, false, true}, "", "",
       "SNES relative tolerance on ||G|| (PETSc -national_snes_rtol overrides).", REGIO_FIELD(solver.rtol)},
      {"solver.atol", K::Real, "1e-10", kPositive, "", "",
       "SNES absolute tolerance on ||G|| in log units (≈ relative error of prices and populations).",
       REGIO_FIELD(solver.atol)},
      {"solver.max_iterations", K::Integer, "50", {1, 10000}, "", "",
       "Maximum Newton iterations per epoch.", REGIO_FIELD(solver.max_iterations)},
      {"solver.kernels", K::Text, "auto", {}, "", "",
       "Bilateral kernels τ^−θ, μ^−ε: `stored` (fast; (groups+1)·n_own·N doubles per rank), `on_the_fly` (recomputed from coordinates, O(N) memory), or `auto` (stored on a rank if they fit in half of its share of the node's available memory: MemAvailable or, if tighter, the headroom under a cgroup memory limit such as SLURM's --mem; the run log says what was chosen and why).",
       REGIO_TEXT(solver.kernels)},
      {"solver.kernel_precision", K::Text, "double", {}, "", "",
       "Precision of the kernel rows: `double`, or `single` (each τ^−θ, μ^−ε rounded to a float: half the memory and "
       "bytes per residual, for the largest runs; results then differ from `double` by ≈ 1e-7 relative, are still "
       "identical across rank counts and between stored and on-the-fly rows). Arithmetic stays double.",
       REGIO_TEXT(solver.kernel_precision)},
      {"solver.local_own_market", K::Boolean, "true", {0, 1}, "", "",
       "Local clearing treats the region's own purchases exactly (own price index and own spending respond); false holds all national terms fixed. Same equilibrium; true needs far fewer Krylov iterations (docs/numerics.md).",
       REGIO_FIELD(solver.local_own_market)},
      {"solver.recycle", K::Integer, "40", {0, 1000}, "", "",
       "Krylov recycling in the equilibrium solves: up to this many Jacobian products of earlier Newton "
       "steps precondition the later ones (docs/numerics.md); 0 turns it off. Memory: 2 × recycle × (unknowns per rank) doubles.",
       REGIO_FIELD(solver.recycle)},
      {"solver.recycle_across_epochs", K::Boolean, "true", {0, 1}, "", "",
       "Keep the recycled Krylov products from one epoch's solve to the next (dropped after a far start and when a "
       "policy takes effect; carried in checkpoints, up to 2 × recycle × unknowns per region); false recycles within "
       "each solve only (docs/numerics.md).",
       REGIO_FIELD(solver.recycle_across_epochs)},
      {"solver.province_coarse", K::Boolean, "true", {0, 1}, "", "",
       "Province-aggregate coarse correction of the national preconditioner: the coupling of the regions of one "
       "province, probed with one residual evaluation per unknown kind (docs/numerics.md) and kept from epoch to "
       "epoch (and in checkpoints). Used only where a province has several regions; with or without migration.",
       REGIO_FIELD(solver.province_coarse)},
      {"solver.province_coarse_refresh", K::Integer, "8", {0, 1000}, "", "",
       "Probe the province coarse correction again when a Newton step's linear solve needs more than this many "
       "Krylov iterations (a sign that it has gone stale; usual counts are 1–7, 9–12 when stale); it is also probed "
       "again in every epoch in which a policy takes effect. 0 probes it afresh in every epoch's solve.",
       REGIO_FIELD(solver.province_coarse_refresh)},
      {"solver.warm_start_order", K::Integer, "3", {0, 3}, "", "",
       "Where an epoch's solve starts: the polynomial in time through the last order + 1 epochs' solutions (in "
       "logs), extrapolated one year. 0: the last solution x_t; 1: x_t + Δx_t (Δx_t = x_t − x_{t−1}); 2: x_t + "
       "2Δx_t − Δx_{t−1}; 3: x_t + 3Δx_t − 3Δx_{t−1} + Δx_{t−2}. Steps from the data year (epoch 0) or across an "
       "epoch in which a policy takes effect are not used (the order drops until there are enough); carried in "
       "checkpoints. The same equilibrium; order 3 takes 11–25 % fewer residual evaluations over 30 epochs than 0 "
       "(docs/numerics.md).",
       REGIO_FIELD(solver.warm_start_order)},
      {"solver.petsc_options", K::Text, "", {}, "", "",
       "Extra PETSc options, e.g. `-national_snes_monitor`; the command line after `--` wins.",
       REGIO_TEXT(solver.petsc_options)},
  };
}

// calibration.*: what `regio calibrate` reproduces besides population and GDP.
ScenarioSpecs calibration_parameters() {
  return {
      {"calibration.migrants", K::Text, "", {}, "", "",
       "Optional CSV of census migrants by unit (columns id, within_province, other_province: residents registered in another unit of the same province, in another province). With it `regio calibrate` inverts the province migration-cost scales (migration.province_costs, written with `--province-costs`) together with the amenities, so that every province's totals of both equal the census (docs/calibration.md); `regio run` ignores it.",
       REGIO_TEXT(calibration.migrants), true},
      {"calibration.trade_shares", K::Text, "", {}, "", "π_pqs",
       "Optional CSV of observed province trade shares (columns sector, importer, exporter, share; province names as in the region CSV, every pair and sector; own shares include trade between the regions of the province). With it `regio calibrate` inverts one scale per ordered pair of provinces and sector of the inherited trade costs (trade.province_scales, written with `--trade-scales`) together with productivity, so that the regions' trade aggregated to provinces reproduces the shares (docs/frictions.md); `regio run` ignores it.",
       REGIO_TEXT(calibration.trade_shares), true},
  };
}

// labour.*: labour groups and hukou types (MODEL.md §10).
ScenarioSpecs labour_parameters() {
  return {
      {"labour.units", K::Text, "", {}, "path", "R_ig, B_ig, L*_ig",
       "Optional CSV that splits every region into labour groups (MODEL.md §10; columns region, group, share and optionally amenity, land, residents; one row per region and group, groups in order of first appearance): share of the region's registered (hukou) population R_i in group g (summing to 1 over g), amenity B_ig as a factor on the region's B_i (default 1), land H_ig as a share of H_i with `labour.land: by_group` (summing to 1), residents: the share of the region's residents in group g (summing to 1), from which the amenities by unit are inverted before the first epoch. With it every sector needs a `labour_group`, and `regio run` solves the grouped economy (docs/labour-groups.md); without it one labour market per region (Part I).",
       REGIO_TEXT(labour.units), true},
      {"labour.land", K::Text, "region", {}, "", "H_ig",
       "Land with labour groups: `region` (one land market per region, shared by every group) or `by_group` (Tombe & Zhu: the sectors and residents of group g use H_ig, rent q_ig; shares from the units file's land column).",
       REGIO_TEXT(labour.land)},
      {"labour.group_costs", K::Text, "", {}, "path", "s_gg', S_gg'",
       "Optional CSV of group switching costs (columns from_group, to_group, within, between): μ_{og,dg'} = μ_od · within (o, d in one province, s_gg' with s_gg = 1) or · between (other provinces, S_gg'; Tombe & Zhu: 47.67 within agriculture, 21.02 within non-agriculture). Pairs absent are 1.",
       REGIO_TEXT(labour.group_costs), true},
  };
}
// clang-format on

}  // namespace

const std::vector<ParamSpec<Scenario>>& scenario_parameters() {
  static const std::vector<ParamSpec<Scenario>> table = [] {
    ScenarioSpecs all;
    for (auto section : {run_parameters, households_parameters, capital_parameters, trade_parameters,
                         network_parameters, external_parameters, migration_parameters, productivity_parameters,
                         population_parameters, solver_parameters, calibration_parameters, labour_parameters})
      for (auto& p : section()) all.push_back(std::move(p));
    return all;
  }();
  return table;
}

void check_parameter_value(const std::string& key, double v, const std::string& where) {
  for (const auto& spec : scenario_parameters()) {
    if (spec.key != key) continue;
    if (spec.kind == ParamKind::Integer && v != std::floor(v))
      throw InputError(fmt::format("{}: '{}' must be an integer, got {}", where, key, v));
    if (!spec.range.contains(v))
      throw InputError(
          fmt::format("{}: '{}' = {} is out of range {}: {}", where, key, v, spec.range.describe(), spec.doc));
    return;
  }
  throw std::logic_error("check_parameter_value: no parameter " + key);
}

}  // namespace regio
