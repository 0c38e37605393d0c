// libFuzzer target: pipeline files (TOML) on arbitrary bytes. Reading and validating must end in
// a config or an error listing problems; crashes, hangs, leaks and exceptions are bugs. Oracle:
// an accepted config's flows come in dependency order (each after the flows it depends on).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "pipeline/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = braid::pipeline::parse_pipeline(text, "fuzz/pipeline.toml");
  if (!config.ok()) {
    if (config.status().message().empty()) std::abort();  // an error must say what is wrong
    return 0;
  }
  std::set<std::string> seen;
  for (const auto& flow : config->flows) {
    for (const auto& d : flow.depends_on) {
      if (!seen.count(d)) {
        std::fprintf(stderr, "flow %s comes before %s, which it depends on\n", flow.name.c_str(), d.c_str());
        std::abort();
      }
    }
    seen.insert(flow.name);
  }
  return 0;
}
