#include "regio/output.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/output_schema.hpp"
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

namespace rc = schema::regions_csv;
namespace ac = schema::aggregates_csv;
namespace ry = schema::run_yaml;

std::vector<std::string> region_columns(const Scenario& sc) {
  std::vector<std::string> sectors;
  for (const auto& s : sc.sectors) sectors.push_back(s.name);
  return schema::column_names(rc::file, sectors, sc.uses_intermediates());
}

std::vector<RegionField> region_fields(const Scenario& sc) {
  // The outcome member of each column; the columns and their order are the schema's.
  static const std::pair<const schema::Column*, double RegionOutcome::*> members[] = {
      {&rc::population, &RegionOutcome::population},
      {&rc::registered, &RegionOutcome::registered},
      {&rc::migrants_in, &RegionOutcome::migrants_in},
      {&rc::migrants_out, &RegionOutcome::migrants_out},
      {&rc::wage, &RegionOutcome::wage},
      {&rc::capital_rent, &RegionOutcome::capital_rent},
      {&rc::land_rent, &RegionOutcome::land_rent},
      {&rc::price_index, &RegionOutcome::price_index},
      {&rc::gdp, &RegionOutcome::gdp},
      {&rc::gdp_pc, &RegionOutcome::gdp_pc},
      {&rc::income, &RegionOutcome::income},
      {&rc::transfer, &RegionOutcome::transfer},
      {&rc::exports, &RegionOutcome::exports},
      {&rc::imports, &RegionOutcome::imports},
      {&rc::real_income_pc, &RegionOutcome::real_income_pc},
      {&rc::own_trade_share, &RegionOutcome::own_trade_share},
      {&rc::capital, &RegionOutcome::capital},
      {&rc::utility, &RegionOutcome::utility},
      {&rc::gross_output, &RegionOutcome::gross_output},
      {&rc::intermediate_use, &RegionOutcome::intermediate_use}};
  std::vector<RegionField> fields;
  for (const schema::Column* c : rc::file.columns) {
    if (c->to_province == schema::ToProvince::key) continue;  // epoch, year, region, province: not outcome values
    if (c->with_intermediates && !sc.uses_intermediates()) continue;
    if (c == &rc::employment) {
      for (std::size_t s = 0; s < sc.sectors.size(); ++s)
        fields.push_back({std::string(c->name) + sc.sectors[s].name, nullptr, s});
      continue;
    }
    const auto* m = std::find_if(std::begin(members), std::end(members), [&](const auto& p) { return p.first == c; });
    if (m == std::end(members))
      throw std::logic_error(fmt::format("regions.csv column {} has no outcome field", c->name));
    fields.push_back({std::string(c->name), m->second, 0});
  }
  return fields;
}

std::vector<double Aggregates::*> aggregate_fields() {
  static const std::pair<const schema::Column*, double Aggregates::*> members[] = {
      {&ac::gdp, &Aggregates::gdp},
      {&ac::real_gdp, &Aggregates::real_gdp},
      {&ac::population, &Aggregates::population},
      {&ac::migrant_share, &Aggregates::migrant_share},
      {&ac::interprovincial_migrant_share, &Aggregates::interprovincial_migrant_share},
      {&ac::urbanization, &Aggregates::urbanization},
      {&ac::internal_trade_share, &Aggregates::internal_trade_share},
      {&ac::interprovincial_trade_share, &Aggregates::interprovincial_trade_share},
      {&ac::welfare, &Aggregates::welfare},
      {&ac::theil, &Aggregates::theil},
      {&ac::gini, &Aggregates::gini},
      {&ac::cv, &Aggregates::cv},
      {&ac::maxmin_ratio, &Aggregates::maxmin_ratio},
      {&ac::theil_income, &Aggregates::theil_income},
      {&ac::gini_income, &Aggregates::gini_income},
      {&ac::transfers, &Aggregates::transfers},
      {&ac::import_share, &Aggregates::import_share},
      {&ac::export_share, &Aggregates::export_share}};
  std::vector<double Aggregates::*> fields;
  for (const schema::Column* c : ac::file.columns) {
    if (c->to_province == schema::ToProvince::key) continue;  // epoch, year
    const auto* m = std::find_if(std::begin(members), std::end(members), [&](const auto& p) { return p.first == c; });
    if (m == std::end(members)) throw std::logic_error(fmt::format("aggregates.csv column {} has no field", c->name));
    fields.push_back(m->second);
  }
  return fields;
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
    : dir_(dir),
      sc_(sc),
      decomposition_(d),
      info_(std::move(info)),
      region_fields_(region_fields(sc)),
      aggregate_fields_(aggregate_fields()) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw InputError(
        fmt::format("{}: cannot create the output folder ({}); choose another with --out", dir_, ec.message()));
  // Forget a previous run's verdict before anything else is written.
  fs::remove(fs::path(dir_) / ry::file.name, ec);
  info_.status = "running";
  info_.started = utc_now();
  write_run_yaml();
  if (info_.regions_csv) open_csv(regions_, rc::file.name, region_columns(sc_));
  open_csv(aggregates_, ac::file.name, schema::column_names(ac::file));
  open_csv(solver_, schema::solver_csv::file.name, schema::column_names(schema::solver_csv::file));
}

