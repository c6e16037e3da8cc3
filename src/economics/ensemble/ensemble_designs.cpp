// Quadrature rules, Latin hypercubes and distributions of ensemble parameters
// (ensemble_designs.hpp).
#include "regio/ensemble_designs.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

namespace regio {

const std::vector<std::string>& quadrature_rules() {
  static const std::vector<std::string> rules = {"stroud", "axes"};
  return rules;
}

namespace {

// A cosine or sine of a multiple of π/n that is 0 in exact arithmetic (cos(π/2) = 6e-17) is 0.
double snapped(double x) { return std::abs(x) < 1e-14 ? 0.0 : x; }

std::vector<std::vector<double>> stroud_points(std::size_t n) {
  std::vector<std::vector<double>> points(2 * n, std::vector<double>(n, 0.0));
  const double nn = static_cast<double>(n);
  for (std::size_t k = 1; k <= 2 * n; ++k) {
    auto& x = points[k - 1];
    for (std::size_t r = 1; 2 * r <= n; ++r) {
      const double angle = static_cast<double>((2 * r - 1) * k) * std::numbers::pi / nn;
      x[2 * r - 2] = snapped(std::numbers::sqrt2 * std::cos(angle));
      x[2 * r - 1] = snapped(std::numbers::sqrt2 * std::sin(angle));
    }
    if (n % 2 == 1) x[n - 1] = k % 2 == 0 ? 1.0 : -1.0;
  }
  return points;
}

std::vector<std::vector<double>> axis_points(std::size_t n) {
  std::vector<std::vector<double>> points(2 * n, std::vector<double>(n, 0.0));
  const double step = std::sqrt(static_cast<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    points[2 * i][i] = step;
    points[2 * i + 1][i] = -step;
  }
  return points;
}

// An unbiased integer in [0, n) (rejecting the 2^64 mod n lowest draws).
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;
  std::uint64_t x = rng();
  while (x < threshold) x = rng();
  return x % n;
}

// A double in (0, 1): the top 53 bits, offset by half a step.
double open_unit(std::mt19937_64& rng) { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; }

}  // namespace

std::vector<std::vector<double>> quadrature_points(const std::string& rule, std::size_t n) {
  if (rule == "stroud") return stroud_points(n);
  if (rule == "axes") return axis_points(n);
  throw std::logic_error("quadrature_points: unknown rule " + rule);
}

std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t samples, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> u(samples, std::vector<double>(n, 0.0));
  std::vector<std::uint64_t> stratum(samples);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t k = 0; k < samples; ++k) stratum[k] = k;
    for (std::size_t i = samples; i > 1; --i) std::swap(stratum[i - 1], stratum[below(rng, i)]);  // Fisher–Yates
    for (std::size_t k = 0; k < samples; ++k)
      u[k][j] = (static_cast<double>(stratum[k]) + open_unit(rng)) / static_cast<double>(samples);
  }
  return u;
}

const std::vector<std::string>& distribution_kinds() {
  static const std::vector<std::string> kinds = {"normal", "uniform"};
  return kinds;
}

double Distribution::mean() const { return kind == "normal" ? a : 0.5 * (a + b); }

double Distribution::sd() const { return kind == "normal" ? b : (b - a) / std::sqrt(12.0); }

double Distribution::quantile(double u) const {
  if (kind == "normal") return a - b * std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * u);
  return a + (b - a) * u;
}

}  // namespace regio
