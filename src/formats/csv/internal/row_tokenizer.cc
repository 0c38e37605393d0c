#include "formats/csv/internal/row_tokenizer.h"

#include <fmt/core.h>

#include <algorithm>

namespace braid::csv::internal {

namespace {

std::string printable(char c) {
  if (c >= 32 && c < 127) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
}

}  // namespace

void unescape(const FieldRef& field, const Dialect& dialect, std::string& out) {
  out.clear();
  out.reserve(field.size);
  const char* p = field.data;
  const char* end = p + field.size;
  // Inside a quoted field the tokenizer only flags pairs it has checked: "" (doubled quotes)
  // or escape + any character.
  const char marker = dialect.doubled_quotes() ? dialect.quote : dialect.escape;
  while (p < end) {
    const char* m = static_cast<const char*>(std::memchr(p, marker, static_cast<size_t>(end - p)));
    if (m == nullptr || m + 1 >= end) {
      out.append(p, static_cast<size_t>(end - p));
      break;
    }
    out.append(p, static_cast<size_t>(m - p));
    out.push_back(m[1]);
    p = m + 2;
  }
}

RowTokenizer::RowTokenizer(const Dialect& dialect, const char* data, size_t size, bool eof)
    : dialect_(dialect), data_(data), end_(data + size), eof_(eof) {
  stop_[static_cast<unsigned char>(dialect.delimiter)] = true;
  stop_[static_cast<unsigned char>('\n')] = true;
#if defined(__SSE2__)
  delimiter_vector_ = _mm_set1_epi8(dialect.delimiter);
  newline_vector_ = _mm_set1_epi8('\n');
  quote_vector_ = _mm_set1_epi8(dialect.quote);
  escape_vector_ = _mm_set1_epi8(dialect.escape);
#endif
}

RowStatus RowTokenizer::fail(const char* at, std::string message, bool after_quote) {
  error_offset_ = static_cast<size_t>(at - data_);
  error_ = std::move(message);
  error_after_quote_ = after_quote;
  return RowStatus::kError;
}

RowStatus RowTokenizer::incomplete(const char* open_quote) {
  open_quote_ = open_quote == nullptr ? std::string::npos : static_cast<size_t>(open_quote - data_);
  return RowStatus::kIncomplete;
}

// Bit i is set when data[i] is the quote (or the escape character), for i in [0, 64).
inline uint64_t RowTokenizer::quote_mask(const char* data) const {
#if defined(__SSE2__)
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i));
    const auto bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(bytes, quote_vector_), _mm_cmpeq_epi8(bytes, escape_vector_))));
    mask |= static_cast<uint64_t>(bits) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    mask |= static_cast<uint64_t>(data[i] == dialect_.quote || data[i] == dialect_.escape) << i;
  }
  return mask;
#endif
}

// The first quote or escape character in [p, end), or nullptr; the same 64-byte window scheme
// as find_field_end, with no sentinel: windows start before the end, so they read at most 63
// bytes of padding.
const char* RowTokenizer::find_quote_or_escape(const char* p) {
  while (true) {
    const auto offset = static_cast<size_t>(reinterpret_cast<uintptr_t>(p) -
                                            reinterpret_cast<uintptr_t>(quote_window_));
    if (offset < 64) {
      const uint64_t rest = quote_window_mask_ >> offset;
      if (rest != 0) {
        const char* q = p + __builtin_ctzll(rest);
        return q < end_ ? q : nullptr;
      }
      quote_window_ += 64;
      p = quote_window_;
    } else {
      quote_window_ = p;
    }
    if (p >= end_) return nullptr;
    quote_window_mask_ = quote_mask(quote_window_);
  }
}

// Bit i is set when data[i] is the delimiter or '\n', for i in [0, 64).
inline uint64_t RowTokenizer::separator_mask(const char* data) const {
#if defined(__SSE2__)
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i));
    const auto bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(bytes, delimiter_vector_), _mm_cmpeq_epi8(bytes, newline_vector_))));
    mask |= static_cast<uint64_t>(bits) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    mask |= static_cast<uint64_t>(stop_[static_cast<unsigned char>(data[i])]) << i;
  }
  return mask;
#endif
}

// The first delimiter or '\n' at or after p. The separators of a 64-byte window are kept as a
// bitmask, so the fields of a row mostly cost a shift and a count of trailing zeros, with no
// per-byte loop and no hard-to-predict branch. Windows may reach 63 bytes past the sentinel,
// which kSentinelPadding covers (a window starts at or before the sentinel, which stops it).
inline const char* RowTokenizer::find_field_end(const char* p) {
  while (true) {
    // Huge when p is before the window (or there is none yet).
    const auto offset = static_cast<size_t>(reinterpret_cast<uintptr_t>(p) -
                                            reinterpret_cast<uintptr_t>(window_));
    if (offset < 64) {
      const uint64_t rest = window_mask_ >> offset;
      if (rest != 0) return p + __builtin_ctzll(rest);
      window_ += 64;
      p = window_;  // nothing before it is a separator
    } else {
      window_ = p;
    }
    window_mask_ = separator_mask(window_);
  }
}

