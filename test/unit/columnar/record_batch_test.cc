#include "columnar/record_batch.h"

#include <gtest/gtest.h>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

ColumnPtr ints(std::vector<int32_t> values) {
  Int32Builder b(int32());
  for (int32_t v : values) v < 0 ? b.append_null() : b.append(v);
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

ColumnPtr strings(std::vector<std::string> values) {
  BinaryBuilder b(string_type());
  for (const auto& v : values) b.append(v);
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

SchemaPtr two_columns() {
  return schema({field("a", int32()), field("s", string_type())}, {{"source", "test"}});
}

TEST(RecordBatchTest, MakeAcceptsMatchingColumns) {
  auto a = ints({1, 2, -1});
  auto s = strings({"x", "y", "z"});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 3, {a, s}));
  EXPECT_EQ(batch->num_rows(), 3);
  EXPECT_EQ(batch->num_columns(), 2);
  EXPECT_EQ(batch->column(0), a);
  EXPECT_EQ(batch->columns()[1], s);
  EXPECT_EQ(batch->schema()->field(1)->name(), "s");
  EXPECT_OK(batch->validate(true));
}

TEST(RecordBatchTest, MakeValidates) {
  auto a = ints({1, 2});
  auto s = strings({"x", "y"});
  EXPECT_THAT(RecordBatch::make(two_columns(), 2, {a}),
              StatusIs(StatusCode::kInvalidArgument, "batch has 1 columns, schema has 2 fields"));
  EXPECT_THAT(RecordBatch::make(two_columns(), 2, {a, strings({"x"})}),
              StatusIs(StatusCode::kInvalidArgument, "column 's' has 1 rows, batch has 2"));
  EXPECT_THAT(RecordBatch::make(two_columns(), 3, {a, s}),
              StatusIs(StatusCode::kInvalidArgument, "column 'a' has 2 rows, batch has 3"));
  EXPECT_THAT(RecordBatch::make(two_columns(), 2, {a, a}),
              StatusIs(StatusCode::kInvalidArgument, "column 's' has type int, schema says string"));
  // A broken column is named.
  ASSERT_OK_AND_ASSIGN(auto small, Buffer::allocate(4));
  auto broken = std::make_shared<Column>(int32(), 2, std::vector<BufferPtr>{nullptr, small});
  EXPECT_THAT(RecordBatch::make(two_columns(), 2, {broken, s}),
              StatusIs(StatusCode::kInvalidArgument, "column 'a': int column: values buffer has 4 bytes, needs 8"));
}

TEST(RecordBatchTest, ValidateFullChecksStrings) {
  ASSERT_OK_AND_ASSIGN(auto offsets, Buffer::copy_of(std::vector<int32_t>{0, 1}.data(), 8));
  ASSERT_OK_AND_ASSIGN(auto data, Buffer::copy_of("\xFF", 1));
  auto bad = std::make_shared<Column>(string_type(), 1, std::vector<BufferPtr>{nullptr, offsets, data});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 1, {ints({1}), bad}));
  EXPECT_THAT(batch->validate(true),
              StatusIs(StatusCode::kInvalidArgument, "column 's': string column: row 0 is not valid UTF-8"));
}

TEST(RecordBatchTest, MakeEmpty) {
  auto s = schema({field("a", int32()), field("l", list(string_type())), field("n", null_type())});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make_empty(s));
  EXPECT_EQ(batch->num_rows(), 0);
  EXPECT_EQ(batch->num_columns(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(batch->column(i)->length(), 0);
    EXPECT_TRUE(batch->column(i)->type()->equals(*s->field(i)->type()));
  }
  EXPECT_OK(batch->validate(true));
  ASSERT_OK_AND_ASSIGN(auto none, RecordBatch::make_empty(schema({})));
  EXPECT_EQ(none->num_columns(), 0);
}

TEST(RecordBatchTest, ColumnByNameExactThenCaseInsensitive) {
  auto s = schema({field("Region", string_type()), field("region", int32())});
  auto upper = strings({"EU"});
  auto lower = ints({1});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(s, 1, {upper, lower}));
  EXPECT_EQ(batch->column_by_name("region"), lower);
  EXPECT_EQ(batch->column_by_name("Region"), upper);
  EXPECT_EQ(batch->column_by_name("REGION"), upper);
  EXPECT_EQ(batch->column_by_name("missing"), nullptr);
}

