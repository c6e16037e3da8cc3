#include "regio/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

namespace regio {
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A byte count from a cgroup file; nullopt for "max", an absent file or v1's "unlimited"
// (PAGE_COUNTER_MAX rounded to pages, about 2^63).
std::optional<double> read_bytes(const fs::path& path) {
  std::istringstream in(read_text(path));
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = static_cast<double>(std::stoull(word, &used));
    if (used != word.size() || v >= 0x1p62) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The directory of `relative` under `base` and each ancestor up to `base` itself.
std::vector<fs::path> levels(const fs::path& base, const std::string& relative) {
  std::vector<fs::path> out;
  fs::path rel = fs::path(relative).relative_path();
  while (true) {
    out.push_back(rel.empty() ? base : base / rel);
    if (rel.empty()) break;
    rel = rel.parent_path();
  }
  return out;
}

// A value of memory.stat ("key bytes" lines); 0 if absent.
double stat_value(const fs::path& dir, const std::string& key) {
  std::istringstream in(read_text(dir / "memory.stat"));
  std::string k;
  double v = 0;
  while (in >> k >> v)
    if (k == key) return v;
  return 0;
}

void tighten(std::optional<MemoryLimit>& best, const fs::path& dir, const char* limit_file, const char* usage_file,
             const char* inactive_file_key) {
  const auto limit = read_bytes(dir / limit_file);
  if (!limit) return;
  // The working set, as container runtimes count it: usage less the inactive page cache, which
  // the kernel reclaims before it invokes the OOM killer (input files read earlier, say).
  const double usage = std::max(0.0, read_bytes(dir / usage_file).value_or(0.0) - stat_value(dir, inactive_file_key));
  const double headroom = std::max(0.0, *limit - usage);
  if (!best || headroom < best->bytes) best = MemoryLimit{headroom, (dir / limit_file).string()};
}

}  // namespace

std::optional<double> meminfo_available(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string key, unit;
  double kb = 0;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024.0;
  }
  return std::nullopt;
}

std::optional<MemoryLimit> cgroup_headroom(const std::string& proc_self_cgroup, const fs::path& root) {
  std::optional<MemoryLimit> best;
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  while (std::getline(lines, line)) {
    // hierarchy-ID:controller-list:path
    const auto a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string id = line.substr(0, a), controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (id == "0" && controllers.empty()) {  // v2 (unified)
      for (const fs::path& base : {root, root / "unified"})
        for (const auto& dir : levels(base, path)) tighten(best, dir, "memory.max", "memory.current", "inactive_file");
    } else {
      bool memory = false;
      std::istringstream list(controllers);
      for (std::string c; std::getline(list, c, ',');) memory = memory || c == "memory";
      if (memory)
        for (const auto& dir : levels(root / "memory", path))
          tighten(best, dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
    }
  }
  return best;
}

MemoryLimit available_memory() {
  MemoryLimit out;
  if (const auto avail = meminfo_available(read_text("/proc/meminfo"))) out = MemoryLimit{*avail, "MemAvailable"};
  if (const auto cg = cgroup_headroom(read_text("/proc/self/cgroup"), "/sys/fs/cgroup"); cg && cg->bytes < out.bytes)
    out = *cg;
  if (!std::isfinite(out.bytes)) out = MemoryLimit{0.0, "unknown (no /proc/meminfo)"};
  return out;
}

MemoryLimit available_memory_per_rank(MPI_Comm comm) {
  MemoryLimit m = available_memory();
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  m.bytes /= on_node;
  return m;
}

}  // namespace regio
