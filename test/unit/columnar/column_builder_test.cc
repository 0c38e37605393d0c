#include "columnar/column_builder.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "columnar/decimal.h"
#include "columnar/value_text.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

// Every row's jsonl text, space separated.
std::string texts(const Column& c) {
  std::string out;
  for (int64_t i = 0; i < c.length(); ++i) {
    if (i) out += " ";
    out += value_text(c, i, TextFlavor::kJson);
  }
  return out;
}

template <typename B>
B* as(ColumnBuilder* b) {
  auto* typed = dynamic_cast<B*>(b);
  EXPECT_NE(typed, nullptr);
  return typed;
}

// ---- null and boolean

TEST(NullBuilderTest, CountsNulls) {
  NullBuilder b;
  EXPECT_TRUE(b.type()->equals(*null_type()));
  b.append_null();
  b.append_nulls(3);
  b.append_nulls(0);
  EXPECT_EQ(b.length(), 4);
  EXPECT_EQ(b.null_count(), 4);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->type_id(), TypeId::kNull);
  EXPECT_EQ(c->length(), 4);
  EXPECT_EQ(c->null_count(), 4);
  EXPECT_TRUE(c->buffers().empty());
  EXPECT_TRUE(c->is_null(0));
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(texts(*c), "null null null null");
  EXPECT_EQ(b.length(), 0);
  ASSERT_OK_AND_ASSIGN(auto empty, b.finish());
  EXPECT_EQ(empty->length(), 0);
  EXPECT_EQ(empty->null_count(), 0);
}

TEST(BooleanBuilderTest, ValuesAndNullsPastSeveralWords) {
  BooleanBuilder b;
  b.reserve(10);
  std::vector<std::optional<bool>> expected;
  for (int i = 0; i < 150; ++i) {
    if (i % 3 == 0) {
      b.append_null();
      expected.push_back(std::nullopt);
    } else {
      b.append(i % 2 == 0);
      expected.push_back(i % 2 == 0);
    }
  }
  EXPECT_EQ(b.null_count(), 50);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 150);
  EXPECT_EQ(c->null_count(), 50);
  EXPECT_OK(c->validate(true));
  for (int64_t i = 0; i < 150; ++i) {
    ASSERT_EQ(c->is_valid(i), expected[static_cast<size_t>(i)].has_value()) << i;
    if (expected[static_cast<size_t>(i)]) {
      EXPECT_EQ(c->bool_value(i), *expected[static_cast<size_t>(i)]) << i;
    }
  }
  EXPECT_EQ(value_text(*c, 2, TextFlavor::kJson), "true");
  EXPECT_EQ(value_text(*c, 1, TextFlavor::kJson), "false");
}

TEST(BooleanBuilderTest, NoNullsNoValidity) {
  BooleanBuilder b;
  b.append(true);
  b.append(false);
  b.append(true);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->validity_bits(), nullptr);
  EXPECT_EQ(c->null_count(), 0);
  EXPECT_EQ(texts(*c), "true false true");
}

// ---- primitives

template <typename T>
void check_primitive(const TypePtr& type, const std::vector<T>& values) {
  SCOPED_TRACE(type->to_string());
  PrimitiveBuilder<T> b(type);
  EXPECT_TRUE(b.type()->equals(*type));
  for (const T& v : values) {
    b.append(v);
    b.append_null();
  }
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_TRUE(c->type()->equals(*type));
  ASSERT_EQ(c->length(), static_cast<int64_t>(values.size() * 2));
  EXPECT_EQ(c->null_count(), static_cast<int64_t>(values.size()));
  EXPECT_OK(c->validate(true));
  for (size_t i = 0; i < values.size(); ++i) {
    const auto row = static_cast<int64_t>(2 * i);
    EXPECT_TRUE(c->is_valid(row));
    EXPECT_TRUE(c->is_null(row + 1));
    EXPECT_TRUE(c->template value<T>(row) == values[i]) << "row " << row;
    EXPECT_TRUE(c->template value<T>(row + 1) == T{}) << "a null slot holds zeros";
  }
  EXPECT_EQ(b.length(), 0);
  EXPECT_EQ(b.null_count(), 0);
}

