#include "regio/solve_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace regio {

SolveStats solve_stats(const NonlinearSolve& result) {
  SolveStats st;
  st.nonlinear_iterations = result.nonlinear_iterations;
  st.linear_iterations = result.linear_iterations;
  st.residual_norm = result.residual_norm;
  st.initial_residual_norm = result.initial_residual_norm;
  st.reason = result.reason_text;
  return st;
}

namespace {
// The five regions with the largest |G| (outside the domain first, then NaN), "id name (value), ...".
std::string worst_regions(const std::vector<double>& G, int block, const Layout& layout, const GlobalGeography& geo,
                          const std::vector<char>& outside) {
  const std::size_t n = block > 0 ? G.size() / static_cast<std::size_t>(block) : 0;
  std::vector<double> worst(n, 0.0), all;
  for (std::size_t j = 0; j < n; ++j)
    for (int b = 0; b < block; ++b) worst[j] = std::max(worst[j], std::abs(G[j * block + b]));
  for (std::size_t j = 0; j < std::min(n, outside.size()); ++j)
    if (outside[j]) worst[j] = std::numeric_limits<double>::infinity();  // sorted first, printed as such
  layout.allgather(worst.data(), 1, all);
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t top = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + top, order.end(),
                    [&](auto a, auto b) { return !(all[a] <= all[b]); });  // NaN first
  std::string out;
  for (std::size_t t = 0; t < top; ++t)
    out += fmt::format("{}{}{} ({})", t ? ", " : "", geo.id[order[t]],
                       geo.name[order[t]] == geo.id[order[t]] ? "" : " " + geo.name[order[t]],
                       std::isinf(all[order[t]]) ? "outside the domain" : fmt::format("{:.3g}", all[order[t]]));
  return out;
}
}  // namespace

std::string nonconvergence_message(const std::string& context, const std::string& what, const NonlinearSolve& result,
                                   const std::vector<double>& G, int block, const Layout& layout,
                                   const GlobalGeography& geo, const std::string& prefix,
                                   const std::vector<char>& outside, const std::string& origin) {
  return fmt::format(
      "{}: the {} solve did not converge: SNES reason {} after {} nonlinear iterations, ||G|| = {:.3e} "
      "(history: {}); largest residuals in regions {}{}. Check those regions' inputs, raise solver.max_iterations, "
      "or inspect with `-- -{}snes_monitor -{}ksp_monitor`",
      context, what, result.reason_text, result.nonlinear_iterations, result.residual_norm, result.history,
      worst_regions(G, block, layout, geo, outside), origin, prefix, prefix);
}

std::string extreme_inputs(const EconomyState& st, const Layout& layout, const GlobalGeography& geo) {
  const std::pair<const char*, const std::vector<double>*> stocks[] = {{"population", &st.population},
                                                                       {"registered", &st.registered},
                                                                       {"capital", &st.capital},
                                                                       {"land", &st.land},
                                                                       {"amenity", &st.amenity}};
  double best = 6;  // decades from the median: a million times, or not finite
  std::string out;
  for (const auto& [name, values] : stocks) {
    std::vector<double> all;
    layout.allgather(values->data(), 1, all);
    std::vector<double> sorted = all;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
    for (std::size_t i = 0; i < all.size(); ++i) {
      const double decades = std::isfinite(all[i]) && all[i] > 0 && median > 0
                                 ? std::abs(std::log10(all[i] / median))
                                 : std::numeric_limits<double>::infinity();
      if (!(decades > best)) continue;
      best = decades;
      out = fmt::format(
          "; it likely starts at {}{}: {} = {:.3g}, {}", geo.id[i], geo.name[i] == geo.id[i] ? "" : " " + geo.name[i],
          name, all[i],
          std::isinf(decades) ? "not a positive number" : fmt::format("10^{:.1f} times the median region's", decades));
    }
  }
  return out;
}

}  // namespace regio
