#pragma once
// Reading an input file whole, with the one error every reader gives when it cannot (issue 19):
// "PATH: cannot open the WHAT: REASON (FIX)", REASON being the OS's (strerror: "No such file or
// directory", "Permission denied") or "it is a folder, not a file" / "it is a FIFO, socket or
// device, not a regular file" — checked before opening, since reading a FIFO would wait for a
// writer forever and a folder reads as empty.
#include <string>

namespace regio {

// The bytes of `path`; throws InputError as above. `what`: "scenario file", "region CSV", ...;
// `fix`: what to do, e.g. "check 'regions:' in the scenario".
std::string read_input_file(const std::string& path, const std::string& what, const std::string& fix);

// The folder an input file's relative paths are relative to: its own ("." for a bare name).
std::string input_dir(const std::string& path);

}  // namespace regio
