#include "columnar/column_builder.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>

#include "columnar/record_batch.h"
#include "columnar/value_text.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

std::string texts(const Column& c) {
  std::string out;
  for (int64_t i = 0; i < c.length(); ++i) {
    if (i) out += " ";
    out += value_text(c, i, TextFlavor::kJson);
  }
  return out;
}

TEST(ColumnBuilderTest, PrimitivesWithNulls) {
  Int64Builder b(int64());
  b.append(1);
  b.append_null();
  b.append(-3);
  b.append_nulls(2);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 5);
  EXPECT_EQ(c->null_count(), 3);
  EXPECT_EQ(texts(*c), "1 null -3 null null");
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(b.length(), 0);  // reusable
}

TEST(ColumnBuilderTest, NoNullsNeedNoValidity) {
  Int32Builder b(int32());
  int32_t v[] = {1, 2, 3};
  b.append_values(v, 3);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->validity_bits(), nullptr);
  EXPECT_EQ(c->null_count(), 0);
}

TEST(ColumnBuilderTest, StringsBooleansFixed) {
  BinaryBuilder s(string_type());
  s.append("a");
  s.append_null();
  s.append("");
  ASSERT_OK_AND_ASSIGN(auto sc, s.finish());
  EXPECT_EQ(texts(*sc), "\"a\" null \"\"");
  BooleanBuilder bb;
  for (int i = 0; i < 20; ++i) (i % 3 == 0) ? bb.append_null() : bb.append(i % 2 == 0);
  ASSERT_OK_AND_ASSIGN(auto bc, bb.finish());
  EXPECT_EQ(bc->null_count(), 7);
  EXPECT_EQ(value_text(*bc, 2, TextFlavor::kJson), "true");
  FixedSizeBinaryBuilder fb(fixed_size_binary(2));
  fb.append("ab");
  fb.append_null();
  ASSERT_OK_AND_ASSIGN(auto fc, fb.finish());
  EXPECT_EQ(fc->fixed_value(0), "ab");
  EXPECT_TRUE(fc->is_null(1));
}

std::shared_ptr<const Column> nested_sample() {
  // list<struct<k: string, v: map<string, int>>>
  auto type = list(struct_({field("k", string_type()), field("v", map(string_type(), int32()))}));
  auto b = make_builder(type);
  auto* lb = static_cast<ListBuilder*>(b.get());
  auto* sb = static_cast<StructBuilder*>(lb->values());
  auto* kb = static_cast<BinaryBuilder*>(sb->field_builder(0));
  auto* mb = static_cast<ListBuilder*>(sb->field_builder(1));
  auto* entries = static_cast<StructBuilder*>(mb->values());
  // row 0: [{k:"a", v:{"x":1,"y":null}}, null]
  lb->append();
  sb->append();
  kb->append("a");
  mb->append();
  entries->append();
  static_cast<BinaryBuilder*>(mb->map_keys())->append("x");
  static_cast<Int32Builder*>(mb->map_items())->append(1);
  entries->append();
  static_cast<BinaryBuilder*>(mb->map_keys())->append("y");
  mb->map_items()->append_null();
  sb->append_null();
  // row 1: null; row 2: []
  lb->append_null();
  lb->append();
  auto c = b->finish();
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return std::move(c).value();
}

TEST(ColumnBuilderTest, NestedListStructMap) {
  auto c = nested_sample();
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(texts(*c),
            "[{\"k\":\"a\",\"v\":[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":null}]},null] null []");
}

TEST(ColumnBuilderTest, AppendFromCopiesEveryType) {
  auto c = nested_sample();
  auto b = make_builder(c->type());
  for (int64_t i = c->length() - 1; i >= 0; --i) b->append_from(*c, i);
  ASSERT_OK_AND_ASSIGN(auto copy, b->finish());
  EXPECT_EQ(texts(*copy), "[] null [{\"k\":\"a\",\"v\":[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":null}]},null]");
}

TEST(ColumnTest, SlicesShareBuffersAndKeepValues) {
  Int64Builder b(int64());
  for (int i = 0; i < 100; ++i) (i % 10 == 0) ? b.append_null() : b.append(i);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  auto s = c->slice(15, 10);
  EXPECT_EQ(s->buffer(1).get(), c->buffer(1).get());
  EXPECT_EQ(s->length(), 10);
  EXPECT_EQ(s->null_count(), 1);  // row 20
  EXPECT_EQ(s->value<int64_t>(0), 15);
  EXPECT_TRUE(s->is_null(5));
  auto ss = s->slice(5, 2);
  EXPECT_TRUE(ss->is_null(0));
  EXPECT_EQ(ss->value<int64_t>(1), 21);
}

TEST(ColumnTest, StructFieldOfASlicedStruct) {
  auto type = struct_({field("a", int32()), field("b", string_type())});
  auto b = make_builder(type);
  auto* sb = static_cast<StructBuilder*>(b.get());
  for (int i = 0; i < 5; ++i) {
    sb->append();
    static_cast<Int32Builder*>(sb->field_builder(0))->append(i);
    static_cast<BinaryBuilder*>(sb->field_builder(1))->append(std::string(1, static_cast<char>('a' + i)));
  }
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  auto s = c->slice(2, 2);
  auto a = s->struct_field(0);
  EXPECT_EQ(a->length(), 2);
  EXPECT_EQ(a->value<int32_t>(0), 2);
  EXPECT_EQ(texts(*s), "{\"a\":2,\"b\":\"c\"} {\"a\":3,\"b\":\"d\"}");
}

