#include "formats/csv/csv_reader.h"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid::csv {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class CsvReaderTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  // All rows as jsonl-like text, one line per row, values in json flavour.
  Result<std::string> read_jsonl(const std::string& text, CsvReadOptions options = {},
                                 SchemaPtr* schema_out = nullptr, int64_t* batches_out = nullptr) {
    Status s = fs_->write_file("in.csv", text);
    if (!s.ok()) return s;
    BRAID_ASSIGN_OR_RETURN(auto reader, CsvReader::open(fs_, "in.csv", options));
    if (schema_out) *schema_out = reader->schema();
    std::string out;
    int64_t batches = 0;
    while (true) {
      BRAID_ASSIGN_OR_RETURN(auto batch, reader->next());
      if (!batch) break;
      ++batches;
      EXPECT_GT(batch->num_rows(), 0);
      EXPECT_OK(batch->validate(true));
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        for (int c = 0; c < batch->num_columns(); ++c) {
          if (c) out += ",";
          append_value_text(out, *batch->column(c), r, TextFlavor::kJson);
        }
        out += "\n";
      }
    }
    if (batches_out) *batches_out = batches;
    return out;
  }

  // The result (rows, or the error text) of reading serially, and checks that parallel reading
  // with many block sizes gives exactly the same.
  std::string read_every_way(const std::string& text, CsvReadOptions options = {}) {
    options.parallel = false;
    auto serial = read_jsonl(text, options);
    std::string expected = serial.ok() ? *serial : "error: " + serial.status().to_string();
    for (int64_t block : {1, 2, 3, 5, 7, 16, 61, 333, 4096, 1 << 20}) {
      options.parallel = true;
      options.block_bytes = block;
      auto got = read_jsonl(text, options);
      EXPECT_EQ(got.ok() ? *got : "error: " + got.status().to_string(), expected)
          << "block_bytes = " << block;
    }
    return expected;
  }

  // Rows (or the error) and the malformed-row report, read serially; every block size, serial
  // or parallel, must give exactly the same, line numbers included.
  std::string read_with_report(const std::string& text, CsvReadOptions options) {
    auto once = [&](CsvReadOptions o) -> std::string {
      Status s = fs_->write_file("in.csv", text);
      if (!s.ok()) return s.to_string();
      auto reader = CsvReader::open(fs_, "in.csv", o);
      if (!reader.ok()) return "error: " + reader.status().to_string();
      std::string out;
      while (true) {
        auto batch = (*reader)->next();
        if (!batch.ok()) return out + "error: " + batch.status().to_string();
        if (*batch == nullptr) break;
        EXPECT_OK((*batch)->validate(true));
        for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
          for (int c = 0; c < (*batch)->num_columns(); ++c) {
            if (c) out += ",";
            append_value_text(out, *(*batch)->column(c), r, TextFlavor::kJson);
          }
          out += "\n";
        }
      }
      if ((*reader)->malformed().count > 0) out += (*reader)->malformed().describe("in.csv", o.mode);
      return out;
    };
    options.parallel = false;
    const std::string expected = once(options);
    for (int64_t block : {1, 2, 3, 7, 16, 61, 333, 4096}) {
      for (bool parallel : {true, false}) {
        options.parallel = parallel;
        options.block_bytes = block;
        EXPECT_EQ(once(options), expected) << "block_bytes = " << block << ", parallel = " << parallel;
      }
    }
    return expected;
  }

  static std::string types(const SchemaPtr& s) {
    std::string out;
    for (const auto& f : s->fields()) {
      out += (out.empty() ? "" : " ") + f->name() + ":" + f->type()->to_string();
    }
    return out;
  }
};

// ---- dialect

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

TEST_F(CsvReaderTest, NullTextsOnlyMatchUnquotedFields) {
  CsvReadOptions o;
  o.null_values = {"NA"};
  SchemaPtr schema;
  // A quoted "NA" is text; an empty field is an empty string once "" is not a null text; a
  // blank value of a non-string column is NULL whatever the null texts.
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("s,i\nNA,NA\n\"NA\",\n,7\n", o, &schema));
  EXPECT_EQ(types(schema), "s:string i:int");
  EXPECT_EQ(rows, "null,null\n\"NA\",null\n\"\",7\n");
}

TEST_F(CsvReaderTest, TabDelimiterAndSingleQuotes) {
  CsvReadOptions o;
  o.delimiter = '\t';
  o.quote = '\'';
  o.escape = '\'';
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a\tb\n'x\ty'\t'it''s'\n\"q\"\t2\n", o));
  EXPECT_EQ(rows, "\"x\\ty\",\"it's\"\n\"\\\"q\\\"\",\"2\"\n");
}

TEST_F(CsvReaderTest, BackslashEscape) {
  CsvReadOptions o;
  o.escape = '\\';
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a\n\"say \\\"hi\\\"\"\n", o));
  EXPECT_EQ(rows, "\"say \\\"hi\\\"\"\n");
  // The escape makes any character stand for itself (a backslash, a delimiter, a line break);
  // outside quotes a backslash is an ordinary character.
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("a,b\n\"c:\\\\dir\",\"x\\,y\\\nz\"\nc:\\dir,\"\\\"\"\n", o));
  EXPECT_EQ(rows, "\"c:\\\\dir\",\"x,y\\nz\"\n\"c:\\\\dir\",\"\\\"\"\n");
}

TEST_F(CsvReaderTest, BackslashEscapeDoesNotAcceptDoubledQuotes) {
  CsvReadOptions o;
  o.escape = '\\';
  EXPECT_THAT(read_jsonl("a\n\"x\"\"y\"\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:2:4: unexpected '\"' after the closing quote of a field")));
}

TEST_F(CsvReaderTest, CrlfBomAndMissingFinalNewline) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("\xEF\xBB\xBFid,name\r\n1,a\r\n2,\"b\"\r\n3,c"));
  EXPECT_EQ(rows, "1,\"a\"\n2,\"b\"\n3,\"c\"\n");
}

TEST_F(CsvReaderTest, CrlfInsideQuotesIsKept) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\r\n\"x\r\ny\",1\r\n\r\n\"z\",2\r\n"));
  EXPECT_EQ(rows, "\"x\\r\\ny\",1\n\"z\",2\n");
}

TEST_F(CsvReaderTest, ByteOrderMarkIsNotPartOfTheFirstName) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("\xEF\xBB\xBF\"id\",v\n1,2\n", {}, &schema));
  EXPECT_EQ(types(schema), "id:int v:int");
  // Columns on the first line are counted without it.
  EXPECT_THAT(read_jsonl("\xEF\xBB\xBF\"id\"x,v\n1,2\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:1:5: unexpected 'x'")));
}

