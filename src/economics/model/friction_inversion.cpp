#include "regio/friction_inversion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regio::frictions {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_square(const std::vector<double>& a, std::size_t N, const char* what) {
  if (a.size() != N * N) throw std::invalid_argument(std::string(what) + ": not an N×N matrix");
}
}  // namespace

std::vector<double> exact_trade(const std::vector<double>& pi, const std::vector<double>& price, std::size_t N,
                                double theta) {
  check_square(pi, N, "exact_trade");
  std::vector<double> tau(N * N, 1.0);
  for (std::size_t n = 0; n < N; ++n) {
    const double log_own = std::log(pi[n * N + n]), log_pn = std::log(price[n]);
    for (std::size_t i = 0; i < N; ++i) {
      if (i == n) continue;
      const double share = pi[n * N + i];
      // In logs: τ_ni/τ_nn = exp(log p_n − log p_i − (log π_ni − log π_nn)/θ).
      tau[n * N + i] = share > 0 ? std::exp(log_pn - std::log(price[i]) - (std::log(share) - log_own) / theta) : kInf;
    }
  }
  return tau;
}

std::vector<double> head_ries(const std::vector<double>& pi, std::size_t N, double theta) {
  check_square(pi, N, "head_ries");
  std::vector<double> t(N * N, 1.0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t i = n + 1; i < N; ++i) {
      const double num = pi[n * N + i] * pi[i * N + n], den = pi[n * N + n] * pi[i * N + i];
      const double v = num > 0 ? std::exp(-(std::log(num) - std::log(den)) / (2 * theta)) : kInf;
      t[n * N + i] = t[i * N + n] = v;
    }
  return t;
}

std::vector<double> migration_costs(const std::vector<double>& m, const std::vector<double>& own_utility,
                                    const std::vector<double>& utility, std::size_t U, double epsilon) {
  check_square(m, U, "migration_costs");
  std::vector<double> mu(U * U, 1.0);
  for (std::size_t u = 0; u < U; ++u) {
    const double log_own = std::log(m[u * U + u]), log_home = std::log(own_utility[u]);
    for (std::size_t v = 0; v < U; ++v) {
      if (v == u) continue;
      const double share = m[u * U + v];
      mu[u * U + v] =
          share > 0 ? std::exp(-(std::log(share) - log_own) / epsilon + std::log(utility[v]) - log_home) : kInf;
    }
  }
  return mu;
}

std::size_t cap_infinite(std::vector<double>& factor, std::size_t N) {
  double cap = -kInf;
  for (std::size_t k = 0; k < N * N; ++k)
    if (k / N != k % N && std::isfinite(factor[k])) cap = std::max(cap, factor[k]);
  std::size_t replaced = 0;
  for (std::size_t k = 0; k < N * N; ++k)
    if (k / N != k % N && std::isinf(factor[k])) factor[k] = cap, ++replaced;
  return replaced;
}

double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no values");
  std::sort(values.begin(), values.end());
  const std::size_t h = values.size() / 2;
  return values.size() % 2 ? values[h] : 0.5 * (values[h - 1] + values[h]);
}

std::vector<std::vector<double>> map_pairs(const std::vector<std::vector<double>>& factor, std::size_t N,
                                           const PairMapping& mapping) {
  const std::size_t P = mapping.source.size();
  std::vector<std::vector<double>> out;
  for (const std::size_t s : mapping.sector_source) {
    const auto& f = factor.at(s);
    check_square(f, N, "map_pairs");
    // The median of a source province's factors with the other provinces, as importer (row) and
    // as exporter (column), for the pairs of two targets that share it.
    auto row_median = [&](std::size_t q) {
      std::vector<double> v;
      for (std::size_t k = 0; k < N; ++k)
        if (k != q) v.push_back(f[q * N + k]);
      return median(v);
    };
    auto column_median = [&](std::size_t q) {
      std::vector<double> v;
      for (std::size_t k = 0; k < N; ++k)
        if (k != q) v.push_back(f[k * N + q]);
      return median(v);
    };
    std::vector<double> t(P * P, 1.0);
    for (std::size_t a = 0; a < P; ++a)
      for (std::size_t b = 0; b < P; ++b) {
        if (a == b) continue;
        const std::size_t sa = mapping.source[a], sb = mapping.source[b];
        // a imports from b. Two targets of one source S (one of them a proxy): a proxy importer is
        // S importing from a typical other province (S's row), a proxy exporter a typical other
        // province importing from S (S's column).
        if (sa != sb)
          t[a * P + b] = f[sa * N + sb];
        else
          t[a * P + b] = mapping.proxy[a] ? row_median(sa) : column_median(sa);
      }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace regio::frictions
