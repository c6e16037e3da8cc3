// Completion of the base year: what the folder leaves to the model, in the order of
// docs/hat-algebra.md §1 — revenues from the fixed point of the trade shares, an outside region's
// labour split over its groups, hukou stocks R = (mᵀ)⁻¹ L and the real income per worker
// (MODEL.md §12–§13). Collective over the layout's communicator.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "base_year_steps.hpp"
#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "shell_solve.hpp"

namespace regio::hat {

namespace fs = std::filesystem;

namespace {

// max_k |got_k / want_k − 1| over every rank's entries: how far the base is from an equilibrium.
double worst_relative_gap(const Layout& layout, const std::vector<double>& got, const std::vector<double>& want) {
  double worst = 0;
  for (std::size_t k = 0; k < got.size(); ++k) worst = std::max(worst, std::abs(got[k] / want[k] - 1));
  return max_over_ranks(layout.comm(), worst);
}

// ---- (a) revenues and spending -----------------------------------------------------------------

// Region n's spending on sector s's goods at its revenues R = R_n· (a row of S):
// X_ns = η_s (1 − δ_h) I_n + Σ_k ι_ks R_nk = Σ_k [η_s va_k + ι_ks] R_nk.
double spending_on(const HatParameters& par, const double* R, int s) {
  double x = 0;
  for (int k = 0; k < par.S(); ++k) x += (par.final_demand[s] * par.value_added(k) + par.intermediate(k, s)) * R[k];
  return x;
}

// Σ_n π_nis X_ns: the demand for every exporter i's goods from this rank's importers at their
// revenues R_owned (ln·S + s), reduced to the owners of i (out_owned, ln·S + s).
void goods_demand(const BaseYear& b, const Layout& layout, const double* R_owned, double* out_owned) {
  const int S = b.S();
  const std::int64_t N = b.N();
  std::vector<double> columns(static_cast<std::size_t>(S * N), 0.0);
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int s = 0; s < S; ++s) {
      const double X = spending_on(b.par, R_owned + ln * S, s);
      const double* row = b.trade_shares.data() + (static_cast<std::int64_t>(ln) * S + s) * N;
      for (std::int64_t i = 0; i < N; ++i) columns[s * N + i] += row[i] * X;
    }
  layout.reduce_sum(columns, S, out_owned);
}

// The owned revenues from the trade shares alone: the fixed point R = πᵀ X(R) normalised by
// Σ_n I_n = 1 (MODEL.md §13), solved as (I − A + 1 cᵀ) R = 1 with cᵀR = Σ_n I_n (nonsingular).
std::vector<double> revenues_from_trade_shares(const BaseYear& b, const Layout& layout) {
  const int S = b.S(), n_own = layout.num_owned();
  const double dh = b.par.housing_share;
  std::vector<double> R_own(static_cast<std::size_t>(n_own * S));
  std::vector<double> c(R_own.size());  // I_n = Σ_s c_ns R_ns
  for (int ln = 0; ln < n_own; ++ln)
    for (int s = 0; s < S; ++s) c[ln * S + s] = b.par.value_added(s) / (1 - dh);
  auto apply = [&](const double* x, double* y) {
    goods_demand(b, layout, x, y);
    std::vector<double> part(static_cast<std::size_t>(n_own), 0.0);
    for (int ln = 0; ln < n_own; ++ln)
      for (int s = 0; s < S; ++s) part[ln] += c[ln * S + s] * x[ln * S + s];
    const double cx = layout.ordered_sum(part);
    for (std::size_t k = 0; k < R_own.size(); ++k) y[k] = x[k] - y[k] + cx;
  };
  std::vector<double> ones(R_own.size(), 1.0);
  const double total = static_cast<double>(b.N() * S);
  for (auto& r : R_own) r = (1 - dh) / total;  // start: equal revenues
  shell_solve(layout, n_own * S, apply, ones, R_own, "base-year revenues (fixed point of the trade shares)");
  return R_own;
}

// The goods markets clear at the base, Σ_n π_nis X_ns = R_is (relative 1e-8), with every R_is > 0
// (revenues given or computed); the worst relative gap is b.fixed_point_residual.
void check_goods_markets(BaseYear& b, const Layout& layout, const std::vector<double>& R_own, bool equilibrium) {
  std::vector<double> D(R_own.size());
  goods_demand(b, layout, R_own.data(), D.data());
  b.fixed_point_residual = worst_relative_gap(layout, D, R_own);
  bool positive = std::all_of(R_own.begin(), R_own.end(), [](double r) { return r > 0; });
  require_all(layout.comm(), positive,
              located(b.folder, 0,
                      "the base-year revenues from the trade shares are not all positive: "
                      "check trade_shares.csv"));
  if (equilibrium && b.fixed_point_residual > 1e-8)
    raise_on_all_ranks(InputError(
        located((fs::path(b.folder) / "revenues.csv").string(), 0,
                fmt::format("the base year is not an equilibrium: Σ_n π_nis X_ns differs from the revenue R_is by up "
                            "to {:.3g} (relative); leave revenues.csv out to compute revenues from the trade shares",
                            b.fixed_point_residual))));
}

// ---- (c) hukou stocks --------------------------------------------------------------------------

// (mᵀ R)_v = Σ_u R_u m_uv for the owned units v (ln·G + g): where the hukou holders R_units of
// this rank's origins work, reduced to the destinations' owners; outside the choice set, R itself.
void hukou_inflow(const BaseYear& b, const Layout& layout, const double* R_units, double* out) {
  const int G = b.G();
  const std::int64_t N = b.N(), U = b.units();
  std::vector<double> columns(static_cast<std::size_t>(U), 0.0);
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int g = 0; g < G; ++g) {
      const double* row = b.migration_shares.data() + (static_cast<std::int64_t>(ln) * G + g) * U;
      for (std::int64_t v = 0; v < U; ++v) columns[(v % G) * N + v / G] += row[v] * R_units[ln * G + g];
    }
  layout.reduce_sum(columns, G, out);
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    if (b.outside[layout.owned()[ln]])
      for (int g = 0; g < G; ++g) out[ln * G + g] = R_units[ln * G + g];
}