RowStatus RowTokenizer::next_row(size_t& pos, FieldRef* fields, uint32_t max_fields,
                                 uint32_t& num_fields) {
  const char* p = data_ + pos;
  const char* const end = end_;
  const char delimiter = dialect_.delimiter;
  const char quote = dialect_.quote;
  num_fields = 0;

  // A blank line ("\n", "\r\n", or a lone "\r" at the end of the file).
  if (*p == '\n') {
    pos += 1;
    return RowStatus::kBlank;
  }
  if (*p == '\r') {
    if (p + 1 < end && p[1] == '\n') {
      pos += 2;
      return RowStatus::kBlank;
    }
    if (p + 1 == end) {
      if (!eof_) return incomplete(nullptr);
      pos += 1;
      return RowStatus::kBlank;
    }
  }

  uint32_t n = 0;
  FieldRef overflow;  // fields past max_fields are counted, not kept
  while (true) {
    FieldRef& f = n < max_fields ? fields[n] : overflow;
    if (*p == quote) {
      const char* open = p;
      const char* start = p + 1;
      const char* q = start;
      uint32_t flags = FieldRef::kQuoted;
      while (true) {
        q = find_quote_or_escape(q);
        if (q == nullptr) {
          if (!eof_) return incomplete(open);
          return fail(open, "unterminated quoted field (the quote that opens it is here)");
        }
        if (*q != quote) {  // the escape character: the next one stands for itself
          if (q + 1 >= end) {
            if (!eof_) return incomplete(open);
            return fail(open, "unterminated quoted field (the quote that opens it is here)");
          }
          flags |= FieldRef::kEscaped;
          q += 2;
          continue;
        }
        if (dialect_.doubled_quotes()) {
          if (q + 1 < end && q[1] == quote) {
            flags |= FieldRef::kEscaped;
            q += 2;
            continue;
          }
          // A quote at the very end: closing, or the first half of "" in the next read.
          if (q + 1 == end && !eof_) return incomplete(open);
        }
        break;
      }
      f.data = start;
      f.size = static_cast<uint32_t>(q - start);
      f.flags = flags;
      ++n;
      p = q + 1;
      if (p == end) {
        if (!eof_) return incomplete(nullptr);
        break;
      }
      const char c = *p;
      if (c == delimiter) {
        ++p;
        continue;
      }
      if (c == '\n') {
        ++p;
        break;
      }
      if (c == '\r') {
        if (p + 1 < end && p[1] == '\n') {
          p += 2;
          break;
        }
        if (p + 1 == end) {
          if (!eof_) return incomplete(nullptr);
          ++p;
          break;
        }
      }
      return fail(p, fmt::format("unexpected {} after the closing quote of a field", printable(c)), true);
    }
    // Unquoted: up to the delimiter or the line break (the sentinel '\n' stops it at the end).
    const char* start = p;
    p = find_field_end(p);
    const char* field_end = p;
    if (p == end) {
      if (!eof_) return incomplete(nullptr);
      if (field_end > start && field_end[-1] == '\r') --field_end;
      f.data = start;
      f.size = static_cast<uint32_t>(field_end - start);
      f.flags = 0;
      ++n;
      break;
    }
    if (*p == delimiter) {
      f.data = start;
      f.size = static_cast<uint32_t>(field_end - start);
      f.flags = 0;
      ++n;
      ++p;
      continue;
    }
    if (field_end > start && field_end[-1] == '\r') --field_end;
    f.data = start;
    f.size = static_cast<uint32_t>(field_end - start);
    f.flags = 0;
    ++n;
    ++p;  // the '\n'
    break;
  }
  num_fields = n;
  pos = static_cast<size_t>(p - data_);
  return RowStatus::kRow;
}

// ---- BoundaryMachine

