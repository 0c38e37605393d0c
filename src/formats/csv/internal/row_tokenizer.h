// Row tokenizer and row-boundary state machine of the CSV reader (private to formats/csv).
//
// The grammar, shared by both so that they always agree on where rows end:
//   - a field that starts with the quote character is quoted: it runs to the closing quote and
//     may hold delimiters and line breaks. Inside it a quote is written twice (escape == quote)
//     or preceded by the escape character (any character after the escape stands for itself).
//     After the closing quote comes a delimiter, a line end or the end of the file; anything
//     else is an error.
//   - any other field is unquoted and runs to the next delimiter or line break. A quote or
//     escape character inside it is an ordinary character (lenient, as DuckDB and Spark:
//     `5'11"` reads as written).
//   - rows end at "\n"; a "\r" just before it belongs to the line end. A blank line is a row
//     with no text (the reader skips it, or reads NULL when the file has one column).
//
// RowTokenizer splits rows into FieldRefs pointing into the caller's buffer (no copies; fields
// with escapes are unescaped on demand). BoundaryMachine runs the same grammar as a finite
// automaton over bytes, from every possible starting state at once, which is how parallel
// parsing finds where each block's first row starts without parsing what comes before it.
//
// Thread-safety: both are immutable after construction except for RowTokenizer's error and
// incomplete-row details; use one RowTokenizer per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace braid::csv::internal {

struct Dialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';
  bool doubled_quotes() const { return escape == quote; }
};

// Bytes the reader keeps readable past the end of its data: the tokenizer's unquoted-field loop
// stops at a '\n' sentinel there instead of checking bounds on every byte.
inline constexpr size_t kSentinelPadding = 64;

// One field of a row, as it appears in the buffer.
struct FieldRef {
  static constexpr uint32_t kQuoted = 1;   // was in quotes (never matches a null value)
  static constexpr uint32_t kEscaped = 2;  // holds doubled quotes or escapes: see unescape()
  // Not in the row at all (a malformed row's missing field): always NULL.
  static constexpr uint32_t kMissing = 4;

  const char* data;  // the text (after the opening quote of a quoted field)
  uint32_t size;
  uint32_t flags;

  bool quoted() const { return (flags & kQuoted) != 0; }
  bool escaped() const { return (flags & kEscaped) != 0; }
  // Where the field starts in the input (its opening quote when quoted).
  const char* start() const { return quoted() ? data - 1 : data; }
  std::string_view raw() const { return {data, size}; }
};

// The text of an escaped field with its escapes resolved, written to `out` (which is cleared).
void unescape(const FieldRef& field, const Dialect& dialect, std::string& out);

enum class RowStatus {
  kRow,         // a row; the position is at the start of the next one
  kBlank,       // an empty line
  kIncomplete,  // the row runs past the end of the data and the file goes on
  kError,       // malformed; see error_offset() and error()
};

class RowTokenizer {
 public:
  // data[0, size) is the input; data[size, size + kSentinelPadding) must be readable and
  // data[size] must be '\n'. `eof`: the data ends where the file ends (a last row without a line
  // break is complete, an open quote is an error).
  RowTokenizer(const Dialect& dialect, const char* data, size_t size, bool eof);

  // Splits the row starting at `pos` (< size). Fields go to fields[0, max_fields); `num_fields`
  // counts all of them, also those past max_fields. On kRow and kBlank `pos` moves to the next
  // row; otherwise it stays.
  RowStatus next_row(size_t& pos, FieldRef* fields, uint32_t max_fields, uint32_t& num_fields);

  // kError: where (offset into data) and what.
  size_t error_offset() const { return error_offset_; }
  const std::string& error() const { return error_; }
  // kError: the error is text after a closing quote, which leaves the row's end where the
  // BoundaryMachine finds it from state kQuoteInQuoted at error_offset() (a malformed row that
  // can be skipped); other errors hide where the row ends.
  bool error_after_quote() const { return error_after_quote_; }
  // kIncomplete: the offset of the opening quote of the field that was still open, or npos when
  // the row stopped outside quotes.
  size_t open_quote() const { return open_quote_; }

 private:
  RowStatus fail(const char* at, std::string message, bool after_quote = false);
  RowStatus incomplete(const char* open_quote);
  const char* find_quote_or_escape(const char* p);
  uint64_t quote_mask(const char* data) const;
  uint64_t separator_mask(const char* data) const;
  const char* find_field_end(const char* p);

  Dialect dialect_;
  const char* data_;
  const char* end_;
  bool eof_;
  // stop_[c]: c ends an unquoted field (the delimiter or '\n').
  std::array<bool, 256> stop_{};
#if defined(__SSE2__)
  __m128i delimiter_vector_;
  __m128i newline_vector_;
  __m128i quote_vector_;
  __m128i escape_vector_;  // the quote again when quotes are doubled
#endif
  // The separators of data[window_, window_ + 64) (see find_field_end).
  const char* window_ = nullptr;
  uint64_t window_mask_ = 0;
  // The quotes (and escapes) of data[quote_window_, quote_window_ + 64).
  const char* quote_window_ = nullptr;
  uint64_t quote_window_mask_ = 0;
  size_t error_offset_ = 0;
  std::string error_;
  bool error_after_quote_ = false;
  size_t open_quote_ = std::string::npos;
};

// The grammar above as a DFA over bytes. Row starts are the positions where it enters kRowStart.
class BoundaryMachine {
 public:
  enum State : uint8_t {
    kRowStart,        // at the start of a row
    kFieldStart,      // after a delimiter
    kUnquoted,        // inside an unquoted field
    kQuoted,          // inside a quoted field
    kQuoteInQuoted,   // just after a quote inside a quoted field: closing, or half of ""
    kEscapeInQuoted,  // just after the escape character inside a quoted field
    kNumStates,
  };
  // For every state at the start of a range, the state at its end.
  using Transitions = std::array<uint8_t, kNumStates>;

  explicit BoundaryMachine(const Dialect& dialect);

  // The transitions over data[0, size).
  Transitions run(const char* data, size_t size) const;
  // Starting in `state` at data[0], the offset of the first row start in [0, size), or npos.
  size_t first_row_start(const char* data, size_t size, State state) const;

  State step(State s, char c) const {
    return static_cast<State>(next_[s][class_[static_cast<unsigned char>(c)]]);
  }

 private:
  enum CharClass : uint8_t { kOther, kDelimiter, kNewline, kQuote, kEscape, kNumClasses };

  Dialect dialect_;
  std::array<uint8_t, 256> class_{};
  uint8_t next_[kNumStates][kNumClasses];
};

}  // namespace braid::csv::internal
