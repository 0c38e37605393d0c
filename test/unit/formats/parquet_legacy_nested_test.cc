// Reading lists and maps written in the legacy shapes of other writers: every backward-
// compatibility rule of parquet-format LogicalTypes.md ("Nested Types": Lists and Maps), each
// with a file built to exactly that shape, read back value by value (NULL lists, empty lists and
// null elements wherever the shape allows them). Also the pages that decode to zero bytes
// (Polars' all-null gzip pages).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/schema_mapping.h"
#include "support/status_matchers.h"
#include "unit/formats/parquet_file_builder.h"

namespace braid::parquet {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using namespace ::braid::parquet::testing;

constexpr auto kRequired = Repetition::kRequired;
constexpr auto kOptional = Repetition::kOptional;
constexpr auto kRepeated = Repetition::kRepeated;

struct ReadBack {
  std::vector<std::string> types;               // per top-level column, SQL type name
  std::vector<std::vector<std::string>> rows;   // per column, per row, JSON text
};

class LegacyNestedTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  Result<ReadBack> read(const std::string& bytes) {
    BRAID_RETURN_IF_ERROR(fs_->write_file("legacy.parquet", bytes));
    BRAID_ASSIGN_OR_RETURN(auto batches, read_parquet(fs_, "legacy.parquet"));
    BRAID_ASSIGN_OR_RETURN(auto file, ParquetFile::open(fs_, "legacy.parquet"));
    ReadBack out;
    for (const auto& f : file->schema()->fields()) out.types.push_back(sql_type_name(*f->type()));
    out.rows.resize(out.types.size());
    for (const auto& b : batches) {
      BRAID_RETURN_IF_ERROR(b->validate(true));
      for (int c = 0; c < b->num_columns(); ++c) {
        for (int64_t r = 0; r < b->num_rows(); ++r) {
          out.rows[static_cast<size_t>(c)].push_back(value_text(*b->column(c), r, TextFlavor::kJson));
        }
      }
    }
    return out;
  }

  // One column, four rows shaped like [x, y], NULL, [], [z] (the outer list optional).
  void expect_column(const std::vector<SchemaElement>& schema, const std::vector<LeafPages>& leaves,
                     int64_t rows, const std::string& type, const std::vector<std::string>& values) {
    for (bool v2 : {false, true}) {
      SCOPED_TRACE(v2 ? "data page v2" : "data page v1");
      BuildOptions o;
      o.v2 = v2;
      o.codec = Codec::kSnappy;
      ASSERT_OK_AND_ASSIGN(auto got, read(build_parquet(schema, rows, leaves, o)));
      ASSERT_EQ(got.types.size(), 1u);
      EXPECT_EQ(got.types[0], type);
      EXPECT_THAT(got.rows[0], ElementsAreArray(values));
    }
  }
};

SchemaElement root(int children) { return group("schema", children, std::nullopt); }

// Levels of a one-level list column with rows [a, b], NULL, [], [c] and non-null elements.
LeafPages list_of_three(int max_def, std::string plain) {
  LeafPages l;
  l.max_def = max_def;
  l.max_rep = 1;
  l.def = {static_cast<int16_t>(max_def), static_cast<int16_t>(max_def), 0, static_cast<int16_t>(max_def - 1),
           static_cast<int16_t>(max_def)};
  l.rep = {0, 1, 0, 0, 0};
  l.num_values = 5;
  l.plain = std::move(plain);
  return l;
}

// ---- lists: the 3-level standard, for reference

TEST_F(LegacyNestedTest, StandardThreeLevelList) {
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 group("list", 1, kRepeated), leaf("element", PhysicalType::kInt32, kRequired)},
                {list_of_three(2, plain_i32({1, 2, 3}))}, 4, "INTEGER[]", {"[1,2]", "null", "[]", "[3]"});
}

