#pragma once
// How much memory this process may still use: the smaller of the kernel's MemAvailable and the
// headroom of the tightest cgroup memory limit above the process (a SLURM job's --mem, a
// container's limit). `solver.kernels: auto` stores the kernel rows only if they fit in half of
// it (src/solver/kernel_passes.cpp); a job that trusted MemAvailable alone would be killed by the cgroup's
// OOM killer as soon as its kernels outgrew --mem.
#include <mpi.h>

#include <filesystem>
#include <limits>
#include <optional>
#include <string>

namespace regio {

struct MemoryLimit {
  double bytes = std::numeric_limits<double>::infinity();
  std::string source;  // what set it: "MemAvailable" or the cgroup file of the limit
};

// MemAvailable (bytes) from the text of /proc/meminfo.
std::optional<double> meminfo_available(const std::string& meminfo);

// The smallest limit − working set (usage less the inactive page cache, which is reclaimed
// before the OOM killer acts) over the process's memory cgroup and its ancestors, given the text
// of /proc/self/cgroup and the cgroup mount point (/sys/fs/cgroup). Understands cgroup v2
// (memory.max, memory.current; under `root` or `root/unified`) and v1 (the memory controller's
// memory.limit_in_bytes, memory.usage_in_bytes under `root/memory`). Levels without a limit,
// or whose files are missing (a container sees only its own part of the tree), are skipped.
std::optional<MemoryLimit> cgroup_headroom(const std::string& proc_self_cgroup, const std::filesystem::path& root);

// min(MemAvailable, cgroup headroom) of this process.
MemoryLimit available_memory();

// available_memory() shared evenly by the ranks on this node (collective on comm).
MemoryLimit available_memory_per_rank(MPI_Comm comm);

}  // namespace regio
