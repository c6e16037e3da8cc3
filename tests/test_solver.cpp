// The Newton–Krylov driver (snes_driver.cpp) on small distributed systems with known roots:
// regio's forcing terms do not oversolve the last step, and the inexact-Newton backtracking
// line search globalises Newton where full steps diverge or leave the domain. Runs at 1–4 ranks.
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "regio/krylov_recycling.hpp"
#include "regio/province_coarse.hpp"
#include "regio/snes_driver.hpp"

using namespace regio;

namespace {

constexpr std::size_t kOwned = 50;  // unknowns per rank

int rank_of_world() {
  int r = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &r);
  return r;
}

SolverParams tolerances(double atol) {
  SolverParams p;
  p.atol = atol;
  p.rtol = 0;
  p.max_iterations = 50;
  return p;
}

// G_i(x) = d_i (x_i − t_i) + (x_i − t_i)³ with d_i spread over [1, 20] (GMRES needs many
// iterations on such a spectrum, so the forcing terms matter) and root x = t.
struct Cubic {
  std::vector<double> d, t;
  Cubic() {
    const int r = rank_of_world();
    for (std::size_t k = 0; k < kOwned; ++k) {
      const double u = double((r * 37 + int(k) * 11) % 97) / 96.0;
      d.push_back(1 + 19 * u);
      t.push_back(0.5 + u);
    }
  }
  bool operator()(const double* x, double* G) const {
    for (std::size_t k = 0; k < kOwned; ++k) {
      const double e = x[k] - t[k];
      G[k] = d[k] * e + e * e * e;
    }
    return true;
  }
};

}  // namespace

// A caller that has evaluated G(x0) already hands it to SNES (SNESSetInitialFunction): one
// evaluation fewer, bitwise the same iterates. Given on every rank, including ranks that own
// no unknowns (collective).
TEST(Solver, InitialResidualFromTheCallerIsNotEvaluatedAgain) {
  const Cubic cubic;
  int calls = 0;
  const ResidualFunction G = [&](const double* x, double* g) {
    ++calls;
    return cubic(x, g);
  };
  const std::vector<double> x0(kOwned, 0.0);
  const auto fresh = solve_nonlinear(PETSC_COMM_WORLD, "fresh_", 1, x0, G, tolerances(1e-10));
  const int fresh_calls = calls;
  std::vector<double> G0(kOwned);
  cubic(x0.data(), G0.data());
  calls = 0;
  const auto reused = solve_nonlinear(PETSC_COMM_WORLD, "reused_", 1, x0, G, tolerances(1e-10), nullptr, nullptr, &G0);
  ASSERT_TRUE(fresh.converged && reused.converged);
  EXPECT_EQ(calls, fresh_calls - 1);
  EXPECT_EQ(reused.x, fresh.x);
  EXPECT_EQ(reused.nonlinear_iterations, fresh.nonlinear_iterations);
}

TEST(Solver, ForcingStopsNearTheToleranceInsteadOfOversolving) {
  const Cubic G;
  const std::vector<double> x0(kOwned, 0.0);
  const double atol = 1e-10;
  const auto run = solve_nonlinear(PETSC_COMM_WORLD, "forcing_", 1, x0, G, tolerances(atol));
  ASSERT_TRUE(run.converged) << run.reason_text;
  EXPECT_LE(run.residual_norm, atol);
  // The last linear solve only asks for what reaches atol (η ≥ 0.5 atol/‖F‖): the final residual
  // lands within a few orders of atol, not at round-off as with a tight fixed tolerance.
  EXPECT_GE(run.residual_norm, 1e-4 * atol);
  for (std::size_t k = 0; k < kOwned; ++k) EXPECT_NEAR(run.x[k], G.t[k], 1e-9);

  // The same solve with a fixed tight linear tolerance costs more Krylov iterations.
  PetscOptionsSetValue(nullptr, "-tight_ksp_rtol", "1e-6");
  const auto tight = solve_nonlinear(PETSC_COMM_WORLD, "tight_", 1, x0, G, tolerances(atol));
  PetscOptionsClearValue(nullptr, "-tight_ksp_rtol");
  ASSERT_TRUE(tight.converged);
  EXPECT_LT(run.linear_iterations, tight.linear_iterations);
}

