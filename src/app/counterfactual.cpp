// `regio counterfactual`: one exact-hat-algebra counterfactual (MODEL.md §12) from a base-year
// folder and a file of shocks (docs/hat-algebra.md).
//   mpirun -np 2 regio counterfactual inputs/tombe-zhu-2019/table8-internal.yaml --out out/tz-internal
// 1. read the counterfactual file and the base year (rank 0; errors reach every rank as one line);
// 2. write run.yaml (status: running); 3. resolve the shocks and solve with PETSc SNES;
// 4. write the outputs and mark run.yaml complete (or failed, with the error).
#include "regio/hat/counterfactual.hpp"

#include <fmt/format.h>

#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/hat/base_year.hpp"
#include "regio/hat/counterfactual_spec.hpp"
#include "regio/hat/hat_system.hpp"
#include "regio/hat/statistics.hpp"
#include "regio/layout.hpp"
#include "regio/version.hpp"

namespace regio::hat {

namespace fs = std::filesystem;

namespace {

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::localtime(&t));
  return buf;
}

std::string number(double v) { return std::isnan(v) ? "NA" : fmt::format("{:.17g}", v); }

// run.yaml: what was run, and `status:` as its last line (running, failed with error:, complete).
class RunRecord {
 public:
  RunRecord(std::string dir, std::vector<std::pair<std::string, std::string>> keys)
      : dir_(std::move(dir)), keys_(std::move(keys)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) throw InputError(located(dir_, 0, "cannot create the output folder"));
    write("running", "");
  }
  void add(const std::string& k, const std::string& v) { keys_.emplace_back(k, v); }
  void write(const std::string& status, const std::string& error) const {
    const fs::path tmp = fs::path(dir_) / "run.yaml.tmp";
    {
      std::ofstream f(tmp);
      f << "# regio counterfactual record. Trust the outputs only if status is complete.\n";
      for (const auto& [k, v] : keys_) f << k << ": " << v << "\n";
      if (!error.empty()) f << "error: \"" << located("", 0, error) << "\"\n";
      f << "status: " << status << "\n";
      if (!f) throw InputError(located(tmp.string(), 0, "cannot write the run record"));
    }
    fs::rename(tmp, fs::path(dir_) / "run.yaml");
  }

 private:
  std::string dir_;
  std::vector<std::pair<std::string, std::string>> keys_;
};

std::string yaml_text(const std::string& s) { return "\"" + s + "\""; }

