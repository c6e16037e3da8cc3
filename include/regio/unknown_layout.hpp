#pragma once
// Where a region's unknowns sit in the national system's vector (MODEL.md §2, "Decomposition of
// the work"): x_i = (log w_i, log r_i, log q_i [, log L_i] [, log P_is, log R_is] [, c_i]), keeping only the factor
// markets that exist, log L only with migration on, P_is and R_is only with input–output links, and the calibration's log productivity
// shift c_i only in the productivity inversion. Blocks are consecutive per owned region.
#include <array>
#include <cstddef>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/kernels.hpp"

namespace regio {

struct UnknownLayout {
  int block = 0;                               // unknowns per region
  std::array<int, 3> factor_slot{-1, -1, -1};  // slot of factor f in the block, -1 if inactive
  int population_slot = -1;                    // log L_i (migration on)
  int shift_slot = -1;                         // c_i (productivity inversion)
  // With input–output links (MODEL.md §9): log P_is at price_slot + s and log R_is at
  // revenue_slot + s (after log L_i); -1 without.
  int price_slot = -1, revenue_slot = -1;
  std::size_t sectors = 0;

  UnknownLayout() = default;
  UnknownLayout(const Technology& tech, bool population, bool shift);

  // The state's prices and populations (and `shift`, one per region, where it has a slot) as
  // unknowns.
  void pack(const EconomyState& st, std::vector<double>& x, const std::vector<double>* shift = nullptr) const;
  // Prices from x (inactive factors keep their placeholder 1).
  void unpack_prices(const double* x, std::size_t regions, std::vector<FactorPrices>& p) const;
  // Populations from x, or `fixed` where L is not an unknown.
  void unpack_population(const double* x, const std::vector<double>& fixed, std::vector<double>& L) const;
  // log P_is and R_is (levels) from x, owned × S (left empty without input–output links).
  void unpack_intermediate(const double* x, std::size_t regions, std::vector<double>& log_price,
                           std::vector<double>& revenue) const;
  // Everything x holds into the state: prices, populations (with migration), P_is and R_is.
  void unpack_to_state(const double* x, EconomyState& st) const;
  // The shifts c_i from x (0 without a shift slot).
  void unpack_shift(const double* x, std::vector<double>& shift) const;
};

}  // namespace regio
