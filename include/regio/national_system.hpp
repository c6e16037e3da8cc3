#pragma once
// The national system (MODEL.md §2, "Decomposition of the work"): the coupled trade and
// migration equilibrium over all regions, solved with PETSc SNES on a Vec laid out by the
// decomposition.
//
// Formulation (nonlinear elimination / left nonlinear preconditioning): the unknowns of region
// i are x_i = (log w_i, log r_i, log q_i, log L_i), keeping only the factor markets that exist
// and log L only with migration on. The residual is
//   G_f(x)_i = log x_f,i − log T_f,i(x)     for each factor market f,
//   G_L(x)_i = log L_i − log Σ_o R_o m_oi(x),
// where T_i(x) is the LOCAL CLEARING of region i: the exact solution of its three factor
// markets with the national terms (market access, price indices, P̄) evaluated at x. Newton–
// Krylov (matrix-free, Eisenstat–Walker) on G converges in a handful of steps because local
// clearing removes the stiff own-price responses; G = x − T(x) also lets users pick
// -national_snes_type anderson/ngmres/qn (accelerated Gauss–Jacobi). See docs/numerics.md.
#include <mpi.h>

#include <algorithm>
#include <memory>

#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/memory_budget.hpp"
#include "regio/kernels.hpp"
#include "regio/krylov_recycling.hpp"
#include "regio/layout.hpp"
#include "regio/province_coarse.hpp"
#include "regio/solver_state.hpp"
#include "regio/petsc_util.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct SolveStats {
  int nonlinear_iterations = 0;
  int linear_iterations = 0;
  int residual_evaluations = 0;
  double residual_norm = 0;
  double initial_residual_norm = 0;  // ‖G(x₀)‖ of the (first) solve: how far the start was
  double seconds = 0;
  std::string reason;
};

// Quantities at the last evaluated point. Owned-region vectors are indexed by j (and j*S+s);
// *_all vectors are global (CSV order) and were exchanged anyway by the residual.
struct EquilibriumView {
  std::vector<double> price_index;        // P_n
  std::vector<double> income;             // I_n (including transfers)
  std::vector<double> transfer;           // T_n (fiscal_transfer policies; Σ T = 0)
  std::vector<double> investment;         // J_n
  std::vector<double> expenditure;        // X_ns
  std::vector<double> phi;                // Φ_ns
  std::vector<double> revenue;            // R_is
  std::vector<double> market_access;      // MA_is
  std::vector<double> utility;            // U_d
  std::vector<double> migration_denominator;  // D_o = Σ_k (U_k/μ_ok)^ε
  std::vector<double> population_demand;  // Σ_o R_o m_od
  std::vector<double> inflow;             // Σ_{o≠d} L_od (migrants living in d), summed directly
  std::vector<double> leaving_weight;     // Σ_{d≠o} (U_d/μ_od)^ε = D_o − U_o^ε, summed directly
  std::vector<double> price_pow_all;      // p_ks^−θ_s, N×S
  std::vector<double> attraction_all;     // U_k^ε h_k^−ε, N
  double price_level = 1;                 // P̄ = Σ L P / Σ L
  double total_saving = 0;                // Σ_k S_k
  double pooled_saving = 0;               // (1 − ϕ) Σ_k S_k − NX: what the national capital market allocates
  // Rest of the world (external.enabled; zeros otherwise).
  std::vector<double> external_pow;       // τ_nWs^−θ_s p_W^−θ_s (owned × S)
  std::vector<double> external_demand;    // X_Ws = IM_s + η_s NX (S)
  std::vector<double> external_phi;       // Φ_Ws = Σ_k (τ_Wks p_ks)^−θ_s (S)
  double net_exports = 0;                 // NX
};

// Fiscal rules in force (MODEL.md §4, fiscal_transfer policies), for the owned regions. With Y_n
// the pre-transfer income wL + rK + qH:
//   T_n = t_f (Σ_pool Y / Σ_pool L − Y_n/L_n) L_n [n ∈ pool]  +  f (Σ_all Y · L_n/Σ_recip L [n ∈ recip] − Y_n),
// so Σ_n T_n = 0 by construction (equalisation within the pool; a targeted grant of a share f of
// national income to the recipients per resident, financed by a proportional levy f on all).
struct FiscalRegime {
  double equalisation_rate = 0;   // t_f
  std::vector<char> pool;         // owned j in the equalisation pool
  double targeted_share = 0;      // f
  std::vector<char> recipient;    // owned j receiving the targeted grant
  bool active() const { return equalisation_rate > 0 || targeted_share > 0; }
};

