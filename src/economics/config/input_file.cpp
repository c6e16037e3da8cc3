#include "regio/input_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "regio/error.hpp"

namespace regio {

std::string read_input_file(const std::string& path, const std::string& what, const std::string& fix) {
  auto refuse = [&](const std::string& reason) {
    return InputError(fmt::format("{}: cannot open the {}: {} ({})", path, what, reason, fix));
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw refuse(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw refuse("it is a folder, not a file");
  if (!S_ISREG(st.st_mode)) throw refuse("it is a FIFO, socket or device, not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw refuse(std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw refuse(std::strerror(errno));
  return text.str();
}

std::string input_dir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace regio
