#include "regio/unknown_layout.hpp"

#include <cmath>

namespace regio {

UnknownLayout::UnknownLayout(const Technology& tech, bool population, bool shift) {
  for (int f = 0; f < 3; ++f)
    if (tech.active[f]) factor_slot[f] = block++;
  if (population) population_slot = block++;
  if (shift) shift_slot = block++;
}

void UnknownLayout::pack(const EconomyState& st, std::vector<double>& x, const std::vector<double>* shift) const {
  const std::size_t n = st.size();
  x.resize(n * block);
  for (std::size_t j = 0; j < n; ++j) {
    for (int f = 0; f < 3; ++f)
      if (factor_slot[f] >= 0) x[j * block + factor_slot[f]] = std::log(st.prices[j][f]);
    if (population_slot >= 0) x[j * block + population_slot] = std::log(st.population[j]);
    if (shift_slot >= 0) x[j * block + shift_slot] = (*shift)[j];
  }
}

void UnknownLayout::unpack_prices(const double* x, std::size_t regions, std::vector<FactorPrices>& p) const {
  p.assign(regions, FactorPrices{});
  for (std::size_t j = 0; j < regions; ++j)
    for (int f = 0; f < 3; ++f)
      if (factor_slot[f] >= 0) p[j][f] = std::exp(x[j * block + factor_slot[f]]);
}

void UnknownLayout::unpack_population(const double* x, const std::vector<double>& fixed, std::vector<double>& L) const {
  L.resize(fixed.size());
  for (std::size_t j = 0; j < fixed.size(); ++j)
    L[j] = population_slot >= 0 ? std::exp(x[j * block + population_slot]) : fixed[j];
}

void UnknownLayout::unpack_shift(const double* x, std::vector<double>& shift) const {
  for (std::size_t j = 0; j < shift.size(); ++j) shift[j] = shift_slot >= 0 ? x[j * block + shift_slot] : 0.0;
}

}  // namespace regio