// Rule 1: the repeated field is not a group: its type is the element type, elements required.
TEST_F(LegacyNestedTest, Rule1RepeatedPrimitiveIsTheElement) {
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 leaf("element", PhysicalType::kInt32, kRepeated)},
                {list_of_three(2, plain_i32({1, 2, 3}))}, 4, "INTEGER[]", {"[1,2]", "null", "[]", "[3]"});
  // A required 2-level list: no NULL rows, one definition level fewer.
  LeafPages l;
  l.max_def = 1;
  l.max_rep = 1;
  l.def = {1, 1, 0, 1};
  l.rep = {0, 1, 0, 0};
  l.num_values = 4;
  l.plain = plain_i32({1, 2, 3});
  expect_column({root(1), group("my_list", 1, kRequired, ConvertedType::kList),
                 leaf("element", PhysicalType::kInt32, kRepeated)},
                {l}, 3, "INTEGER[]", {"[1,2]", "[]", "[3]"});
}

// Rule 2: a repeated group with several fields is the element (a struct), elements required.
TEST_F(LegacyNestedTest, Rule2RepeatedGroupOfSeveralFieldsIsTheElement) {
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 group("element", 2, kRepeated), leaf("str", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                 leaf("num", PhysicalType::kInt32, kRequired)},
                {list_of_three(2, plain_strings({"a", "b", "c"})), list_of_three(2, plain_i32({1, 2, 3}))}, 4,
                "STRUCT(\"str\" VARCHAR, \"num\" INTEGER)[]",
                {R"([{"str":"a","num":1},{"str":"b","num":2}])", "null", "[]", R"([{"str":"c","num":3}])"});
}

// Rows [[1, 2], []], NULL, [], [[3]] of a list of lists (max definition 3, repetition 2).
LeafPages list_of_lists() {
  LeafPages l;
  l.max_def = 3;
  l.max_rep = 2;
  l.def = {3, 3, 2, 0, 1, 3};
  l.rep = {0, 2, 1, 0, 0, 0};
  l.num_values = 6;
  l.plain = plain_i32({1, 2, 3});
  return l;
}

// Rule 3: a repeated group whose one field is repeated is the element. Annotated LIST itself, it
// is a 2-level list serving as the element of another (the "array" name must not make it a
// struct by rule 4: rule 3 comes first).
TEST_F(LegacyNestedTest, Rule3RepeatedGroupWithARepeatedFieldIsTheElement) {
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 group("array", 1, kRepeated, ConvertedType::kList),
                 leaf("array", PhysicalType::kInt32, kRepeated)},
                {list_of_lists()}, 4, "INTEGER[][]", {"[[1,2],[]]", "null", "[]", "[[3]]"});
  // Under another name too.
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 group("inner", 1, kRepeated, ConvertedType::kList),
                 leaf("x", PhysicalType::kInt32, kRepeated)},
                {list_of_lists()}, 4, "INTEGER[][]", {"[[1,2],[]]", "null", "[]", "[[3]]"});
  // Not annotated: the group's type, a struct holding a bare repeated field (a list never null).
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList),
                 group("bag", 1, kRepeated), leaf("x", PhysicalType::kInt32, kRepeated)},
                {list_of_lists()}, 4, "STRUCT(\"x\" INTEGER[])[]",
                {R"([{"x":[1,2]},{"x":[]}])", "null", "[]", R"([{"x":[3]}])"});
}

// Rule 4: a repeated group of one field named "array" or "<list name>_tuple" is the element.
TEST_F(LegacyNestedTest, Rule4ArrayAndTupleGroupsAreTheElement) {
  for (const char* name : {"array", "my_list_tuple"}) {
    SCOPED_TRACE(name);
    expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList), group(name, 1, kRepeated),
                   leaf("str", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8)},
                  {list_of_three(2, plain_strings({"a", "b", "c"}))}, 4, "STRUCT(\"str\" VARCHAR)[]",
                  {R"([{"str":"a"},{"str":"b"}])", "null", "[]", R"([{"str":"c"}])"});
  }
}

