#include "regio/calibration_residual.hpp"

#include <cmath>

#include "regio/profiling.hpp"

namespace regio {

CalibrationResidual::CalibrationResidual(const Scenario& sc, const Technology& tech, const Layout& layout,
                                         const EconomyState& st, const UnknownLayout& unknowns, NationalTerms& terms,
                                         std::vector<double> observed_gdp)
    : tech_(tech),
      layout_(layout),
      state_(st),
      unknowns_(unknowns),
      terms_(terms),
      observed_gdp_(std::move(observed_gdp)),
      shift_(st.size(), 0.0) {
  if (unknowns.price_slot >= 0) io_block_ = std::make_unique<IoLocalBlock>(sc, tech, st, unknowns, terms);
}

bool CalibrationResidual::operator()(const double* x, double* G) {
  log_.begin();
  const std::size_t n = state_.size(), S = tech_.S;
  const int b = unknowns_.block;
  unknowns_.unpack_prices(x, n, prices_);
  unknowns_.unpack_population(x, state_.population, population_);  // the observed L
  unknowns_.unpack_shift(x, shift_);
  if (io_block_) return with_intermediates(x, G);
  terms_.evaluate(prices_, population_, &shift_);
  bool bad = false;
  {
    profiling::Event event(profiling::ids().local_clearing);
    const auto& logA = terms_.log_productivity();
    const auto& price_pow = terms_.price_pow();
    unshifted_.resize(S);
    for (std::size_t j = 0; j < n; ++j) {
      // Unshifted productivities in, the shift that reproduces observed GDP out.
      for (std::size_t s = 0; s < S; ++s) unshifted_[s] = logA[j * S + s] - shift_[j];
      OwnMarket own;
      const LocalMarketInputs in =
          terms_.local_inputs(j, price_pow.data() + j * S, population_[j], unshifted_.data(), own);
      const auto inv = invert_local_productivity(tech_, in, observed_gdp_[j], prices_[j], shift_[j]);
      const LocalClearingResult& res = inv.clearing;
      if (!inv.converged && !(res.residual < 1e-10)) bad = true;
      G[j * b + unknowns_.shift_slot] = shift_[j] - inv.log_shift;
      if (!res.converged && !(res.residual < 1e-10)) bad = true;
      for (int f = 0; f < 3; ++f)
        if (unknowns_.factor_slot[f] >= 0)
          G[j * b + unknowns_.factor_slot[f]] = std::log(prices_[j][f]) - std::log(res.prices[f]);
    }
  }
  return log_.end(G, n * static_cast<std::size_t>(b), bad, layout_.comm());
}

// With input–output links (MODEL.md §9): the national terms at x's P and R, then each region's
// block (IoLocalBlock::calibration_residual).
bool CalibrationResidual::with_intermediates(const double* x, double* G) {
  const std::size_t n = state_.size(), b = static_cast<std::size_t>(unknowns_.block);
  unknowns_.unpack_intermediate(x, n, io_log_price_, io_revenue_);
  const NationalTerms::IntermediatePoint io{&io_log_price_, &io_revenue_};
  terms_.evaluate(prices_, population_, &shift_, &io);
  bool bad = false;
  {
    profiling::Event event(profiling::ids().local_clearing);
    for (std::size_t j = 0; j < n; ++j)
      if (!io_block_->calibration_residual(j, x + j * b, population_[j], observed_gdp_[j], G + j * b)) bad = true;
  }
  return log_.end(G, n * b, bad, layout_.comm());
}

}  // namespace regio
