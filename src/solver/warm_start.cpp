#include "regio/warm_start.hpp"

#include <algorithm>

#include "regio/collectives.hpp"

namespace regio {

namespace {
const char* const kWarmSolution = "warm_start_solution";
const char* const kWarmSteps[] = {"warm_start_step1", "warm_start_step2", "warm_start_step3"};
}  // namespace

void WarmStart::record(std::vector<double> now, bool trend_continues) {
  if (trend_continues && last_solution_.size() == now.size()) {
    std::vector<double> step(now.size());
    for (std::size_t k = 0; k < now.size(); ++k) step[k] = now[k] - last_solution_[k];
    trend_steps_.insert(trend_steps_.begin(), std::move(step));  // newest first
    if (trend_steps_.size() > kTrendSteps) trend_steps_.pop_back();
  } else {
    trend_steps_.clear();
  }
  last_solution_ = std::move(now);
}

std::vector<double> WarmStart::guess(std::vector<double> x0) const {
  // x_t + Σ_i c_i Δx_{t−i} with c = (1), (2, −1), (3, −3, 1) (binomial: the order-th difference
  // of the steps vanishes).
  static constexpr double kCoefficients[kTrendSteps][kTrendSteps] = {{1, 0, 0}, {2, -1, 0}, {3, -3, 1}};
  std::size_t order = std::min(trend_steps_.size(), static_cast<std::size_t>(std::max(0, order_)));
  for (const auto& step : trend_steps_) order = step.size() == x0.size() ? order : 0;
  if (order == 0) return x0;
  const double* c = kCoefficients[order - 1];
  for (std::size_t k = 0; k < x0.size(); ++k) {
    double shift = 0;
    for (std::size_t i = 0; i < order; ++i) shift += c[i] * trend_steps_[i][k];
    x0[k] += shift;
  }
  return x0;
}

void WarmStart::state_names(std::vector<std::string>& names) const {
  names.emplace_back(kWarmSolution);
  for (std::size_t i = 0; i < kTrendSteps; ++i) names.emplace_back(kWarmSteps[i]);
}

void WarmStart::append_state(std::vector<SolverArray>& arrays, std::size_t regions, int block, MPI_Comm comm) const {
  // Written only when held on every rank alike (sizes follow the owned regions, so a rank with
  // none holds an empty array: compare the presence, not the size).
  const auto held = [&](const std::vector<double>& v) {
    return every_rank(comm, v.size() == regions * static_cast<std::size_t>(block));
  };
  if (!held(last_solution_)) return;
  arrays.push_back({kWarmSolution, block, last_solution_});
  for (std::size_t i = 0; i < trend_steps_.size() && held(trend_steps_[i]); ++i)
    arrays.push_back({kWarmSteps[i], block, trend_steps_[i]});
}

void WarmStart::restore_state(const std::vector<SolverArray>& arrays, int block) {
  // Absent (a checkpoint from before it, or no trend yet): start from x_t.
  last_solution_.clear();
  trend_steps_.clear();
  const auto find = [&](const char* name) -> const SolverArray* {
    for (const auto& a : arrays)
      if (a.name == name && a.per_region && a.width == block) return &a;
    return nullptr;
  };
  if (const SolverArray* a = find(kWarmSolution)) {
    last_solution_ = a->rows;
    for (std::size_t i = 0; i < kTrendSteps; ++i) {  // newest first, without gaps
      const SolverArray* step = find(kWarmSteps[i]);
      if (!step) break;
      trend_steps_.push_back(step->rows);
    }
  }
}

}  // namespace regio
