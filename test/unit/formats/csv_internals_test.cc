// Property tests of the CSV reader's internals: the inline fast paths give exactly what the
// general parsers give, and the boundary automaton finds exactly the rows the tokenizer finds.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>

#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "formats/csv/internal/row_tokenizer.h"
#include "formats/csv/internal/value_parsers.h"

namespace braid::csv::internal {
namespace {

std::string random_digits(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

TEST(CsvValueParsersTest, ShortDecimalMatchesDecimalParse) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (rng() % 3 == 0) s += (rng() % 2) ? '-' : '+';
    s += random_digits(rng, static_cast<int>(rng() % 12));
    if (rng() % 4 != 0) s += '.' + random_digits(rng, static_cast<int>(rng() % 9));
    if (rng() % 50 == 0) s += 'x';
    const int precision = 1 + static_cast<int>(rng() % 38);
    const int scale = static_cast<int>(rng() % (precision + 1));
    Int128 fast_value;
    const bool fast = fast::short_decimal128(s, precision, scale, &fast_value);
    auto general = decimal::parse(s, precision, scale);
    if (fast) {
      ASSERT_TRUE(general.has_value()) << s << " (" << precision << "," << scale << ")";
      ASSERT_TRUE(*general == fast_value) << s << " (" << precision << "," << scale << ")";
    }
    if (!general) {
      ASSERT_FALSE(fast) << s;
    }
  }
}

TEST(CsvValueParsersTest, ShortDoubleMatchesFastFloat) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (rng() % 3 == 0) s += '-';
    s += random_digits(rng, static_cast<int>(rng() % 10));
    if (rng() % 3 != 0) s += '.' + random_digits(rng, static_cast<int>(rng() % 10));
    double fast_value, general_value;
    const bool fast = fast::short_decimal(s, &fast_value);
    const bool general = parse_double_general(s, &general_value);
    if (fast) {
      ASSERT_TRUE(general) << s;
      ASSERT_EQ(std::memcmp(&fast_value, &general_value, sizeof(double)), 0) << s;
    }
    if (!general) {
      ASSERT_FALSE(fast) << s;
    }
  }
}

TEST(CsvValueParsersTest, FixedTimestampsAndDatesMatchTemporal) {
  std::mt19937_64 rng(13);
  auto two = [&](int v) { return fmt::format("{:02d}", v); };
  for (int i = 0; i < 200000; ++i) {
    const int year = static_cast<int>(rng() % 10000);
    std::string date = fmt::format("{:04d}", year) + "-" + two(static_cast<int>(rng() % 14)) +
                       "-" + two(static_cast<int>(rng() % 33));
    std::string ts = date + ((rng() % 2) ? " " : "T") + two(static_cast<int>(rng() % 26)) + ":" +
                     two(static_cast<int>(rng() % 61)) + ":" + two(static_cast<int>(rng() % 61));
    if (rng() % 2) ts += "." + random_digits(rng, static_cast<int>(rng() % 11));
    for (TimeUnit unit : {TimeUnit::kMicro, TimeUnit::kNano}) {
      int64_t fast_value;
      const bool fast = fast::timestamp(ts, unit, &fast_value);
      auto general = temporal::parse_timestamp(ts, unit);
      if (fast) {
        ASSERT_TRUE(general.has_value()) << ts;
        ASSERT_EQ(general->value, fast_value) << ts;
      }
      if (!general) {
        ASSERT_FALSE(fast) << ts;
      }
    }
    int64_t days;
    const bool fast_date = fast::date(date.c_str(), &days);
    auto general_date = temporal::parse_date(date);
    ASSERT_EQ(fast_date, general_date.has_value()) << date;
    if (fast_date) {
      ASSERT_EQ(days, *general_date) << date;
    }
  }
}

TEST(CsvValueParsersTest, IntegersAtTheEdges) {
  int64_t v;
  EXPECT_EQ(parse_integer<int64_t>("-9223372036854775808", &v), IntParse::kOk);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(parse_integer<int64_t>("9223372036854775808", &v), IntParse::kRange);
  EXPECT_EQ(parse_integer<int64_t>("000000000000000000000000042", &v), IntParse::kOk);
  EXPECT_EQ(v, 42);
  EXPECT_EQ(parse_integer<int64_t>("+", &v), IntParse::kSyntax);
  EXPECT_EQ(parse_integer<int64_t>("1 2", &v), IntParse::kSyntax);
  EXPECT_EQ(parse_integer<int64_t>("99999999999999999999x", &v), IntParse::kSyntax);
  uint64_t u;
  EXPECT_EQ(parse_integer<uint64_t>("18446744073709551615", &u), IntParse::kOk);
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_EQ(parse_integer<uint64_t>("-0", &u), IntParse::kOk);
  int8_t b;
  EXPECT_EQ(parse_integer<int8_t>("-128", &b), IntParse::kOk);
  EXPECT_EQ(parse_integer<int8_t>("128", &b), IntParse::kRange);
}

