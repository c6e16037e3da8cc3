#include "regio/migration_census.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "regio/anderson.hpp"
#include "regio/collectives.hpp"
#include "regio/error.hpp"

namespace regio {

namespace {

constexpr double kStep = 0.5;          // β of the fixed-point map
constexpr int kAndersonDepth = 5;      // steps kept by the acceleration
constexpr double kTolerance = 1e-12;   // max |g| at convergence (log units)
constexpr int kMaxIterations = 20000;  // fixed-point steps

// The census inversion's map (migration_census.hpp) and the model at its last point.
class CensusInversion {
 public:
  CensusInversion(const Scenario& sc, const Equilibrium& sys, const Layout& layout, const EconomyState& st)
      : sys_(sys), layout_(layout), st_(st), eps_(sys.migration_elasticity) {
    const auto& geo = sys.geography;
    N_ = geo.size();
    P_ = geo.province_names.size();
    n_ = st.size();
    base_within_.assign(P_, 0.0);
    base_between_.assign(P_, 0.0);
    if (!sc.migration.province_costs.empty())
      for (const auto& c : sc.province_migration_costs) {
        base_within_[static_cast<std::size_t>(c.province)] = std::log(c.within_scale);
        base_between_[static_cast<std::size_t>(c.province)] = std::log(c.between_scale);
      }
    slot_.assign(P_, -1);
    const double total = layout.ordered_sum(st.population);
    for (std::size_t j = 0; j < n_; ++j) {
      const auto i = static_cast<std::size_t>(st.records[j].index);
      const int p = geo.province[i];
      if (slot_[static_cast<std::size_t>(p)] < 0) {
        slot_[static_cast<std::size_t>(p)] = static_cast<int>(provinces_.size());
        provinces_.push_back(p);
        units_.push_back(0);
        target_within_.push_back(0.0);
        target_between_.push_back(0.0);
        emigrants_.push_back(0.0);
        registered_total_.push_back(0.0);
        residents_.push_back(0.0);
      }
      const auto s = static_cast<std::size_t>(slot_[static_cast<std::size_t>(p)]);
      const double W = sc.census_within[i], X = sc.census_other[i];
      ++units_[s];
      target_within_[s] += W;
      target_between_[s] += X;
      emigrants_[s] += st.registered[j] - (st.population[j] - X);  // R_p − (L_p − X_p)
      registered_total_[s] += st.registered[j];
      residents_[s] += st.population[j];
      census_within_.push_back(W);
      census_between_.push_back(X);
      province_.push_back(p);
      real_income_.push_back(sys.view.utility[j] / st.amenity[j]);
      hukou_pow_.push_back(std::pow(st.hukou_barrier[j], -eps_));
      weight_.push_back(st.population[j] / total);
    }
    check_feasible(sc, geo, layout);
  }

  std::size_t size() const { return n_ + 2 * provinces_.size(); }

  std::vector<double> start() const {
    std::vector<double> z(size());
    for (std::size_t j = 0; j < n_; ++j) z[j] = std::log(st_.amenity[j]);
    for (std::size_t s = 0; s < provinces_.size(); ++s) {
      z[n_ + 2 * s] = base_within_[static_cast<std::size_t>(provinces_[s])];
      z[n_ + 2 * s + 1] = base_between_[static_cast<std::size_t>(provinces_[s])];
    }
    return z;
  }

  // Collective. The step direction g(z); false (on every rank) outside the domain.
  bool step(const std::vector<double>& z, std::vector<double>& g) {
    evaluate(z);
    g.assign(size(), 0.0);
    bool ok = true;
    const auto sums = province_sums();
    std::vector<double> level(provinces_.size());
    for (std::size_t s = 0; s < provinces_.size(); ++s) {
      const double in = std::log(sums.between[s]) - std::log(target_between_[s]);
      const double out = std::log(sums.emigrants[s]) - std::log(emigrants_[s]);
      level[s] = (out - in) / (2 * eps_);
      if (units_[s] > 1) g[n_ + 2 * s] = (std::log(sums.within[s]) - std::log(target_within_[s])) / eps_;
      g[n_ + 2 * s + 1] = (in + out) / eps_;
      ok = ok && std::isfinite(g[n_ + 2 * s]) && std::isfinite(g[n_ + 2 * s + 1]);
    }
    for (std::size_t j = 0; j < n_; ++j) {
      g[j] = std::log(st_.population[j]) - std::log(stayers_[j] + within_[j] + between_[j]) +
             level[static_cast<std::size_t>(slot_[static_cast<std::size_t>(province_[j])])];
      ok = ok && std::isfinite(g[j]);
    }
    return every_rank(layout_.comm(), ok);
  }