TEST_F(CsvReaderTest, BlankLinesAreSkipped) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("\n\na,b\n1,2\n\n3,4\r\n\r\n\n"));
  EXPECT_EQ(rows, "1,2\n3,4\n");
}

TEST_F(CsvReaderTest, BlankLineInOneColumnFileIsNull) {
  // As DuckDB does: it is how a writer prints a NULL when there is one column.
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a\n1\n\n2\n\"\"\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:int");
  EXPECT_EQ(rows, "1\nnull\n2\nnull\n");
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("a\nx\n\n\"\"\n"));
  EXPECT_EQ(rows, "\"x\"\nnull\n\"\"\n");
}

TEST_F(CsvReaderTest, TrailingDelimiterIsAnEmptyLastField) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,\n2,"));
  EXPECT_EQ(rows, "1,null\n2,null\n");
}

TEST_F(CsvReaderTest, StrayQuotesInsideUnquotedFieldsAreText) {
  // Lenient like DuckDB and Spark: only a quote at the start of a field opens a quoted field.
  std::string text = "name,height\nAl,5'11\"\nBo \"the\" Kid,6'\nx\"y, q\"\"\n";
  EXPECT_EQ(read_every_way(text),
            "\"Al\",\"5'11\\\"\"\n\"Bo \\\"the\\\" Kid\",\"6'\"\n\"x\\\"y\",\" q\\\"\\\"\"\n");
}

TEST_F(CsvReaderTest, QuoteAfterLeadingSpaceIsText) {
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1, \"x\"\n"));
  EXPECT_EQ(rows, "1,\" \\\"x\\\"\"\n");
}

TEST_F(CsvReaderTest, NoHeaderNamesColumnsLikeSpark) {
  CsvReadOptions o;
  o.header = false;
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("1,x\n2,y\n", o, &schema));
  EXPECT_EQ(types(schema), "_c0:int _c1:string");
  EXPECT_EQ(rows, "1,\"x\"\n2,\"y\"\n");
}

TEST_F(CsvReaderTest, DuplicateEmptyAndQuotedHeaderNames) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,a,,\"c,d\",\"e\"\"f\"\n1,2,3,4,5\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:int a_2:int _c2:int c,d:int e\"f:int");
}

TEST_F(CsvReaderTest, HeaderOnlyGivesSchemaAndNoRows) {
  for (const char* text : {"a,b\n", "a,b", "a,b\r\n", "a,b\n\n"}) {
    SchemaPtr schema;
    int64_t batches = -1;
    ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl(text, {}, &schema, &batches));
    EXPECT_EQ(types(schema), "a:string b:string") << text;
    EXPECT_EQ(rows, "");
    EXPECT_EQ(batches, 0);
  }
  CsvReadOptions o;
  o.column_types = {{"b", int64()}};
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n", o, &schema));
  EXPECT_EQ(types(schema), "a:string b:bigint");
}

TEST_F(CsvReaderTest, EmptyFileHasNoColumns) {
  for (const char* text : {"", "\n\n", "\xEF\xBB\xBF", "\r\n"}) {
    SchemaPtr schema;
    ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl(text, {}, &schema));
    EXPECT_EQ(schema->num_fields(), 0) << text;
    EXPECT_EQ(rows, "");
  }
  // With a schema given, an empty file has that schema.
  CsvReadOptions o;
  o.schema = schema({field("x", int32())});
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("", o, &schema));
  EXPECT_EQ(types(schema), "x:int");
}

TEST_F(CsvReaderTest, InvalidDialectIsRejected) {
  ASSERT_OK(fs_->write_file("in.csv", "a\n"));
  CsvReadOptions o;
  o.delimiter = '"';
  EXPECT_THAT(CsvReader::open(fs_, "in.csv", o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("delimiter must differ")));
  o = {};
  o.quote = '\n';
  EXPECT_THAT(CsvReader::open(fs_, "in.csv", o),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot be line breaks")));
}

// ---- inference

TEST_F(CsvReaderTest, IntegersWidenToBigintThenDecimal) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b,c,d,e\n"
                                             "1,1,1,1,007\n"
                                             "2147483647,2147483648,1.5,12345678901234567890,+8\n"
                                             "-2147483648,-1,1e3,1,-0\n",
                                             {}, &schema));
  // Beyond bigint an integer is a decimal(p,0) (Spark), never a double that would round it.
  EXPECT_EQ(types(schema), "a:int b:bigint c:double d:decimal(20,0) e:int");
  EXPECT_EQ(rows,
            "1,1,1,\"1\",7\n"
            "2147483647,2147483648,1.5,\"12345678901234567890\",8\n"
            "-2147483648,-1,1000,\"1\",0\n");
}

TEST_F(CsvReaderTest, DistinctHugeIdsStayDistinct) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("id\n12345678901234567890\n12345678901234567891\n"
                                             "-99999999999999999999999999999999999999\n",
                                             {}, &schema));
  EXPECT_EQ(types(schema), "id:decimal(38,0)");
  EXPECT_EQ(rows,
            "\"12345678901234567890\"\n\"12345678901234567891\"\n"
            "\"-99999999999999999999999999999999999999\"\n");
  // More than 38 digits: no decimal holds it, and a double would round it: a string.
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("id\n1\n123456789012345678901234567890123456789\n", {}, &schema));
  EXPECT_EQ(types(schema), "id:string");
  EXPECT_EQ(rows, "\"1\"\n\"123456789012345678901234567890123456789\"\n");
  // Leading zeros are not digits of the value.
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("id\n000000000000000000000000000000000000000001\n", {}, &schema));
  EXPECT_EQ(types(schema), "id:int");
}

TEST_F(CsvReaderTest, HugeIntegersWithFractionsAreDecimalsNotDoubles) {
  SchemaPtr schema;
  // An integer beyond 2^53 next to a fraction: a decimal wide enough for both.
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b,c\n"
                                             "12345678901234567890,9007199254740993,1\n"
                                             "1.5,0.25,2.5\n",
                                             {}, &schema));
  EXPECT_EQ(types(schema), "a:decimal(21,1) b:decimal(18,2) c:double");
  EXPECT_EQ(rows,
            "\"12345678901234567890.0\",\"9007199254740993.00\",1\n"
            "\"1.5\",\"0.25\",2.5\n");
  // No decimal fits (39 digits) or a value is not plain notation: a string, still not a double.
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("a,b\n"
                                        "12345678901234567890123456789012345678,12345678901234567890\n"
                                        "0.5,1e3\n",
                                        {}, &schema));
  EXPECT_EQ(types(schema), "a:string b:string");
  EXPECT_EQ(rows,
            "\"12345678901234567890123456789012345678\",\"12345678901234567890\"\n"
            "\"0.5\",\"1e3\"\n");
}

