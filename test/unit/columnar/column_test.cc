#include "columnar/column.h"

#include <gtest/gtest.h>

#include <cstring>

#include "columnar/column_builder.h"
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

BufferPtr bytes(std::string_view s) {
  auto b = Buffer::copy_of(s.data(), static_cast<int64_t>(s.size()));
  EXPECT_OK(b);
  return *b;
}

BufferPtr int32s(std::vector<int32_t> v) {
  auto b = Buffer::copy_of(v.data(), static_cast<int64_t>(v.size() * sizeof(int32_t)));
  EXPECT_OK(b);
  return *b;
}

BufferPtr zeros(int64_t n) {
  auto b = Buffer::allocate(n);
  EXPECT_OK(b);
  return *b;
}

ColumnPtr int64_column(int n, int null_every) {
  Int64Builder b(int64());
  for (int i = 0; i < n; ++i) (null_every > 0 && i % null_every == 0) ? b.append_null() : b.append(i);
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

ColumnPtr string_column(const std::vector<std::string>& values) {
  BinaryBuilder b(string_type());
  for (const auto& v : values) v == "<null>" ? b.append_null() : b.append(v);
  auto c = b.finish();
  EXPECT_OK(c);
  return *c;
}

// ---- construction and accessors

TEST(ColumnTest, NumBuffersPerLayout) {
  EXPECT_EQ(num_buffers_for(TypeId::kNull), 0);
  EXPECT_EQ(num_buffers_for(TypeId::kBoolean), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kInt32), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kDecimal128), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kFixedSizeBinary), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kString), 3);
  EXPECT_EQ(num_buffers_for(TypeId::kBinary), 3);
  EXPECT_EQ(num_buffers_for(TypeId::kList), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kMap), 2);
  EXPECT_EQ(num_buffers_for(TypeId::kStruct), 1);
}

TEST(ColumnTest, NullCountWithoutValidityIsZero) {
  auto c = std::make_shared<Column>(int32(), 2, std::vector<BufferPtr>{nullptr, int32s({7, 8})});
  EXPECT_EQ(c->null_count(), 0);
  EXPECT_FALSE(c->may_have_nulls());
  EXPECT_TRUE(c->is_valid(1));
  EXPECT_EQ(c->value<int32_t>(1), 8);
  EXPECT_OK(c->validate(true));
}

TEST(ColumnTest, NullTypeColumnIsAllNulls) {
  Column c(null_type(), 5, {});
  EXPECT_EQ(c.null_count(), 5);
  EXPECT_TRUE(c.may_have_nulls());
  EXPECT_TRUE(c.is_null(0));
  EXPECT_FALSE(c.is_valid(4));
  EXPECT_OK(c.validate(true));
  auto s = c.slice(1, 2);
  EXPECT_EQ(s->null_count(), 2);
  EXPECT_EQ(s->length(), 2);
}

TEST(ColumnTest, EmptyBufferListGetsTheLayoutsSlots) {
  // A struct column given no buffers has a null validity slot.
  Column c(struct_({}), 3, {});
  EXPECT_EQ(c.buffers().size(), 1u);
  EXPECT_EQ(c.buffer(0), nullptr);
  EXPECT_EQ(c.null_count(), 0);
  EXPECT_OK(c.validate(true));
}

TEST(ColumnTest, NullCountIsComputedLazilyFromTheBitmap) {
  uint8_t bits = 0b00010110;  // rows 1, 2, 4 valid
  auto validity = Buffer::copy_of(&bits, 1);
  ASSERT_OK(validity);
  Column c(int8(), 6, {*validity, bytes("abcdef")});
  EXPECT_EQ(c.null_count(), 3);
  EXPECT_EQ(c.null_count(), 3);  // cached
  Column given(int8(), 6, {*validity, bytes("abcdef")}, {}, /*null_count=*/3);
  EXPECT_EQ(given.null_count(), 3);
}