  // Hold the population-weighted mean of log B at 0 (migration shares do not change).
  void normalise(std::vector<double>& z) const {
    std::vector<double> wb(n_);
    for (std::size_t j = 0; j < n_; ++j) wb[j] = weight_[j] * z[j];
    const double level = layout_.ordered_sum(wb);
    for (std::size_t j = 0; j < n_; ++j) z[j] -= level;
  }

  MigrationCensusFit fit() const {
    MigrationCensusFit f;
    f.within_scale.resize(P_);
    f.between_scale.resize(P_);
    for (std::size_t p = 0; p < P_; ++p) {
      f.within_scale[p] = std::exp(log_within_[p]);
      f.between_scale[p] = std::exp(log_between_[p]);
    }
    const auto sums = province_sums();
    double ew = 0, ex = 0, eo = 0, eu = 0;
    for (std::size_t s = 0; s < provinces_.size(); ++s) {
      if (units_[s] > 1) ew = std::max(ew, std::abs(sums.within[s] / target_within_[s] - 1));
      ex = std::max(ex, std::abs(sums.between[s] / target_between_[s] - 1));
      eo = std::max(eo, std::abs(sums.emigrants[s] / emigrants_[s] - 1));
    }
    const MPI_Comm comm = layout_.comm();
    std::vector<double> mw(n_), cw(n_), mx(n_), cx(n_), ms(n_), cs(n_), mig(n_), between(n_);
    for (std::size_t j = 0; j < n_; ++j) {
      const double L = st_.population[j];
      eu = std::max(eu, std::abs((stayers_[j] + within_[j] + between_[j]) / L - 1));
      mw[j] = within_[j] / L, cw[j] = census_within_[j] / L;
      mx[j] = between_[j] / L, cx[j] = census_between_[j] / L;
      ms[j] = stayers_[j] / L, cs[j] = 1 - cw[j] - cx[j];
      mig[j] = within_[j] + between_[j], between[j] = between_[j];
    }
    f.max_within_error = max_over_ranks(comm, ew);
    f.max_between_error = max_over_ranks(comm, ex);
    f.max_emigrant_error = max_over_ranks(comm, eo);
    f.max_unit_error = max_over_ranks(comm, eu);
    const auto fit_of = [&](const std::vector<double>& m, const std::vector<double>& c, double& corr, double& rmse) {
      std::vector<double> mm(n_), cc(n_), mc(n_), d2(n_);
      for (std::size_t j = 0; j < n_; ++j)
        mm[j] = m[j] * m[j], cc[j] = c[j] * c[j], mc[j] = m[j] * c[j], d2[j] = (m[j] - c[j]) * (m[j] - c[j]);
      const double n = static_cast<double>(N_);
      const double sm = layout_.ordered_sum(m), sc = layout_.ordered_sum(c);
      const double vm = layout_.ordered_sum(mm) - sm * sm / n, vc = layout_.ordered_sum(cc) - sc * sc / n;
      corr = (layout_.ordered_sum(mc) - sm * sc / n) / std::sqrt(vm * vc);
      rmse = std::sqrt(layout_.ordered_sum(d2) / n);
    };
    fit_of(mw, cw, f.within_share_correlation, f.within_share_rmse);
    fit_of(mx, cx, f.between_share_correlation, f.between_share_rmse);
    fit_of(ms, cs, f.stayer_share_correlation, f.stayer_share_rmse);
    const double L = layout_.ordered_sum(st_.population);
    f.migrant_share = layout_.ordered_sum(mig) / L;
    f.interprovincial_share = layout_.ordered_sum(between) / L;
    return f;
  }

