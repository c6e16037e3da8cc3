#include "regio/unit_amenities.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "regio/anderson.hpp"
#include "regio/collectives.hpp"
#include "regio/error.hpp"

namespace regio {

UnitAmenityCalibration calibrate_unit_amenities(GroupedEconomy& e, GroupedSystem& system, std::vector<double>& x,
                                                const std::vector<double>& target, const Layout& layout,
                                                double tolerance, int max_solves) {
  const auto start = std::chrono::steady_clock::now();
  const MPI_Comm comm = layout.comm();
  const int G = e.par.G();
  const double epsilon = e.par.migration_elasticity;
  // z: log B of the owned units (owned region-major), the fixed point's rows on this rank.
  std::vector<double> z, z_start, weight;
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int g = 0; g < G; ++g) {
      const auto u = static_cast<std::size_t>(layout.owned()[ln] * G + g);
      z.push_back(std::log(e.amenity[u]));
      weight.push_back(target[u]);
    }
  z_start = z;
  double local_weight = 0;
  for (double w : weight) local_weight += w;
  const double total_weight = sum_over_ranks(comm, local_weight);
  UnitAmenityCalibration out;
  // g(z) = log(L*/L)/ε at the equilibrium under B = exp(z): the partial-equilibrium correction
  // (L_ng moves with B_ng^ε); Anderson acceleration takes care of the general-equilibrium rest.
  const FixedPointStep step = [&](const std::vector<double>& zz, std::vector<double>& g) {
    std::vector<double> b(zz.size());
    for (std::size_t k = 0; k < zz.size(); ++k) b[k] = std::exp(zz[k]);
    layout.allgather(b.data(), G, e.amenity);
    const SolveSummary sum = system.solve(x);
    ++out.solves;
    out.newton_iterations += sum.newton_iterations;
    g.resize(zz.size());
    bool finite = true;
    for (std::size_t k = 0; k < zz.size(); ++k) {
      g[k] = std::log(weight[k] / system.state().employment[k]) / epsilon;
      finite = finite && std::isfinite(g[k]);
    }
    return every_rank(comm, finite);
  };
  // Only ratios of B are identified: the L*-weighted mean of log(B/B_start) is kept at 0.
  const auto normalise = [&](std::vector<double>& zz) {
    double local = 0;
    for (std::size_t k = 0; k < zz.size(); ++k) local += weight[k] * (zz[k] - z_start[k]);
    const double mean = sum_over_ranks(comm, local) / total_weight;
    for (double& v : zz) v -= mean;
  };
  FixedPointOptions options;
  options.step = 1.0;
  options.tolerance = tolerance / epsilon;
  options.max_iterations = max_solves;
  options.stall_steps = max_solves;
  const FixedPointFailure fail = [&](const std::string& why, double best, int iterations, double) {
    raise_on_all_ranks(SolverError(fmt::format(
        "the amenities by unit (labour.units residents) did not converge: {} after {} steps, max |log L/L*| = "
        "{:.3g} — check the units' residents and registered shares",
        why, iterations, best * epsilon)));
  };
  const FixedPointResult r = anderson_fixed_point(comm, z, step, normalise, options, fail);
  out.max_log_gap = r.norm * epsilon;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace regio
