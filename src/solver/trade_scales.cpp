#include "regio/trade_scales.hpp"

#include <fmt/format.h>
#include <mpi.h>
#include <petscsys.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "regio/anderson.hpp"
#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"

namespace regio {

namespace {

constexpr double kStep = 1.0;         // β: g is the whole log correction at given prices and spending
constexpr int kAndersonDepth = 5;     // steps kept by the acceleration
constexpr double kTolerance = 1e-12;  // max |g| at convergence (log units; shares to ≈ θ times that)
constexpr int kMaxIterations = 500;   // fixed-point steps (each a productivity inversion)

// While alive, every productivity solve (prefix calibration_) takes at least one Newton step
// (unless the options say otherwise): near the solution a step changes the scales by 1e-11 and
// less, which leaves the warm start's residual below solver.atol; a solve that stopped there
// would not follow the scales, and the iteration stalled at max |g| ≈ 1.5e-11 (prefectures).
class ForcedNewtonStep {
 public:
  ForcedNewtonStep() {
    PetscBool given = PETSC_FALSE;
    REGIO_PETSC(PetscOptionsHasName(nullptr, nullptr, kOption, &given));
    if (!given) REGIO_PETSC(PetscOptionsSetValue(nullptr, kOption, "true"));
    set_ = !given;
  }
  ~ForcedNewtonStep() {
    if (set_) PetscOptionsClearValue(nullptr, kOption);
  }
  ForcedNewtonStep(const ForcedNewtonStep&) = delete;
  ForcedNewtonStep& operator=(const ForcedNewtonStep&) = delete;

 private:
  static constexpr const char* kOption = "-calibration_snes_force_iteration";
  bool set_ = false;
};

// The owned importer provinces' purchases by exporter province at an equilibrium,
// F_pqs = Σ_{n∈p} X_ns Σ_{i∈q} π_nis (each province's regions are all on one rank).
class ProvinceTrade {
 public:
  ProvinceTrade(const Scenario& sc, const GlobalGeography& geo, const EconomyState& st)
      : geo_(geo), st_(st), S_(sc.num_sectors()), P_(geo.province_names.size()) {
    slot_.assign(P_, -1);
    for (const auto& r : st.records) {
      const int p = geo.province[static_cast<std::size_t>(r.index)];
      if (slot_[static_cast<std::size_t>(p)] < 0) {
        slot_[static_cast<std::size_t>(p)] = static_cast<int>(provinces_.size());
        provinces_.push_back(p);
      }
    }
  }

  std::size_t sectors() const { return S_; }
  std::size_t size() const { return P_; }
  const std::vector<int>& provinces() const { return provinces_; }  // owned, by slot

  // F at the equilibrium's point, then the shares π̂ (slot × S × P, rows summing to 1).
  void evaluate(const Equilibrium& eq) {
    const auto& v = eq.view;
    const std::size_t N = geo_.size();
    flow_.assign(provinces_.size() * S_ * P_, 0.0);
    std::vector<double> by_province(P_);
    for (std::size_t j = 0; j < st_.size(); ++j) {
      const auto n = static_cast<std::size_t>(st_.records[j].index);
      const auto slot = static_cast<std::size_t>(slot_[static_cast<std::size_t>(geo_.province[n])]);
      for (std::size_t s = 0; s < S_; ++s) {
        std::fill(by_province.begin(), by_province.end(), 0.0);
        const double* row = eq.trade_row(s, j);  // τ_nks^−θ over exporters k
        for (std::size_t k = 0; k < N; ++k)
          by_province[static_cast<std::size_t>(geo_.province[k])] += row[k] * v.price_pow_all[k * S_ + s];
        const double scale = v.expenditure[j * S_ + s] / v.phi[j * S_ + s];  // X_ns/Φ_ns
        double* f = &flow_[(slot * S_ + s) * P_];
        for (std::size_t q = 0; q < P_; ++q) f[q] += scale * by_province[q];
      }
    }
    share_ = flow_;
    for (std::size_t r = 0; r < provinces_.size() * S_; ++r) {
      double total = 0;
      for (std::size_t q = 0; q < P_; ++q) total += flow_[r * P_ + q];
      for (std::size_t q = 0; q < P_; ++q) share_[r * P_ + q] /= total;
    }
  }

