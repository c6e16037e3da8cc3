#pragma once
// Checked output files (docs/guarantees.md): every write, flush, fsync, close and rename is
// checked, and a failure is an InputError naming the file and the OS's reason (strerror), so
// that no run is marked complete after a write was lost (a full disk, a quota, a vanished
// mount). Rank-local: the caller makes the verdict collective (on_root, require_all).
#include <mpi.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace regio {

// "No space left on device": the OS's reason for errno `err`.
std::string os_reason(int err);

// Collective. Parallel HDF5 cannot be trusted to fail cleanly when the disk fills in the middle
// of a collective write (a rank's MPI-IO write fails, the others wait in the next collective),
// so every epoch's writes and every checkpoint are preceded by this check, rank 0's verdict on
// every rank: InputError if the file system of `dir` has less than `bytes` free for an
// unprivileged writer. Callers pass a bound on what they will write (docs/guarantees.md "Free
// space"): an epoch's staged CSV bytes plus its HDF5 panel chunks and a metadata margin; a
// checkpoint's dataset bytes plus its metadata. The bound cannot see other writers on the same
// file system: a disk that fills between the check and the write is still caught by the
// checked writes and HDF5's own checks (the run then fails, never complete), less gracefully.
// Test hook: REGIO_TEST_FREE_BYTES=N[@WHAT] (output_file.cpp).
void require_free_space(const std::string& dir, std::uint64_t bytes, MPI_Comm comm, const std::string& what);

// Writes `content` to `path` atomically: to a temporary name beside it, fsync'd, then renamed
// over `path` (and the folder fsync'd), so that `path` holds the old or the new content whole,
// never a part. Throws InputError if any step fails (the temporary is then removed).
void write_file_atomically(const std::string& path, const std::string& content);

// A text file appended to through a buffer; the buffer reaches the disk on flush() and close(),
// each checked. Formatting is std::ostream's (the bytes of an std::ofstream).
class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // closes without checking: call close() to know
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates (truncating) or, with `append`, opens `path`; throws InputError with the reason.
  void open(const std::string& path, bool append = false);
  bool is_open() const { return fd_ >= 0; }
  template <class T>
  OutputFile& operator<<(const T& v) {
    buffer_ << v;
    return *this;
  }
  std::uint64_t pending() const { return buffer_.view().size(); }  // bytes the next flush() writes
  void flush();                        // writes the buffer; throws InputError if not all of it reached the file
  void discard() { buffer_.str(""); }  // drops what was not flushed
  void close();                        // flush, fsync and close; throws InputError on any failure (no-op if not open)

 private:
  int fd_ = -1;
  std::string path_;
  std::ostringstream buffer_;
};

}  // namespace regio