class NationalSystem {
 public:
  // Equilibrium: the within-epoch equilibrium of MODEL.md §2 (what `regio run` solves).
  // Calibration: populations are held at the state's (observed) values, migration is not
  // solved, and each region gets one more unknown, the log shift c_i of its productivity, with
  // the local inversion (invert_local_productivity) replacing local clearing so that every
  // region's GDP equals `observed_gdp` (MODEL.md §6). On success the shift is folded into
  // state.log_productivity.
  enum class Mode { Equilibrium, Calibration };

  // Collective. Builds the owned rows of τ^−θ and μ^−ε from the global geography.
  // `costs`: effective distances and border costs (nullptr: from the scenario, no links).
  NationalSystem(const Scenario& sc, const Layout& layout, const GlobalGeography& geo, EconomyState& state,
                 Mode mode = Mode::Equilibrium, std::vector<double> observed_gdp = {},
                 std::shared_ptr<const TransportCosts> costs = nullptr);
  NationalSystem(const NationalSystem&) = delete;
  NationalSystem& operator=(const NationalSystem&) = delete;

  // Collective. Solve the current epoch's equilibrium starting from state.prices/population,
  // and store the solution back in the state. Throws SolverError (on every rank) if SNES
  // does not converge, naming the reason and the regions with the largest residuals.
  SolveStats solve(const std::string& context);

  // Collective. Evaluate at the state's current unknowns (fills view()).
  void refresh();

  // Collective. New bilateral costs (infrastructure, market integration): rebuilds the kernel rows.
  void set_costs(std::shared_ptr<const TransportCosts> costs);
  const TransportCosts& costs() const { return *costs_; }
  // Fiscal rules from now on (owned-region flags sized like the state).
  void set_fiscal_regime(FiscalRegime regime) { fiscal_ = std::move(regime); }
  const FiscalRegime& fiscal_regime() const { return fiscal_; }
  // Factors on τ_nW of the owned regions (external policies); recomputes τ_nW^−θ if they change.
  void set_external_cost_factors(std::vector<double> factors);
  std::vector<double> external_cost_factors() const {
    return external_factor_.empty() ? std::vector<double>(n_own_, 1.0) : external_factor_;
  }

  const EquilibriumView& view() const { return view_; }
  const Technology& technology() const { return tech_; }
  const Layout& layout() const { return layout_; }
  const GlobalGeography& geography() const { return geo_; }
  // τ_iks^−θ_s for owned i = j (symmetric in i, k) and the symmetric part of μ^−ε (0 on the
  // diagonal; the destination barrier h_d^−ε is applied separately).
  const double* trade_row(std::size_t s, std::size_t j) const { return kernels_->trade(s, j); }
  const double* migration_row(std::size_t j) const { return kernels_->migration(j); }
  const KernelRows& kernels() const { return *kernels_; }
  // solver.kernels' decision over all ranks (collective; build_kernels keeps this rank's).
  KernelStorageSummary kernel_storage_summary() const;
  bool migration_enabled() const { return migration_; }
  double migration_elasticity() const { return epsilon_; }

  // Block layout of the unknowns of one region.
  int block_size() const { return block_; }

