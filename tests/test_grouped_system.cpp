// The levels economy with labour groups (MODEL.md §10, grouped_system.hpp): its equilibrium, its
// accounting, its decomposition invariance, and the hat-algebra solve from its own base-year
// shares as the oracle of a one-epoch counterfactual (MODEL.md §12: same answer to 1e-9).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

#include "regio/base_year_export.hpp"
#include "regio/grouped_system.hpp"
#include "regio/hat/hat_system.hpp"
#include "test_support.hpp"

using namespace regio;
using regio::testing::world;

namespace {

enum class Variant { stayers, residents };  // Tombe & Zhu's case; one land market with capital

hat::HatParameters parameters(Variant v) {
  hat::HatParameters p;
  p.sectors = {"agri", "manu"};
  p.groups = {"rural", "urban"};
  p.group_of_sector = {0, 1};
  p.theta = {4, 5};
  p.final_demand = {0.1, 0.9};
  p.housing_share = 0.13;
  p.migration_elasticity = 1.5;
  const bool tz = v == Variant::stayers;
  p.labour_share = tz ? std::vector<double>{0.287, 0.219} : std::vector<double>{0.3, 0.4};
  p.capital_share = tz ? std::vector<double>{0, 0} : std::vector<double>{0.1, 0.25};
  p.land_share = tz ? std::vector<double>{0.277, 0.025} : std::vector<double>{0.2, 0.05};
  const double split[2] = {0.4, 0.06};  // share of sector s's intermediates bought from agri
  for (int s = 0; s < 2; ++s) {
    const double rest = 1 - p.labour_share[s] - p.capital_share[s] - p.land_share[s];
    p.iota.push_back(rest * split[s]);
    p.iota.push_back(rest - rest * split[s]);
  }
  p.land_by_group = tz;
  p.stayers = tz;
  return p;
}

// 11 regions in 3 provinces; trade and migration costs from random coordinates.
struct World {
  std::vector<double> x, y;  // coordinates, 1000 km
  GroupedEconomy economy;
};

World make_world(Variant v) {
  World w;
  auto& e = w.economy;
  e.par = parameters(v);
  const int N = 11, S = 2, G = 2;
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> u(0, 1);
  e.province_names = {"p0", "p1", "p2"};
  for (int n = 0; n < N; ++n) {
    e.region_ids.push_back("r" + std::to_string(n));
    e.province_of.push_back(n % 3);
    w.x.push_back(2 * u(rng));
    w.y.push_back(2 * u(rng));
    e.capital.push_back(1 + 2 * u(rng));
    e.hukou_pow.push_back(0.6 + 0.4 * u(rng));
    if (!e.par.land_by_group) e.land.push_back(0.5 + u(rng));
    for (int s = 0; s < S; ++s) e.log_productivity.push_back(0.6 * u(rng) - 0.3);
    for (int g = 0; g < G; ++g) {
      e.amenity.push_back(0.8 + 0.4 * u(rng));
      e.registered.push_back((g == 0 ? 2.0 : 1.0) * (1 + u(rng)));
      if (e.par.land_by_group) e.land.push_back(0.5 + 1.5 * u(rng));
    }
  }
  e.employment = e.registered;
  e.group_weights = GroupSwitchWeights::from_costs(G, {1, 2.5, 3.5, 1}, {1.4, 6, 7, 1.2}, e.par.migration_elasticity);
  e.trade_kernels = S;
  return w;
}

// The owned kernel rows of `layout`: τ_nis = (1 + d)^0.4 · 1.5^[other province] · shock^[n ≠ i].
void fill_rows(World& w, const Layout& layout, double trade_shock) {
  auto& e = w.economy;
  const std::size_t N = static_cast<std::size_t>(e.N()), S = 2;
  e.trade_pow.clear();
  e.migration_pow.clear();
  for (auto n : layout.owned())
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t i = 0; i < N; ++i) {
        const double d = std::hypot(w.x[n] - w.x[i], w.y[n] - w.y[i]);
        const bool other = e.province_of[n] != e.province_of[i];
        const double tau =
            static_cast<std::size_t>(n) == i ? 1.0 : std::pow(1 + d, 0.4) * (other ? 1.5 : 1.0) * trade_shock;
        e.trade_pow.push_back(std::pow(tau, -e.par.theta[s]));
      }
  for (auto n : layout.owned())
    for (std::size_t k = 0; k < N; ++k) {
      const double d = std::hypot(w.x[n] - w.x[k], w.y[n] - w.y[k]);
      const double mu = 2.0 * std::pow(1 + d, 0.5) * (e.province_of[n] != e.province_of[k] ? 1.3 : 1.0);
      e.migration_pow.push_back(static_cast<std::size_t>(n) == k ? 0.0 : std::pow(mu, -e.par.migration_elasticity));
    }
}