 private:
  // The census totals no costs can give (one line naming the province, on every rank).
  void check_feasible(const Scenario& sc, const GlobalGeography& geo, const Layout& layout) const {
    // All provinces' in-migrants from other provinces and emigrants to them (for the check below).
    std::vector<double> local(2 * P_, 0.0), both(2 * P_);
    for (std::size_t s = 0; s < provinces_.size(); ++s) {
      local[static_cast<std::size_t>(provinces_[s])] = target_between_[s];
      local[P_ + static_cast<std::size_t>(provinces_[s])] = emigrants_[s];
    }
    MPI_Allreduce(local.data(), both.data(), static_cast<int>(2 * P_), MPI_DOUBLE, MPI_SUM, layout.comm());
    double all_in = 0, all_out = 0;
    for (std::size_t p = 0; p < P_; ++p) all_in += both[p], all_out += both[P_ + p];
    all_ranks(layout.comm(), [&] {
      for (std::size_t s = 0; s < provinces_.size(); ++s) {
        const std::string& name = geo.province_names[static_cast<std::size_t>(provinces_[s])];
        if (!(target_between_[s] > 0))
          throw InputError(
              fmt::format("{}: province '{}' has no residents registered in another province: its "
                          "between-province scale is not identified",
                          sc.calibration.migrants, name));
        if (units_[s] > 1 && !(target_within_[s] > 0))
          throw InputError(
              fmt::format("{}: province '{}' has no residents registered in another of its units: its "
                          "within-province scale is not identified",
                          sc.calibration.migrants, name));
        // Those registered in p who live in another province, R_p − (L_p − X_p): the logit gives
        // every province some, so the registered total must leave room for them.
        if (!(emigrants_[s] > 0))
          throw InputError(fmt::format(
              "{}: the registered population of province '{}' ({}) is not above its residents less those registered "
              "in another province ({} − {}, {}): no one registered there would live in another province, which the "
              "logit cannot give",
              sc.regions, name, registered_total_[s], residents_[s], target_between_[s], sc.calibration.migrants));
      }
    });
    all_ranks(layout.comm(), [&] {  // after the checks of every province above, on every rank
      for (std::size_t s = 0; s < provinces_.size(); ++s) {
        const std::string& name = geo.province_names[static_cast<std::size_t>(provinces_[s])];
        // Who moves between provinces leaves one and enters another: a province cannot receive
        // more than the others send, nor send more than they receive.
        const auto p = static_cast<std::size_t>(provinces_[s]);
        if (!(target_between_[s] < all_out - both[P_ + p]) || !(emigrants_[s] < all_in - both[p]))
          throw InputError(fmt::format(
              "{}: province '{}' has {} residents registered in other provinces and {} of its registered living in "
              "other provinces (its registered total in {} less its residents registered in it), but the other "
              "provinces send {} and receive {}: no costs give that",
              sc.calibration.migrants, name, target_between_[s], emigrants_[s], sc.regions, all_out - both[P_ + p],
              all_in - both[p]));
      }
    });
  }

  // The model at z: every owned unit's stayers R_d m_dd and in-migrants from its own province
  // (W) and from others (X), and its registered who live in another province.
  void evaluate(const std::vector<double>& z) {
    // The scales of all provinces (each province is on one rank: a sum of one value and zeros).
    std::vector<double> local(2 * P_, 0.0), both(2 * P_);
    for (std::size_t s = 0; s < provinces_.size(); ++s) {
      const auto p = static_cast<std::size_t>(provinces_[s]);
      local[p] = z[n_ + 2 * s];
      local[P_ + p] = z[n_ + 2 * s + 1];
    }
    MPI_Allreduce(local.data(), both.data(), static_cast<int>(2 * P_), MPI_DOUBLE, MPI_SUM, layout_.comm());
    log_within_.assign(both.begin(), both.begin() + static_cast<std::ptrdiff_t>(P_));
    log_between_.assign(both.begin() + static_cast<std::ptrdiff_t>(P_), both.end());
    // μ^−ε factor of a province pair relative to the rows (which carry the scenario's scales).
    std::vector<double> factor(P_ * P_);
    for (std::size_t p = 0; p < P_; ++p)
      for (std::size_t q = 0; q < P_; ++q) {
        const double d = p == q ? log_within_[p] - base_within_[p]
                                : 0.5 * (log_between_[p] - base_between_[p] + log_between_[q] - base_between_[q]);
        factor[p * P_ + q] = std::exp(-eps_ * d);
      }
    std::vector<double> own(n_), attraction(n_), outflow(n_), leaving(n_);
    for (std::size_t j = 0; j < n_; ++j) {
      own[j] = std::pow(std::exp(z[j]) * real_income_[j], eps_);  // U_j^ε: staying has no barrier
      attraction[j] = own[j] * hukou_pow_[j];
    }
    layout_.allgather(attraction.data(), 1, attraction_all_);
    const auto& prov = sys_.geography.province;
    std::vector<double> sums(P_);
    // Row j is o = j for the denominator D_o = U_o^ε + Σ_k μ_ok^−ε U_k^ε h_k^−ε ...
    for (std::size_t j = 0; j < n_; ++j) {
      std::fill(sums.begin(), sums.end(), 0.0);
      const double* row = sys_.migration_row(j);
      for (std::size_t k = 0; k < N_; ++k) sums[static_cast<std::size_t>(prov[k])] += row[k] * attraction_all_[k];
      const double* f = &factor[static_cast<std::size_t>(province_[j]) * P_];
      double leave = 0, abroad = 0;
      for (std::size_t q = 0; q < P_; ++q) {
        leave += f[q] * sums[q];
        if (q != static_cast<std::size_t>(province_[j])) abroad += f[q] * sums[q];
      }
      outflow[j] = st_.registered[j] / (own[j] + leave);  // R_o / D_o
      leaving[j] = outflow[j] * abroad;                   // R_o Σ_{d∉p} m_od
    }
    layout_.allgather(outflow.data(), 1, outflow_all_);
    // ... and, by symmetry of the rows, d = j for the inflow Σ_o μ_od^−ε R_o/D_o.
    stayers_.resize(n_), within_.resize(n_), between_.resize(n_), emigrated_ = leaving;
    for (std::size_t j = 0; j < n_; ++j) {
      std::fill(sums.begin(), sums.end(), 0.0);
      const double* row = sys_.migration_row(j);
      for (std::size_t k = 0; k < N_; ++k) sums[static_cast<std::size_t>(prov[k])] += row[k] * outflow_all_[k];
      const auto pj = static_cast<std::size_t>(province_[j]);
      const double* f = &factor[pj * P_];
      double from_others = 0;
      for (std::size_t q = 0; q < P_; ++q)
        if (q != pj) from_others += f[q] * sums[q];
      stayers_[j] = own[j] * outflow[j];
      within_[j] = attraction[j] * f[pj] * sums[pj];
      between_[j] = attraction[j] * from_others;
    }
  }