TEST(PrimitiveBuilderTest, EveryFixedWidthType) {
  check_primitive<int8_t>(int8(), {-128, 0, 127});
  check_primitive<int16_t>(int16(), {-32768, 1, 32767});
  check_primitive<int32_t>(int32(), {std::numeric_limits<int32_t>::min(), -1, 7});
  check_primitive<int64_t>(int64(), {std::numeric_limits<int64_t>::min(), 0, std::numeric_limits<int64_t>::max()});
  check_primitive<uint8_t>(uint8(), {0, 255});
  check_primitive<uint16_t>(uint16(), {0, 65535});
  check_primitive<uint32_t>(uint32(), {0, 4294967295u});
  check_primitive<uint64_t>(uint64(), {0, std::numeric_limits<uint64_t>::max()});
  check_primitive<float>(float32(), {-1.5f, 0.0f, 3.25f});
  check_primitive<double>(float64(), {-1e300, 0.1, 2.5});
  check_primitive<Int128>(decimal128(38, 2), {Int128{-12345}, Int128{0}, decimal::power_of_ten(37)});
  check_primitive<MonthDayNanos>(interval(), {MonthDayNanos{1, 2, 3}, MonthDayNanos{-1, -2, -3}});
  check_primitive<int32_t>(date32(), {-719162, 0, 19782});
  check_primitive<int64_t>(time64(TimeUnit::kMicro), {0, 86'399'999'999});
  check_primitive<int64_t>(timestamp(TimeUnit::kNano, "UTC"), {-1, 1706696430123456789});
}

TEST(PrimitiveBuilderTest, NoNullsNeedNoValidity) {
  Int32Builder b(int32());
  int32_t v[] = {1, 2, 3};
  b.append_values(v, 3);
  b.append_values(v, 0);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->validity_bits(), nullptr);
  EXPECT_FALSE(c->may_have_nulls());
  EXPECT_EQ(c->null_count(), 0);
  EXPECT_EQ(texts(*c), "1 2 3");
}

TEST(PrimitiveBuilderTest, ValidityMaterialisedLateKeepsEarlierRowsValid) {
  Int64Builder b(int64());
  for (int i = 0; i < 13; ++i) b.append(i);
  b.append_null();
  b.append(99);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  ASSERT_NE(c->validity_bits(), nullptr);
  EXPECT_EQ(c->null_count(), 1);
  for (int64_t i = 0; i < 13; ++i) EXPECT_TRUE(c->is_valid(i)) << i;
  EXPECT_TRUE(c->is_null(13));
  EXPECT_EQ(c->value<int64_t>(14), 99);
}

TEST(PrimitiveBuilderTest, RunsOfValuesAndNulls) {
  Int16Builder b(int16());
  int16_t v[] = {1, 2, 3, 4, 5};
  b.append_values(v, 3);
  b.append_nulls(5);
  b.append_values(v, 5);
  b.append_nulls(0);
  b.append_nulls(11);
  b.append(-1);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 25);
  EXPECT_EQ(c->null_count(), 16);
  EXPECT_EQ(texts(*c), "1 2 3 null null null null null 1 2 3 4 5 null null null null null null null "
                       "null null null null -1");
  EXPECT_OK(c->validate(true));
}

TEST(PrimitiveBuilderTest, UnsafeAppendAfterReserve) {
  Float64Builder b(float64());
  b.reserve(100);
  for (int i = 0; i < 100; ++i) b.unsafe_append(i * 0.5);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 100);
  EXPECT_EQ(c->value<double>(99), 49.5);
}

// ---- strings and binary