TEST(RecordBatchTest, SelectReordersAndKeepsMetadata) {
  auto a = ints({1, 2});
  auto s = strings({"x", "y"});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 2, {a, s}));
  ASSERT_OK_AND_ASSIGN(auto sel, batch->select({1, 0, 1}));
  EXPECT_EQ(sel->num_columns(), 3);
  EXPECT_EQ(sel->num_rows(), 2);
  EXPECT_EQ(sel->schema()->field(0)->name(), "s");
  EXPECT_EQ(sel->schema()->field(1)->name(), "a");
  EXPECT_EQ(sel->column(0), s);
  EXPECT_EQ(sel->column(2), s);
  EXPECT_EQ(sel->schema()->metadata(), two_columns()->metadata());
  EXPECT_OK(sel->validate());
  ASSERT_OK_AND_ASSIGN(auto none, batch->select({}));
  EXPECT_EQ(none->num_columns(), 0);
  EXPECT_EQ(none->num_rows(), 2);
  EXPECT_THAT(batch->select({0, 2}),
              StatusIs(StatusCode::kInvalidArgument, "column index 2 out of range (batch has 2 columns)"));
  EXPECT_THAT(batch->select({-1}),
              StatusIs(StatusCode::kInvalidArgument, "column index -1 out of range (batch has 2 columns)"));
}

TEST(RecordBatchTest, SliceSharesBuffers) {
  auto a = ints({1, -1, 3, 4});
  auto s = strings({"w", "x", "y", "z"});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 4, {a, s}));
  auto slice = batch->slice(1, 2);
  EXPECT_EQ(slice->num_rows(), 2);
  EXPECT_EQ(slice->schema(), batch->schema());
  EXPECT_EQ(slice->column(0)->buffer(1).get(), a->buffer(1).get());
  EXPECT_TRUE(slice->column(0)->is_null(0));
  EXPECT_EQ(slice->column(0)->value<int32_t>(1), 3);
  EXPECT_EQ(slice->column(1)->string_value(1), "y");
  EXPECT_OK(slice->validate(true));
  EXPECT_EQ(slice->memory_size(), batch->memory_size());
}

TEST(RecordBatchTest, MemorySizeCountsSharedBuffersOnce) {
  auto a = ints({1, 2, 3});
  auto s = strings({"x", "y", "z"});
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 3, {a, s}));
  int64_t expected = 0;
  for (const auto& c : {a, s}) {
    for (const auto& b : c->buffers()) expected += b ? b->capacity() : 0;
  }
  EXPECT_EQ(batch->memory_size(), expected);
  EXPECT_GT(expected, 0);
  ASSERT_OK_AND_ASSIGN(auto twice, RecordBatch::make(schema({field("a", int32()), field("b", int32())}), 3, {a, a}));
  int64_t one = 0;
  for (const auto& b : a->buffers()) one += b ? b->capacity() : 0;
  EXPECT_EQ(twice->memory_size(), one);
  // Nested children are counted.
  auto b = make_builder(list(int64()));
  auto* lb = static_cast<ListBuilder*>(b.get());
  lb->append();
  static_cast<Int64Builder*>(lb->values())->append(1);
  ASSERT_OK_AND_ASSIGN(auto lists, b->finish());
  ASSERT_OK_AND_ASSIGN(auto nested, RecordBatch::make(schema({field("l", list(int64()))}), 1, {lists}));
  EXPECT_EQ(nested->memory_size(), lists->buffer(1)->capacity() + lists->list_values()->buffer(1)->capacity());
}

TEST(RecordBatchTest, ToStringIsAnAlignedTable) {
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(two_columns(), 2, {ints({1, -1}), strings({"x", "long text"})}));
  EXPECT_EQ(batch->to_string(),
            "+------+-----------+\n"
            "| a    | s         |\n"
            "| int  | string    |\n"
            "+------+-----------+\n"
            "|    1 | x         |\n"
            "| NULL | long text |\n"
            "+------+-----------+\n"
            "2 rows\n");
}

TEST(RecordBatchTest, ToStringShowsEveryRow) {
  std::vector<int32_t> many(100);
  for (int i = 0; i < 100; ++i) many[static_cast<size_t>(i)] = i;
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(schema({field("i", int32())}), 100, {ints(many)}));
  const std::string text = batch->to_string();
  EXPECT_THAT(text, HasSubstr("|  99 |"));
  EXPECT_THAT(text, HasSubstr("\n100 rows\n"));
}

}  // namespace
}  // namespace braid
