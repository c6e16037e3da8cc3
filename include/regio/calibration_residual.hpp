#pragma once
// The residual of the productivity inversion (MODEL.md §6, `regio calibrate` step 1):
// populations are held at the observed ones, migration is not solved, and each region has one
// more unknown, the log shift c_i of its productivities (UnknownLayout's shift slot). The local
// inversion (invert_local_productivity) replaces local clearing: it finds the prices and the
// shift at which region i's GDP equals the observed one with the national terms fixed, so
//   G_f(x)_i = log x_f,i − log T_f,i(x),   G_c(x)_i = c_i − c_i^local(x).
// With input–output links (MODEL.md §9) x_i also holds log P_is and log R_is, the national terms
// are taken at them, and each region's entries come from its IoLocalBlock (local inversion at the
// block's P_i and purchases, then G_P and G_R at the inverted productivity).
#include <memory>
#include <vector>

#include "regio/io_local_block.hpp"
#include "regio/national_terms.hpp"
#include "regio/residual_log.hpp"
#include "regio/unknown_layout.hpp"

namespace regio {

class CalibrationResidual {
 public:
  // observed_gdp: Y_i of the owned regions.
  CalibrationResidual(const Scenario& sc, const Technology& tech, const Layout& layout, const EconomyState& st,
                      const UnknownLayout& unknowns, NationalTerms& terms, std::vector<double> observed_gdp);

  // Collective. G at x; false, on every rank, outside the domain.
  bool operator()(const double* x, double* G);

  // The shifts c_i of the last evaluated point.
  const std::vector<double>& shift() const { return shift_; }
  ResidualLog& log() { return log_; }

 private:
  bool with_intermediates(const double* x, double* G);

  const Technology& tech_;
  const Layout& layout_;
  const EconomyState& state_;
  const UnknownLayout& unknowns_;
  NationalTerms& terms_;
  std::vector<double> observed_gdp_;
  std::vector<double> shift_;
  ResidualLog log_;
  std::vector<FactorPrices> prices_;
  std::vector<double> population_, unshifted_;
  std::unique_ptr<IoLocalBlock> io_block_;  // with input–output links
  std::vector<double> io_log_price_, io_revenue_;
};

}  // namespace regio