TEST(BinaryBuilderTest, StringsWithNullsAndEmpties) {
  BinaryBuilder b(string_type());
  b.reserve(4);
  b.reserve_data(16);
  b.append("a");
  b.append_null();
  b.append("");
  b.append("\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(b.data_size(), 6);
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 4);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(c->string_value(0), "a");
  EXPECT_EQ(c->string_value(1), "");
  EXPECT_EQ(c->string_value(2), "");
  EXPECT_EQ(c->string_value(3), "\xC3\xA9t\xC3\xA9");
  const int32_t* o = c->offsets();
  EXPECT_EQ(std::vector<int32_t>(o, o + 5), (std::vector<int32_t>{0, 1, 1, 1, 6}));
  EXPECT_EQ(texts(*c), "\"a\" null \"\" \"\xC3\xA9t\xC3\xA9\"");
  EXPECT_EQ(b.data_size(), 0);
}

TEST(BinaryBuilderTest, BinaryKeepsEveryByte) {
  BinaryBuilder b(binary());
  b.append(std::string_view("\0\xff\x80", 3));
  b.append_null();
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_TRUE(c->type()->equals(*binary()));
  EXPECT_EQ(c->string_value(0), std::string_view("\0\xff\x80", 3));
  EXPECT_OK(c->validate(true));  // binary is not checked for UTF-8
  EXPECT_EQ(texts(*c), "\"AP+A\" null");
}

TEST(BinaryBuilderTest, ReusedAfterFinishStartsAtOffsetZero) {
  BinaryBuilder b(string_type());
  b.append("first batch");
  ASSERT_OK_AND_ASSIGN(auto first, b.finish());
  b.append("x");
  b.append("yz");
  ASSERT_OK_AND_ASSIGN(auto second, b.finish());
  EXPECT_EQ(second->offsets()[0], 0);
  EXPECT_EQ(texts(*second), "\"x\" \"yz\"");
  EXPECT_EQ(texts(*first), "\"first batch\"");
  ASSERT_OK_AND_ASSIGN(auto empty, b.finish());
  EXPECT_EQ(empty->length(), 0);
  EXPECT_OK(empty->validate(true));
}

TEST(FixedSizeBinaryBuilderTest, ValuesAndZeroedNulls) {
  FixedSizeBinaryBuilder b(fixed_size_binary(3));
  b.reserve(3);
  b.append("abc");
  b.append_null();
  b.append(std::string_view("\0\1\2", 3));
  ASSERT_OK_AND_ASSIGN(auto c, b.finish());
  EXPECT_EQ(c->length(), 3);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(c->fixed_value(0), "abc");
  EXPECT_EQ(c->fixed_value(1), std::string_view("\0\0\0", 3));
  EXPECT_EQ(c->fixed_value(2), std::string_view("\0\1\2", 3));
  EXPECT_EQ(texts(*c), "\"YWJj\" null \"AAEC\"");
}

// ---- nested

TEST(StructBuilderTest, FieldsAndNulls) {
  auto type = struct_({field("a", int32()), field("b", string_type()),
                       field("inner", struct_({field("x", boolean())}))});
  auto b = make_builder(type);
  auto* sb = as<StructBuilder>(b.get());
  ASSERT_EQ(sb->num_fields(), 3);
  auto* a = as<Int32Builder>(sb->field_builder(0));
  auto* s = as<BinaryBuilder>(sb->field_builder(1));
  auto* inner = as<StructBuilder>(sb->field_builder(2));
  auto* x = as<BooleanBuilder>(inner->field_builder(0));
  // {a:1, b:"p", inner:{x:true}}
  sb->append();
  a->append(1);
  s->append("p");
  inner->append();
  x->append(true);
  // null
  sb->append_null();
  // {a:null, b:"q", inner:null}
  sb->append();
  a->append_null();
  s->append("q");
  inner->append_null();
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  EXPECT_EQ(c->length(), 3);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_EQ(c->children().size(), 3u);
  EXPECT_EQ(c->child(0)->length(), 3);
  EXPECT_EQ(c->child(0)->null_count(), 2);  // the struct's null row is null in every field
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(texts(*c), "{\"a\":1,\"b\":\"p\",\"inner\":{\"x\":true}} null "
                       "{\"a\":null,\"b\":\"q\",\"inner\":null}");
}