void OutputWriter::enable_migration_csv(const std::vector<std::string>& province_names) {
  provinces_ = province_names;
  open_csv(migration_, schema::migration_csv::file.name, schema::column_names(schema::migration_csv::file));
}

void OutputWriter::enable_welfare_terms() {
  // The file's channel columns are welfare_channels(), in order.
  const auto& channels = welfare_channels();
  const auto& columns = schema::welfare_terms_csv::channels;
  for (std::size_t k = 0; k < channels.size(); ++k)
    if (k >= columns.size() || columns[k]->name != channels[k].name)
      throw std::logic_error(fmt::format("welfare_terms.csv: channel {} is not the schema's", channels[k].name));
  open_csv(welfare_, schema::welfare_terms_csv::file.name, schema::column_names(schema::welfare_terms_csv::file));
}

void OutputWriter::write_welfare_terms(int epoch, int year, const std::vector<RegionOutcome>& all,
                                       const std::vector<WelfareTerms>& terms) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& t = terms[i];
    welfare_ << epoch << ',' << year << ',' << csv::quote(all[i].id) << ',' << csv::quote(all[i].province) << ','
             << num(t.weight) << ',' << num(t.welfare);
    for (const auto& c : welfare_channels()) welfare_ << ',' << num(t.*c.member);
    welfare_ << '\n';
  }
  welfare_.flush();
  if (!welfare_) throw InputError(fmt::format("{}: writing the outputs failed (disk full?)", dir_));
}

void OutputWriter::open_csv(std::ofstream& f, std::string_view name, const std::vector<std::string>& cols) {
  const fs::path path = fs::path(dir_) / name;
  std::vector<std::string> kept;  // a restart keeps the rows of epochs before first_epoch
  if (info_.first_epoch > 0) {
    std::ifstream old(path);
    std::string line;
    if (!std::getline(old, line) || line != join(cols))
      throw InputError(
          fmt::format("{}: cannot append to {}: it is missing or has other columns than this run "
                      "(restart into the original output folder)",
                      dir_, name));
    while (std::getline(old, line)) {
      const int epoch = std::atoi(line.c_str());
      if (epoch < info_.first_epoch) kept.push_back(line);
    }
  }
  f.open(path, std::ios::trunc);
  if (!f)
    throw InputError(
        fmt::format("{}: cannot write {} in the output folder; check permissions or use --out", dir_, name));
  f << join(cols) << "\n";
  for (const auto& line : kept) f << line << "\n";
}

