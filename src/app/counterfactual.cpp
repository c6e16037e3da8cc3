// `regio counterfactual`: one exact-hat-algebra counterfactual (MODEL.md §12) from a base-year
// folder and a file of shocks (docs/hat-algebra.md).
//   mpirun -np 2 regio counterfactual inputs/tombe-zhu-2019/table8-internal.yaml --out out/tz-internal
// 1. read the counterfactual file and the base year (rank 0; errors reach every rank as one line),
//    provinces to ranks by --decomp or the default partition;
// 2. take the folder (its lock; a folder holding a run only with --overwrite, run_folder.hpp) and
//    write run.yaml (status: running); 3. resolve the shocks and solve with PETSc SNES;
// 4. write the outputs (the output schema's counterfactual files) and mark run.yaml complete
//    (or failed, with the error).
#include "regio/hat/counterfactual.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/counterfactual_output.hpp"
#include "regio/decomposition.hpp"
#include "regio/error.hpp"
#include "regio/hat/base_year.hpp"
#include "regio/hat/counterfactual_spec.hpp"
#include "regio/hat/hat_system.hpp"
#include "regio/hat/statistics.hpp"
#include "regio/layout.hpp"
#include "regio/output.hpp"
#include "regio/output_schema.hpp"
#include "regio/run_folder.hpp"
#include "regio/version.hpp"