  // Owned slot's share of province q in sector s, and its spending.
  double share(std::size_t slot, std::size_t s, std::size_t q) const { return share_[(slot * S_ + s) * P_ + q]; }
  double spending(std::size_t slot, std::size_t s) const {
    double total = 0;
    for (std::size_t q = 0; q < P_; ++q) total += flow_[(slot * S_ + s) * P_ + q];
    return total;
  }
  // The observed π_pqs of an owned slot (target: S×P×P of the scenario).
  double observed(const std::vector<double>& target, std::size_t slot, std::size_t s, std::size_t q) const {
    return target[(s * P_ + static_cast<std::size_t>(provinces_[slot])) * P_ + q];
  }

  // Collective: max |π̂/π − 1| over positive π (and inf where π = 0 < π̂).
  double max_error(const std::vector<double>& target, MPI_Comm comm) const {
    double e = 0;
    for (std::size_t slot = 0; slot < provinces_.size(); ++slot)
      for (std::size_t s = 0; s < S_; ++s)
        for (std::size_t q = 0; q < P_; ++q) {
          const double want = observed(target, slot, s, q), got = share(slot, s, q);
          e = std::max(e,
                       want > 0 ? std::abs(got / want - 1) : (got > 0 ? std::numeric_limits<double>::infinity() : 0.0));
        }
    return max_over_ranks(comm, e);
  }

  // Collective: the shares of every province (S×P×P: sector, importer, exporter).
  std::vector<double> all_shares(MPI_Comm comm) const {
    std::vector<double> local(S_ * P_ * P_, 0.0), all(local.size());
    for (std::size_t slot = 0; slot < provinces_.size(); ++slot)
      for (std::size_t s = 0; s < S_; ++s)
        for (std::size_t q = 0; q < P_; ++q)
          local[(s * P_ + static_cast<std::size_t>(provinces_[slot])) * P_ + q] = share(slot, s, q);
    MPI_Allreduce(local.data(), all.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_SUM, comm);
    return all;
  }

  // Collective: Σ_ps E_ps π_pps / Σ_ps E_ps with E the spending at `weights` and π model or observed.
  double own_share(const ProvinceTrade& weights, const std::vector<double>* target, MPI_Comm comm) const {
    double own = 0, all = 0;
    for (std::size_t slot = 0; slot < provinces_.size(); ++slot)
      for (std::size_t s = 0; s < S_; ++s) {
        const auto p = static_cast<std::size_t>(provinces_[slot]);
        const double e = weights.spending(slot, s);
        own += e * (target ? observed(*target, slot, s, p) : share(slot, s, p));
        all += e;
      }
    return sum_over_ranks(comm, own) / sum_over_ranks(comm, all);
  }

 private:
  const GlobalGeography& geo_;
  const EconomyState& st_;
  std::size_t S_, P_;
  std::vector<int> slot_;       // province → owned slot (−1: not owned)
  std::vector<int> provinces_;  // owned provinces by slot
  std::vector<double> flow_, share_;
};

// The fixed-point map of trade_scales.hpp and the model at its last point.
class TradeScaleInversion {
 public:
  TradeScaleInversion(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& st,
                      ProductivityInversion& inversion, const TransportCosts& costs)
      : sc_(sc), layout_(layout), st_(st), inversion_(inversion), base_(costs), trade_(sc, geo, st) {
    const std::size_t S = trade_.sectors(), P = trade_.size();
    const auto& target = sc.province_trade_shares;
    for (std::size_t slot = 0; slot < trade_.provinces().size(); ++slot)
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t q = 0; q < P; ++q) {
          if (q == static_cast<std::size_t>(trade_.provinces()[slot])) continue;
          (trade_.observed(target, slot, s, q) > 0 ? free_ : closed_).push_back({slot, s, q});
        }
    std::vector<double> given(S * P * P, 0.0);  // trade.province_scales where given: the start
    for (const auto& f : sc.trade_scales)
      given[(static_cast<std::size_t>(f.sector) * P + static_cast<std::size_t>(f.q)) * P +
            static_cast<std::size_t>(f.p)] = std::log(f.tau);
    for (const auto& e : free_) start_.push_back(given[at(e)]);
    two_way_.assign(P * P, 0.0);  // m_pq: sectors with shares in both directions
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t p = 0; p < P; ++p)
        for (std::size_t q = 0; q < P; ++q)
          if (p != q && target[(s * P + p) * P + q] > 0 && target[(s * P + q) * P + p] > 0) two_way_[p * P + q] += 1;
    check_connected(geo);
  }