// Rule 5: otherwise the repeated group's one field is the element, with its own repetition,
// whatever the names (here the repeated group is called "element").
TEST_F(LegacyNestedTest, Rule5TheSingleFieldIsTheElement) {
  LeafPages l;
  l.max_def = 3;
  l.max_rep = 1;
  l.def = {3, 2, 0, 1, 3};  // ["a", null], NULL, [], ["c"]
  l.rep = {0, 1, 0, 0, 0};
  l.num_values = 5;
  l.plain = plain_strings({"a", "c"});
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList), group("element", 1, kRepeated),
                 leaf("str", PhysicalType::kByteArray, kOptional, ConvertedType::kUtf8)},
                {l}, 4, "VARCHAR[]", {"[\"a\",null]", "null", "[]", "[\"c\"]"});
  // A required element: the spec's own example of a misnamed 3-level list.
  expect_column({root(1), group("my_list", 1, kOptional, ConvertedType::kList), group("element", 1, kRepeated),
                 leaf("str", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8)},
                {list_of_three(2, plain_strings({"a", "b", "c"}))}, 4, "VARCHAR[]",
                {"[\"a\",\"b\"]", "null", "[]", "[\"c\"]"});
}

// A repeated field outside any LIST or MAP is a required list of required elements: no
// occurrences is an empty list, never NULL. At the top level, inside a struct, and as a group.
TEST_F(LegacyNestedTest, UnannotatedRepeatedFieldsAreNonNullLists) {
  LeafPages num;
  num.max_def = 1;
  num.max_rep = 1;
  num.def = {1, 1, 0, 1};  // [1, 2], [], [3]
  num.rep = {0, 1, 0, 0};
  num.num_values = 4;
  num.plain = plain_i32({1, 2, 3});
  expect_column({root(1), leaf("num", PhysicalType::kInt32, kRepeated)}, {num}, 3, "INTEGER[]",
                {"[1,2]", "[]", "[3]"});

  LeafPages str = num;
  str.max_def = 2;
  str.def = {2, 1, 0, 2};  // "a", null | (none) | "c"
  str.plain = plain_strings({"a", "c"});
  expect_column({root(1), group("my_list", 2, kRepeated), leaf("num", PhysicalType::kInt32, kRequired),
                 leaf("str", PhysicalType::kByteArray, kOptional, ConvertedType::kUtf8)},
                {num, str}, 3, "STRUCT(\"num\" INTEGER, \"str\" VARCHAR)[]",
                {R"([{"num":1,"str":"a"},{"num":2,"str":null}])", "[]", R"([{"num":3,"str":"c"}])"});

  LeafPages in_struct;
  in_struct.max_def = 2;
  in_struct.max_rep = 1;
  in_struct.def = {2, 0, 1};  // {x: [1]}, NULL, {x: []}
  in_struct.rep = {0, 0, 0};
  in_struct.num_values = 3;
  in_struct.plain = plain_i32({1});
  expect_column({root(1), group("s", 1, kOptional), leaf("x", PhysicalType::kInt32, kRepeated)}, {in_struct}, 3,
                "STRUCT(\"x\" INTEGER[])", {R"({"x":[1]})", "null", R"({"x":[]})"});
}

// ---- maps

// Keys "a", "b" | NULL map | {} | "c" (a one-level map, required keys).
LeafPages map_keys() { return list_of_three(2, plain_strings({"a", "b", "c"})); }
// Values 1, NULL | | | 3 (optional values: one level more).
LeafPages map_values() {
  LeafPages l;
  l.max_def = 3;
  l.max_rep = 1;
  l.def = {3, 2, 0, 1, 3};
  l.rep = {0, 1, 0, 0, 0};
  l.num_values = 5;
  l.plain = plain_i32({1, 3});
  return l;
}