TEST_F(CsvReaderTest, ValuesPastTheSampleAreNotRoundedIntoInferredTypes) {
  CsvReadOptions o;
  o.sample_rows = 2;
  // A double column (from the sample) meets an integer a double does not hold.
  EXPECT_THAT(read_jsonl("d\n1.5\n2\n12345678901234567891\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:4:1: column 'd': cannot read '12345678901234567891' as "
                                 "double: a double would not hold this integer exactly")));
  // An integer a double does hold is fine.
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("d\n1.5\n2\n9007199254740992\n", o));
  EXPECT_EQ(rows, "1.5\n2\n9007199254740992\n");
  // A decimal column (from the sample) meets a value with more fraction digits.
  EXPECT_THAT(read_jsonl("d\n12345678901234567890\n0.5\n1.25\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:4:1: column 'd': cannot read '1.25' as decimal(21,1): "
                                 "more fraction digits than its scale (1)")));
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("d\n12345678901234567890\n0.5\n1.50\n", o));
  EXPECT_EQ(rows, "\"12345678901234567890.0\"\n\"0.5\"\n\"1.5\"\n");
  // A given decimal type rounds HALF_UP, as Spark does.
  o.column_types = {{"d", decimal128(22, 1)}};
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("d\n1.25\n", o));
  EXPECT_EQ(rows, "\"1.3\"\n");
}

TEST_F(CsvReaderTest, DatesAndTimestampsWithZonesAndFractions) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows,
                       read_jsonl("d,mixed,zoned\n"
                                  "2024-02-29,2024-02-29,2024-01-01T10:00:00+02:00\n"
                                  "1970-01-01,2024-03-01 12:34:56.123456789,2024-01-01 10:00:00Z\n"
                                  "0001-01-01,2024-03-01 12:34,2024-01-01 10:00:00.25 -01:30\n",
                                  {}, &schema));
  EXPECT_EQ(types(schema), "d:date mixed:timestamp zoned:timestamp");
  EXPECT_EQ(rows,
            "\"2024-02-29\",\"2024-02-29T00:00:00.000000Z\",\"2024-01-01T08:00:00.000000Z\"\n"
            "\"1970-01-01\",\"2024-03-01T12:34:56.123456Z\",\"2024-01-01T10:00:00.000000Z\"\n"
            "\"0001-01-01\",\"2024-03-01T12:34:00.000000Z\",\"2024-01-01T11:30:00.250000Z\"\n");
}

TEST_F(CsvReaderTest, NotQuiteDatesAreStrings) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows,
                       read_jsonl("a,b,c\n2024-02-30,2024-01-01 25:00:00,1-2-3\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:string b:string c:string");
}

TEST_F(CsvReaderTest, BooleansInAnyCaseButNotDigits) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b,c\nTrue,1,true\nfalse,0,yes\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:boolean b:int c:string");
  EXPECT_EQ(rows, "true,1,\"true\"\nfalse,0,\"yes\"\n");
}

TEST_F(CsvReaderTest, NullOnlyColumnsAreStrings) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,\n2,\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:int b:string");
  EXPECT_EQ(rows, "1,null\n2,null\n");
}

TEST_F(CsvReaderTest, SpacesAroundNonStringValuesAreTrimmed) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows,
                       read_jsonl("i,d,b,s\n 42 ,\t1.5, true , x \n7, ,false,\" y\"\n", {}, &schema));
  EXPECT_EQ(types(schema), "i:int d:double b:boolean s:string");
  EXPECT_EQ(rows, "42,1.5,true,\" x \"\n7,null,false,\" y\"\n");
}

TEST_F(CsvReaderTest, WordsThatFloatParsersAcceptStayStrings) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\nnan,inf\nNaN,Infinity\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:string b:string");
}

TEST_F(CsvReaderTest, QuotedNumbersAreNumbers) {
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n\"1\",\"2024-01-01\"\n\"\",2\n", {}, &schema));
  EXPECT_EQ(types(schema), "a:int b:string");
  EXPECT_EQ(rows, "1,\"2024-01-01\"\nnull,\"2\"\n");
}

TEST_F(CsvReaderTest, InferenceUsesOnlyTheSample) {
  CsvReadOptions o;
  o.sample_rows = 2;
  SchemaPtr schema;
  EXPECT_THAT(read_jsonl("a\n1\n2\nthree\n", o, &schema),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:4:1: column 'a': cannot read 'three' as int (type "
                                 "inferred from the first 2 rows; override it with the schema "
                                 "option: 'a STRING')")));
  o.column_types = {{"a", string_type()}};
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a\n1\n2\nthree\n", o));
  EXPECT_EQ(rows, "\"1\"\n\"2\"\n\"three\"\n");
  // No sample at all: every column is a string.
  o = {};
  o.sample_rows = 0;
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("a\n1\n", o, &schema));
  EXPECT_EQ(types(schema), "a:string");
}

TEST_F(CsvReaderTest, SampleLongerThanTheFirstRead) {
  // The sample grows past the first read (64 KiB) and past a chunk.
  std::string text = "id,v\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",x" + std::to_string(i) + "\n";
  text += "3000000000,y\n";
  SchemaPtr schema;
  CsvReadOptions o;
  o.block_bytes = 1000;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl(text, o, &schema));
  EXPECT_EQ(types(schema), "id:bigint v:string");
}

// ---- explicit types

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

