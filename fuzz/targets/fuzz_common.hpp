#pragma once
// Shared oracle of the regio fuzz targets. An InputError is the expected verdict on bad input;
// its message must be what main() prints as `regio: error: ...`: ONE line that starts with the
// file label ("LABEL:LINE: ..." or "LABEL: ..."). Any other exception, a malformed message, a
// broken round trip, a crash, a hang, a sanitizer report or a leak is a finding (abort()).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "regio/error.hpp"

namespace regio_fuzz {

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "\n==regio-fuzz== FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void check_message(const regio::InputError& e, const std::string& label) {
  const std::string m = e.what();
  if (m.rfind(label + ":", 0) != 0) finding("InputError message does not start with '" + label + ":': " + m);
  if (m.find_first_of("\n\r") != std::string::npos) finding("InputError message spans several lines: " + m);
}

// Runs `f`; an InputError (checked message) is fine, anything else escaping is a finding.
template <class F>
void expect_input_error_only(const std::string& label, F&& f) {
  try {
    f();
  } catch (const regio::InputError& e) {
    check_message(e, label);
  } catch (const std::exception& e) {
    finding(std::string("unexpected exception ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    finding("unexpected non-std exception");
  }
}

}  // namespace regio_fuzz
