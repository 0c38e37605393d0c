// Upper and lower case of UTF-8 text, for upper/lower/initcap/ILIKE. Covers ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic with Java's mappings (ß upper-cases to "SS"); other code
// points are left unchanged. Output is never longer than the input.
// Private to src/exec/expr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace braid::exec::internal {

// Writes the converted text to `out` (room for in.size() bytes); returns the bytes written.
size_t to_upper_utf8(std::string_view in, char* out);
size_t to_lower_utf8(std::string_view in, char* out);
std::string lower_utf8(std::string_view in);

// Decodes the code point at s[i] (advancing i); invalid bytes decode as themselves, one each.
uint32_t decode_utf8(std::string_view s, size_t& i);
// Appends the UTF-8 bytes of a code point at `out`; returns the count.
size_t encode_utf8(uint32_t cp, char* out);

}  // namespace braid::exec::internal