TEST(ColumnTest, TypedAccessorsHonourTheOffset) {
  Column c(int16(), 2, {nullptr, int32s({0x00010002, 0x00030004})}, {}, Column::kUnknownNullCount, 1);
  EXPECT_EQ(c.offset(), 1);
  EXPECT_EQ(c.value<int16_t>(0), 1);
  EXPECT_EQ(c.value<int16_t>(1), 4);
  EXPECT_EQ(c.values<int16_t>()[1], 4);

  Column fixed(fixed_size_binary(2), 2, {nullptr, bytes("aabbcc")}, {}, Column::kUnknownNullCount, 1);
  EXPECT_EQ(fixed.fixed_value(0), "bb");
  EXPECT_EQ(fixed.fixed_value(1), "cc");

  Column strings(string_type(), 2, {nullptr, int32s({0, 1, 3, 6}), bytes("abbccc")}, {},
                 Column::kUnknownNullCount, 1);
  EXPECT_EQ(strings.string_value(0), "bb");
  EXPECT_EQ(strings.string_value(1), "ccc");
  EXPECT_EQ(strings.offsets()[0], 1);
  EXPECT_OK(strings.validate(true));

  uint8_t bools = 0b00000100;
  auto bits = Buffer::copy_of(&bools, 1);
  ASSERT_OK(bits);
  Column b(boolean(), 2, {nullptr, *bits}, {}, Column::kUnknownNullCount, 2);
  EXPECT_TRUE(b.bool_value(0));
  EXPECT_FALSE(b.bool_value(1));
}

// ---- slices

TEST(ColumnTest, SlicesShareBuffersAndKeepValues) {
  auto c = int64_column(100, 10);
  auto s = c->slice(15, 10);
  EXPECT_EQ(s->buffer(0).get(), c->buffer(0).get());
  EXPECT_EQ(s->buffer(1).get(), c->buffer(1).get());
  EXPECT_EQ(s->length(), 10);
  EXPECT_EQ(s->offset(), 15);
  EXPECT_EQ(s->value<int64_t>(0), 15);
  EXPECT_TRUE(s->is_null(5));  // row 20
  EXPECT_EQ(s->null_count(), 1);
  EXPECT_OK(s->validate(true));
  auto ss = s->slice(5, 2);
  EXPECT_EQ(ss->offset(), 20);
  EXPECT_TRUE(ss->is_null(0));
  EXPECT_EQ(ss->value<int64_t>(1), 21);
  EXPECT_EQ(ss->null_count(), 1);
  auto empty = c->slice(100, 0);
  EXPECT_EQ(empty->length(), 0);
  EXPECT_EQ(empty->null_count(), 0);
  EXPECT_OK(empty->validate(true));
}

TEST(ColumnTest, NullCountOfSlicesAtUnalignedOffsets) {
  auto c = int64_column(200, 3);  // rows 0, 3, 6, ... are null
  for (int64_t start : {0, 1, 2, 7, 63, 64, 65, 130}) {
    for (int64_t length : {0, 1, 5, 64, 65}) {
      if (start + length > 200) continue;
      int64_t expected = 0;
      for (int64_t i = start; i < start + length; ++i) expected += i % 3 == 0;
      EXPECT_EQ(c->slice(start, length)->null_count(), expected) << start << "+" << length;
    }
  }
}

TEST(ColumnTest, SliceOfAColumnWithoutNullsKnowsItHasNone) {
  auto c = int64_column(10, 0);
  auto s = c->slice(3, 4);
  EXPECT_EQ(s->null_count(), 0);
  EXPECT_EQ(texts(*s), "3 4 5 6");
}

TEST(ColumnTest, SlicedStrings) {
  auto c = string_column({"a", "<null>", "ccc", "", "eeeee"});
  auto s = c->slice(1, 3);
  EXPECT_EQ(s->buffer(2).get(), c->buffer(2).get());
  EXPECT_EQ(texts(*s), "null \"ccc\" \"\"");
  EXPECT_EQ(s->null_count(), 1);
  EXPECT_OK(s->validate(true));
}

TEST(ColumnTest, StructFieldOfASlicedStruct) {
  auto type = struct_({field("a", int32()), field("b", string_type())});
  auto b = make_builder(type);
  auto* sb = static_cast<StructBuilder*>(b.get());
  for (int i = 0; i < 5; ++i) {
    if (i == 3) {
      sb->append_null();
      continue;
    }
    sb->append();
    static_cast<Int32Builder*>(sb->field_builder(0))->append(i);
    static_cast<BinaryBuilder*>(sb->field_builder(1))->append(std::string(1, static_cast<char>('a' + i)));
  }
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  // Unsliced: the child itself.
  EXPECT_EQ(c->struct_field(0).get(), c->child(0).get());
  auto s = c->slice(2, 2);
  EXPECT_EQ(s->children().size(), 2u);
  EXPECT_EQ(s->child(0).get(), c->child(0).get());  // children are shared, not sliced
  auto a = s->struct_field(0);
  EXPECT_EQ(a->length(), 2);
  EXPECT_EQ(a->value<int32_t>(0), 2);
  EXPECT_TRUE(a->is_null(1));
  auto bs = s->struct_field(1);
  EXPECT_EQ(bs->string_value(0), "c");
  EXPECT_EQ(texts(*s), "{\"a\":2,\"b\":\"c\"} null");
  EXPECT_EQ(s->null_count(), 1);
  EXPECT_OK(s->validate(true));
  // A slice of a slice.
  auto ss = s->slice(1, 1);
  EXPECT_TRUE(ss->is_null(0));
  EXPECT_TRUE(ss->struct_field(0)->is_null(0));
}