// Random text over an alphabet of the bytes that matter.
std::string random_csv(std::mt19937_64& rng, size_t size, const Dialect& d) {
  const char alphabet[] = {d.delimiter, d.quote, d.escape, '\n', '\r', 'a', 'b', ' '};
  std::string s;
  for (size_t i = 0; i < size; ++i) s += alphabet[rng() % sizeof(alphabet)];
  return s;
}

// The tokenizer's row starts, from 0 until an error or the end.
std::vector<size_t> tokenizer_row_starts(const Dialect& d, const std::string& text, size_t* stop) {
  std::string buffer = text + std::string(kSentinelPadding, '\n');
  RowTokenizer tokenizer(d, buffer.data(), text.size(), /*eof=*/true);
  std::vector<FieldRef> fields(text.size() + 2);
  std::vector<size_t> starts;
  size_t pos = 0;
  while (pos < text.size()) {
    starts.push_back(pos);
    uint32_t n;
    auto status = tokenizer.next_row(pos, fields.data(), static_cast<uint32_t>(fields.size()), n);
    if (status != RowStatus::kRow && status != RowStatus::kBlank) break;
  }
  *stop = pos;
  return starts;
}

TEST(CsvBoundaryMachineTest, FindsExactlyTheTokenizersRowStarts) {
  std::mt19937_64 rng(17);
  for (Dialect d : {Dialect{',', '"', '"'}, Dialect{';', '"', '\\'}, Dialect{'\t', '\'', '\''}}) {
    BoundaryMachine machine(d);
    for (int i = 0; i < 20000; ++i) {
      const std::string text = random_csv(rng, 1 + rng() % 60, d);
      size_t stop = 0;
      const auto starts = tokenizer_row_starts(d, text, &stop);
      // Row starts the automaton sees, up to where the tokenizer stopped (after an error the
      // automaton may go anywhere).
      std::vector<size_t> machine_starts = {0};
      auto state = BoundaryMachine::kRowStart;
      for (size_t p = 0; p + 1 < text.size() && p < stop; ++p) {
        state = machine.step(state, text[p]);
        if (state == BoundaryMachine::kRowStart && p + 1 < stop) machine_starts.push_back(p + 1);
      }
      std::vector<size_t> expected;
      for (size_t s : starts) {
        if (s < stop) expected.push_back(s);
      }
      if (expected.empty()) expected.push_back(0);
      ASSERT_EQ(machine_starts, expected) << "text: " << text;
      // run() over any split agrees with stepping byte by byte, from every state.
      const size_t cut = rng() % (text.size() + 1);
      auto first = machine.run(text.data(), cut);
      auto second = machine.run(text.data() + cut, text.size() - cut);
      for (uint8_t s = 0; s < BoundaryMachine::kNumStates; ++s) {
        auto stepped = static_cast<BoundaryMachine::State>(s);
        for (char c : text) stepped = machine.step(stepped, c);
        ASSERT_EQ(second[first[s]], stepped) << "text: " << text << " state " << int{s};
      }
    }
  }
}

TEST(CsvBoundaryMachineTest, FirstRowStartFromEveryState) {
  BoundaryMachine machine(Dialect{});
  // Outside quotes the first line break ends the row; inside them it is text, and the row
  // ends after the closing quote.
  const std::string text = "a\nb\"\nc";
  EXPECT_EQ(machine.first_row_start(text.data(), text.size(), BoundaryMachine::kRowStart), 0u);
  EXPECT_EQ(machine.first_row_start(text.data(), text.size(), BoundaryMachine::kUnquoted), 2u);
  EXPECT_EQ(machine.first_row_start(text.data(), text.size(), BoundaryMachine::kFieldStart), 2u);
  EXPECT_EQ(machine.first_row_start(text.data(), text.size(), BoundaryMachine::kQuoted), 5u);
  EXPECT_EQ(machine.first_row_start(text.data(), text.size(), BoundaryMachine::kEscapeInQuoted), 5u);
  // A row start exactly at the end belongs to the next block.
  EXPECT_EQ(machine.first_row_start(text.data(), 2, BoundaryMachine::kUnquoted), std::string::npos);
}

TEST(CsvRowTokenizerTest, LongUnquotedAndQuotedFieldsAcrossWindows) {
  for (size_t n : {0u, 1u, 15u, 16u, 63u, 64u, 65u, 127u, 128u, 1000u}) {
    const std::string a(n, 'a'), b(n, 'b');
    const std::string text = a + ",\"" + b + "\"\"" + b + "\"\n";
    std::string buffer = text + std::string(kSentinelPadding, '\n');
    RowTokenizer tokenizer(Dialect{}, buffer.data(), text.size(), true);
    FieldRef fields[3];
    size_t pos = 0;
    uint32_t count = 0;
    ASSERT_EQ(tokenizer.next_row(pos, fields, 3, count), RowStatus::kRow);
    ASSERT_EQ(count, 2u);
    EXPECT_EQ(fields[0].raw(), a);
    EXPECT_TRUE(fields[1].quoted() && fields[1].escaped());
    std::string unescaped;
    unescape(fields[1], Dialect{}, unescaped);
    EXPECT_EQ(unescaped, b + "\"" + b);
    EXPECT_EQ(pos, text.size());
  }
}

}  // namespace
}  // namespace braid::csv::internal
