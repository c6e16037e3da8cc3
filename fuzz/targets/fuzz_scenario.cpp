// libFuzzer target: regio::parse_scenario (scenario YAML -> Scenario, with validation).
// Oracle: only InputError (one line, "fuzz.yaml:...") may escape; an accepted scenario must
// survive the run.yaml round trip: scenario_to_yaml -> parse_scenario -> the same YAML text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "regio/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  regio_fuzz::expect_input_error_only("fuzz.yaml", [&] {
    const regio::Scenario s = regio::parse_scenario(text, "fuzz.yaml", "/tmp");
    const std::string yaml = regio::scenario_to_yaml(s);
    regio::Scenario again;
    try {
      again = regio::parse_scenario(yaml, "roundtrip.yaml", "/tmp");
    } catch (const regio::InputError& e) {
      regio_fuzz::finding(std::string("scenario_to_yaml output is rejected: ") + e.what() + "\n" + yaml);
    }
    if (regio::scenario_to_yaml(again) != yaml)
      regio_fuzz::finding("scenario_to_yaml round trip changes the scenario:\n" + yaml + "---\n" +
                          regio::scenario_to_yaml(again));
  });
  return 0;
}
