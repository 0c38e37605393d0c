// UTF-8 validation and measuring, for string columns and text output.
#pragma once

#include <cstdint>
#include <string_view>

namespace braid::utf8 {

// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid(std::string_view s);
// Number of code points (for well-formed input; invalid bytes count one each).
int64_t length(std::string_view s);
// The byte length of the longest prefix of `s` holding at most `max_chars` code points.
size_t prefix_bytes(std::string_view s, int64_t max_chars);

}  // namespace braid::utf8
