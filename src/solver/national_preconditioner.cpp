#include "regio/national_preconditioner.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "regio/collectives.hpp"

namespace regio {

namespace {
// The recycler's per-region arrays in a checkpoint: name, the count of vectors, their rows.
const char* const kCoarseName = "province_coarse_correction";
const char* const kRecycledDrift = "recycled_drift";  // per kept pair, not per region
struct RecycledField {
  const char* name;
  std::size_t* count;
  std::vector<double>* rows;
};
std::array<RecycledField, 5> recycled_fields(KrylovRecycler::State& st) {
  return {{{"recycled_images", &st.kept, &st.images},
           {"recycled_sources", &st.kept, &st.sources},
           {"recycled_pending_images", &st.pending, &st.pending_images},
           {"recycled_pending_sources", &st.pending, &st.pending_sources},
           {"recycled_base", &st.bases, &st.base}}};
}
const SolverArray* find_array(const std::vector<SolverArray>& arrays, const char* name) {
  for (const auto& a : arrays)
    if (a.name == name) return &a;
  return nullptr;
}
}  // namespace

NationalPreconditioner::NationalPreconditioner(const Scenario& sc, const Technology& tech, const Layout& layout,
                                               const GlobalGeography& geo, const EconomyState& st,
                                               const UnknownLayout& unknowns, NationalTerms& terms,
                                               EquilibriumResidual& residual)
    : sc_(sc), tech_(tech), layout_(layout), state_(st), unknowns_(unknowns), terms_(terms), residual_(residual) {
  // The coarse correction only where some province has more than one region: otherwise Z is
  // what the per-region blocks already invert.
  if (sc.solver.province_coarse) {
    const std::size_t n = st.size();
    std::vector<int> provinces;
    std::vector<std::size_t> group(n);
    std::vector<double> sign(n);
    for (std::size_t j = 0; j < n; ++j) {
      const int prov = geo.province[static_cast<std::size_t>(st.records[j].index)];
      auto it = std::find(provinces.begin(), provinces.end(), prov);
      if (it == provinces.end()) it = provinces.insert(provinces.end(), prov);
      group[j] = static_cast<std::size_t>(it - provinces.begin());
      // A fixed pseudo-random ±1 per province (Knuth's multiplicative hash of its index).
      sign[j] = ((static_cast<std::uint32_t>(prov) * 2654435761u) >> 7) & 1u ? 1.0 : -1.0;
    }
    if (any_rank(layout.comm(), provinces.size() < n))
      coarse_ =
          std::make_unique<ProvinceCoarseCorrection>(layout.comm(), std::move(group), std::move(sign), unknowns.block);
  }
  if (sc.solver.recycle > 0 && sc.solver.recycle_across_epochs)
    recycler_ = std::make_unique<KrylovRecycler>(layout.comm(), static_cast<std::size_t>(sc.solver.recycle));
  residual_.keep_last_residual(coarse_ || recycler_);
}

void NationalPreconditioner::start_solve() {
  jacobian_updates_ = 0;
  if (coarse_ && sc_.solver.province_coarse_refresh == 0) coarse_->reset();  // probe afresh in every solve
}

void NationalPreconditioner::forget() {
  if (coarse_) coarse_->reset();
  if (recycler_) recycler_->clear();
}

void NationalPreconditioner::translate(const std::vector<double>& shift) {
  if (recycler_) recycler_->translate_base(shift);
}

void NationalPreconditioner::setup(const double* x, int krylov_iterations) {
  const std::size_t b = static_cast<std::size_t>(unknowns_.block);
  const auto& last_x = residual_.last_x();
  if (last_x.size() != state_.size() * b || !std::equal(last_x.begin(), last_x.end(), x)) {
    std::vector<double> G(state_.size() * b);  // collective: every rank's x differs from its last alike
    residual_(x, G.data());
  }
  setup_blocks(x);
  // The province-aggregate coarse correction is probed at the second Newton step of the first
  // solve (the first iterate of a cold start is too far from the solution to represent it) and
  // then kept from solve to solve, like the recycled Krylov pairs: both stay good while the
  // economy moves by tenths of a log unit per epoch (docs/numerics.md). Ã is probed again when
  // a linear solve needs more than solver.province_coarse_refresh Krylov iterations (a stale
  // Ã: 9–12 instead of 1–7), and in every solve if that setting is 0; both are dropped after a
  // far start (below) and when a policy takes effect (Simulation).
  if (jacobian_updates_ == 0 && (coarse_ || recycler_)) drop_after_far_start();
  const int refresh = sc_.solver.province_coarse_refresh;
  const bool stale = refresh > 0 && krylov_iterations > refresh;
  if (coarse_ && ((jacobian_updates_ == 1 && !coarse_->ready()) || (jacobian_updates_ >= 1 && stale))) {
    const std::vector<double> at_x = residual_.last_residual();  // the last evaluation was at x (checked above)
    // R weights each region by its income at x: the others feel a region's prices and people
    // through its share of their purchases and its spending (province_coarse.hpp).
    coarse_->build([this](const double* v, double* t) { apply_blocks(v, t); },
                   [&](const double* t, double* w) { return jacobian_times(x, at_x.data(), t, w); },
                   terms_.view().income);
  }
  ++jacobian_updates_;
}

// A far start (RMS of G(x0), in log units, above these: the transients of an uncalibrated
// economy; calibrated warm starts are at 0.02–0.05) moves the solution far from where the
// carried state was taken: drop it (Ã is then probed afresh at the second Newton step). The
// pairs are the more sensitive. Synthetic N = 1,000, 30 epochs: 546 residual evaluations; 623
// with the pairs dropped in every solve, 707 with neither dropped (735 before either was kept).
void NationalPreconditioner::drop_after_far_start() {
  constexpr double kFarStartCoarse = 0.5, kFarStartRecycled = 0.1;
  double squares = 0;
  for (double g : residual_.last_residual()) squares += g * g;
  const double all = sum_over_ranks(layout_.comm(), squares);
  const double rms = std::sqrt(all / (static_cast<double>(layout_.num_regions()) * unknowns_.block));
  if (coarse_ && sc_.solver.province_coarse_refresh > 0 && rms > kFarStartCoarse) coarse_->reset();
  if (recycler_ && rms > kFarStartRecycled) recycler_->clear();
}

// Per region, ∂G_i/∂x_i with the national terms frozen at x, inverted. Without migration the
// block is the identity (local clearing does not depend on the region's own prices).
void NationalPreconditioner::setup_blocks(const double* x) {
  const std::size_t n = state_.size(), b = static_cast<std::size_t>(unknowns_.block);
  unknowns_.unpack_prices(x, n, prices_);
  unknowns_.unpack_population(x, state_.registered, population_);
  block_inverse_.assign(n * b * b, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double* inv = &block_inverse_[j * b * b];
    if (IoLocalBlock* io = residual_.io_block())
      io->inverse_jacobian(j, x + j * b, inv);  // input–output links: the whole block
    else if (unknowns_.population_slot >= 0)
      invert_population_block(j, prices_[j], population_[j], inv);
    else
      for (std::size_t a = 0; a < b; ++a) inv[a * b + a] = 1.0;
  }
}

void NationalPreconditioner::invert_population_block(std::size_t j, const FactorPrices& prices, double population,
                                                     double* inverse) {
  const auto& v = terms_.view();
  const std::size_t S = tech_.S, b = static_cast<std::size_t>(unknowns_.block);
  const auto pop_slot = static_cast<std::size_t>(unknowns_.population_slot);
  const double h = 1e-6, eps = sc_.migration.elasticity, hukou_pow = terms_.hukou_pow()[j];
  std::vector<double> logA(S), own_price_pow(S), A(b * b);
  // Local clearing at population `pop` (prices T_f(pop)), national terms frozen.
  auto clear = [&](double pop) {
    for (std::size_t s = 0; s < S; ++s) {
      logA[s] = log_effective_productivity(state_.log_productivity[j * S + s], tech_.gamma[s], pop, state_.land[j]);
      own_price_pow[s] = v.price_pow_all[state_.records[j].index * S + s];
    }
    OwnMarket own;
    return clear_local_markets(tech_, terms_.local_inputs(j, own_price_pow.data(), pop, logA.data(), own), prices)
        .prices;
  };
  // Population the region attracts at own prices and population, other origins frozen.
  const double att_x = std::pow(v.utility[j], eps) * hukou_pow;
  const double inflow_weight = att_x > 0 ? v.inflow[j] / att_x : 0.0;  // Σ_{o≠j} μ̃^−ε R_o/D_o
  const double rebate_pow = stayers_rebate_pow(v, j, eps);
  auto attracted = [&](const FactorPrices& q, double pop) {
    const double I =
        newcomer_income(tech_, sc_.households.stayers(), q, pop, state_.capital[j], state_.land[j], v.transfer[j]);
    const double own = std::pow(utility(tech_, state_.amenity[j], I, pop, v.price_index[j], q), eps);
    const double stay = own * rebate_pow;
    return stay * state_.registered[j] / (stay + v.leaving_weight[j]) + own * hukou_pow * inflow_weight;
  };
  for (std::size_t a = 0; a < b; ++a) A[a * b + a] = 1.0;
  const double L1 = population * std::exp(h);
  const FactorPrices T0 = clear(population), T1 = clear(L1);
  const double lhat0 = std::log(attracted(prices, population));
  for (int f = 0; f < 3; ++f) {
    if (unknowns_.factor_slot[f] < 0) continue;
    const auto row = static_cast<std::size_t>(unknowns_.factor_slot[f]);
    A[row * b + pop_slot] = -(std::log(T1[f]) - std::log(T0[f])) / h;
    FactorPrices q = prices;
    q[f] *= std::exp(h);
    A[pop_slot * b + row] = -(std::log(attracted(q, population)) - lhat0) / h;
  }
  A[pop_slot * b + pop_slot] = 1.0 - (std::log(attracted(prices, L1)) - lhat0) / h;
  // Invert the small block; a singular one falls back to the identity for this region.
  if (invert_small(A, b)) {
    std::copy(A.begin(), A.end(), inverse);
  } else {
    for (std::size_t a = 0; a < b; ++a) inverse[a * b + a] = 1.0;
  }
}

bool NationalPreconditioner::jacobian_times(const double* x, const double* G_at_x, const double* t, double* w) {
  const std::size_t n = state_.size() * static_cast<std::size_t>(unknowns_.block);
  std::vector<double> shifted(n), G(n);
  const double h = 1e-7;  // the unknowns are logs of O(1) scale; t is M⁻¹ of a ±1 indicator
  for (std::size_t k = 0; k < n; ++k) shifted[k] = x[k] + h * t[k];
  residual_(shifted.data(), G.data());
  for (std::size_t k = 0; k < n; ++k) w[k] = (G[k] - G_at_x[k]) / h;
  return residual_.log().in_domain();
}

void NationalPreconditioner::apply_blocks(const double* r, double* y) const {
  const std::size_t b = static_cast<std::size_t>(unknowns_.block);
  for (std::size_t j = 0; j < state_.size(); ++j) {
    const double* inv = &block_inverse_[j * b * b];
    for (std::size_t a = 0; a < b; ++a) {
      double s = 0;
      for (std::size_t k = 0; k < b; ++k) s += inv[a * b + k] * r[j * b + k];
      y[j * b + a] = s;
    }
  }
}

void NationalPreconditioner::apply(const double* r, double* y) const {
  if (coarse_ && coarse_->ready()) {  // y = M⁻¹ Q r
    coarse_input_.resize(state_.size() * static_cast<std::size_t>(unknowns_.block));
    coarse_->apply(r, coarse_input_.data());
    apply_blocks(coarse_input_.data(), y);
  } else {
    apply_blocks(r, y);
  }
}

void NationalPreconditioner::state_names(std::vector<std::string>& names) const {
  if (coarse_) names.emplace_back(kCoarseName);
  if (recycler_) {
    KrylovRecycler::State st;
    for (const auto& f : recycled_fields(st)) names.emplace_back(f.name);
    names.emplace_back(kRecycledDrift);
  }
}

void NationalPreconditioner::append_state(std::vector<SolverArray>& arrays) const {
  const auto b = static_cast<std::size_t>(unknowns_.block);
  if (coarse_ && coarse_->ready())
    arrays.push_back({kCoarseName, static_cast<int>(coarse_->row_width()), coarse_->region_rows()});
  if (recycler_) {
    auto st = recycler_->state(state_.size(), b);
    for (const auto& f : recycled_fields(st))
      if (*f.count > 0) arrays.push_back({f.name, static_cast<int>(*f.count * b), std::move(*f.rows)});
    if (st.kept > 0) arrays.push_back({kRecycledDrift, static_cast<int>(st.kept), std::move(st.drift), false});
  }
}

void NationalPreconditioner::restore_state(const std::vector<SolverArray>& arrays) {
  const auto b = static_cast<std::size_t>(unknowns_.block);
  if (coarse_) {
    const SolverArray* a = find_array(arrays, kCoarseName);
    if (a && a->per_region && static_cast<std::size_t>(a->width) == coarse_->row_width())
      coarse_->restore(a->rows);
    else
      coarse_->reset();
  }
  if (recycler_) {
    KrylovRecycler::State st;
    for (const auto& f : recycled_fields(st))
      if (const SolverArray* a = find_array(arrays, f.name); a && a->per_region) {
        *f.count = static_cast<std::size_t>(a->width) / b;
        *f.rows = a->rows;
      }
    if (const SolverArray* a = find_array(arrays, kRecycledDrift); a && !a->per_region) st.drift = a->rows;
    recycler_->restore(st, state_.size(), b);  // a mismatch (it cannot be one run's) leaves it empty
  }
}

}  // namespace regio