TEST(ColumnTest, ValidateCatchesBrokenLayouts) {
  ASSERT_OK_AND_ASSIGN(auto small, Buffer::allocate(8));
  EXPECT_THAT(Column::make(int64(), 2, {nullptr, small}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("values buffer has 8 bytes, needs 16")));
  ASSERT_OK_AND_ASSIGN(auto offsets, Buffer::allocate(12));
  offsets->mutable_as<int32_t>()[1] = 5;
  offsets->mutable_as<int32_t>()[2] = 3;
  ASSERT_OK_AND_ASSIGN(auto data, Buffer::copy_of("hello", 5));
  auto bad = std::make_shared<Column>(string_type(), 2, std::vector<BufferPtr>{nullptr, offsets, data});
  EXPECT_OK(bad->validate(false));  // the end offset is within the data
  EXPECT_THAT(bad->validate(true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("offsets decrease at row 1")));
  ASSERT_OK_AND_ASSIGN(auto bad_utf8, Buffer::copy_of("\xff", 1));
  ASSERT_OK_AND_ASSIGN(auto o2, Buffer::allocate(8));
  o2->mutable_as<int32_t>()[1] = 1;
  auto s = std::make_shared<Column>(string_type(), 1, std::vector<BufferPtr>{nullptr, o2, bad_utf8});
  EXPECT_THAT(s->validate(true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not valid UTF-8")));
  EXPECT_THAT(Column::make(struct_({field("a", int32())}), 1, {nullptr}, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("0 children, expected 1")));
}

TEST(ColumnTest, MakeNullForEveryType) {
  for (const auto& t : {null_type(), boolean(), int8(), float64(), decimal128(20, 4), string_type(),
                        binary(), fixed_size_binary(3), date32(), timestamp(TimeUnit::kNano, "UTC"),
                        interval(), list(int32()), map(string_type(), int32()),
                        struct_({field("a", list(string_type()))})}) {
    ASSERT_OK_AND_ASSIGN(auto c, Column::make_null(t, 3));
    EXPECT_EQ(c->null_count(), 3) << t->to_string();
    EXPECT_OK(c->validate(true));
    EXPECT_EQ(value_text(*c, 1, TextFlavor::kJson), "null");
  }
}

TEST(ColumnBuilderTest, MemoryLimitFailsAtFinish) {
  MemoryTracker parent("test query", 1 << 16);
  Int64Builder b(int64(), &parent);
  for (int i = 0; i < 100000; ++i) b.append(i);
  EXPECT_THAT(b.finish(), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of test query")));
}

TEST(RecordBatchTest, MakeValidatesAndSelects) {
  Int32Builder a(int32());
  a.append(1);
  a.append(2);
  ASSERT_OK_AND_ASSIGN(auto ac, a.finish());
  BinaryBuilder s(string_type());
  s.append("x");
  ASSERT_OK_AND_ASSIGN(auto sc, s.finish());
  auto sch = schema({field("a", int32()), field("s", string_type())});
  EXPECT_THAT(RecordBatch::make(sch, 2, {ac, sc}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("column 's' has 1 rows, batch has 2")));
  EXPECT_THAT(RecordBatch::make(sch, 2, {ac, ac}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("column 's' has type int")));
  s.append("x");
  s.append("y");
  ASSERT_OK_AND_ASSIGN(sc, s.finish());
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::make(sch, 2, {ac, sc}));
  EXPECT_EQ(batch->column_by_name("S"), sc);
  ASSERT_OK_AND_ASSIGN(auto sel, batch->select({1, 0}));
  EXPECT_EQ(sel->schema()->field(0)->name(), "s");
  EXPECT_EQ(batch->slice(1, 1)->column(1)->string_value(0), "y");
  EXPECT_GT(batch->memory_size(), 0);
  EXPECT_THAT(batch->to_string(), ::testing::ContainsRegex("\\| +2 \\| y +\\|"));
}

// Property: for any sequence of (value or null), building then reading gives it back, also
// through a slice at any offset.
RC_GTEST_PROP(ColumnBuilderProperty, RoundTripWithSlices,
              (const std::vector<std::pair<bool, int64_t>>& raw)) {
  std::vector<std::optional<int64_t>> values;
  for (const auto& [valid, v] : raw) values.push_back(valid ? std::optional<int64_t>(v) : std::nullopt);
  Int64Builder b(int64());
  for (const auto& v : values) v ? b.append(*v) : b.append_null();
  auto c = b.finish();
  RC_ASSERT(c.ok());
  const auto& col = **c;
  RC_ASSERT(col.length() == static_cast<int64_t>(values.size()));
  int64_t nulls = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    nulls += !values[i].has_value();
    RC_ASSERT(col.is_valid(static_cast<int64_t>(i)) == values[i].has_value());
    if (values[i]) RC_ASSERT(col.value<int64_t>(static_cast<int64_t>(i)) == *values[i]);
  }
  RC_ASSERT(col.null_count() == nulls);
  if (!values.empty()) {
    auto start = *rc::gen::inRange<size_t>(0, values.size());
    auto len = *rc::gen::inRange<size_t>(0, values.size() - start + 1);
    auto s = col.slice(static_cast<int64_t>(start), static_cast<int64_t>(len));
    int64_t snulls = 0;
    for (size_t i = 0; i < len; ++i) {
      snulls += !values[start + i].has_value();
      RC_ASSERT(s->is_valid(static_cast<int64_t>(i)) == values[start + i].has_value());
    }
    RC_ASSERT(s->null_count() == snulls);
  }
}

}  // namespace
}  // namespace braid
