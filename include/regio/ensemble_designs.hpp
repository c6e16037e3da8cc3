#pragma once
// The designs of an ensemble's members over named parameters (docs/ensembles.md): Gaussian
// quadrature rules with 2n equally weighted points for n independent, symmetrically
// distributed parameters (GEMPACK's systematic sensitivity analysis), and Latin-hypercube
// samples. Points are in standard units (mean 0, variance 1) or, for the hypercube, in (0, 1);
// Distribution maps them to a parameter's values.
#include <cstdint>
#include <string>
#include <vector>

namespace regio {

// The quadrature rules by name, in the order the docs list them:
//   stroud: Stroud's (1957) degree-3 rule for the n-cube, the points GEMPACK uses: for point
//     k = 1..2n, components √2 cos((2r−1)kπ/n) and √2 sin((2r−1)kπ/n) for r = 1..⌊n/2⌋, and
//     (−1)^k last if n is odd; every component within ±√2, inside a uniform's support (±√3);
//   axes: ±√n along each axis (Julier–Uhlmann's symmetric σ points without the centre), simplest,
//     but outside a uniform's support for n ≥ 4.
// Both have weights 1/(2n) and integrate every polynomial of degree ≤ 3 in independent,
// symmetric variables exactly: means, variances and covariances of the parameters are reproduced.
const std::vector<std::string>& quadrature_rules();
// 2n points of n coordinates. `rule` must be one of quadrature_rules().
std::vector<std::vector<double>> quadrature_points(const std::string& rule, std::size_t n);

// `samples` points of n coordinates in (0, 1): in every coordinate exactly one point per stratum
// ((i, i+1)/samples), strata matched across coordinates by independent random permutations, the
// point uniform within its stratum. The same seed gives the same points on every platform
// (std::mt19937_64, whose sequence the standard fixes, and no standard distribution).
std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t samples, std::uint64_t seed);

// A parameter's distribution: normal (mean a, sd b > 0) or uniform on [a, b], a < b.
struct Distribution {
  std::string kind;  // normal | uniform
  double a = 0, b = 0;
  double mean() const;
  double sd() const;
  // The value at standard-unit coordinate z (quadrature): mean + sd z.
  double at_standard(double z) const { return mean() + sd() * z; }
  // The inverse distribution function at u in (0, 1) (Latin hypercube).
  double quantile(double u) const;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& kind& a& b;
  }
};
// The distribution kinds by name, and the two keys each takes.
const std::vector<std::string>& distribution_kinds();

}  // namespace regio