BoundaryMachine::BoundaryMachine(const Dialect& dialect) : dialect_(dialect) {
  class_.fill(kOther);
  class_[static_cast<unsigned char>(dialect.delimiter)] = kDelimiter;
  class_[static_cast<unsigned char>('\n')] = kNewline;
  class_[static_cast<unsigned char>(dialect.quote)] = kQuote;
  if (!dialect.doubled_quotes()) class_[static_cast<unsigned char>(dialect.escape)] = kEscape;

  auto set = [&](State s, uint8_t other, uint8_t delimiter, uint8_t newline, uint8_t quote,
                 uint8_t escape) {
    next_[s][kOther] = other;
    next_[s][kDelimiter] = delimiter;
    next_[s][kNewline] = newline;
    next_[s][kQuote] = quote;
    next_[s][kEscape] = escape;
  };
  // Mirrors RowTokenizer::next_row. Where the tokenizer reports an error the machine may go
  // anywhere: parsing stops at the error, so nothing after it depends on the machine.
  set(kRowStart, kUnquoted, kFieldStart, kRowStart, kQuoted, kUnquoted);
  set(kFieldStart, kUnquoted, kFieldStart, kRowStart, kQuoted, kUnquoted);
  set(kUnquoted, kUnquoted, kFieldStart, kRowStart, kUnquoted, kUnquoted);
  set(kQuoted, kQuoted, kQuoted, kQuoted, kQuoteInQuoted, kEscapeInQuoted);
  // After a quote inside quotes: "" continues the field (doubled quotes); a delimiter or line
  // end closes it; "\r" is on its way to "\n" (anything else is an error).
  set(kQuoteInQuoted, kUnquoted, kFieldStart, kRowStart,
      dialect.doubled_quotes() ? kQuoted : kUnquoted, kUnquoted);
  set(kEscapeInQuoted, kQuoted, kQuoted, kQuoted, kQuoted, kQuoted);
}

BoundaryMachine::Transitions BoundaryMachine::run(const char* data, size_t size) const {
  Transitions out;
  if (size == 0) {
    for (uint8_t s = 0; s < kNumStates; ++s) out[s] = s;
    return out;
  }
  // Without quote or escape characters every state but the quoted ones ends where the last
  // byte says, and the quoted ones stay quoted: no need to look at every byte.
  bool plain = std::memchr(data, dialect_.quote, size) == nullptr &&
               (dialect_.doubled_quotes() || std::memchr(data, dialect_.escape, size) == nullptr);
  if (plain) {
    const uint8_t last = next_[kRowStart][class_[static_cast<unsigned char>(data[size - 1])]];
    for (uint8_t s = 0; s < kNumStates; ++s) out[s] = last;
    out[kQuoted] = kQuoted;
    out[kEscapeInQuoted] = kQuoted;
    if (size == 1) {
      // One byte: the states after a quote see it first.
      out[kQuoteInQuoted] = next_[kQuoteInQuoted][class_[static_cast<unsigned char>(data[0])]];
    }
    return out;
  }
  // Run the automaton from every state at once. Runs that meet stay together, so only the
  // distinct ones are stepped (usually two: inside quotes or not).
  uint8_t track[kNumStates];   // current state of each distinct run
  uint8_t run_of[kNumStates];  // start state -> index of its run
  int runs = kNumStates;
  for (uint8_t s = 0; s < kNumStates; ++s) track[s] = run_of[s] = s;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  const auto* const end = p + size;
  while (p < end) {
    const auto* stop = p + std::min<size_t>(static_cast<size_t>(end - p), 64);
    if (runs == 1) {
      uint8_t a = track[0];
      for (; p < stop; ++p) a = next_[a][class_[*p]];
      track[0] = a;
    } else if (runs == 2) {
      uint8_t a = track[0], b = track[1];
      for (; p < stop; ++p) {
        const uint8_t c = class_[*p];
        a = next_[a][c];
        b = next_[b][c];
      }
      track[0] = a;
      track[1] = b;
    } else {
      for (; p < stop; ++p) {
        const uint8_t c = class_[*p];
        for (int r = 0; r < runs; ++r) track[r] = next_[track[r]][c];
      }
    }
    // Merge runs that reached the same state.
    uint8_t merged[kNumStates];
    uint8_t remap[kNumStates];
    int count = 0;
    for (int r = 0; r < runs; ++r) {
      int k = 0;
      while (k < count && merged[k] != track[r]) ++k;
      if (k == count) merged[count++] = track[r];
      remap[r] = static_cast<uint8_t>(k);
    }
    if (count != runs) {
      for (uint8_t s = 0; s < kNumStates; ++s) run_of[s] = remap[run_of[s]];
      for (int r = 0; r < count; ++r) track[r] = merged[r];
      runs = count;
    }
  }
  for (uint8_t s = 0; s < kNumStates; ++s) out[s] = track[run_of[s]];
  return out;
}

size_t BoundaryMachine::first_row_start(const char* data, size_t size, State state) const {
  if (state == kRowStart) return 0;
  uint8_t s = state;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    s = next_[s][class_[p[i]]];
    if (s == kRowStart) return i + 1 < size ? i + 1 : std::string::npos;
  }
  return std::string::npos;
}

}  // namespace braid::csv::internal
