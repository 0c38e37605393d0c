#include "formats/csv/csv_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/csv/csv_reader.h"
#include "support/status_matchers.h"

namespace braid::csv {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// Rows as text (json flavour), one line per row, for comparing tables.
std::string rows_text(const std::vector<RecordBatchPtr>& batches) {
  std::string out;
  for (const auto& b : batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      for (int c = 0; c < b->num_columns(); ++c) {
        if (c) out += ",";
        append_value_text(out, *b->column(c), r, TextFlavor::kJson);
      }
      out += "\n";
    }
  }
  return out;
}

std::string types(const SchemaPtr& s) {
  std::string out;
  for (const auto& f : s->fields()) out += (out.empty() ? "" : " ") + f->name() + ":" + f->type()->to_string();
  return out;
}

// Builds a column from values given as optionals (nullopt: NULL).
template <typename T, typename Builder>
ColumnPtr column_of(TypePtr type, const std::vector<std::optional<T>>& values) {
  auto builder = make_builder(type);
  auto& b = static_cast<Builder&>(*builder);
  for (const auto& v : values) {
    if (v) {
      b.append(*v);
    } else {
      b.append_null();
    }
  }
  auto column = builder->finish();
  EXPECT_OK(column);
  return *column;
}

template <typename T>
ColumnPtr fixed(TypePtr type, const std::vector<std::optional<T>>& values) {
  return column_of<T, PrimitiveBuilder<T>>(std::move(type), values);
}

ColumnPtr strings(TypePtr type, const std::vector<std::optional<std::string_view>>& values) {
  return column_of<std::string_view, BinaryBuilder>(std::move(type), values);
}

ColumnPtr booleans(const std::vector<std::optional<bool>>& values) {
  return column_of<bool, BooleanBuilder>(boolean(), values);
}

class CsvWriterTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  Result<std::string> write(const RecordBatchPtr& batch, CsvWriteOptions options = {}) {
    BRAID_ASSIGN_OR_RETURN(auto writer, CsvWriter::open(fs_, "out.csv", batch->schema(), options));
    BRAID_RETURN_IF_ERROR(writer->write(*batch));
    BRAID_RETURN_IF_ERROR(writer->close());
    return fs_->read_file("out.csv");
  }

  // A table with every type the writer prints that CSV can carry back: each column holds
  // edge values and a NULL in the last row.
  static RecordBatchPtr every_type() {
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<FieldPtr> fields;
    std::vector<ColumnPtr> columns;
    auto add = [&](std::string name, ColumnPtr c) {
      fields.push_back(field(std::move(name), c->type()));
      columns.push_back(std::move(c));
    };
    add("b", booleans({true, false, true, std::nullopt}));
    add("i8", fixed<int8_t>(int8(), {-128, 127, 0, std::nullopt}));
    add("i16", fixed<int16_t>(int16(), {-32768, 32767, 1, std::nullopt}));
    add("i32", fixed<int32_t>(int32(), {INT32_MIN, INT32_MAX, -1, std::nullopt}));
    add("i64", fixed<int64_t>(int64(), {INT64_MIN, INT64_MAX, 42, std::nullopt}));
    add("u8", fixed<uint8_t>(uint8(), {0, 255, 7, std::nullopt}));
    add("u16", fixed<uint16_t>(uint16(), {0, 65535, 7, std::nullopt}));
    add("u32", fixed<uint32_t>(uint32(), {0, UINT32_MAX, 7, std::nullopt}));
    add("u64", fixed<uint64_t>(uint64(), {0, UINT64_MAX, 7, std::nullopt}));
    add("f32", fixed<float>(float32(), {0.1f, -3.4028235e38f, std::nanf(""), std::nullopt}));
    add("f64", fixed<double>(float64(), {0.1, -0.0, 1e-300, std::nullopt}));
    add("inf", fixed<double>(float64(), {inf, -inf, std::nan(""), std::nullopt}));
    add("dec", fixed<Int128>(decimal128(38, 10),
                             {Int128{-1} * static_cast<Int128>(INT64_MAX) * 1000000000, Int128{1},
                              Int128{0}, std::nullopt}));
    add("money", fixed<Int128>(decimal128(12, 2), {61754, -5, 99999999999, std::nullopt}));
    add("s", strings(string_type(), {"", "a, \"quoted\"\nline", " both ends \r\n", std::nullopt}));
    add("u", strings(string_type(), {"h\xC3\xA9llo \xE2\x82\xAC", "NULL", "\\N", std::nullopt}));
    add("d", fixed<int32_t>(date32(), {-719162, 2932896, 0, std::nullopt}));
    add("ts", fixed<int64_t>(timestamp(TimeUnit::kMicro, "UTC"),
                             {-1, 1706571875485374, 0, std::nullopt}));
    add("ntz", fixed<int64_t>(timestamp(TimeUnit::kMicro),
                              {-719162 * kMicrosPerDay, 253402300799999999, 1, std::nullopt}));
    add("ns", fixed<int64_t>(timestamp(TimeUnit::kNano, "UTC"),
                             // (temporal::parse_timestamp cannot read the first day of the
                             // range, 1677-09-21: its day count overflows before the time of day
                             // is added)
                             {INT64_MIN + 86'400'000'000'000 + 1, 1, INT64_MAX, std::nullopt}));
    add("t", fixed<int64_t>(time64(TimeUnit::kMicro), {0, 86399999999, 1, std::nullopt}));
    add("tn", fixed<int64_t>(time64(TimeUnit::kNano), {0, 86399999999999, 1000, std::nullopt}));
    auto s = schema(std::move(fields));
    return std::make_shared<const RecordBatch>(s, 4, std::move(columns));
  }
};