TEST(ListBuilderTest, ListsWithNullsAndEmpties) {
  auto b = make_builder(list(int32()));
  auto* lb = as<ListBuilder>(b.get());
  auto* values = as<Int32Builder>(lb->values());
  lb->append();  // [1, null, 3]
  values->append(1);
  values->append_null();
  values->append(3);
  lb->append_null();  // null
  lb->append();       // []
  lb->append();       // [4]
  values->append(4);
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  EXPECT_EQ(c->length(), 4);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_OK(c->validate(true));
  const int32_t* o = c->offsets();
  EXPECT_EQ(std::vector<int32_t>(o, o + 5), (std::vector<int32_t>{0, 3, 3, 3, 4}));
  EXPECT_EQ(c->list_values()->length(), 4);
  EXPECT_EQ(texts(*c), "[1,null,3] null [] [4]");
}

TEST(ListBuilderTest, ListOfLists) {
  auto b = make_builder(list(list(string_type())));
  auto* outer = as<ListBuilder>(b.get());
  auto* inner = as<ListBuilder>(outer->values());
  auto* s = as<BinaryBuilder>(inner->values());
  outer->append();  // [["a"], [], null]
  inner->append();
  s->append("a");
  inner->append();
  inner->append_null();
  outer->append();  // [["b", "c"]]
  inner->append();
  s->append("b");
  s->append("c");
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(texts(*c), "[[\"a\"],[],null] [[\"b\",\"c\"]]");
}

TEST(ListBuilderTest, MapsWithNullValues) {
  auto b = make_builder(map(string_type(), int64()));
  auto* mb = as<ListBuilder>(b.get());
  auto* entries = as<StructBuilder>(mb->values());
  auto* keys = as<BinaryBuilder>(mb->map_keys());
  auto* items = as<Int64Builder>(mb->map_items());
  mb->append();
  entries->append();
  keys->append("x");
  items->append(1);
  entries->append();
  keys->append("y");
  items->append_null();
  mb->append_null();
  mb->append();
  ASSERT_OK_AND_ASSIGN(auto c, b->finish());
  EXPECT_TRUE(c->type()->equals(*map(string_type(), int64())));
  EXPECT_OK(c->validate(true));
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_EQ(c->list_values()->length(), 2);
  EXPECT_EQ(texts(*c), "[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":null}] null []");
}

// list<struct<k: string, v: map<string, int>>>
ColumnPtr nested_sample() {
  auto type = list(struct_({field("k", string_type()), field("v", map(string_type(), int32()))}));
  auto b = make_builder(type);
  auto* lb = as<ListBuilder>(b.get());
  auto* sb = as<StructBuilder>(lb->values());
  auto* kb = as<BinaryBuilder>(sb->field_builder(0));
  auto* mb = as<ListBuilder>(sb->field_builder(1));
  auto* entries = as<StructBuilder>(mb->values());
  // row 0: [{k:"a", v:{"x":1,"y":null}}, null]
  lb->append();
  sb->append();
  kb->append("a");
  mb->append();
  entries->append();
  as<BinaryBuilder>(mb->map_keys())->append("x");
  as<Int32Builder>(mb->map_items())->append(1);
  entries->append();
  as<BinaryBuilder>(mb->map_keys())->append("y");
  mb->map_items()->append_null();
  sb->append_null();
  // row 1: null; row 2: []
  lb->append_null();
  lb->append();
  // row 3: [{k:null, v:null}, {k:"b", v:{}}]
  lb->append();
  sb->append();
  kb->append_null();
  mb->append_null();
  sb->append();
  kb->append("b");
  mb->append();
  auto c = b->finish();
  EXPECT_OK(c);
  return c.ok() ? *c : nullptr;
}

