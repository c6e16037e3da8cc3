#include "regio/output.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/output_schema.hpp"
#include "regio/restart_rows.hpp"
#include "regio/row_products.hpp"
#include "regio/run_folder.hpp"
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

OutputWriter::OutputWriter(const std::string& dir, const Scenario& sc, const Decomposition& d, RunInfo info,
                           const std::vector<std::string>& migration_provinces)
    : provinces_(migration_provinces),
      dir_(dir),
      sc_(sc),
      decomposition_(d),
      info_(std::move(info)),
      region_fields_(region_fields(sc)),
      aggregate_fields_(aggregate_fields()) {
  std::error_code ec;
  fs::create_directories(dir_, ec);  // RunFolder made it for `regio run`
  if (ec || !fs::is_directory(dir_))
    throw InputError(
        fmt::format("{}: cannot create the output folder ({}) — choose another with --out", dir_, ec.message()));
  if (info_.first_epoch > 0) check_restart();  // before anything is written
  info_.status = "running";
  info_.started = utc_now();
  write_run_yaml();
  try {
    open_csvs();
  } catch (const std::exception& e) {  // the record says failed, not running
    try {
      finish("failed", e.what());
    } catch (...) {}
    throw;
  }
}

// A restart continues its own run: the folder's run.yaml has the checkpoint's run id.
void OutputWriter::check_restart() const {
  const RunRecord r = read_run_record(dir_);
  const std::string fix =
      "restart into the output folder of the run that wrote the checkpoint (its run.yaml has the same run_id)";
  if (!r.exists) throw InputError(fmt::format("{}: holds no run (no {}) — {}", dir_, ry::file.name, fix));
  if (r.run_id != info_.run_id)
    throw InputError(fmt::format("{}: holds run {}, the checkpoint {} is of run {} — {}", dir_,
                                 r.run_id.empty() ? "without a run_id" : r.run_id, info_.restarted_from, info_.run_id,
                                 fix));
}

std::vector<std::string> OutputWriter::kept_rows(std::string_view name, const std::vector<std::string>& cols,
                                                 std::size_t rows_per_epoch) const {
  if (info_.first_epoch <= 0) return {};
  return rows_before_epoch((fs::path(dir_) / name).string(), join(cols), info_.first_epoch, rows_per_epoch);
}

void OutputWriter::open_csvs() {
  // Every file is checked before any is rewritten, so a refused restart changes nothing.
  const std::size_t P = provinces_.size();
  const auto regions_cols = region_columns(sc_), aggregates_cols = schema::column_names(ac::file),
             solver_cols = schema::column_names(schema::solver_csv::file),
             migration_cols = schema::column_names(schema::migration_csv::file);
  const auto regions =
      info_.regions_csv ? kept_rows(rc::file.name, regions_cols, info_.regions) : std::vector<std::string>{};
  const auto aggregates = kept_rows(ac::file.name, aggregates_cols, 1);
  const auto solver = kept_rows(schema::solver_csv::file.name, solver_cols, 1);
  const auto migration =
      P > 0 ? kept_rows(schema::migration_csv::file.name, migration_cols, P * (P - 1)) : std::vector<std::string>{};
  if (info_.regions_csv) open_csv(regions_, rc::file.name, regions_cols, regions);
  open_csv(aggregates_, ac::file.name, aggregates_cols, aggregates);
  open_csv(solver_, schema::solver_csv::file.name, solver_cols, solver);
  if (P > 0) open_csv(migration_, schema::migration_csv::file.name, migration_cols, migration);
  std::error_code ec;  // a restart without --welfare-terms: the file would stop at the restart
  if (info_.welfare_terms)
    open_welfare_terms();
  else
    fs::remove(fs::path(dir_) / schema::welfare_terms_csv::file.name, ec);
}

// welfare_terms.csv: its channel columns are welfare_channels(), in order.
void OutputWriter::open_welfare_terms() {
  namespace wt = schema::welfare_terms_csv;
  const auto& channels = welfare_channels();
  for (std::size_t k = 0; k < channels.size(); ++k)
    if (k >= wt::channels.size() || wt::channels[k]->name != channels[k].name)
      throw std::logic_error(fmt::format("welfare_terms.csv: channel {} is not the schema's", channels[k].name));
  const auto cols = schema::column_names(wt::file);
  open_csv(welfare_, wt::file.name, cols, kept_rows(wt::file.name, cols, info_.regions));
}

std::uint64_t OutputWriter::stage_welfare_terms(int epoch, int year, const std::vector<RegionOutcome>& all,
                                                const std::vector<WelfareTerms>& terms) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& t = terms[i];
    welfare_ << epoch << ',' << year << ',' << csv::quote(all[i].id) << ',' << csv::quote(all[i].province) << ','
             << num(t.weight) << ',' << num(t.welfare);
    for (const auto& c : welfare_channels()) welfare_ << ',' << num(t.*c.member);
    welfare_ << '\n';
  }
  return welfare_.pending();
}

// The header and a restart's kept rows are written whole to a new file that replaces the old
// one (write_file_atomically), then the run appends.
void OutputWriter::open_csv(OutputFile& f, std::string_view name, const std::vector<std::string>& cols,
                            const std::vector<std::string>& kept) {
  const std::string path = (fs::path(dir_) / name).string();
  std::string text = join(cols) + "\n";
  for (const auto& line : kept) text += line + "\n";
  write_file_atomically(path, text);
  f.open(path, /*append=*/true);
}

std::uint64_t OutputWriter::stage_epoch(int epoch, int year, const std::vector<RegionOutcome>& all, const Aggregates& a,
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
  std::uint64_t bytes = 0;
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_}) bytes += f->pending();
  return bytes;
}

void OutputWriter::flush_epoch(int epoch) {
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_, &welfare_}) f->flush();  // each checked
  info_.epochs_done = epoch + 1;
}

void OutputWriter::finish(const std::string& status, const std::string& error) {
  for (auto* f : {&regions_, &aggregates_, &solver_, &migration_, &welfare_}) {
    if (status == "failed") f->discard();  // rows staged but refused (no room) or never flushed: not written
    f->close();                            // each checked: throws before
  }
  info_.status = status;  // run.yaml can say complete
  info_.error = error;
  info_.finished = utc_now();
  write_run_yaml();
}

void OutputWriter::write_run_yaml() {
  // Written whole to a temporary name and renamed (write_file_atomically): run.yaml is never
  // seen half-written, and a failed write leaves the previous record in place.
  std::ostringstream f;
  {
    auto q = [](const std::string& s) {
      YAML::Emitter e;
      e << s;
      return std::string(e.c_str());
    };
    f << "# regio run record. Trust the outputs only if status is complete.\n";
    auto put = [&f](const schema::Column& key, const auto& value) { f << key.name << ": " << value << "\n"; };
    put(ry::regio_version, q(info_.version));
    put(ry::run_id, info_.run_id);
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
  write_file_atomically((fs::path(dir_) / ry::file.name).string(), f.str());
}

}  // namespace regio