TEST_F(CsvReaderTest, EveryExplicitType) {
  CsvReadOptions o;
  o.schema = schema({field("i8", int8()), field("i16", int16()), field("i32", int32()),
                     field("i64", int64()), field("u8", uint8()), field("u16", uint16()),
                     field("u32", uint32()), field("u64", uint64()), field("f32", float32()),
                     field("f64", float64()), field("dec", decimal128(38, 4)),
                     field("s", string_type()), field("bin", binary()), field("b", boolean()),
                     field("d", date32()), field("ts", timestamp(TimeUnit::kMicro, "UTC")),
                     field("ntz", timestamp(TimeUnit::kMicro)),
                     field("ns", timestamp(TimeUnit::kNano, "UTC")),
                     field("t", time64(TimeUnit::kMicro)), field("tn", time64(TimeUnit::kNano))});
  ASSERT_OK_AND_ASSIGN(
      auto rows,
      read_jsonl("header line is replaced by the schema,,,,,,,,,,,,,,,,,,,\n"
                 "-128,-32768,-2147483648,-9223372036854775808,255,65535,4294967295,"
                 "18446744073709551615,1.25,-1e-300,-12345678901234567890.12345,s\xC3\xA9,"
                 "\xFF\xFE,TRUE,2024-02-29 00:00:00,2024-01-01 01:00:00+01:00,"
                 "2024-01-01 01:00:00,2024-01-01 00:00:00.123456789,23:59:59.999999,"
                 "00:00:01.000000001\n"
                 ",,,,,,,,,,,,,0,,,,,,\n"
                 "127,32767,2147483647,9223372036854775807,0,0,0,0,NaN,-Infinity,0.00005,\"\","
                 "\"\",1,1970-01-01,1969-12-31 23:59:59.9999999,0001-01-01 00:00:00,"
                 "1677-09-22 00:12:43.145224192,00:00,12:30\n",
                 o));
  EXPECT_EQ(rows,
            "-128,-32768,-2147483648,-9223372036854775808,255,65535,4294967295,"
            "18446744073709551615,1.25,-1e-300,\"-12345678901234567890.1235\",\"s\xC3\xA9\","
            "\"//4=\",true,\"2024-02-29\",\"2024-01-01T00:00:00.000000Z\","
            "\"2024-01-01T01:00:00.000000\",\"2024-01-01T00:00:00.123456789Z\","
            "\"23:59:59.999999\",\"00:00:01.000000001\"\n"
            "null,null,null,null,null,null,null,null,null,null,null,null,null,false,null,null,"
            "null,null,null,null\n"
            "127,32767,2147483647,9223372036854775807,0,0,0,0,\"NaN\",\"-Infinity\",\"0.0001\","
            "\"\",\"\",true,\"1970-01-01\",\"1969-12-31T23:59:59.999999Z\","
            "\"0001-01-01T00:00:00.000000\",\"1677-09-22T00:12:43.145224192Z\",\"00:00:00.000000\","
            "\"12:30:00.000000000\"\n");
}

TEST_F(CsvReaderTest, IntegerRangesPerType) {
  struct Case {
    TypePtr type;
    const char* text;
    const char* error;  // nullptr: reads back as the text
  };
  const Case cases[] = {
      {int8(), "127", nullptr},
      {int8(), "128", "cannot read '128' as tinyint: out of range"},
      {int8(), "-129", "cannot read '-129' as tinyint: out of range"},
      {int16(), "-32769", "cannot read '-32769' as smallint: out of range"},
      {int32(), "3000000000", "cannot read '3000000000' as int: out of range"},
      {int64(), "9223372036854775808", "cannot read '9223372036854775808' as bigint: out of range"},
      {int64(), "99999999999999999999999", "as bigint: out of range"},
      {int64(), "1.5", "cannot read '1.5' as bigint: not an integer"},
      {int64(), "12a", "cannot read '12a' as bigint"},
      {int64(), "-", "cannot read '-' as bigint"},
      {uint8(), "-1", "out of range"},
      {uint8(), "-0", nullptr},
      {uint64(), "18446744073709551616", "out of range"},
  };
  for (const auto& c : cases) {
    CsvReadOptions o;
    o.schema = schema({field("v", c.type)});
    auto rows = read_jsonl(std::string("v\n") + c.text + "\n", o);
    if (c.error == nullptr) {
      ASSERT_OK(rows);
      EXPECT_EQ(*rows, std::string(c.text[0] == '-' ? c.text + 1 : c.text) + "\n");
    } else {
      EXPECT_THAT(rows, StatusIs(StatusCode::kParseError,
                                 HasSubstr(std::string("in.csv:2:1: column 'v': ") +
                                           (c.error[0] == 'c' ? "" : "cannot read '") +
                                           (c.error[0] == 'c' ? c.error : ""))))
          << c.text;
      EXPECT_THAT(rows, StatusIs(StatusCode::kParseError, HasSubstr(c.error))) << c.text;
    }
  }
}

TEST_F(CsvReaderTest, BinaryColumnsTakeAnyBytes) {
  CsvReadOptions o;
  o.column_types = {{"b", binary()}};
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("b\n\x80\x81\n\"\xFF,\"\n", o));
  EXPECT_EQ(rows, "\"gIE=\"\n\"/yw=\"\n");
}

TEST_F(CsvReaderTest, SchemaWithWrongColumnCountIsRejected) {
  CsvReadOptions o;
  o.schema = schema({field("a", int64())});
  EXPECT_THAT(read_jsonl("a,b\n1,2\n", o), StatusIs(StatusCode::kInvalidArgument, HasSubstr("2 columns but the schema has 1")));
}

TEST_F(CsvReaderTest, ColumnTypeForUnknownColumn) {
  CsvReadOptions o;
  o.column_types = {{"nope", int32()}};
  EXPECT_THAT(read_jsonl("a,b\n1,2\n", o),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("in.csv: no column 'nope' to give the type int (columns: a, b)")));
}

TEST_F(CsvReaderTest, UnsupportedTypesAreRejected) {
  CsvReadOptions o;
  o.column_types = {{"a", list(int32())}};
  EXPECT_THAT(read_jsonl("a\n1\n", o),
              StatusIs(StatusCode::kNotImplemented,
                       HasSubstr("in.csv: column 'a': reading array<int> columns from CSV is not "
                                 "supported")));
}

// ---- schema option (Spark's DDL schema, given as a Schema here)

TEST_F(CsvReaderTest, SchemaMatchesColumnsByPositionNotByHeaderName) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64()), field("qty", string_type(), false)});
  SchemaPtr got;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("qty,id\n1,x1\n2,007\n", o, &got));
  EXPECT_EQ(types(got), "id:bigint qty:string");
  EXPECT_FALSE(got->field(1)->nullable());
  EXPECT_EQ(rows, "1,\"x1\"\n2,\"007\"\n");
  // A header with another count of columns: both counts and the file.
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n", o),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("in.csv: the file has 3 columns but the schema has 2")));
  // Without a header, a row with another count is a malformed row.
  o.header = false;
  EXPECT_THAT(read_jsonl("1,a\n2,b,c\n", o),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:5: expected 2 fields, found 3")));
}

TEST_F(CsvReaderTest, NotNullColumnsRefuseNulls) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64(), false), field("name", string_type(), false)});
  EXPECT_THAT(read_jsonl("id,name\n1,a\n,b\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:1: column 'id' is NOT NULL, but the value is NULL")));
  EXPECT_THAT(read_jsonl("id,name\n1,a\n2,\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:3: column 'name' is NOT NULL, but the value is NULL")));
  // A quoted empty string is a value, not NULL.
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("id,name\n1,\"\"\n", o));
  EXPECT_EQ(rows, "1,\"\"\n");
}

// ---- malformed rows (Spark's mode)

