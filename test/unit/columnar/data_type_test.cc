#include "columnar/data_type.h"

#include <gtest/gtest.h>

namespace braid {
namespace {

// ---- factories

TEST(DataTypeTest, PrimitiveFactoriesAreSingletonsWithWidths) {
  struct Case {
    TypePtr type;
    TypeId id;
    int width;
  };
  const Case cases[] = {
      {null_type(), TypeId::kNull, 0},     {boolean(), TypeId::kBoolean, 0},
      {int8(), TypeId::kInt8, 1},          {int16(), TypeId::kInt16, 2},
      {int32(), TypeId::kInt32, 4},        {int64(), TypeId::kInt64, 8},
      {uint8(), TypeId::kUInt8, 1},        {uint16(), TypeId::kUInt16, 2},
      {uint32(), TypeId::kUInt32, 4},      {uint64(), TypeId::kUInt64, 8},
      {float32(), TypeId::kFloat32, 4},    {float64(), TypeId::kFloat64, 8},
      {string_type(), TypeId::kString, 0}, {binary(), TypeId::kBinary, 0},
      {date32(), TypeId::kDate32, 4},      {interval(), TypeId::kInterval, 16},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.type->id(), c.id) << c.type->to_string();
    EXPECT_EQ(c.type->byte_width(), c.width) << c.type->to_string();
    EXPECT_TRUE(c.type->extension().empty());
    EXPECT_EQ(c.type->num_fields(), 0);
  }
  EXPECT_EQ(int32().get(), int32().get());
  EXPECT_EQ(string_type().get(), string_type().get());
}

TEST(DataTypeTest, ParameterisedFactories) {
  auto d = decimal128(12, 2);
  EXPECT_EQ(d->id(), TypeId::kDecimal128);
  EXPECT_EQ(d->precision(), 12);
  EXPECT_EQ(d->scale(), 2);
  EXPECT_EQ(d->byte_width(), 16);

  auto f = fixed_size_binary(7);
  EXPECT_EQ(f->id(), TypeId::kFixedSizeBinary);
  EXPECT_EQ(f->byte_width(), 7);

  auto t = time64(TimeUnit::kNano, true);
  EXPECT_EQ(t->id(), TypeId::kTime64);
  EXPECT_EQ(t->unit(), TimeUnit::kNano);
  EXPECT_TRUE(t->time_utc());
  EXPECT_EQ(t->byte_width(), 8);
  EXPECT_FALSE(time64(TimeUnit::kMicro)->time_utc());

  auto ts = timestamp(TimeUnit::kMicro, "UTC");
  EXPECT_EQ(ts->id(), TypeId::kTimestamp);
  EXPECT_EQ(ts->unit(), TimeUnit::kMicro);
  EXPECT_EQ(ts->timezone(), "UTC");
  EXPECT_EQ(ts->byte_width(), 8);
  EXPECT_EQ(timestamp(TimeUnit::kNano)->timezone(), "");
}

TEST(DataTypeTest, NestedFactories) {
  auto s = struct_({field("a", int32()), field("b", string_type(), false)});
  EXPECT_EQ(s->id(), TypeId::kStruct);
  EXPECT_EQ(s->num_fields(), 2);
  EXPECT_EQ(s->field(1)->name(), "b");
  EXPECT_FALSE(s->field(1)->nullable());
  EXPECT_EQ(s->byte_width(), 0);

  auto l = list(int64());
  EXPECT_EQ(l->id(), TypeId::kList);
  EXPECT_EQ(l->element_field()->name(), "element");
  EXPECT_TRUE(l->element_field()->nullable());
  EXPECT_TRUE(l->element_field()->type()->equals(*int64()));
  auto l2 = list(field("item", int64(), false));
  EXPECT_EQ(l2->element_field()->name(), "item");
  EXPECT_FALSE(l2->element_field()->nullable());

  auto m = map(string_type(), list(int32()));
  EXPECT_EQ(m->id(), TypeId::kMap);
  EXPECT_EQ(m->num_fields(), 1);
  EXPECT_EQ(m->field(0)->name(), "entries");
  EXPECT_FALSE(m->field(0)->nullable());
  EXPECT_EQ(m->field(0)->type()->id(), TypeId::kStruct);
  EXPECT_EQ(m->key_field()->name(), "key");
  EXPECT_FALSE(m->key_field()->nullable());
  EXPECT_EQ(m->value_field()->name(), "value");
  EXPECT_TRUE(m->value_field()->nullable());
  EXPECT_EQ(m->value_field()->type()->to_string(), "array<int>");
  EXPECT_FALSE(m->keys_sorted());

  // A nullable key field is made non-null: map keys are never null.
  auto m2 = map(field("k", int32(), true), field("v", int32(), false), true);
  EXPECT_EQ(m2->key_field()->name(), "k");
  EXPECT_FALSE(m2->key_field()->nullable());
  EXPECT_FALSE(m2->value_field()->nullable());
  EXPECT_TRUE(m2->keys_sorted());
}

TEST(DataTypeTest, WithExtension) {
  auto uuid = fixed_size_binary(16)->with_extension("uuid");
  EXPECT_EQ(uuid->extension(), "uuid");
  EXPECT_EQ(uuid->id(), TypeId::kFixedSizeBinary);
  EXPECT_EQ(uuid->byte_width(), 16);
  auto plain = uuid->with_extension("");
  EXPECT_EQ(plain->extension(), "");
  EXPECT_TRUE(plain->equals(*fixed_size_binary(16)));
  // The singleton is untouched.
  auto json = string_type()->with_extension("json");
  EXPECT_EQ(string_type()->extension(), "");
  EXPECT_EQ(json->extension(), "json");
}

// ---- equality

TEST(DataTypeTest, EqualityOfPrimitives) {
  EXPECT_TRUE(int32()->equals(*int32()));
  EXPECT_FALSE(int32()->equals(*int64()));
  EXPECT_FALSE(int32()->equals(*uint32()));
  EXPECT_FALSE(string_type()->equals(*binary()));
  EXPECT_FALSE(float32()->equals(*float64()));
  EXPECT_FALSE(date32()->equals(*int32()));
  EXPECT_TRUE(null_type()->equals(*null_type()));
}

TEST(DataTypeTest, EqualityLooksAtEveryParameter) {
  EXPECT_TRUE(decimal128(10, 2)->equals(*decimal128(10, 2)));
  EXPECT_FALSE(decimal128(10, 2)->equals(*decimal128(10, 3)));
  EXPECT_FALSE(decimal128(10, 2)->equals(*decimal128(11, 2)));
  EXPECT_TRUE(fixed_size_binary(4)->equals(*fixed_size_binary(4)));
  EXPECT_FALSE(fixed_size_binary(4)->equals(*fixed_size_binary(5)));
  EXPECT_TRUE(timestamp(TimeUnit::kMicro, "UTC")->equals(*timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro, "UTC")->equals(*timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro, "UTC")->equals(*timestamp(TimeUnit::kMicro, "+00:00")));
  EXPECT_FALSE(timestamp(TimeUnit::kMicro)->equals(*timestamp(TimeUnit::kNano)));
  EXPECT_TRUE(time64(TimeUnit::kNano, true)->equals(*time64(TimeUnit::kNano, true)));
  EXPECT_FALSE(time64(TimeUnit::kMicro, true)->equals(*time64(TimeUnit::kMicro, false)));
  EXPECT_FALSE(time64(TimeUnit::kMicro)->equals(*time64(TimeUnit::kNano)));
}

TEST(DataTypeTest, EqualityLooksAtExtensions) {
  EXPECT_FALSE(string_type()->equals(*string_type()->with_extension("json")));
  EXPECT_FALSE(string_type()->with_extension("json")->equals(*string_type()->with_extension("enum")));
  EXPECT_TRUE(string_type()->with_extension("json")->equals(*string_type()->with_extension("json")));
  // Inside nested types too.
  EXPECT_FALSE(list(string_type())->equals(*list(string_type()->with_extension("json"))));
  EXPECT_FALSE(struct_({field("u", fixed_size_binary(16)->with_extension("uuid"))})
                   ->equals(*struct_({field("u", fixed_size_binary(16))})));
}

TEST(DataTypeTest, EqualityOfNestedTypes) {
  // Element names and nullability matter.
  EXPECT_TRUE(list(int32())->equals(*list(int32())));
  EXPECT_FALSE(list(int32())->equals(*list(int64())));
  EXPECT_FALSE(list(field("e", int32(), true))->equals(*list(field("e", int32(), false))));
  EXPECT_FALSE(list(field("e", int32()))->equals(*list(field("x", int32()))));
  // Struct field names, order, count, types and nullability.
  auto ab = struct_({field("a", int32()), field("b", string_type())});
  EXPECT_TRUE(ab->equals(*struct_({field("a", int32()), field("b", string_type())})));
  EXPECT_FALSE(ab->equals(*struct_({field("b", string_type()), field("a", int32())})));
  EXPECT_FALSE(ab->equals(*struct_({field("a", int32())})));
  EXPECT_FALSE(ab->equals(*struct_({field("A", int32()), field("b", string_type())})));
  EXPECT_FALSE(ab->equals(*struct_({field("a", int32()), field("b", string_type(), false)})));
  EXPECT_FALSE(ab->equals(*struct_({field("a", int32()), field("b", binary())})));
  EXPECT_TRUE(struct_({})->equals(*struct_({})));
  // Deeply nested.
  auto deep = [](TypePtr leaf) { return list(struct_({field("m", map(string_type(), list(leaf)))})); };
  EXPECT_TRUE(deep(int32())->equals(*deep(int32())));
  EXPECT_FALSE(deep(int32())->equals(*deep(int16())));
  EXPECT_FALSE(deep(timestamp(TimeUnit::kMicro))->equals(*deep(timestamp(TimeUnit::kMicro, "UTC"))));
  // Maps: key, value, value nullability and sortedness.
  EXPECT_TRUE(map(string_type(), int64())->equals(*map(string_type(), int64())));
  EXPECT_FALSE(map(string_type(), int64())->equals(*map(string_type(), int32())));
  EXPECT_FALSE(map(string_type(), int64())->equals(*map(binary(), int64())));
  EXPECT_FALSE(map(field("key", string_type()), field("value", int64()), true)
                   ->equals(*map(field("key", string_type()), field("value", int64()), false)));
  EXPECT_FALSE(map(field("key", string_type()), field("value", int64(), false))
                   ->equals(*map(field("key", string_type()), field("value", int64(), true))));
  // Nested versus flat.
  EXPECT_FALSE(list(int32())->equals(*struct_({field("element", int32())})));
}

// ---- Spark names

TEST(DataTypeTest, SparkNamesOfPrimitives) {
  EXPECT_EQ(null_type()->to_string(), "void");
  EXPECT_EQ(boolean()->to_string(), "boolean");
  EXPECT_EQ(int8()->to_string(), "tinyint");
  EXPECT_EQ(int16()->to_string(), "smallint");
  EXPECT_EQ(int32()->to_string(), "int");
  EXPECT_EQ(int64()->to_string(), "bigint");
  EXPECT_EQ(uint8()->to_string(), "tinyint unsigned");
  EXPECT_EQ(uint16()->to_string(), "smallint unsigned");
  EXPECT_EQ(uint32()->to_string(), "int unsigned");
  EXPECT_EQ(uint64()->to_string(), "bigint unsigned");
  EXPECT_EQ(float32()->to_string(), "float");
  EXPECT_EQ(float64()->to_string(), "double");
  EXPECT_EQ(string_type()->to_string(), "string");
  EXPECT_EQ(binary()->to_string(), "binary");
  EXPECT_EQ(date32()->to_string(), "date");
  EXPECT_EQ(interval()->to_string(), "interval");
}

TEST(DataTypeTest, SparkNamesOfParameterisedTypes) {
  EXPECT_EQ(decimal128(12, 2)->to_string(), "decimal(12,2)");
  EXPECT_EQ(decimal128(38, 0)->to_string(), "decimal(38,0)");
  EXPECT_EQ(fixed_size_binary(16)->to_string(), "binary(16)");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC")->to_string(), "timestamp");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "Europe/Paris")->to_string(), "timestamp");
  EXPECT_EQ(timestamp(TimeUnit::kMicro)->to_string(), "timestamp_ntz");
  EXPECT_EQ(timestamp(TimeUnit::kNano, "UTC")->to_string(), "timestamp(9)");
  EXPECT_EQ(timestamp(TimeUnit::kNano)->to_string(), "timestamp_ntz(9)");
  EXPECT_EQ(time64(TimeUnit::kMicro)->to_string(), "time");
  EXPECT_EQ(time64(TimeUnit::kNano)->to_string(), "time(9)");
  EXPECT_EQ(time64(TimeUnit::kMicro, true)->to_string(), "time with time zone");
  EXPECT_EQ(time64(TimeUnit::kNano, true)->to_string(), "time(9) with time zone");
}

TEST(DataTypeTest, SparkNamesOfNestedTypes) {
  EXPECT_EQ(list(int32())->to_string(), "array<int>");
  EXPECT_EQ(list(list(string_type()))->to_string(), "array<array<string>>");
  EXPECT_EQ(struct_({field("a", int32()), field("b", string_type())})->to_string(),
            "struct<a:int,b:string>");
  EXPECT_EQ(struct_({})->to_string(), "struct<>");
  EXPECT_EQ(map(string_type(), int32())->to_string(), "map<string,int>");
  EXPECT_EQ(map(string_type(), list(decimal128(5, 1)))->to_string(), "map<string,array<decimal(5,1)>>");
  EXPECT_EQ(list(struct_({field("k", string_type()), field("v", map(int64(), boolean()))}))->to_string(),
            "array<struct<k:string,v:map<bigint,boolean>>>");
}

TEST(DataTypeTest, ExtensionsAreShownAfterTheStorageType) {
  EXPECT_EQ(fixed_size_binary(16)->with_extension("uuid")->to_string(), "binary(16) (uuid)");
  EXPECT_EQ(string_type()->with_extension("json")->to_string(), "string (json)");
  EXPECT_EQ(list(string_type()->with_extension("json"))->to_string(), "array<string (json)>");
}

TEST(DataTypeTest, TypeIdNames) {
  EXPECT_EQ(type_id_name(TypeId::kNull), "null");
  EXPECT_EQ(type_id_name(TypeId::kInt64), "int64");
  EXPECT_EQ(type_id_name(TypeId::kUInt8), "uint8");
  EXPECT_EQ(type_id_name(TypeId::kDecimal128), "decimal128");
  EXPECT_EQ(type_id_name(TypeId::kFixedSizeBinary), "fixed_size_binary");
  EXPECT_EQ(type_id_name(TypeId::kTimestamp), "timestamp");
  EXPECT_EQ(type_id_name(TypeId::kMap), "map");
}

// ---- predicates

TEST(DataTypeTest, Predicates) {
  for (const auto& t : {int8(), int16(), int32(), int64()}) {
    EXPECT_TRUE(t->is_integer());
    EXPECT_TRUE(t->is_signed_integer());
    EXPECT_FALSE(t->is_unsigned_integer());
    EXPECT_TRUE(t->is_numeric());
    EXPECT_TRUE(t->is_fixed_width());
  }
  for (const auto& t : {uint8(), uint16(), uint32(), uint64()}) {
    EXPECT_TRUE(t->is_integer());
    EXPECT_FALSE(t->is_signed_integer());
    EXPECT_TRUE(t->is_unsigned_integer());
  }
  EXPECT_TRUE(float32()->is_floating());
  EXPECT_TRUE(float64()->is_numeric());
  EXPECT_FALSE(float64()->is_integer());
  EXPECT_TRUE(decimal128(5, 1)->is_numeric());
  EXPECT_FALSE(decimal128(5, 1)->is_integer());
  EXPECT_FALSE(date32()->is_numeric());
  EXPECT_FALSE(boolean()->is_numeric());
  EXPECT_TRUE(binary()->is_binary_like());
  EXPECT_TRUE(string_type()->is_binary_like());
  EXPECT_FALSE(fixed_size_binary(3)->is_binary_like());
  EXPECT_TRUE(fixed_size_binary(3)->is_fixed_width());
  EXPECT_TRUE(interval()->is_fixed_width());
  EXPECT_TRUE(timestamp(TimeUnit::kMicro)->is_fixed_width());
  EXPECT_FALSE(boolean()->is_fixed_width());
  EXPECT_FALSE(string_type()->is_fixed_width());
  EXPECT_FALSE(null_type()->is_fixed_width());
  EXPECT_TRUE(struct_({field("a", int32())})->is_nested());
  EXPECT_TRUE(list(int32())->is_nested());
  EXPECT_TRUE(map(int32(), int32())->is_nested());
  EXPECT_FALSE(struct_({field("a", int32())})->is_fixed_width());
  EXPECT_FALSE(string_type()->is_nested());
}

// ---- fields

TEST(FieldTest, AccessorsAndCopies) {
  auto f = field("amount", decimal128(12, 2), false, {{"comment", "in EUR"}});
  EXPECT_EQ(f->name(), "amount");
  EXPECT_FALSE(f->nullable());
  EXPECT_EQ(f->metadata_value("comment"), "in EUR");
  EXPECT_EQ(f->metadata_value("missing"), std::nullopt);
  EXPECT_EQ(f->to_string(), "amount: decimal(12,2) not null");
  EXPECT_EQ(field("x", int32())->to_string(), "x: int");

  auto renamed = f->with_name("total");
  EXPECT_EQ(renamed->name(), "total");
  EXPECT_FALSE(renamed->nullable());
  EXPECT_EQ(renamed->metadata_value("comment"), "in EUR");
  EXPECT_EQ(f->name(), "amount");  // the original is unchanged

  auto retyped = f->with_type(int64());
  EXPECT_TRUE(retyped->type()->equals(*int64()));
  EXPECT_EQ(retyped->name(), "amount");

  auto nullable = f->with_nullable(true);
  EXPECT_TRUE(nullable->nullable());
  EXPECT_EQ(nullable->metadata().size(), 1u);
}

TEST(FieldTest, EqualityAndMetadata) {
  auto a = field("a", int32(), true, {{"k", "1"}});
  auto b = field("a", int32(), true, {{"k", "2"}});
  EXPECT_TRUE(a->equals(*b));
  EXPECT_FALSE(a->equals(*b, /*check_metadata=*/true));
  EXPECT_TRUE(a->equals(*field("a", int32(), true, {{"k", "1"}}), true));
  EXPECT_FALSE(a->equals(*field("b", int32())));
  EXPECT_FALSE(a->equals(*field("a", int64())));
  EXPECT_FALSE(a->equals(*field("a", int32(), false)));
}

// ---- field lookup

TEST(DataTypeTest, StructFieldIndexExactThenCaseInsensitive) {
  auto s = struct_({field("Region", string_type()), field("region", int32()), field("Amount", int64()),
                    field("AMOUNT", int64())});
  EXPECT_EQ(s->field_index("region"), 1);
  EXPECT_EQ(s->field_index("Region"), 0);
  EXPECT_EQ(s->field_index("AMOUNT"), 3);
  EXPECT_EQ(s->field_index("Amount"), 2);
  EXPECT_EQ(s->field_index("amount"), 2);  // the first case-insensitive match
  EXPECT_EQ(s->field_index("REGION"), 0);
  EXPECT_EQ(s->field_index("missing"), -1);
  EXPECT_EQ(s->field_index(""), -1);
  EXPECT_EQ(s->field_index("regio"), -1);
  EXPECT_EQ(int32()->field_index("a"), -1);
}

TEST(SchemaTest, FieldIndexExactThenCaseInsensitive) {
  auto s = schema({field("Region", string_type()), field("region", int32()), field("amount", int64())});
  EXPECT_EQ(s->num_fields(), 3);
  EXPECT_EQ(s->field_index("region"), 1);
  EXPECT_EQ(s->field_index("Region"), 0);
  EXPECT_EQ(s->field_index("AMOUNT"), 2);
  EXPECT_EQ(s->field_index("rEgIoN"), 0);
  EXPECT_EQ(s->field_index("missing"), -1);
  // Only ASCII letters fold: 'É' and 'é' stay distinct.
  auto u = schema({field("\xC3\x89t\xC3\xA9", int32())});
  EXPECT_EQ(u->field_index("\xC3\xA9t\xC3\xA9"), -1);
  EXPECT_EQ(u->field_index("\xC3\x89T\xC3\xA9"), 0);
}

TEST(SchemaTest, EqualityAndText) {
  auto a = schema({field("id", int64(), false), field("name", string_type())}, {{"origin", "csv"}});
  auto b = schema({field("id", int64(), false), field("name", string_type())});
  EXPECT_TRUE(a->equals(*b));
  EXPECT_FALSE(a->equals(*b, /*check_metadata=*/true));
  EXPECT_FALSE(a->equals(*schema({field("id", int64(), false)})));
  EXPECT_FALSE(a->equals(*schema({field("id", int64()), field("name", string_type())})));
  EXPECT_EQ(a->to_string(), "id: bigint not null\nname: string\n");
  EXPECT_EQ(a->metadata().size(), 1u);
  EXPECT_EQ(schema({})->to_string(), "");
}

}  // namespace
}  // namespace braid
