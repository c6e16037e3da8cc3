// Local clearing of one region's labor, capital and land markets (MODEL.md §2) with the
// national terms held fixed: a 3×3 Newton solve in log prices.
#include <algorithm>
#include <cmath>
#include <vector>

#include "regio/kernels.hpp"

namespace regio {

namespace {

// Residuals F_f = log(demand_f) − log(supply_f) and their Jacobian in log prices.
struct LocalSystem {
  const Technology& t;
  const LocalMarketInputs& in;

  void evaluate_with_own_market(const FactorPrices& p, std::array<double, 3>& F,
                                std::array<std::array<double, 3>, 3>* J) const;

  void evaluate(const FactorPrices& p, std::array<double, 3>& F, std::array<std::array<double, 3>, 3>* J) const {
    if (in.own) return evaluate_with_own_market(p, F, J);
    std::array<double, 3> demand{0, 0, 0};
    std::array<std::array<double, 3>, 3> ddemand{};  // ∂demand_f / ∂log price_g
    const double supply_value[3] = {p.wage * in.population, p.capital_rent * in.capital, p.land_rent * in.land};
    const LogFactorPrices log_p = log_factor_prices(p);
    for (std::size_t s = 0; s < t.S; ++s) {
      const double R =
          in.market_access[s] * std::exp(-t.theta[s] * log_unit_price(t, s, log_p, in.log_productivity[s]));
      for (int f = 0; f < 3; ++f) {
        const double share = t.share(s, f);
        if (share == 0) continue;
        demand[f] += share * R;
        for (int g = 0; g < 3; ++g) ddemand[f][g] += share * R * (-t.theta[s] * t.share(s, g));
      }
    }
    if (t.housing_share > 0) {  // housing spending is paid to local land
      const double I = income(t, p, in.population, in.capital, in.land, in.transfer);
      demand[kLand] += t.housing_share * I;
      for (int g = 0; g < 3; ++g)
        if (t.active[g]) ddemand[kLand][g] += t.housing_share * supply_value[g];
    }
    demand[kLabor] *= in.price_level;  // numeraire: Σ α R = w L / P̄ (see header)
    for (int g = 0; g < 3; ++g) ddemand[kLabor][g] *= in.price_level;
    for (int f = 0; f < 3; ++f) {
      if (!t.active[f]) {
        F[f] = 0;
        continue;
      }
      F[f] = std::log(demand[f]) - std::log(supply_value[f]);
      if (J)
        for (int g = 0; g < 3; ++g) (*J)[f][g] = (t.active[g] ? ddemand[f][g] / demand[f] : 0.0) - (f == g ? 1.0 : 0.0);
    }
  }
};

// Own-market variant: residuals exact in the region's own purchases, with the analytic Jacobian
// in log prices u. With a_s = p_s^−θ_s (∂a_s/∂u_g = −θ_s share_sg a_s), income I = Σ_g price_g
// stock_g + T (∂I/∂u_g = price_g stock_g), X_s = η_s (c I + J_other) and D_s = Φ_s^others + t_s a_s:
//   R_s = a_s (MA_s^others + t_s X_s / D_s),
//   ∂R_s/∂u_g = ∂a_s/∂u_g (MA_s^others + t_s X_s / D_s) + a_s t_s (∂X_s/∂u_g D_s − X_s t_s ∂a_s/∂u_g) / D_s².
void LocalSystem::evaluate_with_own_market(const FactorPrices& p, std::array<double, 3>& F,
                                           std::array<std::array<double, 3>, 3>* J) const {
  const OwnMarket& own = *in.own;
  const double supply[3] = {p.wage * in.population, p.capital_rent * in.capital, p.land_rent * in.land};
  const double I = income(t, p, in.population, in.capital, in.land, in.transfer);
  const double goods = own.spending_per_income * I + own.investment_other;
  std::array<double, 3> demand{0, 0, 0};
  std::array<std::array<double, 3>, 3> ddemand{};  // ∂demand_f / ∂u_g
  const LogFactorPrices log_p = log_factor_prices(p);
  for (std::size_t s = 0; s < t.S; ++s) {
    const double a = std::exp(-t.theta[s] * log_unit_price(t, s, log_p, in.log_productivity[s]));
    double X = t.eta[s] * goods;
    if (!own.intermediate.empty()) X += own.intermediate[s];  // MODEL.md §9, frozen
    const double D = own.phi_others[s] + own.tau_pow[s] * a;
    const double R = a * (own.access_others[s] + own.tau_pow[s] * X / D);
    for (int f = 0; f < 3; ++f) demand[f] += t.share(s, f) * R;
    if (!J) continue;
    for (int g = 0; g < 3; ++g) {
      if (!t.active[g]) continue;
      const double da = -t.theta[s] * t.share(s, g) * a;
      const double dX = t.eta[s] * own.spending_per_income * supply[g];
      const double dR = da * (own.access_others[s] + own.tau_pow[s] * X / D) +
                        a * own.tau_pow[s] * (dX * D - X * own.tau_pow[s] * da) / (D * D);
      for (int f = 0; f < 3; ++f) ddemand[f][g] += t.share(s, f) * dR;
    }
  }
  demand[kLand] += t.housing_share * I;
  demand[kLabor] *= in.price_level;
  for (int g = 0; g < 3; ++g) {
    if (!t.active[g]) continue;
    ddemand[kLand][g] += t.housing_share * supply[g];
    ddemand[kLabor][g] *= in.price_level;
  }
  for (int f = 0; f < 3; ++f) {
    F[f] = t.active[f] ? std::log(demand[f]) - std::log(supply[f]) : 0.0;
    if (J)
      for (int g = 0; g < 3; ++g)
        (*J)[f][g] = t.active[f] && t.active[g] ? ddemand[f][g] / demand[f] - (f == g ? 1.0 : 0.0) : 0.0;
  }
}

double max_abs(const std::array<double, 3>& F) { return std::max({std::abs(F[0]), std::abs(F[1]), std::abs(F[2])}); }

// Solve J d = -F on the active block by Gaussian elimination with partial pivoting.
std::array<double, 3> newton_step(const Technology& t, std::array<std::array<double, 3>, 3> J,
                                  std::array<double, 3> F) {
  int idx[3], n = 0;
  for (int f = 0; f < 3; ++f)
    if (t.active[f]) idx[n++] = f;
  double A[3][4];
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) A[a][b] = J[idx[a]][idx[b]];
    A[a][n] = -F[idx[a]];
  }
  for (int c = 0; c < n; ++c) {
    int piv = c;
    for (int a = c + 1; a < n; ++a)
      if (std::abs(A[a][c]) > std::abs(A[piv][c])) piv = a;
    for (int b = 0; b <= n; ++b) std::swap(A[c][b], A[piv][b]);
    for (int a = c + 1; a < n; ++a) {
      const double m = A[a][c] / A[c][c];
      for (int b = c; b <= n; ++b) A[a][b] -= m * A[c][b];
    }
  }
  std::array<double, 3> d{0, 0, 0};
  for (int a = n - 1; a >= 0; --a) {
    double v = A[a][n];
    for (int b = a + 1; b < n; ++b) v -= A[a][b] * d[idx[b]];
    d[idx[a]] = v / A[a][a];
  }
  return d;
}

}  // namespace

