#include "regio/kernels.hpp"

#include <algorithm>
#include <cmath>

namespace regio {

namespace {
double xlogx(double a) { return a > 0 ? a * std::log(a) : 0.0; }  // 0 log 0 = 0, i.e. 0^0 = 1
}  // namespace

Technology::Technology(const Scenario& sc) : S(sc.sectors.size()) {
  for (const auto& s : sc.sectors) {
    theta.push_back(s.theta);
    alpha.push_back(s.labor_share);
    beta.push_back(s.capital_share);
    lambda.push_back(std::max(0.0, s.land_share()));
    eta.push_back(s.consumption_share);
    gamma.push_back(s.agglomeration);
    log_cost_const.push_back(-(xlogx(alpha.back()) + xlogx(beta.back()) + xlogx(lambda.back())));
  }
  if (sc.uses_intermediates()) {
    iota.assign(S * S, 0.0);
    for (std::size_t s = 0; s < S; ++s) {
      const auto& shares = sc.sectors[s].intermediate_shares;
      for (std::size_t k = 0; k < shares.size(); ++k) {
        iota[s * S + k] = shares[k];
        log_cost_const[s] -= xlogx(shares[k]);  // (P_k/ι_sk)^ι_sk
      }
    }
  }
  housing_share = sc.households.housing_share;
  saving_rate = sc.households.saving_rate;
  active = {true, sc.uses_capital(), sc.uses_land()};
}

double log_unit_price(const Technology& t, std::size_t s, const FactorPrices& p, double log_A) {
  return log_unit_price(t, s, log_factor_prices(p), log_A);
}

double log_price_index(const Technology& t, std::span<const double> phi) {
  double logP = 0;
  for (std::size_t s = 0; s < t.S; ++s) logP -= t.eta[s] * std::log(phi[s]) / t.theta[s];
  return logP;
}

double utility(const Technology& t, double amenity, double I, double L, double P, const FactorPrices& p) {
  const double q = t.active[kLand] ? p.land_rent : 1.0;
  return amenity * (I / L) / (std::pow(P, 1 - t.housing_share) * std::pow(q, t.housing_share));
}

double income(const Technology& t, const FactorPrices& p, double L, double K, double H, double transfer) {
  double I = p.wage * L + transfer;
  if (t.active[kCapital]) I += p.capital_rent * K;
  if (t.active[kLand]) I += p.land_rent * H;
  return I;
}

double trade_shares(std::span<const double> tau_pow, std::span<const double> price_pow, std::span<double> shares) {
  double phi = 0;
  for (std::size_t k = 0; k < tau_pow.size(); ++k) phi += tau_pow[k] * price_pow[k];
  if (!shares.empty())
    for (std::size_t k = 0; k < tau_pow.size(); ++k) shares[k] = tau_pow[k] * price_pow[k] / phi;
  return phi;
}

double migration_shares(std::span<const double> utility, std::span<const double> mu, double eps,
                        std::span<double> shares) {
  double denom = 0;
  for (std::size_t k = 0; k < utility.size(); ++k) denom += std::pow(utility[k] / mu[k], eps);
  if (!shares.empty())
    for (std::size_t k = 0; k < utility.size(); ++k) shares[k] = std::pow(utility[k] / mu[k], eps) / denom;
  return denom;
}

double stayers_rebate(double a, double b, double c, double eps, double m_start) {
  double y = std::min(std::log(m_start), 0.0);
  for (int it = 0; it < 100; ++it) {
    const double C = 1 + c * std::exp(-y);
    const double z = a * std::pow(C, eps);
    const double gy = std::log(z) - std::log(z + b) - y;
    const double dg = -eps * (C - 1) / C * b / (z + b) - 1;
    const double step = -gy / dg;
    y = std::min(y + step, 0.0);
    if (std::abs(step) < 1e-15) break;
  }
  return 1 + c * std::exp(-y);
}

}  // namespace regio