TEST(ColumnTest, SlicedListsIndexTheirChildAbsolutely) {
  auto b = make_builder(list(int32()));
  auto* lb = static_cast<ListBuilder*>(b.get());
  auto* v = static_cast<Int32Builder*>(lb->values());
  for (int i = 0; i < 5; ++i) {
    lb->append();
    for (int j = 0; j < i; ++j) v->append(i * 10 + j);
  }
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  auto s = c->slice(2, 2);
  EXPECT_EQ(s->list_values().get(), c->list_values().get());
  EXPECT_EQ(s->offsets()[0], 1);
  EXPECT_EQ(s->offsets()[2], 6);
  EXPECT_EQ(texts(*s), "[20,21] [30,31,32]");
  EXPECT_OK(s->validate(true));
}

// ---- validate

TEST(ColumnValidateTest, NegativeLengthOrOffset) {
  EXPECT_THAT(Column(int32(), -1, {nullptr, zeros(8)}).validate(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative length or offset")));
  EXPECT_THAT(Column(int32(), 1, {nullptr, zeros(8)}, {}, Column::kUnknownNullCount, -1).validate(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative length or offset")));
}

TEST(ColumnValidateTest, WrongNumberOfBuffers) {
  EXPECT_THAT(Column(int32(), 1, {nullptr, zeros(4), zeros(4)}).validate(),
              StatusIs(StatusCode::kInvalidArgument, "int column: 3 buffers, the layout has 2"));
  EXPECT_THAT(Column(string_type(), 1, {nullptr, zeros(8)}).validate(),
              StatusIs(StatusCode::kInvalidArgument, "string column: 2 buffers, the layout has 3"));
}

TEST(ColumnValidateTest, BufferSizes) {
  EXPECT_THAT(Column::make(int64(), 2, {nullptr, zeros(8)}),
              StatusIs(StatusCode::kInvalidArgument, "bigint column: values buffer has 8 bytes, needs 16"));
  // The offset counts: rows [1, 3) need 24 bytes.
  EXPECT_THAT(Column::make(int64(), 2, {nullptr, zeros(16)}, {}, Column::kUnknownNullCount, 1),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("values buffer has 16 bytes, needs 24")));
  EXPECT_THAT(Column::make(int32(), 9, {zeros(1), zeros(36)}),
              StatusIs(StatusCode::kInvalidArgument, "int column: validity buffer has 1 bytes, needs 2"));
  EXPECT_THAT(Column::make(boolean(), 9, {nullptr, zeros(1)}),
              StatusIs(StatusCode::kInvalidArgument, "boolean column: values buffer has 1 bytes, needs 2"));
  EXPECT_THAT(Column::make(boolean(), 1, {nullptr, nullptr}),
              StatusIs(StatusCode::kInvalidArgument, "boolean column: missing values buffer"));
  EXPECT_THAT(Column::make(fixed_size_binary(3), 2, {nullptr, zeros(5)}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("values buffer has 5 bytes, needs 6")));
  EXPECT_THAT(Column::make(decimal128(10, 2), 1, {nullptr, zeros(8)}),
              StatusIs(StatusCode::kInvalidArgument, "decimal(10,2) column: values buffer has 8 bytes, needs 16"));
  EXPECT_THAT(Column::make(interval(), 1, {nullptr, zeros(12)}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("needs 16")));
  EXPECT_OK(Column::make(int64(), 2, {nullptr, zeros(16)}));
  EXPECT_OK(Column::make(int64(), 0, {nullptr, zeros(0)}));
}

TEST(ColumnValidateTest, StringOffsetsAndData) {
  EXPECT_THAT(Column::make(string_type(), 2, {nullptr, int32s({0, 1}), bytes("ab")}),
              StatusIs(StatusCode::kInvalidArgument, "string column: offsets buffer has 8 bytes, needs 12"));
  EXPECT_THAT(Column::make(string_type(), 1, {nullptr, int32s({0, 1}), nullptr}),
              StatusIs(StatusCode::kInvalidArgument, "string column: missing data buffer"));
  EXPECT_THAT(Column::make(string_type(), 2, {nullptr, int32s({0, 1, 5}), bytes("abc")}),
              StatusIs(StatusCode::kInvalidArgument, "string column: offsets [0, 5] outside the data (3 values)"));
  EXPECT_THAT(Column::make(binary(), 1, {nullptr, int32s({-1, 1}), bytes("abc")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("offsets [-1, 1] outside the data")));
  EXPECT_THAT(Column::make(binary(), 1, {nullptr, int32s({2, 1}), bytes("abc")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("offsets [2, 1] outside the data")));
  // Zero rows need only a zero first offset... or a valid one.
  EXPECT_OK(Column::make(string_type(), 0, {nullptr, int32s({0}), bytes("")}));
  EXPECT_THAT(Column::make(string_type(), 0, {nullptr, int32s({4}), bytes("abc")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside the data")));
}

TEST(ColumnValidateTest, FullChecksOffsetsInBetween) {
  auto c = std::make_shared<Column>(string_type(), 2, std::vector<BufferPtr>{nullptr, int32s({0, 5, 3}), bytes("hello")});
  EXPECT_OK(c->validate(false));  // the end offsets are within the data
  EXPECT_THAT(c->validate(true), StatusIs(StatusCode::kInvalidArgument, "string column: offsets decrease at row 1"));
}

TEST(ColumnValidateTest, FullChecksUtf8OfValidStrings) {
  auto bad = std::make_shared<Column>(string_type(), 2, std::vector<BufferPtr>{nullptr, int32s({0, 1, 3}), bytes("a\xC3\x28")});
  EXPECT_OK(bad->validate(false));
  EXPECT_THAT(bad->validate(true), StatusIs(StatusCode::kInvalidArgument, "string column: row 1 is not valid UTF-8"));
  // The same bytes in a null row are not looked at, nor in a binary column.
  uint8_t valid_bits = 0b01;
  auto validity = Buffer::copy_of(&valid_bits, 1);
  ASSERT_OK(validity);
  Column masked(string_type(), 2, {*validity, int32s({0, 1, 3}), bytes("a\xC3\x28")});
  EXPECT_OK(masked.validate(true));
  Column bin(binary(), 2, {nullptr, int32s({0, 1, 3}), bytes("a\xC3\x28")});
  EXPECT_OK(bin.validate(true));
  // A slice that skips the bad row passes.
  EXPECT_OK(bad->slice(0, 1)->validate(true));
  EXPECT_THAT(bad->slice(1, 1)->validate(true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("row 0 is not valid UTF-8")));
}

TEST(ColumnValidateTest, Lists) {
  auto child = int64_column(3, 0);
  EXPECT_OK(Column::make(list(int64()), 2, {nullptr, int32s({0, 1, 3})}, {child}));
  EXPECT_THAT(Column::make(list(int64()), 2, {nullptr, int32s({0, 1})}, {child}),
              StatusIs(StatusCode::kInvalidArgument, "array<bigint> column: offsets buffer has 8 bytes, needs 12"));
  EXPECT_THAT(Column::make(list(int64()), 2, {nullptr, int32s({0, 1, 3})}, {}),
              StatusIs(StatusCode::kInvalidArgument, "array<bigint> column: 0 children, expected 1"));
  EXPECT_THAT(Column::make(list(int64()), 2, {nullptr, int32s({0, 1, 3})}, {child, child}),
              StatusIs(StatusCode::kInvalidArgument, "array<bigint> column: 2 children, expected 1"));
  EXPECT_THAT(Column::make(list(int32()), 2, {nullptr, int32s({0, 1, 3})}, {child}),
              StatusIs(StatusCode::kInvalidArgument, "array<int> column: child has type bigint"));
  EXPECT_THAT(Column::make(list(int64()), 2, {nullptr, int32s({0, 1, 4})}, {child}),
              StatusIs(StatusCode::kInvalidArgument, "array<bigint> column: offsets [0, 4] outside the data (3 values)"));
  auto decreasing = std::make_shared<Column>(list(int64()), 2, std::vector<BufferPtr>{nullptr, int32s({0, 3, 2})},
                                             std::vector<ColumnPtr>{child});
  EXPECT_OK(decreasing->validate(false));
  EXPECT_THAT(decreasing->validate(true), StatusIs(StatusCode::kInvalidArgument, "array<bigint> column: offsets decrease at row 1"));
  // A broken child is reported.
  auto broken_child = std::make_shared<Column>(int64(), 3, std::vector<BufferPtr>{nullptr, zeros(8)});
  EXPECT_THAT(Column::make(list(int64()), 1, {nullptr, int32s({0, 3})}, {broken_child}),
              StatusIs(StatusCode::kInvalidArgument, "bigint column: values buffer has 8 bytes, needs 24"));
  // The child's type must match including the element field's type parameters.
  auto strings = string_column({"a"});
  EXPECT_THAT(Column::make(list(string_type()->with_extension("json")), 1, {nullptr, int32s({0, 1})}, {strings}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("child has type string")));
}

TEST(ColumnValidateTest, Maps) {
  auto entries_type = map(string_type(), int32())->field(0)->type();
  auto keys = string_column({"a", "b"});
  Int32Builder vb(int32());
  vb.append(1);
  vb.append(2);
  ASSERT_OK_AND_ASSIGN(auto values, vb.finish());
  auto entries = std::make_shared<const Column>(entries_type, 2, std::vector<BufferPtr>{nullptr},
                                                std::vector<ColumnPtr>{keys, values});
  ASSERT_OK_AND_ASSIGN(auto m, Column::make(map(string_type(), int32()), 1, {nullptr, int32s({0, 2})}, {entries}));
  EXPECT_EQ(texts(*m), "[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2}]");
  EXPECT_THAT(Column::make(map(string_type(), int64()), 1, {nullptr, int32s({0, 2})}, {entries}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("map<string,bigint> column: child has type struct<key:string,value:int>")));
}

TEST(ColumnValidateTest, Structs) {
  auto type = struct_({field("a", int64()), field("b", string_type())});
  auto a = int64_column(3, 0);
  auto b = string_column({"x", "y", "z"});
  EXPECT_OK(Column::make(type, 3, {nullptr}, {a, b}));
  EXPECT_OK(Column::make(type, 2, {nullptr}, {a, b}, Column::kUnknownNullCount, 1));
  EXPECT_THAT(Column::make(type, 3, {nullptr}, {a}),
              StatusIs(StatusCode::kInvalidArgument, "struct<a:bigint,b:string> column: 1 children, expected 2"));
  EXPECT_THAT(Column::make(type, 3, {nullptr}, {b, a}),
              StatusIs(StatusCode::kInvalidArgument, "struct<a:bigint,b:string> column: field 'a' has type string"));
  EXPECT_THAT(Column::make(type, 3, {nullptr}, {a, b->slice(0, 2)}),
              StatusIs(StatusCode::kInvalidArgument, "struct<a:bigint,b:string> column: field 'b' has 2 rows, needs 3"));
  // Rows past the struct's offset + length need children rows too.
  EXPECT_THAT(Column::make(type, 3, {nullptr}, {a, b}, Column::kUnknownNullCount, 1),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("field 'a' has 3 rows, needs 4")));
  EXPECT_THAT(Column::make(type, 4, {zeros(0)}, {a, b}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("validity buffer has 0 bytes, needs 1")));
  auto bad_utf8 = std::make_shared<Column>(string_type(), 3, std::vector<BufferPtr>{nullptr, int32s({0, 1, 2, 3}), bytes("x\xFFz")});
  Column with_bad_child(type, 3, {nullptr}, {a, bad_utf8});
  EXPECT_OK(with_bad_child.validate(false));
  EXPECT_THAT(with_bad_child.validate(true), StatusIs(StatusCode::kInvalidArgument, "string column: row 1 is not valid UTF-8"));
}

// ---- make_null

TEST(ColumnTest, MakeNullForEveryType) {
  for (const auto& t :
       {null_type(), boolean(), int8(), int16(), int32(), int64(), uint8(), uint16(), uint32(), uint64(),
        float32(), float64(), decimal128(20, 4), string_type(), binary(), fixed_size_binary(3), date32(),
        time64(TimeUnit::kNano), timestamp(TimeUnit::kNano, "UTC"), interval(), list(int32()),
        map(string_type(), int32()), struct_({field("a", list(string_type())), field("b", int8())}),
        list(struct_({field("m", map(int32(), list(int32())))}))}) {
    SCOPED_TRACE(t->to_string());
    ASSERT_OK_AND_ASSIGN(auto c, Column::make_null(t, 3));
    EXPECT_TRUE(c->type()->equals(*t));
    EXPECT_EQ(c->length(), 3);
    EXPECT_EQ(c->null_count(), 3);
    EXPECT_EQ(c->buffers().size(), static_cast<size_t>(num_buffers_for(t->id())));
    EXPECT_OK(c->validate(true));
    for (int64_t i = 0; i < 3; ++i) EXPECT_TRUE(c->is_null(i));
    EXPECT_EQ(texts(*c), "null null null");
    EXPECT_EQ(c->slice(1, 2)->null_count(), 2);
    ASSERT_OK_AND_ASSIGN(auto empty, Column::make_null(t, 0));
    EXPECT_EQ(empty->length(), 0);
    EXPECT_EQ(empty->null_count(), 0);
    EXPECT_OK(empty->validate(true));
  }
}

TEST(ColumnTest, MakeNullRespectsTheMemoryLimit) {
  MemoryTracker small("small query", 1024);
  EXPECT_THAT(Column::make_null(int64(), 10000, &small),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of small query")));
  EXPECT_EQ(small.current(), 0);
  {
    ASSERT_OK_AND_ASSIGN(auto c, Column::make_null(int64(), 10, &small));
    EXPECT_GT(small.current(), 0);
  }
  EXPECT_EQ(small.current(), 0);
}

// ---- buffers

TEST(BufferTest, AllocateIsZeroedAlignedAndCounted) {
  MemoryTracker t("buffers");
  {
    ASSERT_OK_AND_ASSIGN(auto b, Buffer::allocate(100, &t));
    EXPECT_EQ(b->size(), 100);
    EXPECT_EQ(b->capacity(), 128);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b->data()) % kBufferAlignment, 0u);
    for (int64_t i = 0; i < b->capacity(); ++i) ASSERT_EQ(b->data()[i], 0);
    EXPECT_EQ(t.current(), 128);
    b->set_size(10);
    EXPECT_EQ(b->size(), 10);
    EXPECT_EQ(t.current(), 128);
  }
  EXPECT_EQ(t.current(), 0);
  EXPECT_THAT(Buffer::allocate(-1, &t), StatusIs(StatusCode::kInvalidArgument, "negative buffer size -1"));
  MemoryTracker small("tiny", 64);
  EXPECT_THAT(Buffer::allocate(65, &small), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of tiny")));
}

TEST(BufferTest, CopyOfAndWrap) {
  ASSERT_OK_AND_ASSIGN(auto copy, Buffer::copy_of("abc", 3));
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(copy->data()), 3), "abc");
  auto owner = std::make_shared<std::string>("foreign bytes");
  std::weak_ptr<std::string> watch = owner;
  {
    auto wrapped = Buffer::wrap(reinterpret_cast<const uint8_t*>(owner->data()),
                                static_cast<int64_t>(owner->size()), owner);
    owner.reset();
    EXPECT_FALSE(watch.expired());  // the buffer keeps its owner alive
    EXPECT_EQ(wrapped->size(), 13);
    EXPECT_EQ(wrapped->data()[0], 'f');
  }
  EXPECT_TRUE(watch.expired());
}

TEST(BufferBuilderTest, GrowsZeroFillsAndHandsOver) {
  MemoryTracker t("builder");
  BufferBuilder b(&t);
  b.append_value<int32_t>(7);
  b.resize(300);
  EXPECT_EQ(b.size(), 300);
  EXPECT_GE(b.capacity(), 300);
  for (int64_t i = 4; i < 300; ++i) ASSERT_EQ(b.data()[i], 0);
  b.resize(8);
  auto buffer = b.finish();
  EXPECT_EQ(buffer->size(), 8);
  EXPECT_EQ(buffer->as<int32_t>()[0], 7);
  for (int64_t i = 8; i < buffer->capacity(); ++i) ASSERT_EQ(buffer->data()[i], 0) << "padding";
  EXPECT_EQ(b.size(), 0);
  EXPECT_EQ(b.capacity(), 0);
  EXPECT_EQ(t.current(), buffer->capacity());
  buffer.reset();
  EXPECT_EQ(t.current(), 0);
  BufferBuilder moved = std::move(b);
  moved.append("xyz", 3);
  auto tiny = moved.finish();
  EXPECT_EQ(tiny->size(), 3);
  tiny.reset();
  BufferBuilder empty(&t);
  auto nothing = empty.finish();
  EXPECT_EQ(nothing->size(), 0);
  EXPECT_NE(nothing->data(), nullptr);
  nothing.reset();
  EXPECT_EQ(t.current(), 0);
}

}  // namespace
}  // namespace braid
