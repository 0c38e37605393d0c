#include "formats/csv/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/csv/csv_writer.h"
#include "support/status_matchers.h"

namespace braid::csv {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class CsvReaderTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  void put(const std::string& path, const std::string& text) { ASSERT_OK(fs_->write_file(path, text)); }

  // All rows as jsonl text, one line per row.
  Result<std::string> read_jsonl(const std::string& text, CsvReadOptions options = {},
                                 SchemaPtr* schema_out = nullptr) {
    Status s = fs_->write_file("in.csv", text);
    if (!s.ok()) return s;
    BRAID_ASSIGN_OR_RETURN(auto reader, CsvReader::open(fs_, "in.csv", options));
    if (schema_out) *schema_out = reader->schema();
    std::string out;
    while (true) {
      BRAID_ASSIGN_OR_RETURN(auto batch, reader->next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        for (int c = 0; c < batch->num_columns(); ++c) {
          if (c) out += ",";
          append_value_text(out, *batch->column(c), r, TextFlavor::kJson);
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
};

TEST_F(CsvReaderTest, InfersEveryType) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("b,i,l,d,dt,ts,s,n\n"
                                             "true,1,3000000000,1.5,2024-01-31,2024-01-31 10:20:30.5,x,\n"
                                             "FALSE,-2,-1,2,1999-12-31,2024-02-01T00:00:00Z,yy,\n",
                                             {}, &schema));
  EXPECT_EQ(types(schema),
            "b:boolean i:int l:bigint d:double dt:date ts:timestamp s:string n:string");
  EXPECT_EQ(rows,
            "true,1,3000000000,1.5,\"2024-01-31\",\"2024-01-31T10:20:30.500000Z\",\"x\",null\n"
            "false,-2,-1,2,\"1999-12-31\",\"2024-02-01T00:00:00.000000Z\",\"yy\",null\n");
}

TEST_F(CsvReaderTest, QuotingEscapesAndEmbeddedNewlines) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",\"\"\n"));
  EXPECT_EQ(rows, "\"x, y\",\"say \\\"hi\\\"\"\n\"multi\\nline\",\"\"\n");
}

TEST_F(CsvReaderTest, QuotedEmptyIsEmptyStringUnquotedEmptyIsNull) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n\"\",\n"));
  EXPECT_EQ(rows, "\"\",null\n");
}

TEST_F(CsvReaderTest, CustomNullStringsAndDelimiter) {
  CsvReadOptions o;
  o.delimiter = ';';
  o.null_values = {"NA", "\\N"};
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a;b\n1;NA\n\\N;x\n", o));
  EXPECT_EQ(rows, "1,null\nnull,\"x\"\n");
}

TEST_F(CsvReaderTest, BackslashEscape) {
  CsvReadOptions o;
  o.escape = '\\';
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a\n\"say \\\"hi\\\"\"\n", o));
  EXPECT_EQ(rows, "\"say \\\"hi\\\"\"\n");
}

TEST_F(CsvReaderTest, CrlfBomAndMissingFinalNewline) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("\xEF\xBB\xBFid,name\r\n1,a\r\n2,\"b\"\r\n3,c"));
  EXPECT_EQ(rows, "1,\"a\"\n2,\"b\"\n3,\"c\"\n");
}

TEST_F(CsvReaderTest, BlankLinesAreSkipped) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,2\n\n3,4\n\n"));
  EXPECT_EQ(rows, "1,2\n3,4\n");
}

TEST_F(CsvReaderTest, NoHeaderNamesColumnsLikeSpark) {
  CsvReadOptions o;
  o.header = false;
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("1,x\n2,y\n", o, &schema));
  EXPECT_EQ(types(schema), "_c0:int _c1:string");
  EXPECT_EQ(rows, "1,\"x\"\n2,\"y\"\n");
}

TEST_F(CsvReaderTest, DuplicateAndEmptyHeaderNamesAreMadeUnique) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,a,\n1,2,3\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:int a_2:int _c2:int");
}

TEST_F(CsvReaderTest, HeaderOnlyGivesSchemaAndNoRows) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:string b:string");
  EXPECT_EQ(rows, "");
}

TEST_F(CsvReaderTest, EmptyFileHasNoColumns) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("", {}, &schema));
  EXPECT_EQ(schema->num_fields(), 0);
  EXPECT_EQ(rows, "");
}

