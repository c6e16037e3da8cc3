#pragma once
// What an ensemble's members add up to (docs/ensembles.md): bands of an outcome over the members,
// and Shapley values of a set of policies. Serial and exact to rounding; the same inputs in the
// same order give bitwise the same results, whichever ranks ran the members.
#include <vector>

namespace regio {

// An outcome over the members: the weighted mean and standard deviation (√Σ w (x − mean)², the
// weights summing to 1: for a quadrature rule what it integrates exactly; for equal weights the
// population form), percentiles (linear interpolation between the sorted values, NumPy's
// default, over the members alike: every design here has equal weights), minimum and maximum.
// A NaN among the values makes every statistic NaN.
struct Band {
  double mean = 0, sd = 0, p5 = 0, p50 = 0, p95 = 0, min = 0, max = 0;
};
Band band(const std::vector<double>& values, const std::vector<double>& weights);

// The p-th percentile (0 ≤ p ≤ 1) of sorted values, interpolated linearly (rank p (n − 1)).
double percentile(const std::vector<double>& sorted, double p);

// Shapley values of K players from the game v over their 2^K coalitions, v[mask] with bit j of
// mask for player j: φ_j = Σ_{S ∌ j} |S|! (K − |S| − 1)! / K! (v(S ∪ {j}) − v(S)). They add up to
// v(all) − v(none) (to rounding), symmetric players get the same value, a player that changes
// nothing gets 0.
std::vector<double> shapley_values(const std::vector<double>& v);

}  // namespace regio