  std::size_t size() const { return free_.size(); }
  const std::vector<double>& start() const { return start_; }

  // Collective. The productivity inversion at scales e^z, then g; false (on every rank) if it fails.
  bool step(const std::vector<double>& z, std::vector<double>& g) {
    auto costs = std::make_shared<TransportCosts>(base_);
    costs->set_trade_scales(log_scales(z));
    inversion_.set_costs(costs);
    const EconomyState saved = st_;
    try {
      add(inversion_.solve("calibration of productivity with province trade scales"));
    } catch (const SolverError&) {  // raised on every rank: restart from the best point (not at the start)
      if (first_) throw;
      st_ = saved;
      return false;
    }
    trade_.evaluate(inversion_.results());
    if (first_) {
      fit_.start_share_error = trade_.max_error(sc_.province_trade_shares, layout_.comm());
      start_trade_ = std::make_unique<ProvinceTrade>(trade_);
      first_ = false;
    }
    g.assign(size(), 0.0);
    bool ok = true;
    const auto& target = sc_.province_trade_shares;
    for (std::size_t k = 0; k < free_.size(); ++k) {
      const auto [slot, s, q] = free_[k];
      const auto p = static_cast<std::size_t>(trade_.provinces()[slot]);
      g[k] = (std::log(trade_.share(slot, s, q) / trade_.share(slot, s, p)) -
              std::log(trade_.observed(target, slot, s, q) / trade_.observed(target, slot, s, p))) /
             sc_.sectors[s].theta;
      ok = ok && std::isfinite(g[k]);
    }
    last_z_ = z;
    // Shares do not move along the family (the header): g's component there is the productivity
    // solves' round-off (about 1e-11 at prefecture level), which no step can remove. Removed.
    if (!every_rank(layout_.comm(), ok)) return false;
    normalise(g);
    return true;
  }

