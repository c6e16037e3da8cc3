#pragma once
// Anderson acceleration of a fixed-point iteration z ← z + β g(z) (type II; Walker & Ni 2011):
// the coefficients γ minimising ‖g − ΔG γ‖ over the kept differences ΔG of g, for vectors
// distributed over the ranks of `comm` (each rank holds its rows). Collective.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

namespace regio {

// x with A x = r for a small dense m×m A (row-major, m = r.size(); Gaussian elimination with
// partial pivoting; A must be regular).
std::vector<double> solve_dense(std::vector<double> A, std::vector<double> r);

// γ by the normal equations (depth m small; Tikhonov-regularised by 1e-14 of the trace), the
// same on every rank; empty without differences.
std::vector<double> anderson_coefficients(MPI_Comm comm, const std::vector<std::vector<double>>& dg,
                                          const std::vector<double>& g);

struct FixedPointOptions {
  double step = 0.5;           // β
  int depth = 5;               // differences kept by the acceleration
  double tolerance = 1e-12;    // max |g| at convergence
  int max_iterations = 20000;  // steps
  int stall_steps = 2000;      // steps without halving the best max |g| before giving up
  int max_restarts = 50;       // restarts from the best point
};

struct FixedPointResult {
  int iterations = 0;  // steps taken (g evaluated iterations + 1 times)
  double norm = 0;     // max |g| at the solution
  double first = 0;    // max |g| at the start
};

// Collective. The Anderson-accelerated fixed-point iteration z ← z + β g(z) from z (normalised
// first), to max |g| < tolerance; on return z is the solution and the last call of `step` was at z.
// `step(z, g)` evaluates g at z and returns false (on every rank) outside the domain; `normalise`
// is applied after every update. Safeguard: a step that leaves the domain or makes max |g| 100 times
// the best so far restarts the acceleration from the best point with a plain step. `fail(why, best,
// iterations, first)` must throw (on every rank): at the start outside the domain, after too many
// steps or restarts, or without a halving of the best max |g| in stall_steps steps.
using FixedPointStep = std::function<bool(const std::vector<double>& z, std::vector<double>& g)>;
using FixedPointFailure = std::function<void(const std::string& why, double best, int iterations, double first)>;
FixedPointResult anderson_fixed_point(MPI_Comm comm, std::vector<double>& z, const FixedPointStep& step,
                                      const std::function<void(std::vector<double>&)>& normalise,
                                      const FixedPointOptions& options, const FixedPointFailure& fail);

}  // namespace regio
