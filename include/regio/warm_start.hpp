#pragma once
// Where each epoch's solve starts (solver.warm_start_order; docs/numerics.md). From one epoch to
// the next the fundamentals move smoothly (productivity growth, capital accumulation,
// registration), so the solutions lie on a smooth curve in logs, and its extrapolation is much
// closer to x_{t+1} than x_t: linear, ‖G(x₀)‖ falls 6–15 × on the prefectures (0.54–0.66 →
// 0.043–0.083). Residual evaluations over 30 epochs on 2 ranks, order 0 / 1 / 2 / 3: China-31
// 346 / 307 / 285 / 270, prefectures 417 / 369 / 350 / 349, counties 426 / 407 / 370 / 362,
// synthetic N = 4,000 470 / 453 / 406 / 395. A damped linear step is not a compromise: w = 0.8
// or 1.2 instead of 1 kept 343–349, 414, 431–441, 450–472. The step from epoch 0 (the
// calibrated data year) to epoch 1 is not a trend (extrapolating it cost the prefectures 7
// evaluations in epoch 2), nor is one across a policy taking effect.
//
// The trend (the last solution and its steps, owned unknowns) travels in checkpoints, so a
// restart starts each solve where the uninterrupted run did.
#include <mpi.h>

#include <string>
#include <vector>

#include "regio/solver_state.hpp"

namespace regio {

class WarmStart {
 public:
  static constexpr std::size_t kTrendSteps = 3;

  explicit WarmStart(int order) : order_(order) {}

  // After an epoch's solve(s): keep its solution `now`; with `trend_continues` (this epoch and
  // the last one are both ordinary years) also the step from the last epoch's solution.
  void record(std::vector<double> now, bool trend_continues);
  // The polynomial of degree `order` through the last order + 1 solutions, one year ahead of
  // x (the current unknowns); x itself without enough trend.
  std::vector<double> guess(std::vector<double> x) const;
  void forget_trend() { trend_steps_.clear(); }

  // Checkpointed state: `block` unknowns per region, `regions` owned regions.
  void state_names(std::vector<std::string>& names) const;
  void append_state(std::vector<SolverArray>& arrays, std::size_t regions, int block, MPI_Comm comm) const;
  void restore_state(const std::vector<SolverArray>& arrays, int block);

 private:
  int order_ = 0;
  // Solution of the last epoch and the steps that led to it, newest first (Δx_t, Δx_{t−1}, …).
  std::vector<double> last_solution_;
  std::vector<std::vector<double>> trend_steps_;
};

}  // namespace regio