TEST_F(CsvWriterTest, WritesHeaderQuotesAndNulls) {
  auto s = schema({field("id", int32()), field("name, full", string_type())});
  auto batch = std::make_shared<const RecordBatch>(
      s, 4,
      std::vector<ColumnPtr>{fixed<int32_t>(int32(), {1, 2, 3, std::nullopt}),
                             strings(string_type(), {"plain", "", "say \"hi\"", std::nullopt})});
  ASSERT_OK_AND_ASSIGN(auto text, write(batch));
  EXPECT_EQ(text, "id,\"name, full\"\n1,plain\n2,\"\"\n3,\"say \"\"hi\"\"\"\n,\n");
}

TEST_F(CsvWriterTest, DelimiterNullStringAndNoHeader) {
  auto s = schema({field("a", string_type()), field("b", int64())});
  auto batch = std::make_shared<const RecordBatch>(
      s, 3,
      std::vector<ColumnPtr>{strings(string_type(), {"x;y", "\\N", std::nullopt}),
                             fixed<int64_t>(int64(), {std::nullopt, 5, 6})});
  CsvWriteOptions o;
  o.delimiter = ';';
  o.null_string = "\\N";
  o.header = false;
  ASSERT_OK_AND_ASSIGN(auto text, write(batch, o));
  // A string equal to the null text is quoted so that it stays a string.
  EXPECT_EQ(text, "\"x;y\";\\N\n\"\\N\";5\n\\N;6\n");
}

TEST_F(CsvWriterTest, CloseWithoutBatchesWritesTheHeader) {
  ASSERT_OK_AND_ASSIGN(auto writer,
                       CsvWriter::open(fs_, "out.csv", schema({field("a", int32()), field("b", string_type())})));
  ASSERT_OK(writer->close());
  ASSERT_OK_AND_ASSIGN(auto text, fs_->read_file("out.csv"));
  EXPECT_EQ(text, "a,b\n");
  ASSERT_OK_AND_ASSIGN(auto batches, read_csv(fs_, "out.csv"));
  EXPECT_TRUE(batches.empty());
}

TEST_F(CsvWriterTest, OpenFailsWhereTheFileCannotBeWritten) {
  fs_->set_fault_hook([](std::string_view op, const std::string&) {
    return op == "open_write" ? Status::io_error("read-only") : Status::OK();
  });
  EXPECT_THAT(CsvWriter::open(fs_, "out.csv", schema({field("a", int32())})),
              StatusIs(StatusCode::kIOError, HasSubstr("read-only")));
}

