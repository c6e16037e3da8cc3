#include "regio/anderson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "regio/collectives.hpp"

namespace regio {

namespace {
double dot(MPI_Comm comm, const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return sum_over_ranks(comm, s);
}
}  // namespace

std::vector<double> solve_dense(std::vector<double> A, std::vector<double> r) {
  const std::size_t m = r.size();
  std::vector<double> x(m, 0.0);
  // Gaussian elimination with partial pivoting (the same on every rank where A and r are).
  for (std::size_t c = 0; c < m; ++c) {
    std::size_t piv = c;
    for (std::size_t i = c + 1; i < m; ++i)
      if (std::abs(A[i * m + c]) > std::abs(A[piv * m + c])) piv = i;
    for (std::size_t k = 0; k < m; ++k) std::swap(A[c * m + k], A[piv * m + k]);
    std::swap(r[c], r[piv]);
    for (std::size_t i = c + 1; i < m; ++i) {
      const double l = A[i * m + c] / A[c * m + c];
      for (std::size_t k = c; k < m; ++k) A[i * m + k] -= l * A[c * m + k];
      r[i] -= l * r[c];
    }
  }
  for (std::size_t c = m; c-- > 0;) {
    double v = r[c];
    for (std::size_t k = c + 1; k < m; ++k) v -= A[c * m + k] * x[k];
    x[c] = v / A[c * m + c];
  }
  return x;
}

std::vector<double> anderson_coefficients(MPI_Comm comm, const std::vector<std::vector<double>>& dg,
                                          const std::vector<double>& g) {
  // Least squares by the normal equations (m ≤ 5, Tikhonov-regularised by 1e-14 of the trace).
  const std::size_t m = dg.size();
  std::vector<double> gamma(m, 0.0);
  if (m > 0) {
    std::vector<double> A(m * m), r(m);
    double trace = 0;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t k = 0; k <= i; ++k) A[i * m + k] = A[k * m + i] = dot(comm, dg[i], dg[k]);
      r[i] = dot(comm, dg[i], g);
      trace += A[i * m + i];
    }
    for (std::size_t i = 0; i < m; ++i) A[i * m + i] += 1e-14 * trace;
    gamma = solve_dense(std::move(A), std::move(r));
  }
  return gamma;
}

FixedPointResult anderson_fixed_point(MPI_Comm comm, std::vector<double>& z, const FixedPointStep& step,
                                      const std::function<void(std::vector<double>&)>& normalise,
                                      const FixedPointOptions& opt, const FixedPointFailure& fail) {
  // Type II, depth m: the step minimises ‖g − ΔG γ‖ over the last m differences of g (Walker & Ni 2011).
  std::vector<double> g, z_prev, g_prev, best_z, best_g;
  normalise(z);
  std::vector<std::vector<double>> dz, dg;
  int iterations = 0, restarts = 0, best_at = 0;
  double norm = 0, first = -1, best = std::numeric_limits<double>::infinity(), stall_mark = best;
  for (;; ++iterations) {
    const bool inside = step(z, g);
    double local = 0;
    for (double v : g) local = std::max(local, std::abs(v));
    norm = inside ? max_over_ranks(comm, local) : std::numeric_limits<double>::infinity();
    if (first < 0) {
      if (!inside) fail("the start is outside the domain", best, iterations, first);
      first = norm;
    }
    if (norm < opt.tolerance) break;
    if (iterations >= opt.max_iterations) fail("too many steps", best, iterations, first);
    if (!(norm < 100 * best)) {  // restart from the best point, without the history
      if (++restarts > opt.max_restarts) fail("too many restarts", best, iterations, first);
      dz.clear(), dg.clear(), z_prev.clear();
      for (std::size_t k = 0; k < z.size(); ++k) z[k] = best_z[k] + opt.step * best_g[k];
      normalise(z);
      continue;
    }
    if (norm < best) {
      best = norm, best_z = z, best_g = g;
      if (norm < 0.5 * stall_mark) stall_mark = norm, best_at = iterations;
    }
    if (iterations - best_at > opt.stall_steps)
      fail(fmt::format("no progress in {} steps", opt.stall_steps), best, iterations, first);
    if (!z_prev.empty()) {
      std::vector<double> a(z.size()), b(z.size());
      for (std::size_t k = 0; k < z.size(); ++k) a[k] = z[k] - z_prev[k], b[k] = g[k] - g_prev[k];
      dz.push_back(std::move(a));
      dg.push_back(std::move(b));
      if (static_cast<int>(dz.size()) > opt.depth) dz.erase(dz.begin()), dg.erase(dg.begin());
    }
    z_prev = z;
    g_prev = g;
    const std::vector<double> gamma = anderson_coefficients(comm, dg, g);
    const std::size_t m = gamma.size();
    for (std::size_t k = 0; k < z.size(); ++k) {
      double v = z[k] + opt.step * g[k];
      for (std::size_t i = 0; i < m; ++i) v -= gamma[i] * (dz[i][k] + opt.step * dg[i][k]);
      z[k] = v;
    }
    normalise(z);
  }
  return {iterations, norm, first};
}

}  // namespace regio