  // Solver state carried from one epoch's solve to the next: the province coarse correction
  // Ã⁻¹ − I (per owned region, its province's block) and the recycled Krylov pairs (per owned
  // region, its entries of each vector). Checkpoints carry it (solver_state_names, solver_state,
  // restore_solver_state), so a restart continues exactly as the uninterrupted run; any
  // decomposition can restore it.
  std::vector<std::string> solver_state_names() const;
  std::vector<SolverArray> solver_state() const;  // same names and widths on every rank
  void restore_solver_state(const std::vector<SolverArray>& arrays);  // collective
  // The coarse correction alone (tests): width, whether it is built, its per-region rows.
  int preconditioner_width() const { return coarse_ ? static_cast<int>(coarse_->row_width()) : 0; }
  bool has_preconditioner_state() const { return coarse_ && coarse_->ready(); }  // same on every rank
  std::vector<double> preconditioner_rows() const { return coarse_ ? coarse_->region_rows() : std::vector<double>{}; }
  // The warm start of the next solve (solver.warm_start_order): called once per epoch after its
  // solve(s). Keeps the solution; with `trend_continues` (this epoch and the last one are both
  // ordinary years: from epoch 2 on, no policy taking effect now) also the step from the last
  // epoch's solution, after the earlier steps of the trend from which the next solve extrapolates.
  void record_epoch_solution(bool trend_continues);
  // The point the next solve starts from before the price-level check, and the unknowns of the
  // current state (tests).
  std::vector<double> warm_start_guess() const;
  std::vector<double> current_unknowns() const {
    std::vector<double> x;
    pack(x);
    return x;
  }
  // Multiply every Ā and every active factor price of the state by c (MODEL.md §6 level
  // normalisation, Simulation). In logs that is a symmetry of the residual, G(x + log c; cĀ) =
  // G(x; Ā) at every x (nearly so in an open economy, whose rest of the world keeps its prices),
  // so the Jacobian and the Krylov pairs carried to the next solve stay valid: only their
  // record of where the Jacobian was moves with the prices (before, the shift of log c, 5.4 on
  // the synthetic economies, dropped them as a large Newton step would).
  void scale_level(double c);
  // The economy's regime changed (a policy took effect): drop the state carried from earlier
  // solves, so that the next one probes the coarse correction afresh instead of waiting for a
  // slow linear solve to show it stale, recycles no old Krylov pairs, and does not extrapolate
  // the old trend.
  void forget_carried_state() {
    if (coarse_) coarse_->reset();
    if (recycler_) recycler_->clear();
    trend_steps_.clear();
  }

  // Totals over the life of this object (benchmarks): residual evaluations and their seconds
  // on this rank, and the bytes of kernel rows one residual streams on this rank.
  long total_residual_evaluations() const { return total_evaluations_; }
  double total_residual_seconds() const { return total_residual_seconds_; }
  double kernel_bytes_per_residual() const;

  // Diagnostics hook for tests: G at the state's current unknowns (owned entries).
  std::vector<double> residual_at_state();