constexpr const char* kNestedRows[] = {
    "[{\"k\":\"a\",\"v\":[{\"key\":\"x\",\"value\":1},{\"key\":\"y\",\"value\":null}]},null]",
    "null",
    "[]",
    "[{\"k\":null,\"v\":null},{\"k\":\"b\",\"v\":[]}]",
};

TEST(ListBuilderTest, NestedListStructMap) {
  auto c = nested_sample();
  ASSERT_NE(c, nullptr);
  EXPECT_OK(c->validate(true));
  ASSERT_EQ(c->length(), 4);
  for (int64_t i = 0; i < 4; ++i) EXPECT_EQ(value_text(*c, i, TextFlavor::kJson), kNestedRows[i]);
}

// ---- make_builder and append_from for every type

struct Sample {
  TypePtr type;
  ColumnPtr column;  // four rows: value, null, value, value
};

std::vector<Sample> samples_of_every_type() {
  std::vector<Sample> out;
  auto add = [&](TypePtr type, const std::function<void(ColumnBuilder*)>& fill) {
    auto b = make_builder(type);
    EXPECT_NE(b, nullptr) << type->to_string();
    EXPECT_TRUE(b->type()->equals(*type)) << type->to_string();
    fill(b.get());
    auto c = b->finish();
    EXPECT_OK(c);
    EXPECT_EQ((*c)->length(), 4) << type->to_string();
    out.push_back({type, *c});
  };
  add(null_type(), [](ColumnBuilder* b) { b->append_nulls(4); });
  add(boolean(), [](ColumnBuilder* b) {
    auto* x = as<BooleanBuilder>(b);
    x->append(true), x->append_null(), x->append(false), x->append(true);
  });
  auto ints = [](auto* x, auto a, auto c, auto d) { x->append(a), x->append_null(), x->append(c), x->append(d); };
  add(int8(), [&](ColumnBuilder* b) { ints(as<Int8Builder>(b), int8_t{-1}, int8_t{2}, int8_t{127}); });
  add(int16(), [&](ColumnBuilder* b) { ints(as<Int16Builder>(b), int16_t{-1}, int16_t{2}, int16_t{3}); });
  add(int32(), [&](ColumnBuilder* b) { ints(as<Int32Builder>(b), -1, 2, 3); });
  add(int64(), [&](ColumnBuilder* b) { ints(as<Int64Builder>(b), int64_t{-1}, int64_t{2}, int64_t{3}); });
  add(uint8(), [&](ColumnBuilder* b) { ints(as<UInt8Builder>(b), uint8_t{1}, uint8_t{2}, uint8_t{255}); });
  add(uint16(), [&](ColumnBuilder* b) { ints(as<UInt16Builder>(b), uint16_t{1}, uint16_t{2}, uint16_t{3}); });
  add(uint32(), [&](ColumnBuilder* b) { ints(as<UInt32Builder>(b), 1u, 2u, 3u); });
  add(uint64(), [&](ColumnBuilder* b) { ints(as<UInt64Builder>(b), uint64_t{1}, uint64_t{2}, uint64_t{3}); });
  add(float32(), [&](ColumnBuilder* b) { ints(as<Float32Builder>(b), 0.5f, -1.0f, 2.0f); });
  add(float64(), [&](ColumnBuilder* b) { ints(as<Float64Builder>(b), 0.5, -1.0, 1e300); });
  add(decimal128(10, 2), [&](ColumnBuilder* b) { ints(as<Decimal128Builder>(b), Int128{-1250}, Int128{5}, Int128{0}); });
  add(date32(), [&](ColumnBuilder* b) { ints(as<Int32Builder>(b), 0, -1, 19782); });
  add(time64(TimeUnit::kMicro), [&](ColumnBuilder* b) { ints(as<Int64Builder>(b), int64_t{0}, int64_t{1}, int64_t{2}); });
  add(timestamp(TimeUnit::kMicro, "UTC"), [&](ColumnBuilder* b) { ints(as<Int64Builder>(b), int64_t{-1}, int64_t{0}, int64_t{1}); });
  add(timestamp(TimeUnit::kNano), [&](ColumnBuilder* b) { ints(as<Int64Builder>(b), int64_t{-1}, int64_t{0}, int64_t{1}); });
  add(interval(), [&](ColumnBuilder* b) {
    ints(as<IntervalBuilder>(b), MonthDayNanos{1, 2, 3'000'000}, MonthDayNanos{0, 0, 0}, MonthDayNanos{-1, 0, 0});
  });
  add(string_type(), [](ColumnBuilder* b) {
    auto* x = as<BinaryBuilder>(b);
    x->append("a"), x->append_null(), x->append(""), x->append("\xC3\xA9");
  });
  add(binary(), [](ColumnBuilder* b) {
    auto* x = as<BinaryBuilder>(b);
    x->append("a"), x->append_null(), x->append(""), x->append(std::string_view("\0", 1));
  });
  add(fixed_size_binary(2), [](ColumnBuilder* b) {
    auto* x = as<FixedSizeBinaryBuilder>(b);
    x->append("ab"), x->append_null(), x->append("cd"), x->append("ef");
  });
  add(struct_({field("a", int32()), field("b", string_type())}), [](ColumnBuilder* b) {
    auto* x = as<StructBuilder>(b);
    auto* a = as<Int32Builder>(x->field_builder(0));
    auto* s = as<BinaryBuilder>(x->field_builder(1));
    x->append(), a->append(1), s->append("p");
    x->append_null();
    x->append(), a->append_null(), s->append("q");
    x->append(), a->append(4), s->append_null();
  });
  add(list(int64()), [](ColumnBuilder* b) {
    auto* x = as<ListBuilder>(b);
    auto* v = as<Int64Builder>(x->values());
    x->append(), v->append(1), v->append(2);
    x->append_null();
    x->append();
    x->append(), v->append_null();
  });
  add(map(string_type(), int32()), [](ColumnBuilder* b) {
    auto* x = as<ListBuilder>(b);
    auto* e = as<StructBuilder>(x->values());
    x->append(), e->append(), as<BinaryBuilder>(x->map_keys())->append("k"),
        as<Int32Builder>(x->map_items())->append(1);
    x->append_null();
    x->append();
    x->append(), e->append(), as<BinaryBuilder>(x->map_keys())->append("z"), x->map_items()->append_null();
  });
  return out;
}