  // Collective. Moves z along the scales' family (the header) to the member closest to symmetric:
  // z_pqs += c_p − c_q with Σ_{q,s two-way} (z_pqs − z_qps) = 0 for every p, i.e. 2 L c = −A, L the
  // Laplacian of the two-way pair counts m_pq and A_p those sums (c_0 = 0). Applied to a step g, it
  // removes g's component along the family.
  void normalise(std::vector<double>& z) const {
    const std::size_t P = trade_.size(), S = trade_.sectors();
    if (P < 2) return;
    const auto table = log_scales(z);
    const auto& target = sc_.province_trade_shares;
    std::vector<double> L((P - 1) * (P - 1), 0.0), rhs(P - 1, 0.0);
    for (std::size_t p = 1; p < P; ++p) {
      double asym = 0;
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t q = 0; q < P; ++q)
          if (p != q && target[(s * P + p) * P + q] > 0 && target[(s * P + q) * P + p] > 0)
            asym += table[(s * P + p) * P + q] - table[(s * P + q) * P + p];
      rhs[p - 1] = -0.5 * asym;
      for (std::size_t q = 0; q < P; ++q) {
        const double m = two_way_[p * P + q];
        L[(p - 1) * (P - 1) + (p - 1)] += m;
        if (q > 0) L[(p - 1) * (P - 1) + (q - 1)] -= m;
      }
    }
    std::vector<double> c(1, 0.0);
    for (double v : solve_dense(std::move(L), std::move(rhs))) c.push_back(v);
    for (std::size_t k = 0; k < free_.size(); ++k) {
      const auto p = static_cast<std::size_t>(trade_.provinces()[free_[k].slot]);
      z[k] += c[p] - c[free_[k].q];
    }
  }

  TradeScaleFit fit() {
    const MPI_Comm comm = layout_.comm();
    const auto logs = log_scales(last_z_);
    fit_.scale.resize(logs.size());
    for (std::size_t k = 0; k < logs.size(); ++k) fit_.scale[k] = std::exp(logs[k]);
    fit_.share_error = trade_.max_error(sc_.province_trade_shares, comm);
    fit_.shares = trade_.all_shares(comm);
    fit_.own_share_observed = trade_.own_share(trade_, &sc_.province_trade_shares, comm);
    fit_.own_share_start = start_trade_->own_share(trade_, nullptr, comm);
    fit_.own_share = trade_.own_share(trade_, nullptr, comm);
    return fit_;
  }

 private:
  struct Entry {
    std::size_t slot, s, q;
  };
  std::size_t at(const Entry& e) const {
    const std::size_t P = trade_.size();
    return (e.s * P + static_cast<std::size_t>(trade_.provinces()[e.slot])) * P + e.q;
  }
  // Collective. Every province pair's log scale (S×P×P): z where the share is positive, +inf where
  // it is 0, 0 within provinces (each importer's row comes from the rank owning it).
  std::vector<double> log_scales(const std::vector<double>& z) const {
    const std::size_t n = trade_.sectors() * trade_.size() * trade_.size();
    std::vector<double> local(n, 0.0), all(n);
    for (std::size_t k = 0; k < free_.size(); ++k) local[at(free_[k])] = z[k];
    for (const auto& e : closed_) local[at(e)] = std::numeric_limits<double>::infinity();
    MPI_Allreduce(local.data(), all.data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, layout_.comm());
    return all;
  }
  // The two-way pairs must connect the provinces, else the family has more than one member.
  void check_connected(const GlobalGeography& geo) const {
    const std::size_t P = trade_.size();
    std::vector<char> seen(P, 0);
    std::vector<std::size_t> todo{0};
    seen[0] = 1;
    while (!todo.empty()) {
      const std::size_t p = todo.back();
      todo.pop_back();
      for (std::size_t q = 0; q < P; ++q)
        if (!seen[q] && two_way_[p * P + q] > 0) seen[q] = 1, todo.push_back(q);
    }
    for (std::size_t q = 0; q < P; ++q)
      if (!seen[q])
        raise_on_all_ranks(InputError(fmt::format(
            "{}: province '{}' trades in both directions with no province connected to '{}' (through pairs with "
            "positive shares both ways, in some sector): the province levels of the trade scales are not identified",
            sc_.calibration.trade_shares, geo.province_names[q], geo.province_names[0])));
  }
  void add(const SolveStats& s) {
    auto& t = fit_.productivity;
    t.nonlinear_iterations += s.nonlinear_iterations;
    t.linear_iterations += s.linear_iterations;
    t.residual_evaluations += s.residual_evaluations;
    t.seconds += s.seconds;
    t.residual_norm = s.residual_norm;
    if (first_) t.initial_residual_norm = s.initial_residual_norm;
    t.reason = s.reason;
  }

  const Scenario& sc_;
  const Layout& layout_;
  EconomyState& st_;
  ProductivityInversion& inversion_;
  const TransportCosts& base_;
  ProvinceTrade trade_;
  std::unique_ptr<ProvinceTrade> start_trade_;  // the shares at the start
  std::vector<Entry> free_, closed_;            // owned pairs with a positive / a zero observed share
  std::vector<double> start_, last_z_;
  std::vector<double> two_way_;  // P×P: sectors with positive shares in both directions
  bool first_ = true;
  TradeScaleFit fit_;
};

}  // namespace

TradeScaleFit invert_trade_scales(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                                  EconomyState& st, ProductivityInversion& inversion, const TransportCosts& costs) {
  const auto t0 = std::chrono::steady_clock::now();
  TradeScaleInversion inv(sc, layout, geo, st, inversion, costs);
  const ForcedNewtonStep forced;
  std::vector<double> z = inv.start();
  const auto fail = [](const std::string& why, double best, int iterations, double first) {
    raise_on_all_ranks(SolverError(fmt::format(
        "calibration of province trade scales did not converge ({}): max |g| = {:.3e} at best, after {} steps "
        "(from {:.3e}); inspect the productivity inversions with `-- -calibration_snes_monitor`",
        why, best, iterations, first)));
  };
  const FixedPointResult r = anderson_fixed_point(
      layout.comm(), z, [&](const std::vector<double>& at, std::vector<double>& g) { return inv.step(at, g); },
      [&](std::vector<double>& at) { inv.normalise(at); },
      FixedPointOptions{kStep, kAndersonDepth, kTolerance, kMaxIterations, 100, 10}, fail);
  TradeScaleFit fit = inv.fit();
  fit.solve = {r.iterations,
               0,
               r.iterations + 1,
               r.norm,
               r.first,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               r.iterations == 0 ? "CONVERGED_AT_START" : "CONVERGED_FNORM_ABS"};
  return fit;
}

double province_trade_share_error(const Scenario& sc, const Equilibrium& eq, const Layout& layout,
                                  const EconomyState& state, const std::vector<double>& reference) {
  ProvinceTrade trade(sc, eq.geography, state);
  trade.evaluate(eq);
  return trade.max_error(reference, layout.comm());
}

}  // namespace regio