// Writer -> reader with the schema given: every value comes back exactly, serially and with
// tiny parallel blocks.
TEST_F(CsvWriterTest, RoundTripOfEveryPrintedType) {
  auto batch = every_type();
  ASSERT_OK_AND_ASSIGN(auto text, write(batch));
  const std::string expected = rows_text({batch});
  for (bool parallel : {false, true}) {
    for (int64_t block : {int64_t{3}, int64_t{4} << 20}) {
      CsvReadOptions o;
      o.schema = batch->schema();
      o.parallel = parallel;
      o.block_bytes = block;
      ASSERT_OK_AND_ASSIGN(auto back, read_csv(fs_, "out.csv", o));
      EXPECT_EQ(rows_text(back), expected) << "parallel " << parallel << " block " << block
                                           << "\n" << text;
    }
  }
}

// Without a schema, inference gives back the types it can tell apart from the text.
TEST_F(CsvWriterTest, RoundTripWithInferredTypes) {
  auto full = every_type();
  ASSERT_OK_AND_ASSIGN(auto batch, full->select({0, 3, 4, 10, 13, 14, 15, 16, 17}));
  ASSERT_OK(write(batch).status());
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::open(fs_, "out.csv"));
  EXPECT_EQ(types(reader->schema()),
            "b:boolean i32:int i64:bigint f64:double money:double s:string u:string d:date "
            "ts:timestamp");
  ASSERT_OK_AND_ASSIGN(auto back, read_csv(fs_, "out.csv"));
  // Same values, except decimals, which come back as doubles.
  std::string expected = rows_text({batch});
  std::string got = rows_text(back);
  EXPECT_EQ(got,
            "true,-2147483648,-9223372036854775808,0.1,617.54,\"\",\"h\xC3\xA9llo \xE2\x82\xAC\","
            "\"0001-01-01\",\"1969-12-31T23:59:59.999999Z\"\n"
            "false,2147483647,9223372036854775807,-0,-0.05,\"a, \\\"quoted\\\"\\nline\",\"NULL\","
            "\"9999-12-31\",\"2024-01-29T23:44:35.485374Z\"\n"
            "true,-1,42,1e-300,999999999.99,\" both ends \\r\\n\",\"\\\\N\",\"1970-01-01\","
            "\"1970-01-01T00:00:00.000000Z\"\n"
            "null,null,null,null,null,null,null,null,null\n");
}

TEST_F(CsvWriterTest, RoundTripWithDelimiterAndNullString) {
  auto full = every_type();
  ASSERT_OK_AND_ASSIGN(auto batch, full->select({4, 14, 15}));
  CsvWriteOptions w;
  w.delimiter = ';';
  w.null_string = "\\N";
  ASSERT_OK(write(batch, w).status());
  CsvReadOptions r;
  r.delimiter = ';';
  r.null_values = {"\\N"};
  r.schema = batch->schema();
  ASSERT_OK_AND_ASSIGN(auto back, read_csv(fs_, "out.csv", r));
  EXPECT_EQ(rows_text(back), rows_text({batch}));
}

TEST_F(CsvWriterTest, OneColumnWithNullsRoundTrips) {
  auto s = schema({field("v", string_type())});
  auto batch = std::make_shared<const RecordBatch>(
      s, 4, std::vector<ColumnPtr>{strings(string_type(), {"a", std::nullopt, "", std::nullopt})});
  ASSERT_OK_AND_ASSIGN(auto text, write(batch));
  EXPECT_EQ(text, "v\na\n\n\"\"\n\n");
  ASSERT_OK_AND_ASSIGN(auto back, read_csv(fs_, "out.csv"));
  EXPECT_EQ(rows_text(back), "\"a\"\nnull\n\"\"\nnull\n");
}

}  // namespace
}  // namespace braid::csv
