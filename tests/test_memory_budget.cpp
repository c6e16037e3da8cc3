// The memory solver.kernels: auto may plan with (memory_budget.hpp): MemAvailable, and the
// tightest cgroup limit above the process (a SLURM job's --mem, a container), on fake trees.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "regio/kernel_rows.hpp"
#include "regio/memory_budget.hpp"

namespace regio {
namespace {
namespace fs = std::filesystem;

class FakeCgroups : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("regio-cgroup-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text << "\n";
  }
  fs::path root_;
};

TEST(MemoryBudget, MemAvailableIsReadInBytes) {
  const std::string meminfo = "MemTotal:       24000000 kB\nMemFree:         1000 kB\nMemAvailable:   12000000 kB\n";
  EXPECT_EQ(meminfo_available(meminfo), 12000000.0 * 1024);
  EXPECT_FALSE(meminfo_available("MemTotal: 1 kB\n").has_value());
}

TEST_F(FakeCgroups, V2TakesTheTightestAncestorAndSubtractsItsUsage) {
  // SLURM-like: the job has --mem=8G and uses 1 GiB; the step and task have no limit.
  const std::string job = "system.slice/slurmstepd.scope/job_42";
  write(job + "/memory.max", std::to_string(8LL << 30));
  write(job + "/memory.current", std::to_string(1LL << 30));
  write(job + "/step_0/memory.max", "max");
  write(job + "/step_0/memory.current", std::to_string(1LL << 30));
  write(job + "/step_0/task_1/memory.max", "max");
  write("memory.max", "max");  // the root has none
  const auto h = cgroup_headroom("0::/" + job + "/step_0/task_1\n", root_);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->bytes, double(7LL << 30));
  EXPECT_EQ(h->source, (root_ / job / "memory.max").string());
  write(job + "/memory.stat", "anon 1\ninactive_file 268435456\nactive_file 5\n");  // v2's key
  EXPECT_EQ(cgroup_headroom("0::/" + job + "/step_0/task_1\n", root_)->bytes, double(7LL << 30) + double(1LL << 28));
  write(job + "/memory.stat", "inactive_file 0\n");
  // A tighter limit lower down wins.
  write(job + "/step_0/memory.max", std::to_string(3LL << 30));
  EXPECT_EQ(cgroup_headroom("0::/" + job + "/step_0/task_1\n", root_)->bytes, double(2LL << 30));
}

TEST_F(FakeCgroups, V1UsesTheMemoryControllerAndIgnoresUnlimited) {
  // Hybrid hierarchy as on this machine: v1 memory controller, an empty v2 line.
  write("memory/process_api/abc/memory.limit_in_bytes", "9223372036854771712");  // unlimited
  write("memory/process_api/abc/memory.usage_in_bytes", "368074752");
  write("memory/process_api/memory.limit_in_bytes", std::to_string(4LL << 30));
  write("memory/process_api/memory.usage_in_bytes", std::to_string(1LL << 30));
  const std::string self = "9:name=systemd:/\n4:memory:/process_api/abc\n3:cpu,cpuacct:/\n0::/\n";
  const auto h = cgroup_headroom(self, root_);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->bytes, double(3LL << 30));
  EXPECT_EQ(h->source, (root_ / "memory/process_api/memory.limit_in_bytes").string());
  // The inactive page cache (memory.stat) is not counted: the kernel reclaims it first.
  write("memory/process_api/memory.stat", "cache 1073741824\ntotal_inactive_file 536870912\ntotal_rss 1\n");
  EXPECT_EQ(cgroup_headroom(self, root_)->bytes, double(3LL << 30) + double(1LL << 29));
  // A controller list that names memory among others counts too.
  EXPECT_TRUE(cgroup_headroom("4:cpu,memory:/process_api/abc\n", root_).has_value());
}

TEST_F(FakeCgroups, NoLimitsOrNoTreeGiveNothing) {
  write("memory.max", "max");
  write("memory/memory.limit_in_bytes", "9223372036854771712");
  EXPECT_FALSE(cgroup_headroom("0::/\n", root_).has_value());
  EXPECT_FALSE(cgroup_headroom("4:memory:/\n", root_).has_value());
  EXPECT_FALSE(cgroup_headroom("0::/not/there\n", root_ / "absent").has_value());
  EXPECT_FALSE(cgroup_headroom("garbage\n", root_).has_value());
  // Usage above the limit (it happens transiently) leaves no headroom, not a negative one.
  write("memory/memory.limit_in_bytes", "1000");
  write("memory/memory.usage_in_bytes", "2000");
  EXPECT_EQ(cgroup_headroom("4:memory:/\n", root_)->bytes, 0.0);
}

TEST(MemoryBudget, ThisProcessHasAFiniteBudget) {
  const MemoryLimit m = available_memory();
  EXPECT_TRUE(std::isfinite(m.bytes));
  EXPECT_GT(m.bytes, 0.0);
  EXPECT_FALSE(m.source.empty());
}

TEST(MemoryBudget, TheLogSaysWhyKernelsAreRecomputed) {
  KernelStorageSummary s{"auto", 2, 2, 2.07e9, 12.3e9, "MemAvailable"};
  EXPECT_EQ(s.storage(), "stored");
  EXPECT_NE(s.describe().find("kernels: stored, 2.07 GB per rank"), std::string::npos) << s.describe();
  s.stored_ranks = 0;
  s.available_bytes = 1.58e9;
  s.memory_source = "/sys/fs/cgroup/memory/job/memory.limit_in_bytes";
  EXPECT_EQ(s.storage(), "on_the_fly");
  const std::string why = s.describe();
  for (const char* part : {"on every rank", "2.07 GB", "1.58 GB", "memory.limit_in_bytes", "kernel_precision: single"})
    EXPECT_NE(why.find(part), std::string::npos) << part << " in: " << why;
  s.stored_ranks = 1;
  EXPECT_EQ(s.storage(), "mixed");
  EXPECT_NE(s.describe().find("on 1 of 2 ranks"), std::string::npos);
  s.setting = "on_the_fly";
  s.stored_ranks = 0;
  EXPECT_EQ(s.describe(), "kernels: recomputed on the fly (solver.kernels: on_the_fly)");
}

}  // namespace
}  // namespace regio
