#pragma once
// Step 1 of `regio calibrate` with observed province trade shares (calibration.trade_shares;
// MODEL.md §12, docs/frictions.md "Finer geographies' trade"): productivity inverted together with
// one scale x_pqs per ordered pair of provinces p ≠ q and sector s on the inherited trade costs,
//   τ_nis = (1 + D_ni/d0)^φ_s · b_s · t_{q→p,s} · x_pqs      n in p (importer), i in q (exporter),
// within provinces the distance terms as they are (x_pps = 1), such that
//   - every region's GDP equals the observed one (the productivity inversion), and
//   - the regions' trade aggregated to province pairs, π̂_pqs = Σ_{n∈p} X_ns Σ_{i∈q} π_nis / Σ_{n∈p} X_ns
//     (own shares q = p include the trade between the regions of p), equals the observed π_pqs.
// With the shares' rows summing to 1, one scale per row is not identified: x_pps = 1 fixes it
// (the within-province terms are kept). A zero observed share gives x = inf (no trade).
// Shares and GDP are not independent: the province shares and spending give the provinces'
// revenues, which must be their GDP (goods markets). Shares of a province model calibrated to the
// same GDP are consistent; observed shares of another source in general are not, by one factor
// per exporting province (less one): then the solution reproduces every share up to those factors
// (π̂_pqs/π̂_pps = π_pqs/π_pps e^{θ_s(c_p − c_q)}: the exporters' terms GDP pins), and the fit
// reports how far that is from the data.
// Consistent shares and GDP leave one degree of freedom per province (less one for the numeraire):
// productivity of all regions of p divided by c_p and x_pqs → x_pqs c_p/c_q multiply every
// term of p's importers by c_p, so no share, revenue or GDP changes (amenities absorb the price
// index). regio takes the member whose scales are closest to symmetric, min Σ (log x_pqs −
// log x_qps)² over the pairs with shares in both directions, i.e. Σ_{q,s} (log x_pqs − log x_qps)
// = 0 for every province p: no province's imports are scaled up against its exports.
// Unknowns z = log x_pqs of the owned importer provinces (a province lives on one rank) with a
// positive share; the fixed-point map z ← z + β g(z) with, after the productivity inversion at z,
//   g_pqs = [log(π̂_pqs/π̂_pps) − log(π_pqs/π_pps)]/θ_s
// (the ratio falls with x_pqs^−θ_s at given prices and spending), Anderson-accelerated
// (anderson.hpp), each iterate moved to the symmetric-most member. Each step solves the
// productivity inversion from the last step's prices.
#include <memory>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/layout.hpp"
#include "regio/productivity_inversion.hpp"

namespace regio {

struct TradeScaleFit {
  SolveStats solve;         // the fixed point: nonlinear_iterations = steps, residual_norm = max |g|
  SolveStats productivity;  // the productivity inversions of all steps, summed (residual: the last)
  // S×P×P (sector, importer, exporter): 1 within provinces, inf where the observed share is 0.
  std::vector<double> scale;
  // max |π̂_pqs/π_pqs − 1| over the positive observed shares: at the start (the inherited costs,
  // or trade.province_scales where given) and at the solution (round-off where the observed shares
  // are an equilibrium's at the regions' GDP; else what the exporters' terms differ, see above).
  double start_share_error = 0, share_error = 0;
  std::vector<double> shares;  // π̂_pqs at the solution, S×P×P (sector, importer, exporter)
  // Own-province shares weighted by the provinces' spending at the solution: observed, at the
  // start and at the solution.
  double own_share_observed = 0, own_share_start = 0, own_share = 0;
};

// Collective. `inversion` holds the scenario's costs `costs` (the inherited terms); on exit its
// results() and the state (productivity, prices) are those of the solution, the costs with the
// calibrated scales. Throws SolverError if the iteration does not converge.
TradeScaleFit invert_trade_scales(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                                  EconomyState& state, ProductivityInversion& inversion, const TransportCosts& costs);

// Collective. max |π̂_pqs/π_pqs − 1| over the positive shares of `reference` (S×P×P) at an
// equilibrium (the verification solve against the calibrated shares), and inf where π = 0 < π̂.
double province_trade_share_error(const Scenario& sc, const Equilibrium& eq, const Layout& layout,
                                  const EconomyState& state, const std::vector<double>& reference);

}  // namespace regio
