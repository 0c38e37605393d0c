// The text of a single value, shared by every row output (jsonl, csv, table) and by tests.
//
// Json flavour is the jsonl format of ../shared/fixtures/parquet/README.md: integers with all
// digits, "NaN"/"Infinity"/"-Infinity" as strings, decimals as strings with exactly `scale`
// digits, dates "YYYY-MM-DD", timestamps "YYYY-MM-DDTHH:MM:SS.ffffff" (9 digits for
// nanoseconds) plus "Z" when adjusted to UTC, binary as base64, UUIDs in 8-4-4-4-12 form,
// intervals as {"months","days","millis"}, structs as objects, lists as arrays, maps as arrays of
// {"key","value"}.
// Plain flavour is for people and CSV: strings unquoted, timestamps "YYYY-MM-DD HH:MM:SS[.f]",
// NULL is the caller's business (check is_valid first); nested values use the json flavour.
#pragma once

#include <string>
#include <string_view>

#include "columnar/column.h"

namespace braid {

enum class TextFlavor { kJson, kPlain };

// Appends the text of row `row` of `column` (json flavour prints null as `null`).
void append_value_text(std::string& out, const Column& column, int64_t row, TextFlavor flavor);
std::string value_text(const Column& column, int64_t row, TextFlavor flavor);

// Standard base64 with padding.
void append_base64(std::string& out, std::string_view bytes);

}  // namespace braid
