#pragma once
// Frictions from observed flows (MODEL.md §12): the inversions behind `regio frictions`, on dense
// share matrices held by one process, and the mapping of province-pair factors onto another
// geography. Pure functions (no MPI); O(N²) per sector, O(U²) for migration.
//
// Orientation: a trade matrix is indexed [n·N + i] with n the importer (spender) and i the
// exporter, as π_nis; a migration matrix [u·U + v] with u the hukou origin and v the destination,
// as m_uv. A flow that is zero in the data gives an infinite friction (+inf: no flow at any
// finite cost); shares on the diagonal must be positive (the base-year reader checks it).
#include <cstddef>
#include <string>
#include <vector>

namespace regio::frictions {

// The exact form of MODEL.md §12 for one sector: τ_nis/τ_nns = (p_ns/p_is)(π_nis/π_nns)^(−1/θ_s),
// asymmetric, identified relative to each importer's internal cost τ_nns (1 on the diagonal).
// pi: N×N shares; price: p_is of the N exporters (only ratios matter).
std::vector<double> exact_trade(const std::vector<double>& pi, const std::vector<double>& price, std::size_t N,
                                double theta);

// The symmetric Head–Ries index (π_nis π_ins / (π_nns π_iis))^(−1/(2θ_s)) = √(τ_nis τ_ins/(τ_nns τ_iis)):
// no prices needed (they cancel); +inf where either direction's share is 0.
std::vector<double> head_ries(const std::vector<double>& pi, std::size_t N, double theta);

// Migration costs by unit pair (MODEL.md §12): μ_uv^(−ε) = (m_uv/m_uu)(Ũ_u/U_v)^ε, i.e.
// μ_uv = (m_uv/m_uu)^(−1/ε) U_v/Ũ_u, 1 on the diagonal. own_utility: Ũ_u (C_u U_u under
// `stayers`, U_u under `residents`); utility: U_v. With U the observed real income, what is
// identified is μ_uv B_u/B_v (only B_v/μ_uv is): used with B ≡ 1 it reproduces m.
std::vector<double> migration_costs(const std::vector<double>& m, const std::vector<double>& own_utility,
                                    const std::vector<double>& utility, std::size_t U, double epsilon);

// Infinite factors off the diagonal replaced by the largest finite one of the matrix (Tombe &
// Zhu's agricultural pairs without observed trade); returns how many were replaced.
std::size_t cap_infinite(std::vector<double>& factor, std::size_t N);

// Province-pair factors (one N×N matrix per sector, orientation as above) onto another list of
// provinces: target province a takes source province source[a]'s factors with every other
// province; where two targets have the same source (a proxy: a target province the data lack
// takes a neighbour's factors), their pair takes the median of that source's factors with the
// other provinces in the same direction (the proxy as importer: the median of the source's row,
// as exporter: of its column). sector_source[t]: the source sector of target sector t.
struct PairMapping {
  std::vector<std::size_t> source;         // per target province: index among the source's
  std::vector<char> proxy;                 // per target province: it takes another's factors
  std::vector<std::size_t> sector_source;  // per target sector: index among the source's
};
std::vector<std::vector<double>> map_pairs(const std::vector<std::vector<double>>& factor, std::size_t N,
                                           const PairMapping& mapping);

// Median of the finite and infinite values alike (the mean of the two middle ones for an even count).
double median(std::vector<double> values);

}  // namespace regio::frictions