TEST_F(CsvReaderTest, ExplicitSchemaAndColumnTypes) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64()), field("price", decimal128(12, 2)), field("ts", timestamp(TimeUnit::kMicro))});
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("x,y,z\n7,617.545,2024-01-02 03:04:05\n", o));
  // decimal HALF_UP; a timestamp without a zone stays wall-clock (no Z).
  EXPECT_EQ(rows, "7,\"617.55\",\"2024-01-02T03:04:05.000000\"\n");

  CsvReadOptions o2;
  o2.column_types = {{"v", decimal128(4, 2)}};
  SchemaPtr s;
  ASSERT_OK_AND_ASSIGN(auto rows2, read_jsonl("k,v\n1,0.05\n2,-12.345\n", o2, &s));
  EXPECT_EQ(types(s), "k:int v:decimal(4,2)");
  EXPECT_EQ(rows2, "1,\"0.05\"\n2,\"-12.35\"\n");
}

TEST_F(CsvReaderTest, SchemaWithWrongColumnCountIsRejected) {
  CsvReadOptions o;
  o.schema = schema({field("a", int64())});
  EXPECT_THAT(read_jsonl("a,b\n1,2\n", o), StatusIs(StatusCode::kInvalidArgument, HasSubstr("2 columns but the schema has 1")));
}

TEST_F(CsvReaderTest, ColumnTypeForUnknownColumn) {
  CsvReadOptions o;
  o.column_types = {{"nope", int32()}};
  EXPECT_THAT(read_jsonl("a\n1\n", o), StatusIs(StatusCode::kNotFound, HasSubstr("no column 'nope'")));
}

TEST_F(CsvReaderTest, UnterminatedQuoteNamesWhereItOpened) {
  EXPECT_THAT(read_jsonl("a,b\n1,2\n3,\"open\n4,5\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:3: unterminated quoted field")));
}

TEST_F(CsvReaderTest, RaggedRowsNameLineAndCount) {
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n4,5\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:1: expected 3 fields, found 2")));
  EXPECT_THAT(read_jsonl("a,b\n1,2\n3,4,5\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:5: expected 2 fields, found 3")));
}

