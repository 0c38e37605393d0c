#include "columnar/data_type.h"

#include <gtest/gtest.h>

namespace braid {
namespace {

TEST(DataTypeTest, SparkNames) {
  EXPECT_EQ(int32()->to_string(), "int");
  EXPECT_EQ(int64()->to_string(), "bigint");
  EXPECT_EQ(decimal128(12, 2)->to_string(), "decimal(12,2)");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC")->to_string(), "timestamp");
  EXPECT_EQ(timestamp(TimeUnit::kMicro)->to_string(), "timestamp_ntz");
  EXPECT_EQ(list(int32())->to_string(), "array<int>");
  EXPECT_EQ(struct_({field("a", int32()), field("b", string_type())})->to_string(), "struct<a:int,b:string>");
  EXPECT_EQ(map(string_type(), int32())->to_string(), "map<string,int>");
  EXPECT_EQ(fixed_size_binary(16)->with_extension("uuid")->to_string(), "binary(16) (uuid)");
}

TEST(DataTypeTest, EqualityLooksAtEveryParameter) {
  EXPECT_TRUE(decimal128(10, 2)->equals(*decimal128(10, 2)));
  EXPECT_FALSE(decimal128(10, 2)->equals(*decimal128(10, 3)));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro, "UTC")->equals(*timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro)->equals(*timestamp(TimeUnit::kNano)));
  EXPECT_FALSE(string_type()->equals(*string_type()->with_extension("json")));
  EXPECT_FALSE(list(field("e", int32(), true))->equals(*list(field("e", int32(), false))));
  EXPECT_FALSE(list(field("e", int32()))->equals(*list(field("x", int32()))));
  EXPECT_TRUE(map(string_type(), int64())->equals(*map(string_type(), int64())));
  EXPECT_FALSE(time64(TimeUnit::kMicro, true)->equals(*time64(TimeUnit::kMicro, false)));
}

TEST(DataTypeTest, MapLayoutAndAccessors) {
  auto m = map(string_type(), list(int32()));
  EXPECT_EQ(m->num_fields(), 1);
  EXPECT_EQ(m->field(0)->name(), "entries");
  EXPECT_FALSE(m->key_field()->nullable());
  EXPECT_EQ(m->value_field()->type()->to_string(), "array<int>");
}

TEST(DataTypeTest, FieldLookupExactThenCaseInsensitive) {
  auto s = schema({field("Region", string_type()), field("region", int32()), field("amount", int64())});
  EXPECT_EQ(s->field_index("region"), 1);
  EXPECT_EQ(s->field_index("Region"), 0);
  EXPECT_EQ(s->field_index("AMOUNT"), 2);
  EXPECT_EQ(s->field_index("missing"), -1);
}

TEST(DataTypeTest, Predicates) {
  EXPECT_TRUE(uint16()->is_unsigned_integer());
  EXPECT_TRUE(int8()->is_signed_integer());
  EXPECT_TRUE(decimal128(5, 1)->is_numeric());
  EXPECT_TRUE(float32()->is_floating());
  EXPECT_TRUE(binary()->is_binary_like());
  EXPECT_TRUE(interval()->is_fixed_width());
  EXPECT_FALSE(boolean()->is_fixed_width());
  EXPECT_TRUE(struct_({field("a", int32())})->is_nested());
}

}  // namespace
}  // namespace braid