 private:
  void evaluate(const double* x, double* G);  // collective
  // The two kernel passes of a residual. Each owned row n is read once: its row sum, then (from
  // cache) its column contributions (row_products.hpp), which reduce_sum adds over the ranks.
  //  trade:     Φ_ns = Σ_k τ_nks^−θ price_cols[s·N + k] + external_pow[n·S + s] (into phi) and
  //             ma_partial_[s·N + k] += τ_nks^−θ X_ns/Φ_ns;
  //  migration: leaving_weight_o = Σ_k μ̃_ok^−ε attraction[k], denominator_o = U_o^ε + leaving_weight_o,
  //             outflow_o = R_o/denominator_o, inflow_partial_[k] += μ̃_ok^−ε outflow_o.
  void trade_pass(const double* price_cols, const double* expenditure, const double* external_pow, double* phi);
  void migration_pass(const double* attraction, const double* own_pow, double* leaving_weight, double* denominator,
                      double* outflow);
  std::size_t row_block() const;
  void pack(std::vector<double>& x) const;    // state -> unknowns
  void unpack(const double* x, std::vector<FactorPrices>& p, std::vector<double>& L) const;
  void unpack_shift(const double* x);
  void setup_capital_weights();
  void update_hukou_barriers();  // h_d^−ε of the owned regions from the state
  void build_kernels();
  void setup_external();  // τ_nW^−θ of the owned regions (nearest port by effective distance)
  // Transfers T_n at pre-transfer incomes Y (owned) and populations L (collective if active).
  void compute_transfers(const std::vector<double>& Y, const std::vector<double>& L, std::vector<double>& T) const;
  // The exact own-purchase terms of region j's local clearing at the last evaluated point.
  void own_market(std::size_t j, const double* own_price_pow, OwnMarket& own);
  std::vector<double> own_trade_pow_;  // τ_ii^−θ_s (owned × S)
  std::vector<double> own_scratch_;
  bool local_own_market_ = true;
  std::string worst_regions(const double* G) const;  // collective
  // Block-diagonal preconditioner: per region, ∂G_i/∂x_i with the national terms frozen at x
  // (the coupling of a region's own population with its own prices), inverted.
  // krylov_iterations: of the linear solve before this Jacobian update (stale coarse correction).
  void setup_preconditioner(const double* x, int krylov_iterations);
  void apply_preconditioner(const double* r, double* y) const;
  void apply_blocks(const double* r, double* y) const;  // the per-region blocks M⁻¹
  void setup_coarse();
  // Collective. Evaluate G at x0 into G0; rescale the prices (and x0) if P̄(x0) is far from 1.
  // True if G0 is G(x0) for SNES to start from; false if SNES must evaluate x0 (rescaled, or
  // outside the domain). The same on every rank.
  bool put_price_level_right(std::vector<double>& x0, std::vector<double>& G0);
  // w = J t by a forward difference around x, where G is G_at_x (collective; false outside
  // the domain).
  bool jacobian_times(const double* x, const double* G_at_x, const double* t, double* w);
  std::unique_ptr<ProvinceCoarseCorrection> coarse_;  // solver.province_coarse
  std::unique_ptr<KrylovRecycler> recycler_;          // solver.recycle, carried across epochs
  mutable std::vector<double> coarse_input_;
  std::vector<double> last_G_;  // G of the last evaluation (kept only with the coarse correction or carried pairs)
  int jacobian_updates_ = 0;    // in this solve
  std::vector<double> block_inverse_;  // n_own × block × block
  std::vector<double> last_x_;         // unknowns of the last evaluation (view_ belongs to it)
  // Solution of the last epoch and the steps that led to it, newest first (Δx_t, Δx_{t−1}, …:
  // owned unknowns, logs), as far back as the trend reaches. Carried in checkpoints.
  static constexpr std::size_t kTrendSteps = 3;
  std::vector<double> last_solution_;
  std::vector<std::vector<double>> trend_steps_;

  const Scenario& sc_;
  const Layout& layout_;
  const GlobalGeography& geo_;
  EconomyState& state_;
  Technology tech_;
  std::size_t N_ = 0, n_own_ = 0, S_ = 0;
  Mode mode_ = Mode::Equilibrium;
  std::vector<double> observed_gdp_;  // owned (calibration)
  std::vector<double> shift_;         // owned log productivity shifts c_i (calibration)
  int shift_slot_ = -1;
  bool migration_ = true;
  double epsilon_ = 1;
  int block_ = 0;
  std::vector<int> factor_slot_;  // slot of factor f in the block, -1 if inactive
  int pop_slot_ = -1;
  std::shared_ptr<const TransportCosts> costs_;
  std::unique_ptr<KernelRows> kernels_;  // rows of τ^−θ and μ̃^−ε
  // This rank's kernel storage decision (build_kernels): stored or not, the bytes stored rows
  // need, and the memory available to the rank.
  struct KernelChoice {
    bool stored = false;
    double needed_bytes = 0;
    MemoryLimit memory;
  };
  KernelChoice kernel_choice_;
  FiscalRegime fiscal_;
  std::vector<double> external_factor_;  // owned; empty = all 1
  std::vector<double> cols_;           // scratch: an exchanged N×S array by columns
  std::vector<std::vector<std::size_t>> group_sectors_;  // sectors of each θ-group (they share a trade row)
  std::vector<const double*> product_rows_, product_vectors_;  // scratch of the row passes
  std::vector<double*> scatter_vectors_;
  std::vector<const float*> product_rows_single_;
  std::vector<double> product_block_, coefficient_block_;
  std::vector<double> ma_partial_, inflow_partial_;  // this rank's column sums (S×N, N)
  std::vector<double> capital_weight_; // ω_n (owned)
  std::vector<double> hukou_pow_;      // h_d^−ε (owned)
  EquilibriumView view_;
  std::vector<FactorPrices> scratch_prices_;
  std::vector<double> scratch_pop_, scratch_local_;
  int evaluations_ = 0;
  long total_evaluations_ = 0;
  double total_residual_seconds_ = 0;
  bool local_failure_ = false;
};

}  // namespace regio
