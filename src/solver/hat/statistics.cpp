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
}  // namespace

std::vector<Statistic> national_statistics(const BaseYear& b, const Layout& layout, const HatSystem& sys) {
  const HatState& st = sys.state();
  const int S = b.S(), G = b.G();
  const std::int64_t N = b.N(), U = b.units();
  const double eps = b.par.migration_elasticity;
  auto inside_units = [&](int ln, std::int64_t n, auto term) {
    double t = 0;
    if (b.outside[n]) return 0.0;
    for (int g = 0; g < G; ++g) t += term(static_cast<std::size_t>(ln * G + g), n * G + g);
    return t;
  };
  // Real GDP: Σ_u φ_u V̂_u L̂_u, φ_u ∝ V_u L_u (post_simulate.m:153).
  const double gdp_w = region_sum(layout, [&](int ln, std::int64_t n) {
    return inside_units(ln, n, [&](std::size_t, std::int64_t u) { return b.real_income[u] * b.employment[u]; });
  });
  const double gdp = region_sum(layout,
                                [&](int ln, std::int64_t n) {
                                  return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                                    return b.real_income[u] * b.employment[u] * st.real_income[lu] * st.employment[lu];
                                  });
                                }) /
                     gdp_w;
  // Welfare: with migration Σ_u ω_u Φ_u^(1/ε), ω ∝ R_u V_u C_u m_uu^(−1/ε) (post_simulate.m:72); without, real GDP.
  double welfare = gdp, welfare_log = 1;
  const double R_total = region_sum(layout, [&](int ln, std::int64_t n) {
    return inside_units(ln, n, [&](std::size_t, std::int64_t u) { return b.registered[u]; });
  });
  auto own_share = [&](std::size_t lu, std::int64_t u) { return b.migration_shares[lu * U + u]; };
  if (sys.migration()) {
    auto omega = [&](std::size_t lu, std::int64_t u) {
      return b.registered[u] * b.real_income[u] * st.rebate_base[lu] * std::pow(own_share(lu, u), -1 / eps);
    };
    const double om = region_sum(layout, [&](int ln, std::int64_t n) { return inside_units(ln, n, omega); });
    welfare = region_sum(layout,
                         [&](int ln, std::int64_t n) {
                           return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                             return omega(lu, u) * st.expected_utility[lu];
                           });
                         }) /
              om;
    welfare_log = std::exp(region_sum(layout,
                                      [&](int ln, std::int64_t n) {
                                        return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                                          return b.registered[u] * std::log(st.expected_utility[lu]);
                                        });
                                      }) /
                           R_total);
  } else {
    const double L_total = region_sum(layout, [&](int ln, std::int64_t n) {
      return inside_units(ln, n, [&](std::size_t, std::int64_t u) { return b.employment[u]; });
    });
    welfare_log = std::exp(region_sum(layout,
                                      [&](int ln, std::int64_t n) {
                                        return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                                          return b.employment[u] * std::log(st.real_income[lu]);
                                        });
                                      }) /
                           L_total);
  }
  // Trade: spending-weighted import shares of the regions inside (post_simulate.m:129-137).
  auto base_imports = [&](int ln, std::int64_t n, bool foreign) {
    double t = 0;
    for (int s = 0; s < S; ++s) {
      const double* pi = b.trade_shares.data() + (static_cast<std::size_t>(ln) * S + s) * N;
      for (std::int64_t i = 0; i < N; ++i)
        if (i != n && static_cast<bool>(b.outside[i]) == foreign) t += pi[i] * b.spending[n * S + s];
    }
    return t;
  };
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
  const double dom0 =
      region_sum(layout, [&](int ln, std::int64_t n) { return inside_region(n, base_imports(ln, n, false)); }) / X0;
  const double for0 =
      region_sum(layout, [&](int ln, std::int64_t n) { return inside_region(n, base_imports(ln, n, true)); }) / X0;
  const double dom1 =
      region_sum(layout, [&](int ln, std::int64_t n) { return inside_region(n, st.domestic_imports_new[ln]); }) / X1;
  const double for1 =
      region_sum(layout, [&](int ln, std::int64_t n) { return inside_region(n, st.foreign_imports_new[ln]); }) / X1;
  // Migration: hukou holders living in another unit of their province / in another province.
  double within0 = NAN, between0 = NAN, within1 = NAN, between1 = NAN;
  if (b.has_migration) {
    auto base_share = [&](std::size_t lu, std::int64_t u, bool same) {
      double t = 0;
      for (std::int64_t v = 0; v < U; ++v)
        if (v != u && (b.province_of[v / G] == b.province_of[u / G]) == same) t += b.migration_shares[lu * U + v];
      return b.registered[u] * t;
    };
    within0 = region_sum(layout,
                         [&](int ln, std::int64_t n) {
                           return inside_units(ln, n,
                                               [&](std::size_t lu, std::int64_t u) { return base_share(lu, u, true); });
                         }) /
              R_total;
    between0 = region_sum(layout,
                          [&](int ln, std::int64_t n) {
                            return inside_units(
                                ln, n, [&](std::size_t lu, std::int64_t u) { return base_share(lu, u, false); });
                          }) /
               R_total;
    within1 = within0, between1 = between0;
    if (sys.migration()) {
      within1 = region_sum(layout,
                           [&](int ln, std::int64_t n) {
                             return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                               return b.registered[u] * st.within_share_new[lu];
                             });
                           }) /
                R_total;
      between1 = region_sum(layout,
                            [&](int ln, std::int64_t n) {
                              return inside_units(ln, n, [&](std::size_t lu, std::int64_t u) {
                                return b.registered[u] * st.between_share_new[lu];
                              });
                            }) /
                 R_total;
    }
  }
  const double nan = NAN;
  const bool mig = sys.migration();
  return {
      {"real_gdp_pct", 100 * (gdp - 1), "%", "real GDP: Σ_u φ_u V̂_u L̂_u − 1, φ_u ∝ V_u L_u over units inside"},
      {"welfare_pct", 100 * (welfare - 1), "%",
       "welfare: Σ_u ω_u Φ_u^(1/ε) − 1, ω_u ∝ R_u V_u C_u m_uu^(−1/ε) (Tombe & Zhu); without migration = real GDP"},
      {"welfare_logmean_pct", 100 * (welfare_log - 1), "%",
       "MODEL.md §7: exp(R-weighted mean of log Φ_u^(1/ε)) − 1; without migration exp(L-weighted mean of log V̂) − 1"},
      {"internal_trade_pp", 100 * (dom1 - dom0), "pp",
       "change of the spending-weighted share bought from other regions inside"},
      {"international_trade_pp", 100 * (for1 - for0), "pp",
       "change of the spending-weighted share bought from regions outside"},
      {"within_province_migration_pct", mig ? 100 * (within1 / within0 - 1) : nan, "%",
       "change of hukou holders living in another unit of their province"},
      {"between_province_migration_pct", mig ? 100 * (between1 / between0 - 1) : nan, "%",
       "change of hukou holders living in another province"},
      {"internal_trade_share_base", dom0, "share", "base: spending-weighted share bought from other regions inside"},
      {"internal_trade_share_new", dom1, "share", "counterfactual: the same"},
      {"international_trade_share_base", for0, "share", "base: spending-weighted share bought from outside"},
      {"international_trade_share_new", for1, "share", "counterfactual: the same"},
      {"within_province_migrant_share_base", within0, "share", "base: hukou holders in another unit of their province"},
      {"within_province_migrant_share_new", within1, "share", "counterfactual: the same"},
      {"between_province_migrant_share_base", between0, "share", "base: hukou holders in another province"},
      {"between_province_migrant_share_new", between1, "share", "counterfactual: the same"},
  };
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
  double R_part = 0;
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
  (void)R_part;
  const double R_total = layout.ordered_sum(R_owned);
  std::vector<CostStatistic> out;
  for (std::size_t c = 0; c < C; ++c) {
    const double w = layout.ordered_sum(weight[c]), wi = layout.ordered_sum(inv_cost[c]);
    out.push_back({classes[c].name, w / wi, w / R_total});
  }
  return out;
}

}  // namespace regio::hat
