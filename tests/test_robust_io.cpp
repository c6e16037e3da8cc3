// Checked output files, the run folder's lock and replacement, a restart's kept rows and input
// files that are not files (issue 19; docs/guarantees.md). Serial: rank 0's own file work.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "regio/error.hpp"
#include "regio/input_file.hpp"
#include "regio/output_file.hpp"
#include "regio/restart_rows.hpp"
#include "regio/run_folder.hpp"

namespace fs = std::filesystem;
using namespace regio;

namespace {
fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("regio-robust-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(OutputFile, AFullDiskIsAnErrorWithTheReason) {
  OutputFile f;
  f.open("/dev/full", true);
  f << "epoch,year\n" << 1 << ',' << 2.5 << '\n';
  EXPECT_NE(error_of([&] { f.flush(); }).find("No space left on device"), std::string::npos);
}

TEST(OutputFile, WritesWhatStreamsWrite) {
  const fs::path d = fresh_dir("out");
  OutputFile f;
  f.open((d / "a.csv").string());
  f << "x," << 3 << ',' << 0.5 << '\n';
  f.close();
  EXPECT_EQ(slurp(d / "a.csv"), "x,3,0.5\n");
  fs::remove_all(d);
}

TEST(WriteFileAtomically, ReplacesWholeOrLeavesTheOld) {
  const fs::path d = fresh_dir("atomic");
  write(d / "run.yaml", "status: complete\n");
  write_file_atomically((d / "run.yaml").string(), "status: running\n");
  EXPECT_EQ(slurp(d / "run.yaml"), "status: running\n");
  EXPECT_FALSE(fs::exists(d / ".run.yaml.tmp"));
  EXPECT_NE(error_of([&] { write_file_atomically((d / "no-such" / "run.yaml").string(), "x"); }), "");
  EXPECT_EQ(slurp(d / "run.yaml"), "status: running\n");
  fs::remove_all(d);
}

TEST(RestartRows, KeepsWholeEpochsAndRefusesGaps) {
  const fs::path d = fresh_dir("rows");
  const std::string p = (d / "aggregates.csv").string();
  write(p, "epoch,year,gdp\n0,2020,1\n1,2021,2\n2,2022,3\n3,20");  // a last line cut by a kill
  const auto kept = rows_before_epoch(p, "epoch,year,gdp", 2, 1);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1], "1,2021,2");
  EXPECT_NE(error_of([&] { rows_before_epoch(p, "epoch,year,gdp", 4, 1); }).find("epoch 3 has 0 rows, 1 expected"),
            std::string::npos);
  write(p, "epoch,year,gdp\n0,2020,1\n2,2022,3\n");
  EXPECT_NE(error_of([&] { rows_before_epoch(p, "epoch,year,gdp", 2, 1); }).find("epoch 1 has 0 rows"),
            std::string::npos);
  write(p, "epoch,year,gdp\n0,2020,1\nx,2021,2\n");
  EXPECT_NE(error_of([&] { rows_before_epoch(p, "epoch,year,gdp", 2, 1); }).find(":3: the row is damaged"),
            std::string::npos);
  EXPECT_NE(error_of([&] { rows_before_epoch(p, "epoch,year,other", 1, 1); }).find("the header differs"),
            std::string::npos);
  fs::remove_all(d);
}

TEST(RunFolder, OneRunAtATimeAndNoOverwriteUnasked) {
  const fs::path d = fresh_dir("folder");
  {
    RunFolder first(d.string(), RunFolder::Mode::fresh);
    EXPECT_NE(error_of([&] {
                RunFolder second(d.string(), RunFolder::Mode::fresh);
              }).find("another regio run is writing into this folder (pid "),
              std::string::npos);
    write(d / "run.yaml", "run_id: 00aa\nstatus: complete\n");
    write(d / "regions.csv", "old\n");
  }
  EXPECT_EQ(read_run_record(d.string()).run_id, "00aa");
  EXPECT_NE(error_of([&] {
              RunFolder again(d.string(), RunFolder::Mode::fresh);
            }).find("holds the files of another run (run.yaml status: complete) — add --overwrite"),
            std::string::npos);
  {
    RunFolder replacing(d.string(), RunFolder::Mode::overwrite);  // the old run set aside
    EXPECT_FALSE(fs::exists(d / "regions.csv"));
    write(d / "regions.csv", "new, failing\n");
    EXPECT_TRUE(replacing.roll_back());
  }
  EXPECT_EQ(slurp(d / "regions.csv"), "old\n");
  {
    RunFolder replacing(d.string(), RunFolder::Mode::overwrite);
    write(d / "regions.csv", "new\n");
    replacing.commit();
  }
  EXPECT_EQ(slurp(d / "regions.csv"), "new\n");
  EXPECT_FALSE(fs::exists(d / ".replaced"));
  EXPECT_FALSE(fs::exists(d / "run.yaml"));  // the old run's record went with it
  fs::remove_all(d);
}

// Every command's files make a folder a run's (a counterfactual's units.csv, an export's
// parameters.yaml); an ensemble's lock; `resume` continues a pending replacement, else is fresh.
TEST(RunFolder, EveryCommandsFilesAndTheirLocks) {
  const fs::path d = fresh_dir("kinds");
  for (const char* name : {"units.csv", "national.csv", "parameters.yaml", "trade_shares.csv"}) {
    write(d / name, "x\n");
    EXPECT_NE(error_of([&] { RunFolder f(d.string(), RunFolder::Mode::fresh, "--restart X to continue it"); })
                  .find("holds the files of another run — add --overwrite to replace it, --restart X to continue "
                        "it, or choose another folder"),
              std::string::npos)
        << name;
    fs::remove(d / name);
  }
  {
    FolderLock lock(d.string());
    EXPECT_NE(error_of([&] { RunFolder f(d.string(), RunFolder::Mode::fresh); }).find("another regio run is writing"),
              std::string::npos);
  }
  write(d / "parameters.yaml", "old\n");
  { RunFolder replacing(d.string(), RunFolder::Mode::overwrite); }  // a run that stopped before its export
  EXPECT_FALSE(fs::exists(d / "parameters.yaml"));
  {
    RunFolder resumed(d.string(), RunFolder::Mode::resume);  // its restart goes on replacing
    EXPECT_FALSE(fs::exists(d / "parameters.yaml"));
    write(d / "parameters.yaml", "new, failing\n");
    EXPECT_TRUE(resumed.roll_back());
  }
  EXPECT_EQ(slurp(d / "parameters.yaml"), "old\n");
  EXPECT_NE(error_of([&] { RunFolder f(d.string(), RunFolder::Mode::resume); }).find("holds the files of another run"),
            std::string::npos);
  fs::remove_all(d);
}

TEST(InputFile, FoldersAndFifosAreRefusedWithTheReason) {
  const fs::path d = fresh_dir("input");
  EXPECT_NE(error_of([&] { read_input_file(d.string(), "region CSV", "fix"); }).find("it is a folder, not a file"),
            std::string::npos);
  ASSERT_EQ(::mkfifo((d / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] {
              read_input_file((d / "fifo").string(), "region CSV", "fix");
            }).find("it is a FIFO, socket or device, not a regular file"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_input_file((d / "none").string(), "region CSV", "fix");
            }).find("cannot open the region CSV: No such file or directory (fix)"),
            std::string::npos);
  write(d / "ok.csv", "a,b\n");
  EXPECT_EQ(read_input_file((d / "ok.csv").string(), "region CSV", "fix"), "a,b\n");
  fs::remove_all(d);
}