TEST_F(CsvReaderTest, ModesNamesAreSparks) {
  EXPECT_EQ(*parse_malformed_mode("failFast"), MalformedMode::kFailFast);
  EXPECT_EQ(*parse_malformed_mode("DROPMALFORMED"), MalformedMode::kDropMalformed);
  EXPECT_EQ(*parse_malformed_mode("permissive"), MalformedMode::kPermissive);
  EXPECT_THAT(parse_malformed_mode("lenient"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("unknown CSV mode 'lenient' (FAILFAST, DROPMALFORMED, PERMISSIVE)")));
}

// Every kind of malformed row: too few fields, too many, a value of the wrong type, a NULL in a
// NOT NULL column, text after a closing quote; and a good row with a quoted line break.
const char* const kMalformed =
    "id,qty,note\n"
    "1,10,ok\n"
    "2,20\n"
    "3,30,x,extra\n"
    "4,x1,bad qty\n"
    ",50,no id\n"
    "6,\"6\"0,after quote\n"
    "7,70,\"two\nlines\"\n"
    "8,80,\"bad\"\"\"quote\"x\r\n"
    "9,90,last\n";

TEST_F(CsvReaderTest, FailFastStopsAtTheFirstMalformedRow) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64(), false), field("qty", int32()), field("note", string_type())});
  EXPECT_EQ(read_with_report(kMalformed, o),
            "error: in.csv:3:1: expected 3 fields, found 2");
}

TEST_F(CsvReaderTest, DropMalformedDropsCountsAndNamesTheLines) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64(), false), field("qty", int32()), field("note", string_type())});
  o.mode = MalformedMode::kDropMalformed;
  EXPECT_EQ(read_with_report(kMalformed, o),
            "1,10,\"ok\"\n"
            "7,70,\"two\\nlines\"\n"
            "9,90,\"last\"\n"
            "in.csv: 6 malformed rows dropped (mode DROPMALFORMED), at lines 3, 4, 5, 6, 7, ...");
}

TEST_F(CsvReaderTest, PermissiveKeepsMalformedRowsWithTheirText) {
  CsvReadOptions o;
  o.schema = schema({field("id", int64()), field("qty", int32()), field("note", string_type())});
  o.mode = MalformedMode::kPermissive;
  SchemaPtr got;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl(kMalformed, o, &got));
  EXPECT_EQ(types(got), "id:bigint qty:int note:string _corrupt_record:string");
  // Fields that read are kept (a missing one is NULL, an extra one ignored); the row's text
  // without its line end.
  EXPECT_EQ(read_with_report(kMalformed, o),
            "1,10,\"ok\",null\n"
            "2,20,null,\"2,20\"\n"
            "3,30,\"x\",\"3,30,x,extra\"\n"
            "4,null,\"bad qty\",\"4,x1,bad qty\"\n"
            "null,50,\"no id\",null\n"
            "null,null,null,\"6,\\\"6\\\"0,after quote\"\n"
            "7,70,\"two\\nlines\",null\n"
            "null,null,null,\"8,80,\\\"bad\\\"\\\"\\\"quote\\\"x\"\n"
            "9,90,\"last\",null\n"
            "in.csv: 5 malformed rows kept with their text (mode PERMISSIVE), at lines 3, 4, 5, 7, 10");
}

TEST_F(CsvReaderTest, PermissiveRowThatIsNotUtf8NamesItsOwnLine) {
  // Fuzz finding: two malformed rows, only the second not valid UTF-8. Read in one batch, the
  // error named the batch's first malformed row (line 1); in blocks of a byte, line 2.
  CsvReadOptions o;
  o.header = false;
  o.column_types = {{"_c0", decimal128(10, 2)}};
  o.mode = MalformedMode::kPermissive;
  EXPECT_EQ(read_with_report(std::string("\0\1\n\xadt", 5), o),
            "error: in.csv:2:1: a malformed row is not valid UTF-8, so the "
            "_corrupt_record column cannot hold its text (read with mode FAILFAST to see what is "
            "wrong with it)");
  // Further into a batch, after good rows and a malformed row that is valid UTF-8.
  o.column_types = {{"_c0", int32()}};
  EXPECT_EQ(read_with_report("1\n2\nx\n3\n\xff\n4\n", o),
            "error: in.csv:5:1: a malformed row is not valid UTF-8, so the "
            "_corrupt_record column cannot hold its text (read with mode FAILFAST to see what is "
            "wrong with it)");
}

TEST_F(CsvReaderTest, CorruptRecordColumnCanBeNamedAndPlaced) {
  CsvReadOptions o;
  o.mode = MalformedMode::kPermissive;
  o.corrupt_record_column = "bad";
  SchemaPtr got;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,2\n3\n", o, &got));
  EXPECT_EQ(types(got), "a:int b:int bad:string");
  EXPECT_EQ(rows, "1,2,null\n3,null,\"3\"\n");
  // In the schema (Spark's way), it is the column at its place, not a column of the file.
  o.schema = schema({field("bad", string_type()), field("a", int32()), field("b", int32())});
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("a,b\n1,2\n3,x\n", o, &got));
  EXPECT_EQ(types(got), "bad:string a:int b:int");
  EXPECT_EQ(rows, "null,1,2\n\"3,x\",3,null\n");
  // It must be a string, and NOT NULL columns cannot take the NULLs of malformed rows.
  o.schema = schema({field("bad", int32()), field("a", int32()), field("b", int32())});
  EXPECT_THAT(read_jsonl("a,b\n1,2\n", o),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("in.csv: the corrupt-record column bad must be a STRING, not int")));
  o.schema = schema({field("a", int32(), false), field("b", int32())});
  EXPECT_THAT(read_jsonl("a,b\n1,2\n", o),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("in.csv: column a is NOT NULL, but mode PERMISSIVE puts NULL in the "
                                 "fields of malformed rows")));
  // A file column of that name would be ambiguous.
  o.schema = nullptr;
  o.corrupt_record_column = "_corrupt_record";
  EXPECT_THAT(read_jsonl("a,_corrupt_record\n1,2\n", o),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("in.csv: the file has a column named _corrupt_record")));
  // An empty file still has the column.
  o.schema = schema({field("a", int32())});
  ASSERT_OK_AND_ASSIGN(rows, read_jsonl("", o, &got));
  EXPECT_EQ(types(got), "a:int _corrupt_record:string");
}

TEST_F(CsvReaderTest, InferenceSkipsMalformedRowsOutsideFailFast) {
  CsvReadOptions o;
  o.mode = MalformedMode::kDropMalformed;
  SchemaPtr got;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,2\nx,y,z\n3,4\n", o, &got));
  EXPECT_EQ(types(got), "a:int b:int");
  EXPECT_EQ(rows, "1,2\n3,4\n");
  // Values past the sample that do not read as the inferred type are malformed rows too.
  o.sample_rows = 1;
  EXPECT_EQ(read_with_report("a\n1\n2\nthree\n4\n", o),
            "1\n2\n4\nin.csv: 1 malformed row dropped (mode DROPMALFORMED), at line 4");
}

