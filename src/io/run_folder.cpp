#include "regio/run_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "regio/base_year_export.hpp"
#include "regio/error.hpp"
#include "regio/output_file.hpp"
#include "regio/output_schema.hpp"

namespace regio {

namespace fs = std::filesystem;

namespace {
constexpr const char* kLockName = ".regio.lock";
constexpr const char* kReplacedName = ".replaced";

[[noreturn]] void folder_error(const std::string& dir, const std::string& what) {
  throw InputError(fmt::format("{}: {}", dir, what));
}

// Moves every run file of `from` into `to` (created); a failure is an InputError.
void move_run_files(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) folder_error(to.string(), "cannot create the folder (" + ec.message() + ")");
  for (const auto& name : run_file_names()) {
    if (!fs::exists(fs::symlink_status(from / name))) continue;
    fs::rename(from / name, to / name, ec);
    if (ec) folder_error((from / name).string(), "cannot move it to " + to.string() + " (" + ec.message() + ")");
  }
}

void remove_run_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& name : run_file_names()) {
    fs::remove_all(dir / name, ec);
    if (ec) folder_error((dir / name).string(), "cannot delete it (" + ec.message() + ")");
  }
}

// The run that an --overwrite set aside and that never completed goes back in place.
void restore_replaced(const fs::path& dir) {
  const fs::path aside = dir / kReplacedName;
  if (!fs::is_directory(aside)) return;
  remove_run_files(dir);
  move_run_files(aside, dir);
  std::error_code ec;
  fs::remove_all(aside, ec);
  std::fprintf(stderr,
               "regio: note: %s: a run started with --overwrite did not finish; the run it was to replace "
               "is back in place\n",
               dir.c_str());
}

bool holds_run(const fs::path& dir) {
  for (const auto& name : run_file_names())
    if (fs::exists(fs::symlink_status(dir / name))) return true;
  return false;
}
}  // namespace

std::vector<std::string> run_file_names() {
  std::vector<std::string> names;
  auto add = [&](std::string_view name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  };
  for (const auto* f : schema::files()) add(f->name);
  add(schema::regions_h5::file.name);
  add("checkpoints");
  for (const auto* f : schema::counterfactual::files()) add(f->name);
  for (const auto& name : base_year_file_names()) add(name);
  std::vector<std::string> temporaries;
  for (const auto& name : names) temporaries.push_back(fmt::format(".{}.tmp", name));  // write_file_atomically's
  names.insert(names.end(), temporaries.begin(), temporaries.end());
  return names;
}

std::string new_run_id() {
  std::random_device rd;
  const auto clock = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  std::seed_seq seed{rd(), rd(), static_cast<unsigned>(clock), static_cast<unsigned>(clock >> 32),
                     static_cast<unsigned>(::getpid())};
  std::mt19937_64 gen(seed);
  return fmt::format("{:016x}", gen());
}

RunRecord read_run_record(const std::string& dir) {
  RunRecord r;
  std::ifstream in(fs::path(dir) / schema::run_yaml::file.name);
  if (!in) return r;
  r.exists = true;
  const std::string id_key = std::string(schema::run_yaml::run_id.name) + ": ";
  const std::string status_key = std::string(schema::run_yaml::status.name) + ": ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(id_key, 0) == 0) r.run_id = line.substr(id_key.size());
    if (line.rfind(status_key, 0) == 0) r.status = line.substr(status_key.size());
  }
  return r;
}

FolderLock::FolderLock(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    folder_error(dir, fmt::format("cannot create the output folder ({}) — choose another with --out",
                                  ec ? ec.message() : "not a folder"));
  const fs::path lock = fs::path(dir) / kLockName;
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    folder_error(dir, fmt::format("cannot create the lock file {} ({}) — check permissions or use --out", kLockName,
                                  os_reason(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    std::string holder;
    std::getline(std::ifstream(lock), holder);
    ::close(fd_);
    fd_ = -1;
    folder_error(dir, fmt::format("another regio run is writing into this folder ({}) — wait for it to end or "
                                  "choose another --out",
                                  holder.empty() ? "it holds " + lock.string() : holder));
  }
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  const std::string holder = fmt::format("pid {} on {}\n", ::getpid(), host);
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, holder.data(), holder.size(), 0) < 0) {
  }  // the holder's name only improves the message of a refused run
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

RunFolder::RunFolder(const std::string& dir, Mode mode, const std::string& fix) : dir_(dir), lock_(dir) {
  take_over(mode, fix);  // a throw here destroys lock_, which lets the lock go
}

void RunFolder::take_over(Mode mode, const std::string& fix) {
  if (mode == Mode::resume && fs::is_directory(fs::path(dir_) / kReplacedName)) {  // the replacement goes on
    replacing_ = may_roll_back_ = true;
    return;
  }
  if (mode == Mode::restart) {  // continues a replacement, if one was interrupted: never undone
    replacing_ = fs::is_directory(fs::path(dir_) / kReplacedName);
    return;
  }
  restore_replaced(dir_);
  if (!holds_run(dir_)) return;
  if (mode == Mode::fresh || mode == Mode::resume) {
    const RunRecord r = read_run_record(dir_);
    const std::string held = r.exists ? " (run.yaml status: " + r.status + ")" : "";
    if (mode == Mode::resume)  // a restart's own folder: --overwrite cannot go with --restart
      folder_error(dir_, fmt::format("the folder holds the files of another run{} — a restart cannot replace it "
                                     "(--overwrite and --restart exclude each other): choose another folder or "
                                     "move that run away",
                                     held));
    folder_error(dir_, fmt::format("the folder holds the files of another run{} — add --overwrite to replace it, {}or "
                                   "choose another folder",
                                   held, fix.empty() ? "" : fix + ", "));
  }
  move_run_files(dir_, fs::path(dir_) / kReplacedName);
  replacing_ = may_roll_back_ = true;
}

void RunFolder::commit() {
  if (!replacing_) return;
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / kReplacedName, ec);
  replacing_ = false;
}

bool RunFolder::roll_back() {
  if (!replacing_ || !may_roll_back_) return false;
  remove_run_files(dir_);
  move_run_files(fs::path(dir_) / kReplacedName, dir_);
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / kReplacedName, ec);
  replacing_ = false;
  return true;
}

}  // namespace regio