std::vector<int> owners(int N, int ranks, bool reversed) {
  std::vector<int> o(N);
  for (int n = 0; n < N; ++n) o[n] = reversed ? (ranks - 1 - (n % 3) % ranks) : (n % 3) % ranks;
  return o;
}

// An owned per-unit (or per-region) vector in CSV order on every rank.
std::vector<double> global(const Layout& layout, const std::vector<double>& owned, int width) {
  std::vector<double> all;
  layout.allgather(owned.data(), width, all);
  return all;
}

struct Solved {
  std::vector<double> L, v, own_trade, revenue, spending;  // global
  SolveSummary summary;
};

Solved solve(World& w, const Layout& layout, double trade_shock, std::vector<double>* x = nullptr) {
  fill_rows(w, layout, trade_shock);
  GroupedSystem system(w.economy, layout);
  std::vector<double> x0 = x && !x->empty() ? *x : system.initial_guess();
  Solved out;
  out.summary = system.solve(x0);
  if (x) *x = x0;
  const auto& st = system.state();
  out.L = global(layout, st.employment, 2);
  out.v = global(layout, st.real_income, 2);
  out.own_trade = global(layout, st.own_trade, 2);
  out.revenue = global(layout, st.revenue, 2);
  out.spending = global(layout, st.spending, 2);
  return out;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] / b[k] - 1));
  return m;
}

std::string temp_folder(const std::string& name) {
  auto comm = world();
  long id = comm.rank() == 0 ? static_cast<long>(getpid()) : 0;
  boost::mpi::broadcast(comm, id, 0);
  return (std::filesystem::temp_directory_path() / fmt::format("regio-{}-{}-np{}", name, id, comm.size())).string();
}

}  // namespace

class GroupedSystemTest : public ::testing::TestWithParam<Variant> {};