TEST_F(CsvReaderTest, MalformedLinesAreExactAcrossBlocksAndQuotedLineBreaks) {
  // Quoted line breaks before every bad row, so that rows and lines differ; many blocks.
  std::string text = "k,v\n";
  int line = 2;
  std::vector<int> bad_lines;
  std::string expected_rows;
  for (int i = 0; i < 3000; ++i) {
    if (i % 700 == 699) {
      text += std::to_string(i) + ",oops\n";
      bad_lines.push_back(line);
      line += 1;
      continue;
    }
    text += std::to_string(i) + ",\"" + std::to_string(i) + "\n" + std::to_string(i) + "\"\n";
    expected_rows += std::to_string(i) + ",\"" + std::to_string(i) + "\\n" + std::to_string(i) + "\"\n";
    line += 2;
  }
  CsvReadOptions o;
  o.schema = schema({field("k", int32()), field("v", string_type())});
  o.mode = MalformedMode::kDropMalformed;
  // Bad by their field count.
  std::string ragged = text;
  for (size_t at = ragged.find(",oops\n"); at != std::string::npos; at = ragged.find(",oops\n", at)) {
    ragged.replace(at, 6, ",oops,!\n");
  }
  ASSERT_EQ(bad_lines.size(), 4u);
  EXPECT_EQ(read_with_report(ragged, o),
            expected_rows + fmt::format("in.csv: 4 malformed rows dropped (mode DROPMALFORMED), at "
                                        "lines {}, {}, {}, {}",
                                        bad_lines[0], bad_lines[1], bad_lines[2], bad_lines[3]));
  // And a failing read names the first one's line.
  o.mode = MalformedMode::kFailFast;
  auto failed = read_jsonl(ragged, o);
  EXPECT_THAT(failed, StatusIs(StatusCode::kParseError,
                               HasSubstr(fmt::format("in.csv:{}:", bad_lines[0]))));
}

TEST_F(CsvReaderTest, MalformedRowsWithQuotedLineBreaksAcrossChunks) {
  // Rows with text after a closing quote, whose rest holds a quoted line break, every third row:
  // past 4 KiB, so that chunk ends fall inside them (the row is then carried over whole).
  std::string text = "k,v,w\n";
  std::string kept_rows, corrupt_rows;
  std::vector<int> bad_lines;
  int line = 2;
  for (int i = 0; i < 1500; ++i) {
    if (i % 3 == 0) {
      const std::string row = std::to_string(i) + ",\"q\"junk,\"multi\nline\"";
      text += row + "\n";
      bad_lines.push_back(line);
      corrupt_rows += "null,null,null,\"" + std::to_string(i) + ",\\\"q\\\"junk,\\\"multi\\nline\\\"\"\n";
    } else {
      text += std::to_string(i) + ",\"v\nw\",ok\n";
      kept_rows += std::to_string(i) + ",\"v\\nw\",\"ok\"\n";
      corrupt_rows += std::to_string(i) + ",\"v\\nw\",\"ok\",null\n";
    }
    line += 2;
  }
  ASSERT_GT(text.size(), 20000u);
  CsvReadOptions o;
  o.schema = schema({field("k", int32()), field("v", string_type()), field("w", string_type())});
  o.mode = MalformedMode::kDropMalformed;
  EXPECT_EQ(read_with_report(text, o),
            kept_rows + fmt::format("in.csv: 500 malformed rows dropped (mode DROPMALFORMED), at "
                                    "lines {}, {}, {}, {}, {}, ...",
                                    bad_lines[0], bad_lines[1], bad_lines[2], bad_lines[3], bad_lines[4]));
  o.mode = MalformedMode::kPermissive;
  EXPECT_EQ(read_with_report(text, o),
            corrupt_rows + fmt::format("in.csv: 500 malformed rows kept with their text (mode "
                                       "PERMISSIVE), at lines {}, {}, {}, {}, {}, ...",
                                       bad_lines[0], bad_lines[1], bad_lines[2], bad_lines[3], bad_lines[4]));
  o.mode = MalformedMode::kFailFast;
  EXPECT_THAT(read_jsonl(text, o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:2:6: unexpected 'j' after the closing quote of a field")));
}

// ---- errors

TEST_F(CsvReaderTest, UnterminatedQuoteNamesWhereItOpened) {
  EXPECT_THAT(read_jsonl("a,b\n1,2\n3,\"open\n4,5\n"),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:3: unterminated quoted field (the quote that opens it is here)")));
}

TEST_F(CsvReaderTest, UnterminatedQuoteFoundInParallelWithExactPlace) {
  std::string text = "a,b\n";
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + ",\"v\nw\"\n";
  text += "x,\"never closed\n";
  for (int i = 0; i < 100; ++i) text += "1,2\n";
  EXPECT_EQ(read_every_way(text),
            "error: in.csv:10002:3: unterminated quoted field (the quote that opens it is here)");
}

TEST_F(CsvReaderTest, UnterminatedQuoteFarFromTheEndStopsAtMaxRowBytes) {
  // Without the limit the reader would buffer the rest of the file looking for the row's end.
  std::string text = "a,b\n1,2\n3,\"open\n";
  for (int i = 0; i < 20000; ++i) text += "4,5\n";
  CsvReadOptions o;
  o.max_row_bytes = 10000;
  o.block_bytes = 1000;
  EXPECT_THAT(read_jsonl(text, o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:3: row is longer than max_row_bytes (10000 bytes): is "
                                 "the quoted field that starts here missing its closing quote?")));
}

TEST_F(CsvReaderTest, RowLongerThanMaxRowBytes) {
  CsvReadOptions o;
  o.max_row_bytes = 50;
  std::string text = "a,b\n1,2\n3," + std::string(60, 'x') + "\n";
  EXPECT_EQ(read_every_way(text, o),
            "error: in.csv:3:1: row is longer than max_row_bytes (50 bytes)");
}

TEST_F(CsvReaderTest, RaggedRowsNameLineAndCount) {
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n4,5\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:1: expected 3 fields, found 2")));
  EXPECT_THAT(read_jsonl("a,b\n1,2\n3,4,5\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:5: expected 2 fields, found 3")));
  EXPECT_THAT(read_jsonl("a,b\n1,2\n3,4,\"5\"\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:5: expected 2 fields, found 3")));
  // A quoted line break does not end the row, so the count is of the whole row.
  EXPECT_THAT(read_jsonl("a\n\"x\ny\",z\n"),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:4: expected 1 field, found 2")));
}

TEST_F(CsvReaderTest, BadNumbersNameLineColumnAndInference) {
  std::string text = "id,qty\n";
  for (int i = 0; i < 50; ++i) text += std::to_string(i) + "," + std::to_string(i * 2) + "\n";
  text += "50,x1\n";
  CsvReadOptions o;
  o.sample_rows = 10;
  EXPECT_THAT(read_jsonl(text, o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:52:4: column 'qty': cannot read 'x1' as int (type inferred from the first 10 rows; override it with the schema option: 'id INT, qty STRING')")));
  // Columns given a type do not mention inference.
  o.column_types = {{"qty", int64()}};
  EXPECT_THAT(read_jsonl(text, o),
              StatusIs(StatusCode::kParseError,
                       ::testing::EndsWith("in.csv:52:4: column 'qty': cannot read 'x1' as bigint")));
}

TEST_F(CsvReaderTest, ErrorInQuotedFieldPointsAtItsQuote) {
  CsvReadOptions o;
  o.column_types = {{"v", int32()}};
  EXPECT_THAT(read_jsonl("k,v\nab,\"12\"\ncd,  \"1 2\"\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:4: column 'v': cannot read '\"1 2\"' as int")));
  EXPECT_THAT(read_jsonl("k,v\nab,\"1\n2\"\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:2:4: column 'v': cannot read '1\n2' as int")));
}

TEST_F(CsvReaderTest, OverflowAndFractionsInIntegerColumns) {
  CsvReadOptions o;
  o.schema = schema({field("v", int32())});
  EXPECT_THAT(read_jsonl("v\n3000000000\n", o), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:1: column 'v': cannot read '3000000000' as int: out of range")));
  EXPECT_THAT(read_jsonl("v\n1.5\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '1.5' as int: not an integer")));
  CsvReadOptions d;
  d.schema = schema({field("v", decimal128(4, 2))});
  EXPECT_THAT(read_jsonl("v\n123.45\n", d), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '123.45' as decimal(4,2): more than 2 digits before the decimal point")));
  EXPECT_THAT(read_jsonl("v\n1.2.3\n", d), StatusIs(StatusCode::kParseError, ::testing::EndsWith("cannot read '1.2.3' as decimal(4,2)")));
}

TEST_F(CsvReaderTest, BadDateTimestampTimeAndBoolean) {
  CsvReadOptions o;
  o.schema = schema({field("d", date32())});
  EXPECT_THAT(read_jsonl("d\n2024-02-30\n", o), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:1: column 'd': cannot read '2024-02-30' as date")));
  EXPECT_THAT(read_jsonl("d\n2024-02-01 10:00:00\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '2024-02-01 10:00:00' as date")));
  o.schema = schema({field("t", timestamp(TimeUnit::kMicro, "UTC"))});
  EXPECT_THAT(read_jsonl("t\n2024-01-01 24:00:00\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '2024-01-01 24:00:00' as timestamp")));
  o.schema = schema({field("t", time64(TimeUnit::kMicro))});
  EXPECT_THAT(read_jsonl("t\n12:60\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read '12:60' as time")));
  o.schema = schema({field("b", boolean())});
  EXPECT_THAT(read_jsonl("b\nyes\n", o), StatusIs(StatusCode::kParseError, HasSubstr("cannot read 'yes' as boolean")));
}