void own_price_indices_and_revenues(const Technology& t, const LocalMarketInputs& in, const FactorPrices& p,
                                    const double* frozen_phi, double* log_price, double* log_revenue) {
  const LogFactorPrices log_p = log_factor_prices(p);
  const double I = income(t, p, in.population, in.capital, in.land, in.transfer);
  for (std::size_t s = 0; s < t.S; ++s) {
    const double log_a = -t.theta[s] * log_unit_price(t, s, log_p, in.log_productivity[s]);
    if (!in.own) {
      log_price[s] = -std::log(frozen_phi[s]) / t.theta[s];
      log_revenue[s] = log_a + std::log(in.market_access[s]);
      continue;
    }
    const OwnMarket& own = *in.own;
    const double a = std::exp(log_a);
    const double D = own.phi_others[s] + own.tau_pow[s] * a;
    double X = t.eta[s] * (own.spending_per_income * I + own.investment_other);
    if (!own.intermediate.empty()) X += own.intermediate[s];
    log_price[s] = -std::log(D) / t.theta[s];
    log_revenue[s] = log_a + std::log(own.access_others[s] + own.tau_pow[s] * X / D);
  }
}

std::array<double, 3> local_market_residuals(const Technology& t, const LocalMarketInputs& in, const FactorPrices& p) {
  std::array<double, 3> F{};
  LocalSystem{t, in}.evaluate(p, F, nullptr);
  return F;
}