  struct ProvinceSums {
    std::vector<double> within, between, emigrants;
  };
  // Σ over each owned province's units (all on this rank), in owned order.
  ProvinceSums province_sums() const {
    const std::size_t m = provinces_.size();
    ProvinceSums s{std::vector<double>(m, 0.0), std::vector<double>(m, 0.0), std::vector<double>(m, 0.0)};
    for (std::size_t j = 0; j < n_; ++j) {
      const auto k = static_cast<std::size_t>(slot_[static_cast<std::size_t>(province_[j])]);
      s.within[k] += within_[j];
      s.between[k] += between_[j];
      s.emigrants[k] += emigrated_[j];
    }
    return s;
  }

  const Equilibrium& sys_;
  const Layout& layout_;
  const EconomyState& st_;
  double eps_;
  std::size_t N_ = 0, P_ = 0, n_ = 0;
  std::vector<double> base_within_, base_between_;  // log scales of the rows (P)
  std::vector<int> slot_;                           // province → owned slot (−1: not owned)
  std::vector<int> provinces_, units_;              // owned provinces and their unit counts
  std::vector<double> target_within_, target_between_, emigrants_, registered_total_, residents_;
  std::vector<double> census_within_, census_between_, real_income_, hukou_pow_, weight_;
  std::vector<int> province_;
  // At the last evaluated point.
  std::vector<double> log_within_, log_between_, attraction_all_, outflow_all_;
  std::vector<double> stayers_, within_, between_, emigrated_;
};

}  // namespace

MigrationCensusFit invert_migration_census(const Scenario& sc, const Equilibrium& sys, const Layout& layout,
                                           EconomyState& st) {
  const auto t0 = std::chrono::steady_clock::now();
  const MPI_Comm comm = layout.comm();
  CensusInversion inv(sc, sys, layout, st);
  // Anderson-accelerated fixed-point iteration z ← z + β g(z) (anderson.hpp); no halving of the
  // best max |g| in 2,000 steps is a failure.
  std::vector<double> z = inv.start();
  const auto fail = [](const std::string& why, double best, int iterations, double first) {
    raise_on_all_ranks(SolverError(fmt::format(
        "calibration of province migration costs did not converge ({}): max |g| = {:.3e} at best, after {} steps "
        "(from {:.3e}); the census totals may admit no costs (e.g. a province's in-migrants from other provinces "
        "against the emigrants of the others)",
        why, best, iterations, first)));
  };
  const FixedPointResult r = anderson_fixed_point(
      comm, z, [&](const std::vector<double>& at, std::vector<double>& g) { return inv.step(at, g); },
      [&](std::vector<double>& at) { inv.normalise(at); },
      FixedPointOptions{kStep, kAndersonDepth, kTolerance, kMaxIterations, 2000, 50}, fail);
  const int iterations = r.iterations;
  const double norm = r.norm, first = r.first;
  for (std::size_t j = 0; j < st.size(); ++j) st.amenity[j] = std::exp(z[j]);
  MigrationCensusFit fit = inv.fit();
  fit.solve = {iterations,
               0,
               iterations + 1,
               norm,
               first,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               iterations == 0 ? "CONVERGED_AT_START" : "CONVERGED_FNORM_ABS"};
  return fit;
}

}  // namespace regio