TEST_F(CsvReaderTest, LongValuesAreClippedInMessages) {
  CsvReadOptions o;
  o.schema = schema({field("v", int64())});
  EXPECT_THAT(read_jsonl("v\n" + std::string(100, '9') + "x\n", o),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("cannot read '" + std::string(37, '9') + "...' as bigint")));
}

TEST_F(CsvReaderTest, InvalidUtf8NamesThePlace) {
  EXPECT_THAT(read_jsonl("s\nok\nbad\xff\n"),
              StatusIs(StatusCode::kParseError,
                       HasSubstr("in.csv:3:1: column 's': invalid UTF-8 (to read the bytes as they "
                                 "are, give the column the type BINARY with the schema option: "
                                 "'s BINARY')")));
  // Truncated sequence inside a quoted field, in parallel, far into the file.
  std::string text = "n,s\n";
  for (int i = 0; i < 3000; ++i) text += std::to_string(i) + ",\xC3\xA9t\xC3\xA9\n";
  text += "3000,\"ok \xE2\x82\"\n";
  EXPECT_EQ(read_every_way(text),
            "error: in.csv:3002:6: column 's': invalid UTF-8 (to read the bytes as they are, give "
            "the column the type BINARY with the schema option: 'n INT, s BINARY')");
}

TEST_F(CsvReaderTest, GarbageAfterClosingQuote) {
  EXPECT_THAT(read_jsonl("a,b\n\"x\"y,1\n"), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:4: unexpected 'y' after the closing quote of a field")));
  EXPECT_THAT(read_jsonl("a,b\n\"x\"\r1,1\n"), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2:4: unexpected byte 0x0d after the closing quote of a field")));
}

TEST_F(CsvReaderTest, TheFirstErrorInFileOrderIsReported) {
  CsvReadOptions o;
  o.schema = schema({field("a", int32()), field("b", int32()), field("c", int32())});
  // Row 3 has an error in column c, row 4 in column a and a ragged row comes after.
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n1,2,x\ny,2,3\n1,2\n", o),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:5: column 'c'")));
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n1,z,x\n", o),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:3: column 'b'")));
  EXPECT_THAT(read_jsonl("a,b,c\n1,2,3\n1,2\ny,2,3\n", o),
              StatusIs(StatusCode::kParseError, HasSubstr("in.csv:3:1: expected 3 fields")));
}

TEST_F(CsvReaderTest, ErrorsAreStickyAndRowsBeforeThemAreDelivered) {
  std::string text = "a\n";
  for (int i = 0; i < 30000; ++i) text += std::to_string(i) + "\n";
  text += "x\n";
  ASSERT_OK(fs_->write_file("in.csv", text));
  CsvReadOptions o;
  o.block_bytes = 1000;
  o.sample_rows = 5;
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::open(fs_, "in.csv", o));
  int64_t rows = 0;
  Status error;
  while (true) {
    auto batch = reader->next();
    if (!batch.ok()) {
      error = batch.status();
      break;
    }
    ASSERT_NE(*batch, nullptr) << "the error was not reported";
    rows += (*batch)->num_rows();
  }
  EXPECT_THAT(error, StatusIs(StatusCode::kParseError, HasSubstr("in.csv:30002:1: column 'a'")));
  // Batches of chunks before the failing one arrived; the failing chunk's rows did not.
  EXPECT_GT(rows, 0);
  EXPECT_LT(rows, 30000);
  EXPECT_THAT(reader->next(), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:30002:1")));
}

