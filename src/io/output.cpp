#include "regio/output.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/row_products.hpp"
#include "regio/vector_math.hpp"

namespace regio {

namespace fs = std::filesystem;

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::string> region_columns(const Scenario& sc) {
  std::vector<std::string> c = {"epoch", "year", "region", "province", "population", "registered", "migrants_in", "migrants_out"};
  for (const auto& s : sc.sectors) c.push_back("employment_" + s.name);
  for (const char* x : {"wage", "capital_rent", "land_rent", "price_index", "gdp", "gdp_pc", "income", "transfer", "exports", "imports",
                        "real_income_pc", "own_trade_share", "capital", "utility"})
    c.push_back(x);
  return c;
}

std::vector<std::string> aggregate_columns() {
  return {"epoch", "year", "gdp", "real_gdp", "population", "migrant_share", "interprovincial_migrant_share",
          "urbanization", "internal_trade_share", "interprovincial_trade_share", "welfare", "theil", "gini",
          "cv", "maxmin_ratio", "theil_income", "gini_income", "transfers", "import_share", "export_share"};
}

std::vector<std::string> migration_columns() { return {"epoch", "year", "origin", "destination", "migrants"}; }

std::vector<std::string> solver_columns() {
  return {"epoch", "year", "nonlinear_iterations", "linear_iterations", "residual_evaluations",
          "residual_norm", "seconds", "reason", "initial_residual_norm"};
}

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}
std::string num(double v) { return fmt::format("{:.15g}", v); }  // 15 digits: rank-invariance checks at 1e-12 need them
}  // namespace

OutputWriter::OutputWriter(const std::string& dir, const Scenario& sc, const Decomposition& d, RunInfo info)
    : dir_(dir), sc_(sc), decomposition_(d), info_(std::move(info)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw InputError(fmt::format("{}: cannot create the output folder ({}); choose another with --out", dir_, ec.message()));
  // Forget a previous run's verdict before anything else is written.
  fs::remove(fs::path(dir_) / "run.yaml", ec);
  info_.status = "running";
  info_.started = utc_now();
  write_run_yaml();
  if (info_.regions_csv) open_csv(regions_, "regions.csv", region_columns(sc_));
  open_csv(aggregates_, "aggregates.csv", aggregate_columns());
  open_csv(solver_, "solver.csv", solver_columns());
}

void OutputWriter::enable_migration_csv(const std::vector<std::string>& province_names) {
  provinces_ = province_names;
  open_csv(migration_, "migration.csv", migration_columns());
}

void OutputWriter::open_csv(std::ofstream& f, const char* name, const std::vector<std::string>& cols) {
  const fs::path path = fs::path(dir_) / name;
  std::vector<std::string> kept;  // a restart keeps the rows of epochs before first_epoch
  if (info_.first_epoch > 0) {
    std::ifstream old(path);
    std::string line;
    if (!std::getline(old, line) || line != join(cols))
      throw InputError(fmt::format("{}: cannot append to {}: it is missing or has other columns than this run "
                                   "(restart into the original output folder)", dir_, name));
    while (std::getline(old, line)) {
      const int epoch = std::atoi(line.c_str());
      if (epoch < info_.first_epoch) kept.push_back(line);
    }
  }
  f.open(path, std::ios::trunc);
  if (!f) throw InputError(fmt::format("{}: cannot write {} in the output folder; check permissions or use --out", dir_, name));
  f << join(cols) << "\n";
  for (const auto& line : kept) f << line << "\n";
}

