#pragma once
// The equilibrium residual of the national system (MODEL.md §2; docs/numerics.md). With the
// unknowns x_i = (log w_i, log r_i, log q_i [, log L_i]) of UnknownLayout,
//   G_f(x)_i = log x_f,i − log T_f,i(x)     for each factor market f,
//   G_L(x)_i = log L_i − log Σ_o R_o m_oi(x),
// where T_i(x) is the LOCAL CLEARING of region i: the exact solution of its factor markets with
// the national terms (NationalTerms) evaluated at x. Newton–Krylov on G converges in a handful
// of steps because local clearing removes the stiff own-price responses; G = x − T(x) also lets
// users pick -national_snes_type anderson/ngmres/qn (accelerated Gauss–Jacobi).
#include <vector>

#include <memory>

#include "regio/io_local_block.hpp"
#include "regio/national_terms.hpp"
#include "regio/residual_log.hpp"
#include "regio/unknown_layout.hpp"

namespace regio {

class EquilibriumResidual {
 public:
  EquilibriumResidual(const Scenario& sc, const Technology& tech, const Layout& layout, const EconomyState& st,
                      const UnknownLayout& unknowns, NationalTerms& terms, KernelPasses& passes);

  // Collective. G at x (owned entries); false, on every rank, if x is outside the domain (a
  // local clearing failed or G is not finite).
  bool operator()(const double* x, double* G);

  // The last evaluated point and its G (G only while `keep_last_residual`: the preconditioner's
  // probes and far-start test need it).
  const std::vector<double>& last_x() const { return last_x_; }
  const std::vector<double>& last_residual() const { return last_G_; }
  void keep_last_residual(bool keep) { keep_last_G_ = keep; }
  // Per owned region: 1 if, in the last evaluation, its local markets failed to clear or its
  // entries of G were not finite (the regions a domain error comes from).
  const std::vector<char>& outside_domain() const { return outside_; }
  ResidualLog& log() { return log_; }
  const ResidualLog& log() const { return log_; }
  bool migration() const { return unknowns_.population_slot >= 0; }
  // Region blocks with input–output links (MODEL.md §9), or null without.
  IoLocalBlock* io_block() { return io_block_.get(); }

 private:
  void clear_owned_markets(const std::vector<FactorPrices>& p, const std::vector<double>& L, double* G);
  void migration(const std::vector<double>& L, double* G);
  void clear_owned_blocks(double* G);  // input–output links: io_local_block.hpp

  const Technology& tech_;
  const Layout& layout_;
  const EconomyState& state_;
  const UnknownLayout& unknowns_;
  NationalTerms& terms_;
  KernelPasses& passes_;
  double epsilon_ = 1;
  bool local_failure_ = false;
  bool keep_last_G_ = false;
  ResidualLog log_;
  std::vector<double> last_x_, last_G_;
  std::vector<char> outside_;
  std::vector<FactorPrices> prices_;
  std::vector<double> population_, own_pow_, attraction_, outflow_;
  std::unique_ptr<IoLocalBlock> io_block_;
  std::vector<double> io_log_price_, io_revenue_;
};

}  // namespace regio