TEST_F(CsvReaderTest, MissingFileIsNotFound) {
  EXPECT_THAT(CsvReader::open(fs_, "missing.csv"), StatusIs(StatusCode::kNotFound, HasSubstr("missing.csv")));
}

TEST_F(CsvReaderTest, ReadErrorsAreReported) {
  ASSERT_OK(fs_->write_file("in.csv", "a\n1\n"));
  fs_->set_fault_hook([](std::string_view op, const std::string&) {
    return op == "open_read" ? Status::io_error("disk on fire") : Status::OK();
  });
  EXPECT_THAT(CsvReader::open(fs_, "in.csv"), StatusIs(StatusCode::kIOError, HasSubstr("disk on fire")));
}

// ---- parallel parsing and streaming

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

// Every kind of tricky byte at every distance from a block edge: quoted line breaks, doubled
// quotes, CRLF, quotes just before and after delimiters, stray quotes, blank lines.
TEST_F(CsvReaderTest, QuotedLineBreaksAtEveryBlockEdge) {
  const char* pieces[] = {"\"a\nb\"", "\"\"", "\"\"\"\"", "\"x,\ny\"", "plain", "5'11\"",
                          "\"\r\n\"", "", "\"q\"\"\n\"\"q\"", "a\"b"};
  std::string text = "k,v,w\n";
  for (int i = 0; i < 400; ++i) {
    text += std::to_string(i) + "," + pieces[i % 10] + "," + pieces[(i * 7 + 3) % 10];
    text += (i % 3 == 0) ? "\r\n" : "\n";
    if (i % 50 == 0) text += "\n";
  }
  std::string rows = read_every_way(text);
  EXPECT_THAT(rows, ::testing::StartsWith("0,\"a\\nb\",\"x,\\ny\"\n1,\"\",\"a\\nb\"\n2,\"\\\"\",null\n"));
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 400);
}

TEST_F(CsvReaderTest, BackslashEscapesAtEveryBlockEdge) {
  CsvReadOptions o;
  o.escape = '\\';
  const char* pieces[] = {"\"a\\\"\nb\"", "\"\\\\\"", "\"\\\n\"", "c:\\x", "\"x\\,y\"", "",
                          "\"\\\\\\\"\"", "z\"z"};
  std::string text = "k,v\n";
  for (int i = 0; i < 400; ++i) text += std::to_string(i) + "," + pieces[i % 8] + "\n";
  std::string rows = read_every_way(text, o);
  EXPECT_THAT(rows, ::testing::StartsWith("0,\"a\\\"\\nb\"\n1,\"\\\\\"\n2,\"\\n\"\n3,\"c:\\\\x\"\n"));
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 400);
}

TEST_F(CsvReaderTest, ErrorsAreFoundInParallelToo) {
  std::string text = "a,b\n";
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + ",x\n";
  text += "oops\n";
  CsvReadOptions o;
  o.block_bytes = 100;
  EXPECT_THAT(read_jsonl(text, o), StatusIs(StatusCode::kParseError, HasSubstr("in.csv:2002:1: expected 2 fields, found 1")));
  EXPECT_EQ(read_every_way(text), "error: in.csv:2002:1: expected 2 fields, found 1");
}

TEST_F(CsvReaderTest, HugeFieldLargerThanABlock) {
  std::string big(100000, 'z');
  CsvReadOptions o;
  o.block_bytes = 1000;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl("a,b\n1,\"" + big + "\"\n2,y\n", o));
  EXPECT_EQ(rows, "1,\"" + big + "\"\n2,\"y\"\n");
}

TEST_F(CsvReaderTest, HugeFieldsSerialAndParallel) {
  std::string big(3 << 20, 'q');
  big[12345] = '\n';
  big[2 << 20] = ',';
  std::string text = "a,b\n1,\"" + big + "\"\n2," + std::string(1 << 20, 'u') + "\n3,c";
  for (bool parallel : {false, true}) {
    CsvReadOptions o;
    o.parallel = parallel;
    o.block_bytes = 4096;
    ASSERT_OK(fs_->write_file("in.csv", text));
    ASSERT_OK_AND_ASSIGN(auto all, read_csv(fs_, "in.csv", o));
    std::vector<std::string> values;
    for (const auto& b : all) {
      for (int64_t r = 0; r < b->num_rows(); ++r) values.emplace_back(b->column(1)->string_value(r));
    }
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[0], big);
    EXPECT_EQ(values[1], std::string(1 << 20, 'u'));
    EXPECT_EQ(values[2], "c");
  }
}

TEST_F(CsvReaderTest, WideRows) {
  std::string text;
  for (int c = 0; c < 3000; ++c) text += (c ? ",c" : "c") + std::to_string(c);
  text += "\n";
  for (int r = 0; r < 20; ++r) {
    for (int c = 0; c < 3000; ++c) text += (c ? "," : "") + std::to_string(r * c);
    text += "\n";
  }
  SchemaPtr schema;
  CsvReadOptions o;
  o.block_bytes = 5000;
  ASSERT_OK_AND_ASSIGN(auto rows, read_jsonl(text, o, &schema));
  EXPECT_EQ(schema->num_fields(), 3000);
  EXPECT_EQ(schema->field(2999)->name(), "c2999");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 20);
  EXPECT_THAT(rows, ::testing::EndsWith(",56943,56962,56981\n"));
  EXPECT_EQ(read_every_way(text), rows);
}

TEST_F(CsvReaderTest, StreamsManyBatchesInFileOrder) {
  std::string text = "n\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + "\n";
  ASSERT_OK(fs_->write_file("in.csv", text));
  for (bool parallel : {false, true}) {
    CsvReadOptions o;
    o.parallel = parallel;
    o.block_bytes = 10000;
    ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::open(fs_, "in.csv", o));
    int64_t next = 0, batches = 0;
    while (true) {
      ASSERT_OK_AND_ASSIGN(auto batch, reader->next());
      if (!batch) break;
      ++batches;
      // A batch holds about one block's rows, never the whole file.
      EXPECT_LT(batch->num_rows(), 5000);
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        ASSERT_EQ(batch->column(0)->value<int32_t>(r), next++);
      }
    }
    EXPECT_EQ(next, 100000);
    EXPECT_GT(batches, 50);
    ASSERT_OK_AND_ASSIGN(auto after_end, reader->next());
    EXPECT_EQ(after_end, nullptr);
  }
}

TEST_F(CsvReaderTest, ReadsLocalFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("braid_csv_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.csv").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\r\n1,\"x\r\ny\"\r\n";
  }
  ASSERT_OK_AND_ASSIGN(auto batches, read_csv(local_file_system(), path));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->column(1)->string_value(0), "x\r\ny");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace braid::csv
