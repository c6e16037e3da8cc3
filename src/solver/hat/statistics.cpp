#include "regio/hat/statistics.hpp"

#include <cmath>
#include <functional>

namespace regio::hat {

namespace {
// Σ over regions (in region order) of per-owned-region values computed by `f(ln, n)`.
template <class F>
double region_sum(const Layout& layout, F f) {
  std::vector<double> part(static_cast<std::size_t>(layout.num_owned()));
  for (int ln = 0; ln < layout.num_owned(); ++ln) part[ln] = f(ln, layout.owned()[ln]);
  return layout.ordered_sum(part);
}

// Σ over the units u = (n, g) of the regions inside the choice set (region order) of
// `term(lu, u)`, lu = ln·G + g the unit's owned index.
template <class F>
double unit_sum(const BaseYear& b, const Layout& layout, F term) {
  const int G = b.G();
  return region_sum(layout, [&](int ln, std::int64_t n) {
    double t = 0;
    if (b.outside[n]) return 0.0;
    for (int g = 0; g < G; ++g) t += term(static_cast<std::size_t>(ln * G + g), n * G + g);
    return t;
  });
}

// Real GDP: Σ_u φ_u V̂_u L̂_u, φ_u ∝ V_u L_u (post_simulate.m:153).
double real_gdp(const BaseYear& b, const Layout& layout, const HatState& st) {
  const double weight =
      unit_sum(b, layout, [&](std::size_t, std::int64_t u) { return b.real_income[u] * b.employment[u]; });
  return unit_sum(b, layout,
                  [&](std::size_t lu, std::int64_t u) {
                    return b.real_income[u] * b.employment[u] * st.real_income[lu] * st.employment[lu];
                  }) /
         weight;
}

struct Welfare {
  double tombe_zhu = 0;  // Σ_u ω_u Φ_u^(1/ε), ω_u ∝ R_u V_u C_u m_uu^(−1/ε); without migration real GDP
  double log_mean = 1;   // MODEL.md §7: exp(R-weighted mean of log Φ_u^(1/ε)); without, of log V̂ by L
};

// Welfare with migration (post_simulate.m:72): the hukou units' expected utility changes Φ_u^(1/ε).
Welfare welfare_with_migration(const BaseYear& b, const Layout& layout, const HatState& st, double R_total) {
  const double eps = b.par.migration_elasticity;
  const std::int64_t U = b.units();
  auto own_share = [&](std::size_t lu, std::int64_t u) { return b.migration_shares[lu * U + u]; };
  auto omega = [&](std::size_t lu, std::int64_t u) {
    return b.registered[u] * b.real_income[u] * st.rebate_base[lu] * std::pow(own_share(lu, u), -1 / eps);
  };
  const double om = unit_sum(b, layout, omega);
  Welfare w;
  w.tombe_zhu =
      unit_sum(b, layout, [&](std::size_t lu, std::int64_t u) { return omega(lu, u) * st.expected_utility[lu]; }) / om;
  w.log_mean = std::exp(
      unit_sum(b, layout,
               [&](std::size_t lu, std::int64_t u) { return b.registered[u] * std::log(st.expected_utility[lu]); }) /
      R_total);
  return w;
}

// Welfare without migration: real GDP, and the L-weighted mean of log V̂_u.
Welfare welfare_fixed_labour(const BaseYear& b, const Layout& layout, const HatState& st, double gdp) {
  const double L_total = unit_sum(b, layout, [&](std::size_t, std::int64_t u) { return b.employment[u]; });
  Welfare w;
  w.tombe_zhu = gdp;
  w.log_mean = std::exp(
      unit_sum(b, layout,
               [&](std::size_t lu, std::int64_t u) { return b.employment[u] * std::log(st.real_income[lu]); }) /
      L_total);
  return w;
}

// Spending-weighted shares bought from other regions inside (internal) and from outside
// (international), over the regions inside (post_simulate.m:129-137), before and after.
struct TradeShares {
  double internal_base, international_base, internal_new, international_new;
};

// Σ_s Σ_{i≠n} π_nis X_ns over exporters i outside (`foreign`) or inside: region n's base imports.
double base_imports(const BaseYear& b, int ln, std::int64_t n, bool foreign) {
  const int S = b.S();
  const std::int64_t N = b.N();
  double t = 0;
  for (int s = 0; s < S; ++s) {
    const double* pi = b.trade_shares.data() + (static_cast<std::size_t>(ln) * S + s) * N;
    for (std::int64_t i = 0; i < N; ++i)
      if (i != n && static_cast<bool>(b.outside[i]) == foreign) t += pi[i] * b.spending[n * S + s];
  }
  return t;
}

TradeShares trade_shares(const BaseYear& b, const Layout& layout, const HatState& st) {
  const int S = b.S();
  auto inside_region = [&](std::int64_t n, double v) { return b.outside[n] ? 0.0 : v; };
  const double X0 = region_sum(layout, [&](int, std::int64_t n) {
    double x = 0;
    for (int s = 0; s < S; ++s) x += b.spending[n * S + s];
    return inside_region(n, x);
  });
  const double X1 = region_sum(layout, [&](int ln, std::int64_t n) {
    double x = 0;
    for (int s = 0; s < S; ++s) x += st.spending_new[ln * S + s];
    return inside_region(n, x);
  });
  auto share = [&](double X, auto imports) {
    return region_sum(layout, [&](int ln, std::int64_t n) { return inside_region(n, imports(ln, n)); }) / X;
  };
  TradeShares t;
  t.internal_base = share(X0, [&](int ln, std::int64_t n) { return base_imports(b, ln, n, false); });
  t.international_base = share(X0, [&](int ln, std::int64_t n) { return base_imports(b, ln, n, true); });
  t.internal_new = share(X1, [&](int ln, std::int64_t) { return st.domestic_imports_new[ln]; });
  t.international_new = share(X1, [&](int ln, std::int64_t) { return st.foreign_imports_new[ln]; });
  return t;
}

// Hukou holders living in another unit of their province (within) / in another province
// (between), as shares of Σ_u R_u, before and after; NaN without migration shares.
struct MigrantShares {
  double within_base = NAN, between_base = NAN, within_new = NAN, between_new = NAN;
};

MigrantShares migrant_shares(const BaseYear& b, const Layout& layout, const HatSystem& sys, double R_total) {
  MigrantShares ms;
  if (!b.has_migration) return ms;
  const HatState& st = sys.state();
  const int G = b.G();
  const std::int64_t U = b.units();
  auto base_share = [&](std::size_t lu, std::int64_t u, bool same) {  // R_u Σ_{v≠u} m_uv, v in / out of u's province
    double t = 0;
    for (std::int64_t v = 0; v < U; ++v)
      if (v != u && (b.province_of[v / G] == b.province_of[u / G]) == same) t += b.migration_shares[lu * U + v];
    return b.registered[u] * t;
  };
  ms.within_base =
      unit_sum(b, layout, [&](std::size_t lu, std::int64_t u) { return base_share(lu, u, true); }) / R_total;
  ms.between_base =
      unit_sum(b, layout, [&](std::size_t lu, std::int64_t u) { return base_share(lu, u, false); }) / R_total;
  ms.within_new = ms.within_base, ms.between_new = ms.between_base;
  if (!sys.migration()) return ms;
  ms.within_new =
      unit_sum(b, layout, [&](std::size_t lu, std::int64_t u) { return b.registered[u] * st.within_share_new[lu]; }) /
      R_total;
  ms.between_new =
      unit_sum(b, layout, [&](std::size_t lu, std::int64_t u) { return b.registered[u] * st.between_share_new[lu]; }) /
      R_total;
  return ms;
}

}  // namespace

NationalChanges national_statistics(const BaseYear& b, const Layout& layout, const HatSystem& sys) {
  const HatState& st = sys.state();
  NationalChanges c;
  c.real_gdp = real_gdp(b, layout, st);
  const double R_total = unit_sum(b, layout, [&](std::size_t, std::int64_t u) { return b.registered[u]; });
  const Welfare w = sys.migration() ? welfare_with_migration(b, layout, st, R_total)
                                    : welfare_fixed_labour(b, layout, st, c.real_gdp);
  c.welfare_tombe_zhu = w.tombe_zhu;
  c.welfare_log_mean = w.log_mean;
  const TradeShares t = trade_shares(b, layout, st);
  c.internal_trade_base = t.internal_base, c.internal_trade_new = t.internal_new;
  c.international_trade_base = t.international_base, c.international_trade_new = t.international_new;
  const MigrantShares ms = migrant_shares(b, layout, sys, R_total);
  c.within_province_base = ms.within_base, c.within_province_new = ms.within_new;
  c.between_provinces_base = ms.between_base, c.between_provinces_new = ms.between_new;
  c.migration = sys.migration();
  return c;
}

std::vector<CostStatistic> migration_cost_statistics(const BaseYear& b, const Layout& layout) {
  const int G = b.G();
  const std::int64_t U = b.units();
  const double eps = b.par.migration_elasticity;
  const std::string sw = G == 2 ? b.par.groups[0] + "_" + b.par.groups[1] : "group_switch";
  // Classes of pairs u ≠ v (Tombe & Zhu's Table5.m masks).
  struct Class {
    std::string name;
    std::function<bool(int gu, int gv, bool same_prov)> in;
  };
  std::vector<Class> classes{{"overall", [](int, int, bool) { return true; }},
                             {sw, [](int gu, int gv, bool) { return gu != gv; }},
                             {sw + "_within_province", [](int gu, int gv, bool sp) { return gu != gv && sp; }},
                             {sw + "_between_provinces", [](int gu, int gv, bool sp) { return gu != gv && !sp; }},
                             {"between_provinces", [](int, int, bool sp) { return !sp; }}};
  for (int g = 0; g < G; ++g)
    classes.push_back({"between_provinces_within_" + b.par.groups[g],
                       [g](int gu, int gv, bool sp) { return !sp && gu == g && gv == g; }});
  classes.push_back({"within_province", [](int, int, bool sp) { return sp; }});
  const std::size_t C = classes.size();
  std::vector<std::vector<double>> weight(C, std::vector<double>(static_cast<std::size_t>(layout.num_owned()), 0.0)),
      inv_cost = weight;
  std::vector<double> R_owned(static_cast<std::size_t>(layout.num_owned()), 0.0);
  for (int ln = 0; ln < layout.num_owned(); ++ln) {
    const std::int64_t n = layout.owned()[ln];
    if (b.outside[n]) continue;
    for (int g = 0; g < G; ++g) {
      const std::int64_t u = n * G + g;
      const std::size_t lu = static_cast<std::size_t>(ln * G + g);
      const double* m = b.migration_shares.data() + lu * U;
      const double C0 = rebate_factor(b.par, b.rent_over_wage(n, g), m[u], b.registered[u]);
      R_owned[ln] += b.registered[u];
      for (std::int64_t v = 0; v < U; ++v) {
        if (v == u || m[v] <= 0) continue;
        const double inv_mu = std::pow(m[v] / m[u], 1 / eps) * C0 * b.real_income[u] / b.real_income[v];
        const double w = b.registered[u] * m[v];
        const bool same = b.province_of[v / G] == b.province_of[n];
        for (std::size_t c = 0; c < C; ++c)
          if (classes[c].in(g, static_cast<int>(v % G), same)) weight[c][ln] += w, inv_cost[c][ln] += w * inv_mu;
      }
    }
  }
  const double R_total = layout.ordered_sum(R_owned);
  std::vector<CostStatistic> out;
  for (std::size_t c = 0; c < C; ++c) {
    const double w = layout.ordered_sum(weight[c]), wi = layout.ordered_sum(inv_cost[c]);
    out.push_back({classes[c].name, w / wi, w / R_total});
  }
  return out;
}

}  // namespace regio::hat
