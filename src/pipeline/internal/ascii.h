// ASCII case of names (private to pipeline/): the runner compares table, view and column names
// without regard to case, as SQL does.
#pragma once

#include <cctype>
#include <string>

namespace braid::pipeline::internal {

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace braid::pipeline::internal