// units.csv and sectors.csv: the per-unit and per-region×sector changes, gathered in region order.
void write_changes(const std::string& dir, const BaseYear& b, const Layout& layout, const HatSystem& sys) {
  const HatState& st = sys.state();
  const int S = b.S(), G = b.G();
  const std::int64_t N = b.N();
  auto gather = [&](const std::vector<double>& v, int width) {
    std::vector<double> all;
    layout.allgather(v.data(), width, all);
    return all;
  };
  const auto w = gather(st.wage, G), q = gather(st.land_rent, G), L = gather(st.employment, G),
             V = gather(st.real_income, G), C0 = gather(st.rebate_base, G), C1 = gather(st.rebate_new, G),
             mo = gather(st.own_share_new, G), eu = gather(st.expected_utility, G);
  std::vector<double> pc_owned(st.goods_price), own_m0(static_cast<std::size_t>(layout.num_owned() * G), NAN);
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int g = 0; g < G && b.has_migration; ++g)
      if (!b.outside[layout.owned()[ln]])
        own_m0[ln * G + g] =
            b.migration_shares[static_cast<std::size_t>(ln * G + g) * b.units() + layout.owned()[ln] * G + g];
  const auto pc = gather(pc_owned, 1), m0 = gather(own_m0, G);
  const auto P = gather(st.price, S), R = gather(st.revenue, S), X1 = gather(st.spending_new, S),
             c = gather(st.unit_cost, S), pin = gather(st.own_trade_new, S);
  std::vector<double> pi0_owned(static_cast<std::size_t>(layout.num_owned() * S));
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int s = 0; s < S; ++s)
      pi0_owned[ln * S + s] = b.trade_shares[(static_cast<std::size_t>(ln) * S + s) * N + layout.owned()[ln]];
  const auto pi0 = gather(pi0_owned, S);
  on_root(layout.comm(), [&] {
    std::ofstream u(fs::path(dir) / "units.csv");
    u << "region,province,group,outside,employment_base,registered_base,wage_change,land_rent_change,goods_price_"
         "change,"
         "employment_change,real_income_change,rebate_base,rebate_new,own_share_base,own_share_new,expected_utility_"
         "change\n";
    for (std::int64_t n = 0; n < N; ++n)
      for (int g = 0; g < G; ++g) {
        const std::int64_t k = n * G + g;
        const bool in = !b.outside[n] && sys.migration();
        u << csv::quote(b.region_ids[n]) << ',' << csv::quote(b.provinces[b.province_of[n]]) << ','
          << csv::quote(b.par.groups[g]) << ',' << int(b.outside[n]) << ',' << number(b.employment[k]) << ','
          << number(b.registered[k]) << ',' << number(w[k]) << ',' << number(q[k]) << ',' << number(pc[n]) << ','
          << number(L[k]) << ',' << number(V[k]) << ',' << number(in ? C0[k] : NAN) << ',' << number(in ? C1[k] : NAN)
          << ',' << number(m0[k]) << ',' << number(in ? mo[k] : NAN) << ',' << number(in ? eu[k] : NAN) << '\n';
      }
    std::ofstream s(fs::path(dir) / "sectors.csv");
    s << "region,sector,revenue_base,revenue_change,spending_base,spending_change,price_change,unit_cost_change,"
         "own_trade_share_base,own_trade_share_new\n";
    for (std::int64_t n = 0; n < N; ++n)
      for (int k = 0; k < S; ++k) {
        const std::int64_t i = n * S + k;
        s << csv::quote(b.region_ids[n]) << ',' << csv::quote(b.par.sectors[k]) << ',' << number(b.revenue[i]) << ','
          << number(R[i]) << ',' << number(b.spending[i]) << ',' << number(X1[i] / b.spending[i]) << ',' << number(P[i])
          << ',' << number(c[i]) << ',' << number(pi0[i]) << ',' << number(pin[i]) << '\n';
      }
    if (!u || !s) throw InputError(located(dir, 0, "cannot write units.csv or sectors.csv"));
  });
}

void write_national(const std::string& dir, const std::vector<Statistic>& stats, const SolveSummary& solve,
                    const BaseYear& b, MPI_Comm comm) {
  on_root(comm, [&] {
    std::ofstream f(fs::path(dir) / "national.csv");
    f << "statistic,value,unit,meaning\n";
    for (const auto& s : stats)
      f << s.name << ',' << number(s.value) << ',' << s.unit << ',' << csv::quote(s.meaning) << '\n';
    f << "base_fixed_point_residual," << number(b.fixed_point_residual)
      << ",relative,max |Σ_n π_nis X_ns / R_is − 1| at the base\n";
    f << "base_registered_residual," << number(b.registered_residual)
      << ",relative,max |Σ_u R_u m_uv / L_v − 1| at the base\n";
    f << "newton_iterations," << solve.newton_iterations << ",count,SNES Newton steps\n";
    f << "linear_iterations," << solve.linear_iterations << ",count,GMRES iterations\n";
    f << "residual_norm," << number(solve.residual_norm) << ",norm,2-norm of the residual at the solution\n";
    if (!f) throw InputError(located(dir, 0, "cannot write national.csv"));
  });
}

