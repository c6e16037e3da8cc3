#pragma once
// `regio calibrate --history DIR --until T` (MODEL.md §14, docs/forecast-protocol.md): the
// calibrated years of the window and what is built from them — the trend fits, the projected
// investment wedges and the forecast scenario. src/app/history_calibration.cpp calibrates the
// years, src/app/history_forecast.cpp writes the estimates and the forecast.
#include <array>
#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "regio/commands.hpp"
#include "regio/decomposition.hpp"
#include "regio/history_panel.hpp"
#include "regio/hukou_conversion.hpp"
#include "regio/investment_wedges.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"
#include "regio/trend_estimator.hpp"

namespace regio {

// One calibrated year (on rank 0; CSV order of the provinces).
struct HistoryYear {
  int year = 0;
  double saving_rate = 0;               // σ_t = Σ GFCF / Σ GDP
  std::vector<Region> regions;          // calibrated: Ā, B, ζ (capital_friction) and r̄ (capital_rent_lagged)
  std::vector<double> capital_rent;     // r_i,t of the calibrated equilibrium
  HistoryPanel::Shares shares;          // observed j_i,t and y_i,t
  std::vector<double> pooled_weight;    // ω_i,t = (j − ϕ y)/(1 − ϕ)
  std::vector<double> log_wedge;        // log ζ_i,t, mean 0; empty in the first year (r̄ = 1, no r_{t−1})
  std::vector<double> migration_flows;  // L_od of the calibrated equilibrium, P×P row-major (origin o)
};

// What the forecast is built from, on rank 0.
struct HistoryWindow {
  Scenario scenario;  // the base scenario of the calibration
  const HistoryPanel* panel = nullptr;
  const Decomposition* decomposition = nullptr;
  std::vector<Region> provinces;  // the scenario's region CSV
  double home_bias = 0;           // ϕ of every year and of the forecast
  std::vector<HistoryYear> years;
};

// Collective: one year's data calibrated with `sc` (rank 0's `regions` and `sc` are used) and
// checked: population, GDP and the investment shares `target` (if not empty) to 1e-8.
struct CalibratedYear {
  std::vector<Region> regions;  // on rank 0
  std::vector<double> capital_rent, investment_share, migration_flows;
  int productivity_iterations = 0, amenity_iterations = 0;
  double population_error = 0, gdp_error = 0, investment_error = 0;
};
CalibratedYear calibrate_year(const boost::mpi::communicator& comm, const Scenario& sc,
                              const std::vector<Region>& regions, const Decomposition* decomposition,
                              const std::vector<double>& target_investment_share, const std::string& what);

// The estimates of docs/forecast-protocol.md §3 from the calibrated years (rank 0).
struct HistoryEstimates {
  std::array<TrendFit, 2> trends;  // log Ā, log B
  WedgeProjection wedges;          // over the years with a log wedge (all but the first)
  // The national hukou conversion rate (amendment 3), if the window starts and ends in census
  // years and migration is on; otherwise `conversion_note` says why not.
  bool conversion_estimated = false;
  std::string conversion_note;
  ConversionFit conversion;
  std::vector<double> registered_start, registered_census;  // R at T−10 and at T (the censuses)
};
// The conversion part of estimate_history (src/app/history_conversion.cpp).
void estimate_conversion(const HistoryWindow& w, HistoryEstimates& e);
HistoryEstimates estimate_history(const HistoryWindow& w);

// Rank 0 only: history.csv, trends.csv and province_effects.csv.
void write_history_estimates(const std::string& folder, const HistoryWindow& w, const HistoryEstimates& e);
// Collective (rank 0's window and estimates are used): the forecast scenario and its start, year
// T's data calibrated with the forecast's own parameters (forecast.yaml, regions_forecast.csv;
// docs/forecast-protocol.md §4).
void write_forecast(const boost::mpi::communicator& comm, const std::string& folder, const HistoryWindow& w,
                    const HistoryEstimates& e);

}  // namespace regio