TEST(ColumnBuilderTest, MakeBuilderForEveryType) {
  auto samples = samples_of_every_type();
  EXPECT_EQ(samples.size(), 24u);
  for (const auto& s : samples) {
    SCOPED_TRACE(s.type->to_string());
    EXPECT_TRUE(s.column->type()->equals(*s.type));
    EXPECT_TRUE(s.column->is_null(1));
    EXPECT_EQ(s.column->null_count(), s.type->id() == TypeId::kNull ? 4 : 1);
    EXPECT_OK(s.column->validate(true));
  }
}

TEST(ColumnBuilderTest, AppendFromCopiesEveryType) {
  for (const auto& s : samples_of_every_type()) {
    SCOPED_TRACE(s.type->to_string());
    auto b = make_builder(s.type);
    for (int64_t i = s.column->length() - 1; i >= 0; --i) b->append_from(*s.column, i);
    ASSERT_OK_AND_ASSIGN(auto copy, b->finish());
    EXPECT_OK(copy->validate(true));
    ASSERT_EQ(copy->length(), 4);
    for (int64_t i = 0; i < 4; ++i) {
      EXPECT_EQ(value_text(*copy, i, TextFlavor::kJson), value_text(*s.column, 3 - i, TextFlavor::kJson));
    }
  }
}