void write_migration_costs(const std::string& dir, const std::vector<CostStatistic>& costs, MPI_Comm comm) {
  on_root(comm, [&] {
    std::ofstream f(fs::path(dir) / "migration_costs.csv");
    f << "statistic,cost,share\n";
    for (const auto& c : costs) f << c.name << ',' << number(c.cost) << ',' << number(c.share) << '\n';
    if (!f) throw InputError(located(dir, 0, "cannot write migration_costs.csv"));
  });
}

}  // namespace

int counterfactual_command(const boost::mpi::communicator& comm, const CounterfactualOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  const bool talk = comm.rank() == 0 && !opt.quiet;
  // 1. The counterfactual file and its base year.
  CounterfactualSpec spec;
  on_root(comm, [&] { spec = read_counterfactual(opt.file); });
  // (broadcast field by field: the spec is small)
  std::string text_fields[4] = {spec.base_year, spec.output, spec.file, spec.description};
  for (auto& t : text_fields) boost::mpi::broadcast(comm, t, 0);
  if (!opt.output.empty()) text_fields[1] = opt.output;
  const std::string output = text_fields[1].empty() ? "out/counterfactual" : text_fields[1];
  bool migration = spec.migration;
  boost::mpi::broadcast(comm, migration, 0);
  const BaseYear base = load_base_year(comm, text_fields[0], migration);
  const Layout layout(comm, base.owners);
  // 2. The run record.
  std::optional<RunRecord> record;
  on_root(comm, [&] {
    record.emplace(output,
                   std::vector<std::pair<std::string, std::string>>{{"regio_version", yaml_text(kVersion)},
                                                                    {"command", "counterfactual"},
                                                                    {"command_line", yaml_text(opt.command_line)},
                                                                    {"counterfactual", yaml_text(opt.file)},
                                                                    {"description", yaml_text(text_fields[3])},
                                                                    {"base_year", yaml_text(text_fields[0])},
                                                                    {"migration", migration ? "true" : "false"},
                                                                    {"regions", std::to_string(base.N())},
                                                                    {"sectors", std::to_string(base.S())},
                                                                    {"groups", std::to_string(base.G())},
                                                                    {"ranks", std::to_string(comm.size())},
                                                                    {"started", yaml_text(now_text())}});
  });
  if (talk)
    std::printf(
        "regio %s | counterfactual %s | %lld regions, %d sectors, %d groups, migration %s | %d ranks | output %s\n",
        kVersion, opt.file.c_str(), static_cast<long long>(base.N()), base.S(), base.G(), migration ? "on" : "off",
        comm.size(), output.c_str());
  try {
    // 3. Shocks (resolved on rank 0, which holds the spec) and the solve.
    const Shocks shocks = resolve_shocks(base, layout, spec);
    HatSystem system(base, layout, shocks, migration);
    std::vector<double> x(static_cast<std::size_t>(system.local_size()), 0.0);  // hats = 1
    const SolveSummary solved = system.solve(x);
    if (talk)
      std::printf("solved: newton %d (gmres %d, F evals %d) | residual %.2e | %.3f s\n", solved.newton_iterations,
                  solved.linear_iterations, solved.residual_evaluations, solved.residual_norm, solved.seconds);
    // 4. Outputs.
    write_changes(output, base, layout, system);
    write_national(output, national_statistics(base, layout, system), solved, base, comm);
    if (base.has_migration) write_migration_costs(output, migration_cost_statistics(base, layout), comm);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    on_root(comm, [&] {
      record->add("newton_iterations", std::to_string(solved.newton_iterations));
      record->add("residual_norm", fmt::format("{:.3e}", solved.residual_norm));
      record->add("seconds", fmt::format("{:.3f}", seconds));
      record->add("finished", yaml_text(now_text()));
      record->write("complete", "");
    });
  } catch (const std::exception& err) {
    if (comm.rank() == 0 && record) {
      try {
        record->write("failed", err.what());
      } catch (...) {}
    }
    throw;
  }
  if (talk) std::printf("done: outputs in %s (run.yaml status: complete)\n", output.c_str());
  return kExitOk;
}

}  // namespace regio::hat
