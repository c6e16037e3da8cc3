#include "regio/unknown_layout.hpp"

#include <cmath>

namespace regio {

UnknownLayout::UnknownLayout(const Technology& tech, bool population, bool shift) {
  for (int f = 0; f < 3; ++f)
    if (tech.active[f]) factor_slot[f] = block++;
  if (population) population_slot = block++;
  if (tech.intermediates()) {
    sectors = tech.S;
    price_slot = block;
    revenue_slot = block + static_cast<int>(sectors);
    block += 2 * static_cast<int>(sectors);
  }
  if (shift) shift_slot = block++;
}

void UnknownLayout::unpack_intermediate(const double* x, std::size_t regions, std::vector<double>& log_price,
                                        std::vector<double>& revenue) const {
  if (price_slot < 0) return;
  log_price.resize(regions * sectors);
  revenue.resize(regions * sectors);
  for (std::size_t j = 0; j < regions; ++j)
    for (std::size_t s = 0; s < sectors; ++s) {
      log_price[j * sectors + s] = x[j * block + price_slot + s];
      revenue[j * sectors + s] = std::exp(x[j * block + revenue_slot + s]);
    }
}

void UnknownLayout::unpack_to_state(const double* x, EconomyState& st) const {
  unpack_prices(x, st.size(), st.prices);
  unpack_population(x, st.registered, st.population);
  if (price_slot < 0) return;
  std::vector<double> log_price;
  unpack_intermediate(x, st.size(), log_price, st.gross_revenue);
  st.sector_price.resize(log_price.size());
  for (std::size_t k = 0; k < log_price.size(); ++k) st.sector_price[k] = std::exp(log_price[k]);
}

void UnknownLayout::pack(const EconomyState& st, std::vector<double>& x, const std::vector<double>* shift) const {
  const std::size_t n = st.size();
  x.resize(n * block);
  for (std::size_t j = 0; j < n; ++j) {
    for (int f = 0; f < 3; ++f)
      if (factor_slot[f] >= 0) x[j * block + factor_slot[f]] = std::log(st.prices[j][f]);
    if (population_slot >= 0) x[j * block + population_slot] = std::log(st.population[j]);
    if (price_slot >= 0)
      for (std::size_t s = 0; s < sectors; ++s) {
        x[j * block + price_slot + s] = std::log(st.sector_price[j * sectors + s]);
        x[j * block + revenue_slot + s] = std::log(st.gross_revenue[j * sectors + s]);
      }
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