TEST(ColumnBuilderTest, AppendFromASliceCopiesTheSlicedRows) {
  for (const auto& s : samples_of_every_type()) {
    SCOPED_TRACE(s.type->to_string());
    auto slice = s.column->slice(1, 3);
    auto b = make_builder(s.type);
    for (int64_t i = 0; i < slice->length(); ++i) b->append_from(*slice, i);
    ASSERT_OK_AND_ASSIGN(auto copy, b->finish());
    EXPECT_OK(copy->validate(true));
    ASSERT_EQ(copy->length(), 3);
    for (int64_t i = 0; i < 3; ++i) {
      EXPECT_EQ(value_text(*copy, i, TextFlavor::kJson), value_text(*s.column, i + 1, TextFlavor::kJson));
    }
  }
}

TEST(ColumnBuilderTest, AppendFromNestedColumns) {
  auto c = nested_sample();
  ASSERT_NE(c, nullptr);
  auto b = make_builder(c->type());
  for (int64_t i = c->length() - 1; i >= 0; --i) b->append_from(*c, i);
  b->append_from(*c->slice(3, 1), 0);
  ASSERT_OK_AND_ASSIGN(auto copy, b->finish());
  EXPECT_OK(copy->validate(true));
  ASSERT_EQ(copy->length(), 5);
  for (int64_t i = 0; i < 4; ++i) EXPECT_EQ(value_text(*copy, i, TextFlavor::kJson), kNestedRows[3 - i]);
  EXPECT_EQ(value_text(*copy, 4, TextFlavor::kJson), kNestedRows[3]);
}

TEST(ColumnBuilderTest, FinishResetsEveryBuilder) {
  for (const auto& s : samples_of_every_type()) {
    SCOPED_TRACE(s.type->to_string());
    auto b = make_builder(s.type);
    for (int64_t i = 0; i < 4; ++i) b->append_from(*s.column, i);
    ASSERT_OK_AND_ASSIGN(auto first, b->finish());
    EXPECT_EQ(b->length(), 0);
    EXPECT_EQ(b->null_count(), 0);
    ASSERT_OK_AND_ASSIGN(auto empty, b->finish());
    EXPECT_EQ(empty->length(), 0);
    EXPECT_EQ(empty->null_count(), 0);
    EXPECT_OK(empty->validate(true));
    // A second batch holds only its own rows.
    b->append_from(*s.column, 3);
    b->append_from(*s.column, 1);
    ASSERT_OK_AND_ASSIGN(auto second, b->finish());
    EXPECT_OK(second->validate(true));
    ASSERT_EQ(second->length(), 2);
    EXPECT_EQ(value_text(*second, 0, TextFlavor::kJson), value_text(*s.column, 3, TextFlavor::kJson));
    EXPECT_EQ(value_text(*second, 1, TextFlavor::kJson), "null");
    // The first batch is untouched by the reuse.
    EXPECT_EQ(value_text(*first, 3, TextFlavor::kJson), value_text(*s.column, 3, TextFlavor::kJson));
  }
}

// ---- memory