TEST_F(LegacyNestedTest, StandardMapAndMapKeyValueInsideMap) {
  const std::vector<std::string> rows = {R"([{"key":"a","value":1},{"key":"b","value":null}])", "null", "[]",
                                         R"([{"key":"c","value":3}])"};
  expect_column({root(1), group("my_map", 1, kOptional, ConvertedType::kMap), group("key_value", 2, kRepeated),
                 leaf("key", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                 leaf("value", PhysicalType::kInt32, kOptional)},
                {map_keys(), map_values()}, 4, "MAP(VARCHAR, INTEGER)", rows);
  // What parquet-mr wrote for years: the repeated group annotated MAP_KEY_VALUE, named "map".
  expect_column({root(1), group("my_map", 1, kOptional, ConvertedType::kMap),
                 group("map", 2, kRepeated, ConvertedType::kMapKeyValue),
                 leaf("key", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                 leaf("value", PhysicalType::kInt32, kOptional)},
                {map_keys(), map_values()}, 4, "MAP(VARCHAR, INTEGER)", rows);
}

// Backward compatibility: key and value are found by position, whatever their names.
TEST_F(LegacyNestedTest, MapFieldsAreFoundByPosition) {
  LeafPages values = list_of_three(2, plain_i32({1, 2, 3}));
  expect_column({root(1), group("my_map", 1, kOptional, ConvertedType::kMap), group("map", 2, kRepeated),
                 leaf("str", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                 leaf("num", PhysicalType::kInt32, kRequired)},
                {map_keys(), values}, 4, "MAP(VARCHAR, INTEGER)",
                {R"([{"key":"a","value":1},{"key":"b","value":2}])", "null", "[]", R"([{"key":"c","value":3}])"});
}

// Backward compatibility: MAP_KEY_VALUE used in place of MAP (not inside a MAP group) is a MAP.
TEST_F(LegacyNestedTest, MapKeyValueInPlaceOfMapIsAMap) {
  expect_column({root(1), group("my_map", 1, kOptional, ConvertedType::kMapKeyValue), group("map", 2, kRepeated),
                 leaf("key", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                 leaf("value", PhysicalType::kInt32, kOptional)},
                {map_keys(), map_values()}, 4, "MAP(VARCHAR, INTEGER)",
                {R"([{"key":"a","value":1},{"key":"b","value":null}])", "null", "[]", R"([{"key":"c","value":3}])"});
}

// A map's values may themselves be legacy lists (rule 1 inside the value).
TEST_F(LegacyNestedTest, MapOfLegacyLists) {
  LeafPages keys;  // "a" -> [1, 2], "b" -> [] | NULL map
  keys.max_def = 2;
  keys.max_rep = 1;
  keys.def = {2, 2, 0};
  keys.rep = {0, 1, 0};
  keys.num_values = 3;
  keys.plain = plain_strings({"a", "b"});
  LeafPages vals;  // value list optional (def 3), elements repeated (def 4, rep 2)
  vals.max_def = 4;
  vals.max_rep = 2;
  vals.def = {4, 4, 3, 0};
  vals.rep = {0, 2, 1, 0};
  vals.num_values = 4;
  vals.plain = plain_i32({1, 2});
  BuildOptions o;
  ASSERT_OK_AND_ASSIGN(
      auto got, read(build_parquet({root(1), group("m", 1, kOptional, ConvertedType::kMap), group("key_value", 2, kRepeated),
                                    leaf("key", PhysicalType::kByteArray, kRequired, ConvertedType::kUtf8),
                                    group("value", 1, kOptional, ConvertedType::kList),
                                    leaf("element", PhysicalType::kInt32, kRepeated)},
                                   2, {keys, vals}, o)));
  EXPECT_EQ(got.types[0], "MAP(VARCHAR, INTEGER[])");
  EXPECT_THAT(got.rows[0], ElementsAreArray({R"([{"key":"a","value":[1,2]},{"key":"b","value":[]}])", "null"}));
}

// A NULL key breaks the map type's promise: refused, naming the column, never read as a value.
TEST_F(LegacyNestedTest, NullMapKeyIsAnError) {
  LeafPages keys;  // key optional (legacy writers): "a", NULL key
  keys.max_def = 3;
  keys.max_rep = 1;
  keys.def = {3, 2};
  keys.rep = {0, 1};
  keys.num_values = 2;
  keys.plain = plain_strings({"a"});
  LeafPages vals = keys;
  vals.def = {3, 3};
  vals.plain = plain_i32({1, 2});
  EXPECT_THAT(read(build_parquet({root(1), group("m", 1, kOptional, ConvertedType::kMap), group("key_value", 2, kRepeated),
                                  leaf("key", PhysicalType::kByteArray, kOptional, ConvertedType::kUtf8),
                                  leaf("value", PhysicalType::kInt32, kOptional)},
                                 1, {keys, vals})),
              StatusIs(StatusCode::kCorruption, HasSubstr("legacy.parquet: row group 0: column 'm': a map key is NULL")));
}

// A schema element with neither a physical type nor children is no column at all.
TEST_F(LegacyNestedTest, ElementWithoutTypeOrChildrenIsCorruption) {
  SchemaElement bare;
  bare.name = "x";
  bare.repetition = kOptional;
  EXPECT_THAT(read(build_parquet({root(1), bare}, 0, {})),
              StatusIs(StatusCode::kCorruption, HasSubstr("column 'x': the schema element has neither a type nor children")));
}

// ---- pages that decode to zero bytes

// Compressing nothing still gives each codec's stream (gzip: 20 bytes). Inflating it must work
// with no output buffer at all (the reader has none for an empty page).
TEST(EmptyPageTest, EveryCodecDecompressesAnEmptyStreamWithoutABuffer) {
  for (Codec codec : {Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw, Codec::kBrotli}) {
    SCOPED_TRACE(codec_name(codec));
    std::string stream;
    ASSERT_OK(compress(codec, "", &stream));
    EXPECT_OK(decompress(codec, stream, nullptr, 0));
  }
  // Hadoop-framed LZ4 of nothing: no blocks at all.
  EXPECT_OK(decompress(Codec::kLz4, "", nullptr, 0));
}

// An all-NULL column in data page v2: the levels are stored outside the compressed section and
// the values section decompresses to zero bytes (what Polars writes).
TEST_F(LegacyNestedTest, AllNullV2PagesOfEveryCodec) {
  for (Codec codec : {Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw, Codec::kBrotli}) {
    SCOPED_TRACE(codec_name(codec));
    LeafPages l;
    l.max_def = 1;
    l.def = {0, 0, 0};
    l.num_values = 3;
    BuildOptions o;
    o.v2 = true;
    o.codec = codec;
    ASSERT_OK_AND_ASSIGN(auto got, read(build_parquet({root(1), leaf("x", PhysicalType::kInt32, kOptional)}, 3, {l}, o)));
    EXPECT_THAT(got.rows[0], ElementsAreArray({"null", "null", "null"}));
  }
}

// The same column in v1 pages, each after a dictionary page of no entries (Polars' gzip files
// failed with 'invalid gzip data (zlib error -2)' on that page).
TEST_F(LegacyNestedTest, EmptyDictionaryPagesOfEveryCodec) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw, Codec::kBrotli}) {
    SCOPED_TRACE(codec_name(codec));
    LeafPages l;
    l.max_def = 1;
    l.def = {0, 0};
    l.num_values = 2;
    BuildOptions o;
    o.codec = codec;
    o.empty_dictionary = true;
    o.with_crc = true;
    ASSERT_OK_AND_ASSIGN(auto got, read(build_parquet({root(1), leaf("x", PhysicalType::kByteArray, kOptional, ConvertedType::kUtf8)}, 2, {l}, o)));
    EXPECT_THAT(got.rows[0], ElementsAreArray({"null", "null"}));
  }
}

}  // namespace
}  // namespace braid::parquet