LocalClearingResult clear_local_markets(const Technology& t, const LocalMarketInputs& in, FactorPrices p, double tol,
                                        int max_iterations) {
  const LocalSystem sys{t, in};
  for (int f = 0; f < 3; ++f)
    if (!t.active[f]) p[f] = 1.0;  // placeholder price of a market that does not exist
  std::array<double, 3> F{};
  std::array<std::array<double, 3>, 3> J{};
  LocalClearingResult res;
  sys.evaluate(p, F, &J);
  double norm = max_abs(F);
  for (res.iterations = 0; res.iterations < max_iterations && norm > tol && std::isfinite(norm); ++res.iterations) {
    auto d = newton_step(t, J, F);
    // Limit the step to a factor e^2 per price, then backtrack on the max-norm.
    const double dmax = max_abs(d);
    double step = dmax > 2.0 ? 2.0 / dmax : 1.0;
    // Trials carry their Jacobian: the accepted one (nearly always the first) is the next
    // iterate, so the point is not evaluated twice (same F and J bitwise: half the evaluations).
    FactorPrices trial = p;
    for (int k = 0; k < 30; ++k, step *= 0.5) {
      for (int f = 0; f < 3; ++f)
        if (t.active[f]) trial[f] = p[f] * std::exp(step * d[f]);
      sys.evaluate(trial, F, &J);
      const double trial_norm = max_abs(F);
      if (trial_norm < (1 - 1e-4 * step) * norm || trial_norm <= tol) break;
    }
    p = trial;
    norm = max_abs(F);
  }
  res.prices = p;
  res.residual = norm;
  res.converged = norm <= tol;
  return res;
}

LocalInversionResult invert_local_productivity(const Technology& t, const LocalMarketInputs& in, double observed_income,
                                               FactorPrices guess, double shift, double tol) {
  std::vector<double> shifted(in.log_productivity.begin(), in.log_productivity.end());
  LocalMarketInputs local = in;
  local.log_productivity = shifted;
  LocalInversionResult out;
  // log I(c) − log Y at shift c, warm-starting the clearing from the last prices.
  auto gap = [&](double c, FactorPrices& p, LocalClearingResult* keep) {
    for (std::size_t s = 0; s < shifted.size(); ++s) shifted[s] = in.log_productivity[s] + c;
    const auto res = clear_local_markets(t, local, p);
    p = res.prices;
    if (keep) *keep = res;
    return std::log(income(t, res.prices, in.population, in.capital, in.land, in.transfer)) - std::log(observed_income);
  };
  FactorPrices p = guess;
  double f = gap(shift, p, &out.clearing);
  const double h = 1e-6;
  for (out.iterations = 0; out.iterations < 60 && std::abs(f) > tol && std::isfinite(f); ++out.iterations) {
    FactorPrices pp = p, pm = p;
    const double slope = (gap(shift + h, pp, nullptr) - gap(shift - h, pm, nullptr)) / (2 * h);
    double step = -f / std::max(slope, 1e-3);
    step = std::clamp(step, -2.0, 2.0);
    shift += step;
    f = gap(shift, p, &out.clearing);
  }
  out.log_shift = shift;
  out.converged = std::abs(f) <= tol && out.clearing.converged;
  return out;
}

}  // namespace regio