// mᵀR = L at the base (relative 1e-8), with every R_u > 0 (stocks given or computed); the worst
// relative gap is b.registered_residual.
void check_hukou_stocks(BaseYear& b, const Layout& layout, const std::vector<double>& Rh, const std::vector<double>& L,
                        bool equilibrium) {
  std::vector<double> LR(Rh.size());
  hukou_inflow(b, layout, Rh.data(), LR.data());
  b.registered_residual = worst_relative_gap(layout, LR, L);
  require_all(layout.comm(), std::all_of(Rh.begin(), Rh.end(), [](double r) { return r > 0; }),
              located(b.folder, 0,
                      "the hukou stocks R = (mᵀ)⁻¹ L are not all positive: migration_shares.csv and "
                      "units.csv's employment do not fit together"));
  if (equilibrium && b.registered_residual > 1e-8)
    raise_on_all_ranks(InputError(
        located((fs::path(b.folder) / "units.csv").string(), 0,
                fmt::format("the base year is not an equilibrium: Σ_u R_u m_uv differs from the employment L_v by up "
                            "to {:.3g} (relative); leave the `registered` column out to compute it",
                            b.registered_residual))));
}

}  // namespace

void complete_revenues(BaseYear& b, const RawBase& raw, const Layout& layout, bool equilibrium) {
  const int S = b.S(), n_own = layout.num_owned();
  const std::int64_t N = b.N();
  std::vector<double> R_own(static_cast<std::size_t>(n_own * S));
  if (!raw.revenue.empty()) {
    for (int ln = 0; ln < n_own; ++ln)
      for (int s = 0; s < S; ++s) R_own[ln * S + s] = raw.revenue[layout.owned()[ln] * S + s];
  } else {
    R_own = revenues_from_trade_shares(b, layout);
  }
  check_goods_markets(b, layout, R_own, equilibrium);
  layout.allgather(R_own.data(), S, b.revenue);
  b.spending.resize(static_cast<std::size_t>(N * S));
  for (std::int64_t n = 0; n < N; ++n)
    for (int s = 0; s < S; ++s) b.spending[n * S + s] = spending_on(b.par, &b.revenue[n * S], s);
}

// ---- (b) employment ----------------------------------------------------------------------------

void complete_employment(BaseYear& b, const RawBase& raw) {
  const int G = b.G();
  b.employment = raw.employment;
  for (std::int64_t n = 0; n < b.N(); ++n) {
    // An outside region's total at one wage: L_ng ∝ Σ_{s∈g} α_s R_ns (its wage bill).
    if (!std::isnan(raw.region_employment[n]) && b.outside[n] && std::isnan(b.employment[n * G])) {
      double wb = 0;
      for (int g = 0; g < G; ++g) wb += b.wage_bill(n, g);
      for (int g = 0; g < G; ++g) b.employment[n * G + g] = raw.region_employment[n] * b.wage_bill(n, g) / wb;
    }
    for (int g = 0; g < G; ++g)
      if (b.wage_bill(n, g) <= 0)
        raise_on_all_ranks(InputError(located(b.folder, 0,
                                              fmt::format("unit ({}, {}) has no wage bill (its sectors have no "
                                                          "revenue): every unit must employ someone",
                                                          b.region_ids[n], b.par.groups[g]))));
  }
}

void complete_hukou_stocks(BaseYear& b, const RawBase& raw, const Layout& layout, bool equilibrium) {
  const int G = b.G(), n_own = layout.num_owned();
  b.registered = raw.has_registered ? raw.registered : b.employment;
  if (!b.has_migration) return;
  std::vector<double> Rh(static_cast<std::size_t>(n_own * G)), L(Rh.size());
  for (int ln = 0; ln < n_own; ++ln)
    for (int g = 0; g < G; ++g) {
      Rh[ln * G + g] = b.registered[layout.owned()[ln] * G + g];
      L[ln * G + g] = b.employment[layout.owned()[ln] * G + g];
    }
  auto inflow = [&](const double* R_units, double* out) { hukou_inflow(b, layout, R_units, out); };
  if (!raw.has_registered) shell_solve(layout, n_own * G, inflow, L, Rh, "hukou stocks R = (mᵀ)⁻¹ L");
  check_hukou_stocks(b, layout, Rh, L, equilibrium);
  layout.allgather(Rh.data(), G, b.registered);
}

// ---- (d) real income per worker ----------------------------------------------------------------

void complete_real_income(BaseYear& b, const RawBase& raw) {
  const int G = b.G();
  b.real_income = raw.real_income;
  for (std::int64_t n = 0; n < b.N(); ++n)
    for (int g = 0; g < G; ++g)  // V_u from the data, or the base wage (only ratios of V are used)
      if (!raw.has_real_income || std::isnan(b.real_income[n * G + g]))
        b.real_income[n * G + g] = b.wage_bill(n, g) / b.employment[n * G + g];
}

}  // namespace regio::hat
