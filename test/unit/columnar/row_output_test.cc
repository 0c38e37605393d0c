#include "columnar/row_output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "columnar/column_builder.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

ColumnPtr ints(std::vector<std::optional<int64_t>> values) {
  Int64Builder b(int64());
  for (const auto& v : values) v ? b.append(*v) : b.append_null();
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

ColumnPtr strings(std::vector<std::optional<std::string>> values, TypePtr type = string_type()) {
  BinaryBuilder b(type);
  for (const auto& v : values) v ? b.append(*v) : b.append_null();
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

RecordBatchPtr batch_of(std::vector<std::pair<std::string, ColumnPtr>> columns) {
  std::vector<FieldPtr> fields;
  std::vector<ColumnPtr> cols;
  int64_t rows = columns.empty() ? 0 : columns[0].second->length();
  for (auto& [name, c] : columns) {
    fields.push_back(field(name, c->type()));
    cols.push_back(c);
  }
  auto b = RecordBatch::make(schema(std::move(fields)), rows, std::move(cols));
  EXPECT_OK(b);
  return *b;
}

RecordBatchPtr sample_batch() {
  return batch_of({{"id", ints({1, 2, 3, std::nullopt, 5})},
                   {"name", strings({"plain", "has, comma", "", std::nullopt, " lead \"quote\"\nnewline"})}});
}

std::string render(const RowOutputOptions& options, const std::vector<RecordBatchPtr>& batches,
                   SchemaPtr schema = nullptr) {
  StringOutputStream out;
  auto w = make_row_writer(schema ? schema : batches.at(0)->schema(), out, options);
  for (const auto& b : batches) EXPECT_OK(w->write(*b));
  EXPECT_OK(w->finish());
  return out.take();
}

RowOutputOptions format(RowFormat f) {
  RowOutputOptions o;
  o.format = f;
  return o;
}

// ---- formats by name

TEST(RowOutputTest, ParseRowFormat) {
  ASSERT_OK_AND_ASSIGN(auto t, parse_row_format("table"));
  EXPECT_EQ(t, RowFormat::kTable);
  ASSERT_OK_AND_ASSIGN(auto c, parse_row_format("csv"));
  EXPECT_EQ(c, RowFormat::kCsv);
  ASSERT_OK_AND_ASSIGN(auto j, parse_row_format("jsonl"));
  EXPECT_EQ(j, RowFormat::kJsonl);
  EXPECT_THAT(parse_row_format("xml"),
              StatusIs(StatusCode::kInvalidArgument, "unknown output format 'xml' (expected table, csv or jsonl)"));
  EXPECT_THAT(parse_row_format("CSV"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("'CSV'")));
  EXPECT_THAT(parse_row_format(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("''")));
}

// ---- jsonl

TEST(JsonlOutputTest, OneObjectPerRowInColumnOrder) {
  EXPECT_EQ(render(format(RowFormat::kJsonl), {sample_batch()}),
            "{\"id\":1,\"name\":\"plain\"}\n"
            "{\"id\":2,\"name\":\"has, comma\"}\n"
            "{\"id\":3,\"name\":\"\"}\n"
            "{\"id\":null,\"name\":null}\n"
            "{\"id\":5,\"name\":\" lead \\\"quote\\\"\\nnewline\"}\n");
}

TEST(JsonlOutputTest, KeysAreEscapedAndBatchesConcatenate) {
  auto b = batch_of({{"we\"ird\nkey", ints({1})}, {"\xC3\xA9", strings({"x"})}});
  EXPECT_EQ(render(format(RowFormat::kJsonl), {b, b}),
            "{\"we\\\"ird\\nkey\":1,\"\xC3\xA9\":\"x\"}\n{\"we\\\"ird\\nkey\":1,\"\xC3\xA9\":\"x\"}\n");
}

TEST(JsonlOutputTest, NestedAndTypedValues) {
  auto list_builder = make_builder(list(int64()));
  auto* lb = static_cast<ListBuilder*>(list_builder.get());
  lb->append();
  static_cast<Int64Builder*>(lb->values())->append(1);
  lb->values()->append_null();
  ASSERT_OK_AND_ASSIGN(auto lists, lb->finish());
  Decimal128Builder d(decimal128(6, 2));
  d.append(Int128{-150});
  ASSERT_OK_AND_ASSIGN(auto decimals, d.finish());
  Int64Builder t(timestamp(TimeUnit::kMicro, "UTC"));
  t.append(0);
  ASSERT_OK_AND_ASSIGN(auto times, t.finish());
  auto b = batch_of({{"l", lists}, {"d", decimals}, {"t", times}});
  EXPECT_EQ(render(format(RowFormat::kJsonl), {b}),
            "{\"l\":[1,null],\"d\":\"-1.50\",\"t\":\"1970-01-01T00:00:00.000000Z\"}\n");
}

TEST(JsonlOutputTest, ZeroRowsAndZeroColumns) {
  auto s = schema({field("x", int32())});
  ASSERT_OK_AND_ASSIGN(auto empty, RecordBatch::make_empty(s));
  EXPECT_EQ(render(format(RowFormat::kJsonl), {empty}), "");
  EXPECT_EQ(render(format(RowFormat::kJsonl), {}, s), "");
  auto no_columns = std::make_shared<const RecordBatch>(schema({}), 2, std::vector<ColumnPtr>{});
  EXPECT_EQ(render(format(RowFormat::kJsonl), {no_columns}), "{}\n{}\n");
}

TEST(JsonlOutputTest, LargeOutputIsWrittenInPiecesWithoutLoss) {
  std::vector<std::optional<int64_t>> values;
  for (int64_t i = 0; i < 60000; ++i) values.push_back(i);
  auto b = batch_of({{"a_fairly_long_key_name", ints(values)}});
  const std::string out = render(format(RowFormat::kJsonl), {b});
  EXPECT_GT(out.size(), size_t{1} << 20);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 60000);
  EXPECT_TRUE(out.starts_with("{\"a_fairly_long_key_name\":0}\n{\"a_fairly_long_key_name\":1}\n"));
  EXPECT_TRUE(out.ends_with("{\"a_fairly_long_key_name\":59999}\n"));
}

// ---- csv

TEST(CsvOutputTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(render(format(RowFormat::kCsv), {sample_batch()}),
            "id,name\n"
            "1,plain\n"
            "2,\"has, comma\"\n"
            "3,\"\"\n"
            ",\n"
            "5,\" lead \"\"quote\"\"\nnewline\"\n");
}

TEST(CsvOutputTest, QuotingRules) {
  auto b = batch_of({{"s", strings({"a\"b", "line\nbreak", "cr\rhere", " lead", "trail ", "mid dle",
                                     "tab\there", "semi;colon", "", std::nullopt})}});
  EXPECT_EQ(render(format(RowFormat::kCsv), {b}),
            "s\n"
            "\"a\"\"b\"\n"
            "\"line\nbreak\"\n"
            "\"cr\rhere\"\n"
            "\" lead\"\n"
            "\"trail \"\n"
            "mid dle\n"
            "tab\there\n"
            "semi;colon\n"
            "\"\"\n"
            "\n");
}

TEST(CsvOutputTest, OtherDelimitersAndNullText) {
  RowOutputOptions o = format(RowFormat::kCsv);
  o.delimiter = ';';
  o.null_string = "\\N";
  auto b = batch_of({{"a", ints({1, std::nullopt})}, {"b", strings({"x;y", "\\N"})}, {"c", strings({"p,q", ""})}});
  EXPECT_EQ(render(o, {b}),
            "a;b;c\n"
            "1;\"x;y\";p,q\n"
            "\\N;\"\\N\";\"\"\n");  // a string equal to the null text is quoted
  o.delimiter = '\t';
  o.header = false;
  EXPECT_EQ(render(o, {b}), "1\tx;y\tp,q\n\\N\t\"\\N\"\t\"\"\n");
}

TEST(CsvOutputTest, EmptyValuesOfOtherTypesDifferFromNull) {
  // An empty binary value prints as nothing: it is quoted so it is not read back as NULL.
  auto b = batch_of({{"bin", strings({"", std::nullopt, "a"}, binary())}});
  EXPECT_EQ(render(format(RowFormat::kCsv), {b}), "bin\n\"\"\n\nYQ==\n");
}

TEST(CsvOutputTest, HeaderNamesAreQuotedLikeValues) {
  auto b = batch_of({{"a,b", ints({1})}, {"plain", ints({2})}, {"", ints({3})}, {"q\"", ints({4})}});
  EXPECT_EQ(render(format(RowFormat::kCsv), {b}), "\"a,b\",plain,\"\",\"q\"\"\"\n1,2,3,4\n");
}

TEST(CsvOutputTest, ValuesUseThePlainFlavour) {
  Int64Builder t(timestamp(TimeUnit::kMicro));
  t.append(1735689600500000);
  ASSERT_OK_AND_ASSIGN(auto times, t.finish());
  Decimal128Builder d(decimal128(5, 2));
  d.append(Int128{5});
  ASSERT_OK_AND_ASSIGN(auto decimals, d.finish());
  auto list_builder = make_builder(list(int64()));
  auto* lb = static_cast<ListBuilder*>(list_builder.get());
  lb->append();
  static_cast<Int64Builder*>(lb->values())->append(1);
  static_cast<Int64Builder*>(lb->values())->append(2);
  ASSERT_OK_AND_ASSIGN(auto lists, lb->finish());
  auto b = batch_of({{"t", times}, {"d", decimals}, {"l", lists}});
  EXPECT_EQ(render(format(RowFormat::kCsv), {b}), "t,d,l\n2025-01-01 00:00:00.5,0.05,\"[1,2]\"\n");
}

TEST(CsvOutputTest, HeaderOnlyOnceAcrossBatchesAndWithZeroRows) {
  auto b = batch_of({{"x", ints({1})}});
  EXPECT_EQ(render(format(RowFormat::kCsv), {b, b}), "x\n1\n1\n");
  auto s = schema({field("x", int32()), field("y", int32())});
  ASSERT_OK_AND_ASSIGN(auto empty, RecordBatch::make_empty(s));
  EXPECT_EQ(render(format(RowFormat::kCsv), {empty}), "x,y\n");
  EXPECT_EQ(render(format(RowFormat::kCsv), {}, s), "x,y\n");
  RowOutputOptions no_header = format(RowFormat::kCsv);
  no_header.header = false;
  EXPECT_EQ(render(no_header, {}, s), "");
}

// ---- table

TEST(TableOutputTest, AlignsNumbersRightAndTextLeft) {
  RowOutputOptions o;
  o.max_rows = -1;
  EXPECT_EQ(render(o, {sample_batch()}),
            "+--------+-----------------------+\n"
            "| id     | name                  |\n"
            "| bigint | string                |\n"
            "+--------+-----------------------+\n"
            "|      1 | plain                 |\n"
            "|      2 | has, comma            |\n"
            "|      3 |                       |\n"
            "|   NULL | NULL                  |\n"
            "|      5 |  lead \"quote\" newline |\n"
            "+--------+-----------------------+\n"
            "5 rows\n");
}

TEST(TableOutputTest, TruncatesLongValuesWithAnEllipsis) {
  RowOutputOptions o;
  o.max_column_width = 8;
  auto b = batch_of({{"name", strings({"12345678", "123456789", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"})},
                     {"a_very_long_column_name", ints({1, 2, 3})}});
  std::string t = render(o, {b});
  EXPECT_THAT(t, HasSubstr("| 12345678 |"));
  EXPECT_THAT(t, HasSubstr("| 1234567\xE2\x80\xA6 |"));
  // Widths count characters, not bytes.
  EXPECT_THAT(t, HasSubstr("| \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6 |"));
  EXPECT_THAT(t, HasSubstr("| a_very_\xE2\x80\xA6 |"));
  EXPECT_THAT(t, HasSubstr("|        1 |"));
}

TEST(TableOutputTest, MaxRowsFooter) {
  RowOutputOptions o;
  o.max_rows = 3;
  std::string t = render(o, {sample_batch(), sample_batch()});
  EXPECT_THAT(t, HasSubstr("10 rows (3 shown)\n"));
  EXPECT_THAT(t, HasSubstr("|      3 |"));
  EXPECT_THAT(t, ::testing::Not(HasSubstr("NULL")));  // row 4 is not shown
  // The hint (how to see the rest) is said only when rows were left out.
  o.more_rows_hint = "--limit 0 for all";
  EXPECT_THAT(render(o, {sample_batch(), sample_batch()}), HasSubstr("10 rows (3 shown; --limit 0 for all)\n"));
  o.max_rows = 5;
  EXPECT_THAT(render(o, {sample_batch()}), ::testing::EndsWith("+\n5 rows\n"));
  o.more_rows_hint.clear();
  o.max_rows = 0;
  EXPECT_EQ(render(o, {batch_of({{"x", ints({1, 2})}})}),
            "+--------+\n"
            "| x      |\n"
            "| bigint |\n"
            "+--------+\n"
            "2 rows (0 shown)\n");
}

TEST(TableOutputTest, OneRowAndZeroRows) {
  RowOutputOptions o;
  EXPECT_THAT(render(o, {batch_of({{"x", ints({7})}})}), ::testing::EndsWith("+\n1 row\n"));
  auto s = schema({field("x", int32())});
  ASSERT_OK_AND_ASSIGN(auto empty, RecordBatch::make_empty(s));
  EXPECT_EQ(render(o, {empty}),
            "+-----+\n"
            "| x   |\n"
            "| int |\n"
            "+-----+\n"
            "0 rows\n");
}

TEST(TableOutputTest, ZeroColumns) {
  RowOutputOptions o;
  auto no_columns = std::make_shared<const RecordBatch>(schema({}), 3, std::vector<ColumnPtr>{});
  EXPECT_EQ(render(o, {no_columns}), "3 rows\n");
  EXPECT_EQ(render(o, {}, schema({})), "0 rows\n");
}

TEST(TableOutputTest, LineBreaksAndTabsBecomeSpaces) {
  RowOutputOptions o;
  auto b = batch_of({{"s", strings({"a\nb\tc\rd"})}});
  EXPECT_THAT(render(o, {b}), HasSubstr("| a b c d |"));
}

// ---- errors

class FailingStream final : public OutputStream {
 public:
  Status write(std::string_view) override { return Status::io_error("writing to a closed pipe"); }
};

TEST(RowOutputTest, StreamErrorsAreReported) {
  for (RowFormat f : {RowFormat::kTable, RowFormat::kCsv, RowFormat::kJsonl}) {
    FailingStream out;
    auto w = make_row_writer(sample_batch()->schema(), out, format(f));
    Status s = w->write(*sample_batch());
    if (s.ok()) s = w->finish();
    EXPECT_THAT(s, StatusIs(StatusCode::kIOError, "writing to a closed pipe"));
  }
}

}  // namespace
}  // namespace braid