// A residual that throws (here on every rank, at the same call, as regio's collective errors
// do) stops the solve with that exception, and PETSc prints no error traceback: the user sees
// regio's one-line message only.
TEST(Solver, ExceptionInResidualPropagatesWithoutPetscTraceback) {
  const Cubic shape;
  int calls = 0;
  auto G = [&](const double* x, double* out) {
    if (++calls == 3) throw std::runtime_error("residual failed on purpose");
    return shape(x, out);
  };
  const std::vector<double> x0(kOwned, 0.0);
  std::string message;
  testing::internal::CaptureStderr();
  try {
    solve_nonlinear(PETSC_COMM_WORLD, "throwing_", 1, x0, G, tolerances(1e-10));
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(message, "residual failed on purpose");
  EXPECT_EQ(printed.find("PETSC ERROR"), std::string::npos) << printed;
  // The solver still works afterwards (PETSc's error handler is restored).
  const auto again = solve_nonlinear(PETSC_COMM_WORLD, "after_throw_", 1, x0, shape, tolerances(1e-10));
  EXPECT_TRUE(again.converged) << again.reason_text;
}

// G_i(x) = atan(x_i − t_i): full Newton steps diverge from |x − t| > 1.39; outside |x − t| < 20
// the residual reports a domain error. The line search must still reach the root.
TEST(Solver, LineSearchGlobalisesNewtonAndBacksOffFromDomainErrors) {
  const Cubic shape;  // reuse its targets
  int domain_errors = 0;
  auto G = [&](const double* x, double* out) {
    bool inside = true;
    for (std::size_t k = 0; k < kOwned; ++k) {
      const double e = x[k] - shape.t[k];
      inside = inside && std::abs(e) < 20;
      out[k] = std::atan(e);
    }
    int local = inside ? 0 : 1, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
    domain_errors += any;
    return any == 0;
  };
  std::vector<double> x0(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) x0[k] = shape.t[k] + (k % 2 ? 3.0 : -2.5);
  const auto run = solve_nonlinear(PETSC_COMM_WORLD, "globalised_", 1, x0, G, tolerances(1e-10));
  ASSERT_TRUE(run.converged) << run.reason_text << " " << run.history;
  for (std::size_t k = 0; k < kOwned; ++k) EXPECT_NEAR(run.x[k], shape.t[k], 1e-9);

  // Without a line search the same start fails (the test above is not vacuous).
  PetscOptionsSetValue(nullptr, "-plain_snes_linesearch_type", "basic");
  const auto plain = solve_nonlinear(PETSC_COMM_WORLD, "plain_", 1, x0, G, tolerances(1e-10));
  PetscOptionsClearValue(nullptr, "-plain_snes_linesearch_type");
  EXPECT_FALSE(plain.converged);
  EXPECT_GT(domain_errors, 0);
}

// The recycled preconditioner is J⁻¹ on the span of the recorded images and the base
// preconditioner on their orthogonal complement.
TEST(Solver, RecycledSpaceIsExactOnItsImagesAndBaseElsewhere) {
  const int r = rank_of_world();
  // J = diag(d) + u vᵀ (a dense rank-one coupling across ranks), applied collectively.
  std::vector<double> d(kOwned), u(kOwned), v(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) {
    d[k] = 1.0 + double((r * 13 + int(k) * 7) % 17);
    u[k] = std::sin(double(r * 100 + int(k)));
    v[k] = std::cos(double(r * 50 + int(k)));
  }
  auto J = [&](const std::vector<double>& z) {
    double local = 0, vz = 0;
    for (std::size_t k = 0; k < kOwned; ++k) local += v[k] * z[k];
    MPI_Allreduce(&local, &vz, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    std::vector<double> w(kOwned);
    for (std::size_t k = 0; k < kOwned; ++k) w[k] = d[k] * z[k] + u[k] * vz;
    return w;
  };
  KrylovRecycler recycler(PETSC_COMM_WORLD, 8);
  std::vector<std::vector<double>> zs;
  for (int p = 0; p < 5; ++p) {
    std::vector<double> z(kOwned);
    for (std::size_t k = 0; k < kOwned; ++k) z[k] = std::cos(double(p * 31 + r * 7 + int(k) * (p + 1)));
    const auto w = J(z);
    recycler.record(z.data(), w.data(), kOwned);
    zs.push_back(z);
  }
  // A pair already in the span is dropped.
  {
    std::vector<double> z(kOwned), w;
    for (std::size_t k = 0; k < kOwned; ++k) z[k] = 2 * zs[0][k] - zs[3][k];
    w = J(z);
    recycler.record(z.data(), w.data(), kOwned);
  }
  recycler.commit();
  EXPECT_EQ(recycler.size(), 5u);
  auto base = [](const double* in, double* out) {
    for (std::size_t k = 0; k < kOwned; ++k) out[k] = 0.5 * in[k];
  };
  // r = J (z0 + 2 z4): P⁻¹ r must return z0 + 2 z4.
  std::vector<double> z(kOwned), y(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) z[k] = zs[0][k] + 2 * zs[4][k];
  const auto rhs = J(z);
  recycler.apply(rhs.data(), y.data(), kOwned, base);
  for (std::size_t k = 0; k < kOwned; ++k) EXPECT_NEAR(y[k], z[k], 1e-10);
  // A vector orthogonal to the images gets the base preconditioner: project a random vector
  // out of span(W) with the recycler itself (apply with base = 0 returns Z Wᵀ r only).
  std::vector<double> q(kOwned), zw(kOwned), t(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) q[k] = std::sin(double(3 * k + 11 * r + 1));
  recycler.apply(q.data(), zw.data(), kOwned, [](const double*, double* out) {
    for (std::size_t k = 0; k < kOwned; ++k) out[k] = 0;
  });
  const auto Jzw = J(zw);  // = W Wᵀ q
  std::vector<double> perp(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) perp[k] = q[k] - Jzw[k];
  recycler.apply(perp.data(), t.data(), kOwned, base);
  for (std::size_t k = 0; k < kOwned; ++k) EXPECT_NEAR(t[k], 0.5 * perp[k], 1e-10);
}

// A checkpoint carries the recycler as per-block rows (kept pairs, recorded pairs not yet added,
// the last Jacobian's point): a recycler restored from them must act bitwise the same, now and
// after the pending pairs are committed; sizes that do not fit leave it empty on every rank.
TEST(Solver, RecyclerStateRestoresBitwise) {
  const int r = rank_of_world();
  constexpr std::size_t kBlock = 5, kBlocks = kOwned / kBlock;
  static_assert(kOwned % kBlock == 0);
  auto vec = [&](int p) {
    std::vector<double> z(kOwned);
    for (std::size_t k = 0; k < kOwned; ++k) z[k] = std::cos(double(p * 17 + r * 5 + int(k) * (p + 2)));
    return z;
  };
  KrylovRecycler a(PETSC_COMM_WORLD, 6), b(PETSC_COMM_WORLD, 6);
  auto x = vec(50);
  a.new_jacobian(x.data(), kOwned);
  for (int p = 0; p < 4; ++p) {  // kept
    const auto z = vec(p), w = vec(p + 10);
    a.record(z.data(), w.data(), kOwned);
  }
  a.commit();
  for (int p = 4; p < 6; ++p) {  // recorded, not yet added
    const auto z = vec(p), w = vec(p + 10);
    a.record(z.data(), w.data(), kOwned);
  }
  const auto st = a.state(kBlocks, kBlock);
  EXPECT_EQ(st.kept, 4u);
  EXPECT_EQ(st.pending, 2u);
  EXPECT_EQ(st.bases, 1u);
  EXPECT_EQ(st.images.size(), 4 * kOwned);
  ASSERT_TRUE(b.restore(st, kBlocks, kBlock));
  auto base = [](const double* in, double* out) {
    for (std::size_t k = 0; k < kOwned; ++k) out[k] = 0.25 * in[k];
  };
  const auto q = vec(99);
  std::vector<double> ya(kOwned), yb(kOwned);
  auto same = [&](const char* when) {
    a.apply(q.data(), ya.data(), kOwned, base);
    b.apply(q.data(), yb.data(), kOwned, base);
    for (std::size_t k = 0; k < kOwned; ++k) ASSERT_EQ(ya[k], yb[k]) << when << " " << k;
  };
  same("restored");
  a.new_jacobian(x.data(), kOwned);  // same point: both add their pending pairs
  b.new_jacobian(x.data(), kOwned);
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(b.size(), 6u);
  same("after the pending pairs");
  auto wrong = st;
  wrong.kept = 3;  // rows of 4 pairs
  EXPECT_FALSE(b.restore(wrong, kBlocks, kBlock));
  EXPECT_EQ(b.size(), 0u);
}

namespace {
// Record the p-th of a set of linearly independent test pairs (z, w) on this rank.
void record_test_pair(KrylovRecycler& recycler, int p, int rank) {
  std::vector<double> z(kOwned), w(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k)
    z[k] = std::cos(double(p * 13 + rank + int(k) * (p + 1))), w[k] = std::sin(double(p * 7 + int(k) * (p + 3)));
  recycler.record(z.data(), w.data(), kOwned);
}
}  // namespace

// Pairs carried from solve to solve are dropped once the Jacobian's point has moved by more than
// max_drift in all since they were recorded, and all of them after one move beyond max_step.
TEST(Solver, RecycledPairsAgeOutByDrift) {
  const int r = rank_of_world();
  KrylovRecycler recycler(PETSC_COMM_WORLD, 10);
  ASSERT_EQ(recycler.max_step, 0.1);
  ASSERT_EQ(recycler.max_drift, 0.2);
  std::vector<double> x(kOwned, 0.0);
  auto record = [&](int p) { record_test_pair(recycler, p, r); };
  auto move = [&](double by) {  // only rank 0 moves: the verdict must still be global
    if (r == 0) x[0] += by;
    recycler.new_jacobian(x.data(), kOwned);
  };
  recycler.new_jacobian(x.data(), kOwned);
  record(0), record(1);
  move(0.0);  // the first two, drift 0
  EXPECT_EQ(recycler.size(), 2u);
  record(2);
  move(0.09);  // old pairs at 0.09, the new one at 0.09
  EXPECT_EQ(recycler.size(), 3u);
  move(0.09);  // all at 0.18
  EXPECT_EQ(recycler.size(), 3u);
  record(3);
  move(0.05);  // the first three at 0.23: dropped; the fourth at 0.05
  EXPECT_EQ(recycler.size(), 1u);
  move(0.11);  // one move beyond max_step forgets everything
  EXPECT_EQ(recycler.size(), 0u);
}

// A step beyond max_step keeps the pairs when the caller estimates that the Jacobian changed by
// at most max_change over it; the pairs then drift by that estimate, not by the step.
TEST(Solver, RecycledPairsSurviveALargeStepThatBarelyChangedTheJacobian) {
  const int r = rank_of_world();
  KrylovRecycler recycler(PETSC_COMM_WORLD, 10);
  ASSERT_EQ(recycler.max_change, 0.2);
  std::vector<double> x(kOwned, 0.0);
  auto record = [&](int p) { record_test_pair(recycler, p, r); };
  auto step = [&](double by, double change) {
    if (r == 0) x[0] += by;
    recycler.new_jacobian(x.data(), kOwned, change);
  };
  recycler.new_jacobian(x.data(), kOwned);
  record(0), record(1);
  step(0.5, 0.15);  // far, nearly linear: kept, drift 0.15
  EXPECT_EQ(recycler.size(), 2u);
  record(2);
  step(0.01, 0.3);  // near: the move (0.01) is the drift; 0.16 and 0.01
  EXPECT_EQ(recycler.size(), 3u);
  step(0.5, 0.05);  // 0.21 (dropped) and 0.06
  EXPECT_EQ(recycler.size(), 1u);
  step(0.5, 0.25);  // far and changed: everything goes
  EXPECT_EQ(recycler.size(), 0u);
  record(3);
  step(0.5, -1);  // no estimate: the move decides, as before
  EXPECT_EQ(recycler.size(), 0u);
}

// A shift along an exact symmetry (translate_base) moves the recorded point with the unknowns,
// so the pairs survive it; the same shift unannounced is a move beyond max_step.
TEST(Solver, RecycledPairsSurviveATranslationOfTheirPoint) {
  const int r = rank_of_world();
  std::vector<double> x(kOwned, 0.0), shift(kOwned, 0.0);
  for (std::size_t k = 0; k < kOwned; k += 2) shift[k] = 5.4;  // e.g. the log prices only
  for (bool announced : {true, false}) {
    KrylovRecycler recycler(PETSC_COMM_WORLD, 10);
    std::fill(x.begin(), x.end(), 0.0);
    recycler.translate_base(shift);  // no point yet: ignored
    recycler.new_jacobian(x.data(), kOwned);
    for (int p = 0; p < 3; ++p) record_test_pair(recycler, p, r);
    recycler.new_jacobian(x.data(), kOwned);
    ASSERT_EQ(recycler.size(), 3u);
    for (std::size_t k = 0; k < kOwned; ++k) x[k] += shift[k];
    if (announced) recycler.translate_base(shift);
    x[1] += 0.05;  // and a small Newton step
    recycler.new_jacobian(x.data(), kOwned);
    EXPECT_EQ(recycler.size(), announced ? 3u : 0u) << (announced ? "announced" : "unannounced");
  }
}

// Within one nonlinear solve, the products of earlier Newton steps cut the Krylov iterations
// of later ones when the Jacobian's slow directions persist, as the economy's do (a few
// coupled modes apart from a clustered rest): G(x) = D e + Σ_m u_m (v_mᵀ e) + 0.05 e³,
// e = x − t, with D in [1, 1.2] and three global rank-one couplings.
TEST(Solver, RecyclingReducesKrylovIterations) {
  const int r = rank_of_world();
  constexpr int kModes = 3;
  constexpr std::size_t kOwned = 400;  // enough unknowns for the clustered part to matter
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  std::vector<double> target(kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) target[k] = 0.5 + double((r * 37 + int(k) * 11) % 97) / 96.0;
  std::vector<double> d(kOwned), u(kModes * kOwned), v(kModes * kOwned);
  for (std::size_t k = 0; k < kOwned; ++k) {
    d[k] = 1.0 + 0.2 * double((r * 37 + int(k) * 11) % 97) / 96.0;
    for (int m = 0; m < kModes; ++m) {
      u[m * kOwned + k] = std::sin(double((m + 1) * (r * 100 + int(k))));
      v[m * kOwned + k] = -1.6 / double(size * kOwned) * std::sin(double((m + 1) * (r * 100 + int(k))) + 0.3 * m);
    }
  }
  auto G = [&](const double* x, double* out) {
    double local[kModes] = {}, ve[kModes] = {};
    for (int m = 0; m < kModes; ++m)
      for (std::size_t k = 0; k < kOwned; ++k) local[m] += v[m * kOwned + k] * (x[k] - target[k]);
    MPI_Allreduce(local, ve, kModes, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    for (std::size_t k = 0; k < kOwned; ++k) {
      const double e = x[k] - target[k];
      out[k] = d[k] * e + 0.05 * e * e * e;
      for (int m = 0; m < kModes; ++m) out[k] += u[m * kOwned + k] * ve[m];
    }
    return true;
  };
  const std::vector<double> x0(kOwned, 0.0);
  auto with = tolerances(1e-10), without = tolerances(1e-10);
  with.recycle = 40;
  without.recycle = 0;
  const auto a = solve_nonlinear(PETSC_COMM_WORLD, "recycled_", 1, x0, G, with);
  const auto b = solve_nonlinear(PETSC_COMM_WORLD, "plainkrylov_", 1, x0, G, without);
  ASSERT_TRUE(a.converged && b.converged);
  std::printf("Krylov iterations with recycling %d, without %d\n", a.linear_iterations, b.linear_iterations);
  EXPECT_LE(a.linear_iterations + 3, b.linear_iterations);  // measured: 13–14 vs 17 at 1–4 ranks
  for (std::size_t k = 0; k < kOwned; ++k) EXPECT_NEAR(a.x[k], target[k], 1e-9);
}

// The coarse correction makes the preconditioned operator exact on province-uniform vectors:
// with J block-diagonal by province (dense inside), R J Q Z c = c for any coarse vector c.
TEST(Solver, ProvinceCoarseCorrectionIsExactOnProvinceAverages) {
  const int r = rank_of_world();
  constexpr int kBlock = 2;
  constexpr std::size_t kRegions = 12, kProvinces = 3;  // per rank; province = region % 3
  std::vector<std::size_t> group(kRegions);
  std::vector<double> sign(kRegions);
  for (std::size_t j = 0; j < kRegions; ++j) {
    group[j] = j % kProvinces;
    sign[j] = (group[j] + static_cast<std::size_t>(r)) % 2 ? 1.0 : -1.0;
  }
  const std::size_t n = kRegions * kBlock;
  // J: within a province every unknown couples to every other (dense), none across provinces.
  std::vector<double> J(n * n, 0.0);
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t c = 0; c < n; ++c)
      if (group[a / kBlock] == group[c / kBlock])
        J[a * n + c] = (a == c ? 3.0 : 0.0) + 0.2 * std::sin(double(a * 7 + c * 3 + r)) + 0.1;
  auto times = [&](const double* t, double* w) {
    for (std::size_t a = 0; a < n; ++a) {
      double s = 0;
      for (std::size_t c = 0; c < n; ++c) s += J[a * n + c] * t[c];
      w[a] = s;
    }
    return true;
  };
  auto identity = [&](const double* v, double* t) { std::copy(v, v + n, t); };
  ProvinceCoarseCorrection coarse(PETSC_COMM_WORLD, group, sign, kBlock);
  coarse.build(identity, times);
  ASSERT_TRUE(coarse.ready());
  // r = Z c, q = Q r, then the province averages of J q must be c again.
  std::vector<double> c(kProvinces * kBlock), zc(n), q(n), Jq(n), avg(kProvinces * kBlock, 0.0);
  for (std::size_t k = 0; k < c.size(); ++k) c[k] = std::cos(double(k + 5 * r));
  for (std::size_t j = 0; j < kRegions; ++j)
    for (int f = 0; f < kBlock; ++f) zc[j * kBlock + f] = c[group[j] * kBlock + f];
  coarse.apply(zc.data(), q.data());
  times(q.data(), Jq.data());
  for (std::size_t j = 0; j < kRegions; ++j)
    for (int f = 0; f < kBlock; ++f) avg[group[j] * kBlock + f] += Jq[j * kBlock + f] / double(kRegions / kProvinces);
  for (std::size_t k = 0; k < c.size(); ++k) EXPECT_NEAR(avg[k], c[k], 1e-12) << k;
  // A vector with zero province averages passes through unchanged.
  std::vector<double> zero_mean(n), out(n);
  for (std::size_t j = 0; j < kRegions; ++j)
    for (int f = 0; f < kBlock; ++f)
      zero_mean[j * kBlock + f] = (j < kProvinces ? 1.0 : j < 2 * kProvinces ? -1.0 : 0.0) * (f + 1);
  coarse.apply(zero_mean.data(), out.data());
  for (std::size_t k = 0; k < n; ++k) EXPECT_NEAR(out[k], zero_mean[k], 1e-14) << k;
}

// Inside a province the coupling is close to rank one, u bᵀ: every region's unknowns respond
// alike (u uniform) to the others' prices and people, which act in proportion to their size
// (b). With R weighted by b the correction is exact for J = I + u bᵀ (then J Q = I); the plain
// average leaves c·1·(b − mean b)ᵀ for GMRES.
TEST(Solver, ProvinceCoarseCorrectionWithSizeWeightsIsExactForRankOneCoupling) {
  const int r = rank_of_world();
  constexpr std::size_t kRegions = 10, kProvinces = 2;  // per rank; province = region % 2
  std::vector<std::size_t> group(kRegions);
  std::vector<double> sign(kRegions), size(kRegions);
  for (std::size_t j = 0; j < kRegions; ++j) {
    group[j] = j % kProvinces;
    sign[j] = (group[j] + static_cast<std::size_t>(r)) % 2 ? 1.0 : -1.0;
    size[j] = std::exp(1.5 * std::sin(double(3 * j + r)));  // lognormal-like sizes, 0.2–4.5
  }
  const double c = 0.8;  // J = I + c 1 bᵀ in each province, b = size / Σ_province size
  std::vector<double> total(kProvinces, 0.0);
  for (std::size_t j = 0; j < kRegions; ++j) total[group[j]] += size[j];
  auto times = [&](const double* t, double* w) {
    std::vector<double> bt(kProvinces, 0.0);
    for (std::size_t j = 0; j < kRegions; ++j) bt[group[j]] += size[j] / total[group[j]] * t[j];
    for (std::size_t j = 0; j < kRegions; ++j) w[j] = t[j] + c * bt[group[j]];
    return true;
  };
  auto identity = [&](const double* v, double* t) { std::copy(v, v + kRegions, t); };
  std::vector<double> v(kRegions), q(kRegions), Jq(kRegions);
  for (std::size_t j = 0; j < kRegions; ++j) v[j] = std::cos(double(5 * j + 2 * r));
  auto worst = [&](const ProvinceCoarseCorrection& coarse) {  // max |J Q v − v|
    coarse.apply(v.data(), q.data());
    times(q.data(), Jq.data());
    double e = 0;
    for (std::size_t j = 0; j < kRegions; ++j) e = std::max(e, std::abs(Jq[j] - v[j]));
    return e;
  };
  ProvinceCoarseCorrection weighted(PETSC_COMM_WORLD, group, sign, 1), plain(PETSC_COMM_WORLD, group, sign, 1);
  weighted.build(identity, times, size);  // normalised inside: the sizes themselves will do
  plain.build(identity, times);
  ASSERT_TRUE(weighted.ready() && plain.ready());
  EXPECT_LT(worst(weighted), 1e-14);
  // The plain average leaves exactly c (bᵀv − mean v) in each province.
  plain.apply(v.data(), q.data());
  times(q.data(), Jq.data());
  std::vector<double> bv(kProvinces, 0.0), mean(kProvinces, 0.0);
  for (std::size_t j = 0; j < kRegions; ++j)
    bv[group[j]] += size[j] / total[group[j]] * v[j], mean[group[j]] += v[j] / double(kRegions / kProvinces);
  for (std::size_t j = 0; j < kRegions; ++j) EXPECT_NEAR(Jq[j] - v[j], c * (bv[group[j]] - mean[group[j]]), 1e-14) << j;
  EXPECT_GT(std::abs(bv[0] - mean[0]) + std::abs(bv[1] - mean[1]), 0.01);  // and that is not nothing
  // Weights that are not finite and positive make that province uniform: then as `plain`.
  auto bad = size;
  bad[0] = -1.0, bad[1] = std::nan("");
  ProvinceCoarseCorrection fallback(PETSC_COMM_WORLD, group, sign, 1);
  fallback.build(identity, times, bad);
  ASSERT_TRUE(fallback.ready());
  EXPECT_EQ(fallback.region_rows(), plain.region_rows());
}

// Checkpoints carry the coarse correction as one row per region (its province's Ã⁻¹ − I and the
// region's weight in R), and a restart may own the regions in another order: restore must give
// back the same operator, and refuse rows that disagree within a province, are not finite, or
// whose weights do not add up to 1 in a province.
TEST(Solver, ProvinceCoarseCorrectionRestoresFromRegionRows) {
  const int r = rank_of_world();
  constexpr int kBlock = 2;
  constexpr std::size_t kRegions = 8, kProvinces = 2;
  const std::size_t n = kRegions * kBlock, bb = kBlock * kBlock, width = bb + 1;
  std::vector<std::size_t> group(kRegions), regrouped(kRegions);
  std::vector<double> sign(kRegions, 1.0), weight(kRegions);
  for (std::size_t j = 0; j < kRegions; ++j)
    group[j] = j % kProvinces, regrouped[j] = 1 - j / (kRegions / kProvinces), weight[j] = 1.0 + double((j * 5) % 7);
  auto times = [&](const double* t, double* w) {  // province-dependent dense coupling
    for (std::size_t a = 0; a < n; ++a) {
      double s = 2.0 * t[a];
      for (std::size_t c = 0; c < n; ++c)
        if (group[a / kBlock] == group[c / kBlock])
          s += 0.05 * (1 + group[a / kBlock] + r) * std::cos(double(a + 2 * c)) * t[c];
      w[a] = s;
    }
    return true;
  };
  auto identity = [&](const double* v, double* t) { std::copy(v, v + n, t); };
  ProvinceCoarseCorrection built(PETSC_COMM_WORLD, group, sign, kBlock);
  EXPECT_TRUE(built.region_rows().empty());  // nothing to carry before it is built
  built.build(identity, times, weight);
  ASSERT_TRUE(built.ready());
  const auto rows = built.region_rows();
  ASSERT_EQ(built.row_width(), width);
  ASSERT_EQ(rows.size(), kRegions * width);
  // The same regions, province slots numbered differently (another decomposition's order).
  std::vector<double> permuted(rows.size());
  std::vector<std::size_t> where(kRegions);  // region j of `built` is region where[j] of `restored`
  std::size_t next[kProvinces] = {0, 0};
  for (std::size_t j = 0; j < kRegions; ++j) {
    const std::size_t slot = 1 - group[j];  // province group[j] is slot 1 − group[j] in `regrouped`
    std::size_t k = 0, seen = 0;
    for (; k < kRegions; ++k)
      if (regrouped[k] == slot && seen++ == next[group[j]]) break;
    ++next[group[j]];
    where[j] = k;
    std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(j * width), width,
                permuted.begin() + static_cast<std::ptrdiff_t>(k * width));
  }
  ProvinceCoarseCorrection restored(PETSC_COMM_WORLD, regrouped, sign, kBlock);
  restored.restore(permuted);
  ASSERT_TRUE(restored.ready());
  std::vector<double> v(n), v_perm(n), a(n), b(n);
  for (std::size_t j = 0; j < kRegions; ++j)
    for (int f = 0; f < kBlock; ++f)
      v[j * kBlock + f] = std::sin(double(3 * j + f + r)), v_perm[where[j] * kBlock + f] = v[j * kBlock + f];
  built.apply(v.data(), a.data());
  restored.apply(v_perm.data(), b.data());
  for (std::size_t j = 0; j < kRegions; ++j)
    for (int f = 0; f < kBlock; ++f) EXPECT_EQ(a[j * kBlock + f], b[where[j] * kBlock + f]) << j;
  // Rows that differ inside a province (on any rank) leave it not ready on every rank.
  auto broken = permuted;
  if (r == 0) broken[width] += 1e-3;  // regions 0 and 1 of `regrouped` share province slot 1
  restored.restore(broken);
  EXPECT_FALSE(restored.ready());
  auto nonfinite = permuted;
  if (r == 0) nonfinite[0] = std::nan("");
  restored.restore(nonfinite);
  EXPECT_FALSE(restored.ready());
  auto unbalanced = permuted;  // weights of a province that do not add up to 1
  if (r == 0) unbalanced[bb] *= 1.5;
  restored.restore(unbalanced);
  EXPECT_FALSE(restored.ready());
  restored.restore(std::vector<double>(3, 0.0));  // wrong size
  EXPECT_FALSE(restored.ready());
  // Rows of the width before the weights were stored (Ã⁻¹ − I only) are refused too.
  std::vector<double> old_width(kRegions * bb, 0.0);
  restored.restore(old_width);
  EXPECT_FALSE(restored.ready());
}