namespace regio::hat {

namespace cf = schema::counterfactual;

namespace {

std::string yaml_text(const std::string& s) {
  YAML::Emitter e;
  e << YAML::DoubleQuoted << s;
  return e.c_str();
}

// A map's YAML text as the value of a run.yaml key: on the next lines, indented by two.
std::string nested(const std::string& block) {
  std::string out;
  std::istringstream in(block);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    out += "\n  ";
    out += line;
  }
  return out;
}

const char* scope_name(PairScope p) {
  return p == PairScope::domestic ? "domestic" : p == PairScope::external ? "external" : "all";
}

// The shocks as read (run.yaml `shocks`), in the counterfactual file's terms.
std::string shocks_yaml(const CounterfactualSpec& spec) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "trade_costs" << YAML::Value;
  if (spec.trade_costs.empty()) e << YAML::Flow;
  e << YAML::BeginSeq;
  for (const auto& t : spec.trade_costs) {
    e << YAML::Flow << YAML::BeginMap;
    if (!t.file.empty()) e << YAML::Key << "file" << YAML::Value << YAML::DoubleQuoted << t.file;
    if (t.file.empty()) {
      if (!t.sector.empty()) e << YAML::Key << "sector" << YAML::Value << t.sector;
      e << YAML::Key << "change" << YAML::Value << counterfactual_number(t.change);
    }
    e << YAML::Key << "pairs" << YAML::Value << scope_name(t.pairs) << YAML::EndMap;
  }
  e << YAML::EndSeq;
  const std::pair<const char*, const std::vector<RegionShock>*> region_shocks[] = {
      {"productivity", &spec.productivity}, {"amenity", &spec.amenity}, {"land", &spec.land}};
  for (const auto& [key, list] : region_shocks) {
    e << YAML::Key << key << YAML::Value;
    if (list->empty()) e << YAML::Flow;
    e << YAML::BeginSeq;
    for (const auto& r : *list) {
      e << YAML::Flow << YAML::BeginMap;
      if (!r.sector.empty()) e << YAML::Key << "sector" << YAML::Value << r.sector;
      e << YAML::Key << "regions" << YAML::Value;
      if (r.regions.empty())
        e << "all";
      else
        e << YAML::Flow << r.regions;
      e << YAML::Key << "change" << YAML::Value << counterfactual_number(r.change) << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  e << YAML::Key << "migration_costs" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "within_province"
    << YAML::Value << counterfactual_number(spec.migration_costs.within_province) << YAML::Key << "between_provinces"
    << YAML::Value << counterfactual_number(spec.migration_costs.between_provinces) << YAML::EndMap << YAML::EndMap;
  return nested(e.c_str());
}

// Every rank's values of a per-owned-region vector (`width` per region), in region order.
std::vector<double> gathered(const Layout& layout, const std::vector<double>& owned, int width) {
  std::vector<double> all;
  layout.allgather(owned.data(), width, all);
  return all;
}

// units.csv and sectors.csv: the per-unit and per-region×sector changes, gathered in region order.
void write_changes(const std::string& dir, const BaseYear& b, const Layout& layout, const HatSystem& sys) {
  const HatState& st = sys.state();
  const int S = b.S(), G = b.G();
  const std::int64_t N = b.N();
  std::vector<double> own_m0(static_cast<std::size_t>(layout.num_owned() * G), NAN),
      pi0_owned(static_cast<std::size_t>(layout.num_owned() * S));
  for (int ln = 0; ln < layout.num_owned(); ++ln) {
    const std::int64_t n = layout.owned()[ln];
    for (int g = 0; g < G && b.has_migration; ++g)
      if (!b.outside[n])
        own_m0[ln * G + g] = b.migration_shares[static_cast<std::size_t>(ln * G + g) * b.units() + n * G + g];
    for (int s = 0; s < S; ++s) pi0_owned[ln * S + s] = b.trade_shares[(static_cast<std::size_t>(ln) * S + s) * N + n];
  }
  // Per unit (n·G + g); NA where migration does not apply (outside, or migration off).
  auto unit_values = [&](const std::vector<double>& owned, bool migration_only) {
    std::vector<double> v = gathered(layout, owned, G);
    for (std::int64_t n = 0; n < N; ++n)
      for (int g = 0; g < G && migration_only; ++g)
        if (b.outside[n] || !sys.migration()) v[n * G + g] = NAN;
    return v;
  };
  std::vector<double> goods_price_units(static_cast<std::size_t>(layout.num_owned() * G));
  for (int ln = 0; ln < layout.num_owned(); ++ln)
    for (int g = 0; g < G; ++g) goods_price_units[ln * G + g] = st.goods_price[ln];
  namespace uc = cf::units_csv;
  SchemaTable units(uc::file);
  units.numbers(uc::wage_change, unit_values(st.wage, false));
  units.numbers(uc::land_rent_change, unit_values(st.land_rent, false));
  units.numbers(uc::goods_price_change, unit_values(goods_price_units, false));
  units.numbers(uc::employment_change, unit_values(st.employment, false));
  units.numbers(uc::real_income_change, unit_values(st.real_income, false));
  units.numbers(uc::rebate_base, unit_values(st.rebate_base, true));
  units.numbers(uc::rebate_new, unit_values(st.rebate_new, true));
  units.numbers(uc::own_share_base, unit_values(own_m0, false));
  units.numbers(uc::own_share_new, unit_values(st.own_share_new, true));
  units.numbers(uc::expected_utility_change, unit_values(st.expected_utility, true));
  namespace sc = cf::sectors_csv;
  SchemaTable sectors(sc::file);
  const std::vector<double> X1 = gathered(layout, st.spending_new, S);
  std::vector<double> X_hat(X1.size());
  for (std::size_t i = 0; i < X1.size(); ++i) X_hat[i] = X1[i] / b.spending[i];
  sectors.numbers(sc::revenue_base, b.revenue);
  sectors.numbers(sc::revenue_change, gathered(layout, st.revenue, S));
  sectors.numbers(sc::spending_base, b.spending);
  sectors.numbers(sc::spending_change, X_hat);
  sectors.numbers(sc::price_change, gathered(layout, st.price, S));
  sectors.numbers(sc::unit_cost_change, gathered(layout, st.unit_cost, S));
  sectors.numbers(sc::own_trade_share_base, gathered(layout, pi0_owned, S));
  sectors.numbers(sc::own_trade_share_new, gathered(layout, st.own_trade_new, S));
  on_root(layout.comm(), [&] {
    std::vector<std::string> region, province, group, region_s, sector;
    std::vector<double> outside;
    for (std::int64_t n = 0; n < N; ++n) {
      for (int g = 0; g < G; ++g) {
        region.push_back(b.region_ids[n]);
        province.push_back(b.provinces[b.province_of[n]]);
        group.push_back(b.par.groups[g]);
        outside.push_back(b.outside[n] ? 1 : 0);
      }
      for (int k = 0; k < S; ++k) region_s.push_back(b.region_ids[n]), sector.push_back(b.par.sectors[k]);
    }
    units.text(uc::region, region);
    units.text(uc::province, province);
    units.text(uc::group, group);
    units.numbers(uc::outside, outside);
    units.numbers(uc::employment_base, b.employment);
    units.numbers(uc::registered_base, b.registered);
    write_counterfactual_file(dir, uc::file, units.csv());
    sectors.text(sc::region, region_s);
    sectors.text(sc::sector, sector);
    write_counterfactual_file(dir, sc::file, sectors.csv());
  });
}

void write_national(const std::string& dir, const NationalChanges& c, const SolveSummary& solve, const BaseYear& b,
                    MPI_Comm comm) {
  namespace nc = cf::national_csv;
  const double nan = NAN;
  const std::vector<std::pair<const schema::Column*, double>> rows = {
      {&nc::real_gdp_pct, 100 * (c.real_gdp - 1)},
      {&nc::welfare_pct, 100 * (c.welfare_tombe_zhu - 1)},
      {&nc::welfare_logmean_pct, 100 * (c.welfare_log_mean - 1)},
      {&nc::internal_trade_pp, 100 * (c.internal_trade_new - c.internal_trade_base)},
      {&nc::international_trade_pp, 100 * (c.international_trade_new - c.international_trade_base)},
      {&nc::within_province_migration_pct,
       c.migration ? 100 * (c.within_province_new / c.within_province_base - 1) : nan},
      {&nc::between_province_migration_pct,
       c.migration ? 100 * (c.between_provinces_new / c.between_provinces_base - 1) : nan},
      {&nc::internal_trade_share_base, c.internal_trade_base},
      {&nc::internal_trade_share_new, c.internal_trade_new},
      {&nc::international_trade_share_base, c.international_trade_base},
      {&nc::international_trade_share_new, c.international_trade_new},
      {&nc::within_province_migrant_share_base, c.within_province_base},
      {&nc::within_province_migrant_share_new, c.within_province_new},
      {&nc::between_province_migrant_share_base, c.between_provinces_base},
      {&nc::between_province_migrant_share_new, c.between_provinces_new},
      {&nc::base_fixed_point_residual, b.fixed_point_residual},
      {&nc::base_registered_residual, b.registered_residual},
      {&nc::newton_iterations, solve.newton_iterations},
      {&nc::linear_iterations, solve.linear_iterations},
      {&nc::residual_norm, solve.residual_norm}};
  on_root(comm, [&] { write_counterfactual_file(dir, nc::file, keyed_rows_csv(nc::file, rows)); });
}

void write_migration_costs(const std::string& dir, const std::vector<CostStatistic>& costs, MPI_Comm comm) {
  namespace mc = cf::migration_costs_csv;
  on_root(comm, [&] {
    SchemaTable t(mc::file);
    std::vector<std::string> names;
    std::vector<double> cost, share;
    for (const auto& c : costs) names.push_back(c.name), cost.push_back(c.cost), share.push_back(c.share);
    t.text(mc::statistic, names);
    t.numbers(mc::cost, cost);
    t.numbers(mc::share, share);
    write_counterfactual_file(dir, mc::file, t.csv());
  });
}

// run.yaml's keys up to `started`, on rank 0.
void start_record(CounterfactualRecord& r, const CounterfactualOptions& opt, const CounterfactualSpec& spec,
                  const std::string& description, const std::string& base_folder, bool migration, const BaseYear& base,
                  int ranks) {
  namespace k = cf::run_yaml;
  r.add(k::regio_version, yaml_text(kVersion));
  r.add(k::mode, "counterfactual");
  r.add(k::command, yaml_text(opt.command_line));
  r.add(k::counterfactual_file, yaml_text(opt.file));
  r.add(k::description, yaml_text(description));
  r.add(k::base_year, yaml_text(base_folder));
  r.add(k::migration, migration ? "true" : "false");
  r.add(k::regions, std::to_string(base.N()));
  r.add(k::sectors, std::to_string(base.S()));
  r.add(k::groups, std::to_string(base.G()));
  r.add(k::ranks, std::to_string(ranks));
  r.add(k::decomposition, nested(decomposition_to_yaml(base.decomposition)));
  r.add(k::shocks, shocks_yaml(spec));
  r.add(k::started, utc_now());
}

// An error: run.yaml says `failed`, and a run that --overwrite set aside is put back.
void fail(const CounterfactualRecord& record, RunFolder& folder, const std::exception& err) {
  try {
    record.write("failed", err.what());
  } catch (...) {}
  try {
    if (folder.roll_back())
      std::fprintf(stderr, "regio: note: %s: this run failed; the run it was to replace is back in place\n",
                   record.dir().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "regio: note: %s: the run set aside in .replaced/ could not be put back: %s\n",
                 record.dir().c_str(), e.what());
  }
}

}  // namespace

int counterfactual_command(const boost::mpi::communicator& comm, const CounterfactualOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  const bool talk = comm.rank() == 0 && !opt.quiet;
  // 1. The counterfactual file and its base year.
  CounterfactualSpec spec;
  on_root(comm, [&] { spec = read_counterfactual(opt.file); });
  // (broadcast field by field: the spec is small; the shocks stay on rank 0, which resolves them)
  std::string text_fields[4] = {spec.base_year, spec.output, spec.file, spec.description};
  for (auto& t : text_fields) boost::mpi::broadcast(comm, t, 0);
  if (!opt.output.empty()) text_fields[1] = opt.output;
  const std::string output = text_fields[1].empty() ? "out/counterfactual" : text_fields[1];
  bool migration = spec.migration;
  boost::mpi::broadcast(comm, migration, 0);
  const BaseYear base = load_base_year(comm, text_fields[0], migration, opt.decomposition);
  const Layout layout(comm, base.owners);
  // 2. The folder's lock (a folder holding a run is refused without --overwrite), the run record.
  std::optional<RunFolder> folder;
  std::optional<CounterfactualRecord> record;
  on_root(comm, [&] {
    folder.emplace(output, opt.overwrite ? RunFolder::Mode::overwrite : RunFolder::Mode::fresh);
    record.emplace(output);
    start_record(*record, opt, spec, text_fields[3], text_fields[0], migration, base, comm.size());
    record->write("running");
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
      std::printf("solved: newton %d (gmres %d, pc %s, F evals %d) | residual %.2e | %.3f s\n",
                  solved.newton_iterations, solved.linear_iterations, solved.preconditioner.c_str(),
                  solved.residual_evaluations, solved.residual_norm, solved.seconds);
    // 4. Outputs, then `status: complete`.
    write_changes(output, base, layout, system);
    write_national(output, national_statistics(base, layout, system), solved, base, comm);
    if (base.has_migration) write_migration_costs(output, migration_cost_statistics(base, layout), comm);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    on_root(comm, [&] {
      namespace k = cf::run_yaml;
      record->add(k::preconditioner, solved.preconditioner);
      record->add(k::newton_iterations, std::to_string(solved.newton_iterations));
      record->add(k::linear_iterations, std::to_string(solved.linear_iterations));
      record->add(k::residual_norm, fmt::format("{:.3e}", solved.residual_norm));
      record->add(k::seconds, fmt::format("{:.3f}", seconds));
      record->add(k::finished, utc_now());
      record->write("complete");
      folder->commit();  // the run set aside by --overwrite is replaced
    });
  } catch (const std::exception& err) {
    if (comm.rank() == 0 && record) fail(*record, *folder, err);
    throw;
  }
  if (talk) std::printf("done: outputs in %s (run.yaml status: complete)\n", output.c_str());
  return kExitOk;
}

}  // namespace regio::hat
