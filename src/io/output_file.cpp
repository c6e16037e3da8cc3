#include "regio/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>

#include "regio/collectives.hpp"
#include "regio/error.hpp"

namespace regio {

namespace fs = std::filesystem;

std::string os_reason(int err) { return std::strerror(err); }

namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
  throw InputError(
      fmt::format("{}: {} failed: {} — free space or fix permissions, then run again", path, what, os_reason(err)));
}

// write(2) until every byte is out (it may write less, or be interrupted by a signal).
void write_all(int fd, const std::string& path, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t k = ::write(fd, data, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) fail(path, "writing", k < 0 ? errno : ENOSPC);
    data += k;
    n -= static_cast<std::size_t>(k);
  }
}

// The folder's entry of a renamed file reaches the disk only when the folder is fsync'd.
void sync_folder(const fs::path& file) {
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some file systems refuse to open folders
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  const std::string tmp = (target.parent_path() / fmt::format(".{}.tmp", target.filename().string())).string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "creating", errno);
  try {
    write_all(fd, tmp, content.data(), content.size());
    if (::fsync(fd) != 0 && errno != EINVAL) fail(tmp, "fsync", errno);  // EINVAL: a file system without fsync
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(tmp, "closing", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(path, "renaming the new version into place", err);
  }
  sync_folder(target);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::open(const std::string& path, bool append) {
  if (fd_ >= 0) ::close(fd_);
  path_ = path;
  buffer_.str("");
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd_ < 0) fail(path, "opening for writing", errno);
}

void OutputFile::flush() {
  if (fd_ < 0) return;
  const std::string data = buffer_.str();
  buffer_.str("");
  write_all(fd_, path_, data.data(), data.size());
}

void OutputFile::close() {
  if (fd_ < 0) return;
  flush();
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    ::close(fd);
    fail(path_, "fsync", err);
  }
  if (::close(fd) != 0) fail(path_, "closing", errno);
}

namespace {
// The bytes an unprivileged writer may still use on the file system of `dir` (statvfs f_bavail),
// or nothing if unknown. Test hook: REGIO_TEST_FREE_BYTES=N (every check) or N@WHAT (the checks
// whose `what` starts with WHAT, e.g. 1000@the checkpoint) pretends that N bytes are free.
std::optional<std::uint64_t> available_bytes(const std::string& dir, const std::string& what) {
  if (const char* hook = std::getenv("REGIO_TEST_FREE_BYTES")) {
    const std::string_view h(hook);
    const auto at = h.find('@');
    if (at == std::string_view::npos || what.starts_with(h.substr(at + 1)))
      return std::strtoull(std::string(h.substr(0, at)).c_str(), nullptr, 10);
  }
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;  // unknown: the checked writes report what they meet
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}
}  // namespace

void require_free_space(const std::string& dir, std::uint64_t bytes, MPI_Comm comm, const std::string& what) {
  on_root(comm, [&] {
    const auto free = available_bytes(dir, what);
    if (free && *free < bytes)
      throw InputError(
          fmt::format("{}: {} bytes free, writing {} takes up to {} bytes — free space (or use another --out) and "
                      "restart from the last checkpoint",
                      dir, *free, what, bytes));
  });
}

}  // namespace regio