TEST_P(GroupedSystemTest, EquilibriumAccountsAndIsDecompositionInvariant) {
  auto comm = world();
  World w = make_world(GetParam());
  const Layout a(comm, owners(11, comm.size(), false)), b(comm, owners(11, comm.size(), true));
  const Solved one = solve(w, a, 1.0), two = solve(w, b, 1.0);
  EXPECT_LT(max_rel(one.L, two.L), 1e-10);
  EXPECT_LT(max_rel(one.v, two.v), 1e-10);
  EXPECT_LT(max_rel(one.revenue, two.revenue), 1e-10);
  // Migrants are conserved over units: Σ L = Σ R; trade is balanced: Σ_n X_n = Σ_n R_n.
  const auto& R = w.economy.registered;
  EXPECT_NEAR(std::accumulate(one.L.begin(), one.L.end(), 0.0) / std::accumulate(R.begin(), R.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(std::accumulate(one.spending.begin(), one.spending.end(), 0.0) /
                  std::accumulate(one.revenue.begin(), one.revenue.end(), 0.0),
              1.0, 1e-10);
  // Somebody migrates and the groups differ (a test that cannot pass trivially).
  EXPECT_GT(max_rel(one.L, R), 0.01);
}

TEST_P(GroupedSystemTest, HatAlgebraFromItsOwnSharesGivesTheSameCounterfactual) {
  auto comm = world();
  World w = make_world(GetParam());
  const Layout layout(comm, owners(11, comm.size(), false));
  std::vector<double> x;
  const Solved base = solve(w, layout, 1.0, &x);
  const std::string dir = temp_folder("grouped-base");
  {
    fill_rows(w, layout, 1.0);
    GroupedSystem system(w.economy, layout);
    std::vector<double> f(x.size());
    system.evaluate(x.data(), f.data());
    export_grouped_base_year(dir, w.economy, system);
  }
  const double shock = 1.3;  // every domestic pair n ≠ i, both sectors
  const Solved after = solve(w, layout, shock, &x);

  const hat::BaseYear by = hat::load_base_year(comm, dir, true);
  const Layout hat_layout(comm, by.owners);
  hat::CounterfactualSpec spec;
  spec.trade_costs.push_back(hat::TradeCostShock{"", "", shock, hat::PairScope::all, 0});
  const hat::Shocks shocks = hat::resolve_shocks(by, hat_layout, spec);
  hat::HatSystem hat_system(by, hat_layout, shocks, true);
  std::vector<double> xh(static_cast<std::size_t>(hat_system.local_size()), 0.0);
  hat_system.solve(xh);
  const auto L_hat = global(hat_layout, hat_system.state().employment, 2);
  const auto v_hat = global(hat_layout, hat_system.state().real_income, 2);
  const auto own_hat = global(hat_layout, hat_system.state().own_trade_new, 2);
  double worst = 0;
  for (std::size_t u = 0; u < L_hat.size(); ++u) {
    worst = std::max(worst, std::abs(after.L[u] / base.L[u] / L_hat[u] - 1));
    worst = std::max(worst, std::abs(after.v[u] / base.v[u] / v_hat[u] - 1));
    worst = std::max(worst, std::abs(after.own_trade[u] / own_hat[u] - 1));  // π'_nns (u = n·S + s, S = G)
  }
  EXPECT_LT(worst, 1e-9);
  if (comm.rank() == 0) std::printf("levels vs hat, labour groups: max relative difference %.2e\n", worst);
  EXPECT_GT(max_rel(after.L, base.L), 1e-3);  // the shock moved people
  if (comm.rank() == 0) std::filesystem::remove_all(dir);
  comm.barrier();
}

INSTANTIATE_TEST_SUITE_P(Variants, GroupedSystemTest, ::testing::Values(Variant::stayers, Variant::residents),
                         [](const auto& info) { return info.param == Variant::stayers ? "stayers" : "residents"; });

TEST(GroupedSystem, SharesThatDoNotSumToOneAreAnInputError) {
  auto comm = world();
  World w = make_world(Variant::residents);
  w.economy.par.land_share[1] += 0.01;
  const Layout layout(comm, owners(11, comm.size(), false));
  fill_rows(w, layout, 1.0);
  const std::string msg = regio::testing::input_error([&] { GroupedSystem system(w.economy, layout); });
  EXPECT_NE(msg.find("sector manu: labour, capital, land and intermediate shares sum to 1.01, not 1"),
            std::string::npos)
      << msg;
}

TEST(GroupedSystem, ConversionOfHukouByUnitAgainstTheExplicitShares) {
  // R_u' = (1 + g_u)[R_u − R_u Σ_{v≠u} ρ_v m_uv + ρ_u (L_u − R_u m_uu)] with m from the explicit
  // shares; without growth conversions move registrations and conserve their total.
  auto comm = world();
  World w = make_world(Variant::stayers);
  const Layout layout(comm, owners(11, comm.size(), false));
  fill_rows(w, layout, 1.0);
  GroupedSystem system(w.economy, layout);
  std::vector<double> x = system.initial_guess();
  system.solve(x);
  const std::size_t N = 11, G = 2;
  std::vector<double> rho(N * G), growth(N * G, 0.0), zero(N * G, 0.0);
  for (std::size_t v = 0; v < N * G; ++v) rho[v] = 0.01 + 0.002 * static_cast<double>(v % 7);
  std::vector<double> owned_rows;  // m_uv of the owned units, row by row
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int g = 0; g < 2; ++g) {
      const auto m = system.migration_shares(ln, g);
      owned_rows.insert(owned_rows.end(), m.begin(), m.end());
    }
  const auto m_all = global(layout, owned_rows, static_cast<int>(2 * N * G));  // every unit's row
  const auto L = global(layout, system.state().employment, 2);
  const auto& R = w.economy.registered;
  const auto next = global(layout, system.registered_next(rho, zero), 2);
  double total = 0, worst = 0;
  for (std::size_t u = 0; u < N * G; ++u) {
    const double* m = &m_all[u * N * G];
    double lost = 0;
    for (std::size_t v = 0; v < N * G; ++v)
      if (v != u) lost += rho[v] * m[v];
    const double expected = R[u] - R[u] * lost + rho[u] * (L[u] - R[u] * m[u]);
    worst = std::max(worst, std::abs(next[u] / expected - 1));
    total += next[u];
  }
  EXPECT_LT(worst, 1e-12);
  EXPECT_NEAR(total / std::accumulate(R.begin(), R.end(), 0.0), 1.0, 1e-13);
  EXPECT_GT(max_rel(next, R), 1e-3);
  for (auto& g : growth) g = 0.01;
  const auto grown = global(layout, system.registered_next(rho, growth), 2);
  EXPECT_LT(std::abs(grown[3] / (1.01 * next[3]) - 1), 1e-14);
}
