// The SQL text of a string value: a single-quoted literal with Spark's backslash escapes, for
// binding text as a parameter value (never for splicing user values into statements).
#pragma once

#include <string>
#include <string_view>

namespace braid::sql {

inline std::string string_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace braid::sql