TEST(ColumnBuilderTest, MemoryLimitFailsAtFinish) {
  MemoryTracker query("test query", 1 << 16);
  Int64Builder b(int64(), &query);
  for (int i = 0; i < 100000; ++i) b.append(i);
  EXPECT_THAT(b.finish(), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of test query")));
}

TEST(ColumnBuilderTest, MemoryLimitOnAParentTracker) {
  MemoryTracker process("process", 1 << 16);
  MemoryTracker query("query", 0, &process);
  BinaryBuilder b(string_type(), &query);
  for (int i = 0; i < 10000; ++i) b.append("a string of some length");
  EXPECT_THAT(b.finish(), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of process")));
}

TEST(ColumnBuilderTest, FailedFinishLeavesAnEmptyBuilder) {
  for (const auto& s : samples_of_every_type()) {
    SCOPED_TRACE(s.type->to_string());
    if (s.type->id() == TypeId::kNull) continue;  // holds no memory
    MemoryTracker query("query", 8 << 10);
    auto b = make_builder(s.type, &query);
    for (int i = 0; i < 50000; ++i) b->append_from(*s.column, i % 4);
    EXPECT_THAT(b->finish(), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of query")));
    EXPECT_EQ(b->length(), 0);
    EXPECT_EQ(b->null_count(), 0);
    EXPECT_LE(query.current(), query.limit());  // what was built is released
    // The builder works again, with none of the discarded rows.
    b->append_from(*s.column, 3);
    ASSERT_OK_AND_ASSIGN(auto c, b->finish());
    EXPECT_OK(c->validate(true));
    ASSERT_EQ(c->length(), 1);
    EXPECT_EQ(value_text(*c, 0, TextFlavor::kJson), value_text(*s.column, 3, TextFlavor::kJson));
  }
}

TEST(ColumnBuilderTest, BuffersAreCountedUntilReleased) {
  MemoryTracker query("query");
  {
    auto b = make_builder(list(string_type()), &query);
    auto* lb = as<ListBuilder>(b.get());
    for (int i = 0; i < 1000; ++i) {
      lb->append();
      as<BinaryBuilder>(lb->values())->append("value");
    }
    EXPECT_GT(query.current(), 0);
    ASSERT_OK_AND_ASSIGN(auto c, b->finish());
    EXPECT_GT(query.current(), 0);
    auto slice = c->slice(10, 5);
    c.reset();
    EXPECT_GT(query.current(), 0);  // the slice keeps the buffers alive
  }
  EXPECT_EQ(query.current(), 0);
  EXPECT_GT(query.peak(), 0);
}

// ---- property

// For any sequence of (value or null), building then reading gives it back, also through a
// slice at any offset.
RC_GTEST_PROP(ColumnBuilderProperty, RoundTripWithSlices,
              (const std::vector<std::pair<bool, std::string>>& raw)) {
  std::vector<std::optional<std::string>> values;
  for (const auto& [valid, v] : raw) values.push_back(valid ? std::optional<std::string>(v) : std::nullopt);
  BinaryBuilder b(binary());
  for (const auto& v : values) v ? b.append(*v) : b.append_null();
  auto c = b.finish();
  RC_ASSERT(c.ok());
  const auto& col = **c;
  RC_ASSERT(col.validate(true).ok());
  RC_ASSERT(col.length() == static_cast<int64_t>(values.size()));
  int64_t nulls = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    nulls += !values[i].has_value();
    RC_ASSERT(col.is_valid(static_cast<int64_t>(i)) == values[i].has_value());
    if (values[i]) RC_ASSERT(col.string_value(static_cast<int64_t>(i)) == *values[i]);
  }
  RC_ASSERT(col.null_count() == nulls);
  const auto start = *rc::gen::inRange<size_t>(0, values.size() + 1);
  const auto len = *rc::gen::inRange<size_t>(0, values.size() - start + 1);
  auto s = col.slice(static_cast<int64_t>(start), static_cast<int64_t>(len));
  RC_ASSERT(s->validate(true).ok());
  int64_t slice_nulls = 0;
  for (size_t i = 0; i < len; ++i) {
    const auto& v = values[start + i];
    slice_nulls += !v.has_value();
    RC_ASSERT(s->is_valid(static_cast<int64_t>(i)) == v.has_value());
    if (v) RC_ASSERT(s->string_value(static_cast<int64_t>(i)) == *v);
  }
  RC_ASSERT(s->null_count() == slice_nulls);
}

}  // namespace
}  // namespace braid