void OutputWriter::write_epoch(int epoch, int year, const std::vector<RegionOutcome>& all, const Aggregates& a,
                               const SolveStats& st, const std::vector<double>& flows) {
  for (const auto& o : all) {  // the keys (epoch, year, region, province), then the outcome columns
    regions_ << epoch << ',' << year << ',' << csv::quote(o.id) << ',' << csv::quote(o.province);
    for (const auto& field : region_fields_) regions_ << ',' << num(field.of(o));
    regions_ << '\n';
  }
  aggregates_ << epoch << ',' << year;
  for (const auto member : aggregate_fields_) aggregates_ << ',' << num(a.*member);
  aggregates_ << '\n';
  // solver.csv and migration.csv in the order of their schema columns.
  solver_ << epoch << ',' << year << ',' << st.nonlinear_iterations << ',' << st.linear_iterations << ','
          << st.residual_evaluations << ',' << fmt::format("{:.3e}", st.residual_norm) << ','
          << fmt::format("{:.4f}", st.seconds) << ',' << st.reason << ','
          << fmt::format("{:.3e}", st.initial_residual_norm) << '\n';
  const std::size_t P = provinces_.size();
  if (migration_.is_open() && flows.size() == P * P)
    for (std::size_t o = 0; o < P; ++o)
      for (std::size_t d = 0; d < P; ++d)
        if (o != d)
          migration_ << epoch << ',' << year << ',' << csv::quote(provinces_[o]) << ',' << csv::quote(provinces_[d])
                     << ',' << num(flows[o * P + d]) << '\n';
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_}) {
    if (!f->is_open()) continue;
    f->flush();
    if (!*f) throw InputError(fmt::format("{}: writing the outputs failed (disk full?)", dir_));
  }
  info_.epochs_done = epoch + 1;
}

void OutputWriter::finish(const std::string& status, const std::string& error) {
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_, &welfare_}) f->close();
  info_.status = status;
  info_.error = error;
  info_.finished = utc_now();
  write_run_yaml();
}

void OutputWriter::write_run_yaml() {
  // Write to a temporary name and rename: run.yaml is never seen half-written.
  const fs::path final_path = fs::path(dir_) / ry::file.name;
  const fs::path tmp = fs::path(dir_) / fmt::format(".{}.tmp", ry::file.name);
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw InputError(fmt::format("{}: cannot write {}; check permissions or use --out", dir_, ry::file.name));
    auto q = [](const std::string& s) {
      YAML::Emitter e;
      e << s;
      return std::string(e.c_str());
    };
    f << "# regio run record. Trust the outputs only if status is complete.\n";
    auto put = [&f](const schema::Column& key, const auto& value) { f << key.name << ": " << value << "\n"; };
    put(ry::regio_version, q(info_.version));
    // The kernel-product code path of this rank (rank 0); every path gives bitwise the same sums.
    put(ry::kernel_products, detail::product_path_name(detail::best_product_path()));
    // The vector width of the kernel rows' exp/log1p/asin (vector_math.hpp); every width gives
    // bitwise the same kernels.
    put(ry::kernel_math, vmath::detail::width_name(vmath::detail::best_width()));
    if (!info_.kernel_storage.empty()) {  // solver.kernels' decision over all ranks (the log says why)
      put(ry::kernel_storage, info_.kernel_storage);
      put(ry::kernel_stored_ranks, info_.kernel_stored_ranks);
    }
    put(ry::command, q(info_.command_line));
    put(ry::scenario_file, q(info_.scenario_file));
    put(ry::ranks, info_.ranks);
    put(ry::regions, info_.regions);
    if (info_.decomposition_imbalance > 0)  // the busiest rank sets the pace
      put(ry::decomposition_imbalance, fmt::format("{:.4f}", info_.decomposition_imbalance));
    put(ry::epochs, info_.epochs);
    put(ry::epochs_done, info_.epochs_done);
    if (!info_.restarted_from.empty()) {
      put(ry::restarted_from, q(info_.restarted_from));
      put(ry::first_epoch, info_.first_epoch);
    }
    put(ry::started, info_.started);
    if (!info_.finished.empty()) put(ry::finished, info_.finished);
    f << ry::decomposition.name << ":\n" << decomposition_to_yaml(decomposition_, 2);
    f << ry::scenario.name << ":\n" << scenario_to_yaml(sc_, 2);
    if (!info_.error.empty()) put(ry::error, q(info_.error));
    put(ry::status, info_.status);  // last line, by design
  }
  fs::rename(tmp, final_path);
}

}  // namespace regio