TEST_F(CsvReaderTest, BadNumbersNameLineColumnAndInference) {
  std::string text = "id,qty\n";
  for (int i = 0; i < 50; ++i) text += std::to_string(i) + "," + std::to_string(i * 2) + "\n";
  text += "50,x1\n";
  CsvReadOptions o;
  o.sample_rows = 10;
  EXPECT_THAT(read_jsonl(text, o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:52:4: column 'qty': cannot read 'x1' as int (the type was inferred")));
}

TEST_F(CsvReaderTest, OverflowAndFractionsInIntegerColumns) {
  CsvReadOptions o;
  o.schema = schema({field("v", int32())});
  EXPECT_THAT(read_jsonl("v\n3000000000\n", o), StatusIs(StatusCode::kParseError, HasSubstr("out of range for int")));
  EXPECT_THAT(read_jsonl("v\n1.5\n", o), StatusIs(StatusCode::kParseError, HasSubstr("'1.5' is not an integer")));
  CsvReadOptions d;
  d.schema = schema({field("v", decimal128(4, 2))});
  EXPECT_THAT(read_jsonl("v\n123.45\n", d), StatusIs(StatusCode::kParseError, HasSubstr("does not fit decimal(4,2)")));
}

TEST_F(CsvReaderTest, BadDateAndInvalidUtf8) {
  CsvReadOptions o;
  o.schema = schema({field("d", date32())});
  EXPECT_THAT(read_jsonl("d\n2024-02-30\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '2024-02-30' as date")));
  EXPECT_THAT(read_jsonl("s\nok\nbad\xff\n"), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:1: column 's': invalid UTF-8")));
}

TEST_F(CsvReaderTest, GarbageAfterClosingQuote) {
  EXPECT_THAT(read_jsonl("a,b\n\"x\"y,1\n"), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:4: unexpected 'y' after a closing quote")));
}

TEST_F(CsvReaderTest, MissingFileIsNotFound) {
  EXPECT_THAT(CsvReader::open(fs_, "missing.csv"), StatusIs(StatusCode::kNotFound, HasSubstr("missing.csv")));
}

// Parallel block parsing must give exactly the serial result, including quoted line breaks that
// fall on block edges (tiny blocks put an edge everywhere).
TEST_F(CsvReaderTest, ParallelEqualsSerialWithTinyBlocks) {
  std::string text = "id,note,amount\n";
  for (int i = 0; i < 3000; ++i) {
    text += std::to_string(i) + ",";
    if (i % 7 == 0) {
      text += "\"line one\nline \"\"two\"\", end\"";
    } else if (i % 5 == 0) {
      text += "";
    } else {
      text += "plain " + std::to_string(i);
    }
    text += "," + std::to_string(i) + ".25\n";
  }
  CsvReadOptions serial;
  serial.parallel = false;
  ASSERT_OK_AND_ASSIGN(auto expected, read_jsonl(text, serial));
  for (int64_t block : {1, 7, 64, 333, 4096}) {
    CsvReadOptions parallel;
    parallel.block_bytes = block;
    ASSERT_OK_AND_ASSIGN(auto got, read_jsonl(text, parallel));
    EXPECT_EQ(got, expected) << "block_bytes = " << block;
  }
}

// Inputs the fuzzer found where parallel parsing once differed from serial parsing: a row that
// starts exactly on a block boundary, and quotes inside unquoted fields that mislead the
// quote-parity guess about where rows start.
TEST_F(CsvReaderTest, ParallelEqualsSerialOnFuzzFindings) {
  for (std::string text : {std::string("]\nJ"), std::string("\x01\"\x01&\x05\n\x01t\"", 9),
                           std::string("a\"b,c\nd,e\"f\ng,h\n")}) {
    CsvReadOptions serial;
    serial.header = false;
    serial.parallel = false;
    ASSERT_OK_AND_ASSIGN(auto expected, read_jsonl(text, serial));
    for (int64_t block : {1, 2, 3}) {
      CsvReadOptions parallel = serial;
      parallel.parallel = true;
      parallel.block_bytes = block;
      ASSERT_OK_AND_ASSIGN(auto got, read_jsonl(text, parallel));
      EXPECT_EQ(got, expected) << "block_bytes " << block;
    }
  }
}

TEST_F(CsvReaderTest, ErrorsAreFoundInParallelToo) {
  std::string text = "a,b\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + ",x\n";
  text += "oops\n";
  CsvReadOptions o;
  o.block_bytes = 100;
  EXPECT_THAT(read_jsonl(text, o), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2002:1: expected 2 fields, found 1")));
}

TEST_F(CsvReaderTest, HugeFieldLargerThanABlock) {
  std::string big(100000, 'z');
  CsvReadOptions o;
  o.block_bytes = 1000;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,\"" + big + "\"\n2,y\n", o));
  EXPECT_EQ(rows, "1,\"" + big + "\"\n2,\"y\"\n");
}

TEST_F(CsvReaderTest, WriterReaderRoundTripOfEveryPrintedType) {
  auto s = schema({field("b", boolean()), field("i", int64()), field("d", float64()),
                   field("dec", decimal128(10, 3)), field("s", string_type()), field("dt", date32()),
                   field("ts", timestamp(TimeUnit::kMicro, "UTC")),
                   field("ntz", timestamp(TimeUnit::kMicro))});
  std::string text =
      "b,i,d,dec,s,dt,ts,ntz\n"
      "true,-9223372036854775808,0.1,-1234567.891,\"a, \"\"quoted\"\"\nline\",0001-01-01,2024-01-01 00:00:00.000001Z,1969-12-31 23:59:59.999999\n"
      ",,,,,,,\n"
      "false,42,-1e+300,0.000,\"\",2099-12-31,1970-01-01 00:00:00Z,2024-02-29 12:00:00\n";
  CsvReadOptions o;
  o.schema = s;
  ASSERT_OK_AND_ASSIGN(auto first, read_jsonl(text, o));
  // Write what was read, read it again: the same values.
  ASSERT_OK_AND_ASSIGN(auto batches, read_csv(fs_, "in.csv", o));
  ASSERT_OK_AND_ASSIGN(auto writer, CsvWriter::open(fs_, "out.csv", s));
  for (const auto& b : batches) ASSERT_OK(writer->write(*b));
  ASSERT_OK(writer->close());
  ASSERT_OK_AND_ASSIGN(std::string written, fs_->read_file("out.csv"));
  ASSERT_OK_AND_ASSIGN(auto second, read_jsonl(written, o));
  EXPECT_EQ(second, first);
  EXPECT_THAT(first, HasSubstr("\"a, \\\"quoted\\\"\\nline\""));
  EXPECT_THAT(first, HasSubstr("null,null,null,null,null,null,null,null"));
}

}  // namespace
}  // namespace braid::csv