void OutputWriter::write_epoch(int epoch, int year, const std::vector<RegionOutcome>& all, const Aggregates& a,
                               const SolveStats& st, const std::vector<double>& flows) {
  for (const auto& o : all) {
    regions_ << epoch << ',' << year << ',' << csv::quote(o.id) << ',' << csv::quote(o.province) << ','
             << num(o.population) << ',' << num(o.registered) << ',' << num(o.migrants_in) << ',' << num(o.migrants_out);
    for (double e : o.employment) regions_ << ',' << num(e);
    for (double v : {o.wage, o.capital_rent, o.land_rent, o.price_index, o.gdp, o.gdp_pc, o.income, o.transfer, o.exports, o.imports, o.real_income_pc,
                     o.own_trade_share, o.capital, o.utility})
      regions_ << ',' << num(v);
    regions_ << '\n';
  }
  aggregates_ << epoch << ',' << year;
  for (double v : {a.gdp, a.real_gdp, a.population, a.migrant_share, a.interprovincial_migrant_share, a.urbanization,
                   a.internal_trade_share, a.interprovincial_trade_share, a.welfare, a.theil, a.gini, a.cv, a.maxmin_ratio,
                   a.theil_income, a.gini_income, a.transfers, a.import_share, a.export_share})
    aggregates_ << ',' << num(v);
  aggregates_ << '\n';
  solver_ << epoch << ',' << year << ',' << st.nonlinear_iterations << ',' << st.linear_iterations << ','
          << st.residual_evaluations << ',' << fmt::format("{:.3e}", st.residual_norm) << ','
          << fmt::format("{:.4f}", st.seconds) << ',' << st.reason << ',' << fmt::format("{:.3e}", st.initial_residual_norm)
          << '\n';
  const std::size_t P = provinces_.size();
  if (migration_.is_open() && flows.size() == P * P)
    for (std::size_t o = 0; o < P; ++o)
      for (std::size_t d = 0; d < P; ++d)
        if (o != d)
          migration_ << epoch << ',' << year << ',' << csv::quote(provinces_[o]) << ',' << csv::quote(provinces_[d]) << ','
                     << num(flows[o * P + d]) << '\n';
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_}) {
    if (!f->is_open()) continue;
    f->flush();
    if (!*f) throw InputError(fmt::format("{}: writing the outputs failed (disk full?)", dir_));
  }
  info_.epochs_done = epoch + 1;
}

void OutputWriter::finish(const std::string& status, const std::string& error) {
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_}) f->close();
  info_.status = status;
  info_.error = error;
  info_.finished = utc_now();
  write_run_yaml();
}

void OutputWriter::write_run_yaml() {
  // Write to a temporary name and rename: run.yaml is never seen half-written.
  const fs::path final_path = fs::path(dir_) / "run.yaml", tmp = fs::path(dir_) / ".run.yaml.tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw InputError(fmt::format("{}: cannot write run.yaml; check permissions or use --out", dir_));
    auto q = [](const std::string& s) { YAML::Emitter e; e << s; return std::string(e.c_str()); };
    f << "# regio run record. Trust the outputs only if status is complete.\n";
    f << "regio_version: " << q(info_.version) << "\n";
    // The kernel-product code path of this rank (rank 0); every path gives bitwise the same sums.
    f << "kernel_products: " << detail::product_path_name(detail::best_product_path()) << "\n";
    // The vector width of the kernel rows' exp/log1p/asin (vector_math.hpp); every width gives
    // bitwise the same kernels.
    f << "kernel_math: " << vmath::detail::width_name(vmath::detail::best_width()) << "\n";
    if (!info_.kernel_storage.empty()) {  // solver.kernels' decision over all ranks (the log says why)
      f << "kernel_storage: " << info_.kernel_storage << "\n";
      f << "kernel_stored_ranks: " << info_.kernel_stored_ranks << "\n";
    }
    f << "command: " << q(info_.command_line) << "\n";
    f << "scenario_file: " << q(info_.scenario_file) << "\n";
    f << "ranks: " << info_.ranks << "\n";
    f << "regions: " << info_.regions << "\n";
    if (info_.decomposition_imbalance > 0)  // the busiest rank sets the pace
      f << "decomposition_imbalance: " << fmt::format("{:.4f}", info_.decomposition_imbalance) << "\n";
    f << "epochs: " << info_.epochs << "\n";
    f << "epochs_done: " << info_.epochs_done << "\n";
    if (!info_.restarted_from.empty())
      f << "restarted_from: " << q(info_.restarted_from) << "\nfirst_epoch: " << info_.first_epoch << "\n";
    f << "started: " << info_.started << "\n";
    if (!info_.finished.empty()) f << "finished: " << info_.finished << "\n";
    f << "decomposition:\n" << decomposition_to_yaml(decomposition_, 2);
    f << "scenario:\n" << scenario_to_yaml(sc_, 2);
    if (!info_.error.empty()) f << "error: " << q(info_.error) << "\n";
    f << "status: " << info_.status << "\n";  // last line, by design
  }
  fs::rename(tmp, final_path);
}

}  // namespace regio
