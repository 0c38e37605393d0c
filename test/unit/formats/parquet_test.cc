// Parquet: the thrift codec, RLE/bit-packing, and writer -> reader round trips of every type,
// nested and null, through the in-memory file system.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/rle_bit_packed.h"
#include "formats/parquet/row_group_filter.h"
#include "formats/parquet/statistics.h"
#include "formats/parquet/thrift_compact.h"
#include "support/status_matchers.h"

namespace braid::parquet {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

// ---- thrift

TEST(ThriftTest, FieldIdsDeltasLongFormAndSkipping) {
  thrift::CompactWriter w;
  w.begin_struct();
  w.field_i32(1, -5);
  w.field_binary(2, "hello");
  w.field_i64(40, int64_t{1} << 40);  // delta > 15: long form
  w.field_bool(41, true);
  w.field_list_begin(42, thrift::Type::kI32, 20);
  for (int i = 0; i < 20; ++i) w.element_i32(i);
  w.field_struct_begin(43);
  w.field_double(1, 2.5);
  w.end_struct();
  w.end_struct();
  std::string bytes = w.take();

  thrift::CompactReader r(bytes);
  ASSERT_OK(r.begin_struct());
  ASSERT_OK_AND_ASSIGN(auto f1, r.read_field());
  EXPECT_EQ(f1.id, 1);
  ASSERT_OK_AND_ASSIGN(int32_t v1, r.read_i32());
  EXPECT_EQ(v1, -5);
  ASSERT_OK_AND_ASSIGN(auto f2, r.read_field());
  ASSERT_OK(r.skip(f2.type));  // unknown fields are skipped by type
  ASSERT_OK_AND_ASSIGN(auto f40, r.read_field());
  EXPECT_EQ(f40.id, 40);
  ASSERT_OK_AND_ASSIGN(int64_t v40, r.read_i64());
  EXPECT_EQ(v40, int64_t{1} << 40);
  ASSERT_OK_AND_ASSIGN(auto f41, r.read_field());
  EXPECT_TRUE(thrift::CompactReader::field_bool(f41));
  ASSERT_OK_AND_ASSIGN(auto f42, r.read_field());
  ASSERT_OK(r.skip(f42.type));
  ASSERT_OK_AND_ASSIGN(auto f43, r.read_field());
  ASSERT_OK(r.skip(f43.type));
  ASSERT_OK_AND_ASSIGN(auto stop, r.read_field());
  EXPECT_TRUE(stop.is_stop());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftTest, MalformedInputIsCorruptionNeverACrash) {
  // A binary claiming more bytes than remain.
  std::string lying = "\x18\xff\x01" "abc";
  thrift::CompactReader r(lying);
  ASSERT_OK(r.begin_struct());
  ASSERT_OK_AND_ASSIGN(auto f, r.read_field());
  EXPECT_EQ(f.type, thrift::Type::kBinary);
  EXPECT_THAT(r.read_binary(), StatusIs(StatusCode::kCorruption, HasSubstr("only 3 remain")));
  // A list claiming a billion elements.
  std::string big_list = "\x19\xf5\x80\x80\x80\x80\x04";
  thrift::CompactReader r2(big_list);
  ASSERT_OK(r2.begin_struct());
  ASSERT_OK_AND_ASSIGN(auto f2, r2.read_field());
  EXPECT_THAT(r2.skip(f2.type), StatusIs(StatusCode::kCorruption, HasSubstr("elements")));
  // Deep nesting.
  std::string deep(200, '\x1c');
  thrift::CompactReader r3(deep);
  EXPECT_THAT(r3.skip(thrift::Type::kStruct), StatusIs(StatusCode::kCorruption, HasSubstr("deeper than")));
  // Varint too long.
  std::string varint(12, '\xff');
  thrift::CompactReader r4(varint);
  EXPECT_THAT(r4.read_i64(), StatusIs(StatusCode::kCorruption, HasSubstr("varint")));
}

TEST(ThriftTest, FileMetadataRoundTripAndRequiredFields) {
  FileMetaData m;
  m.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement leaf;
  leaf.name = "ts";
  leaf.type = PhysicalType::kInt64;
  leaf.repetition = Repetition::kOptional;
  leaf.logical_type.kind = LogicalType::Kind::kTimestamp;
  leaf.logical_type.unit = TimeUnitKind::kNanos;
  leaf.logical_type.adjusted_to_utc = true;
  m.schema = {root, leaf};
  m.num_rows = 7;
  m.created_by = "test";
  m.key_value_metadata = {{"k", "v"}};
  std::string bytes = encode_file_metadata(m);
  FileMetaData back;
  ASSERT_OK(decode_file_metadata(bytes, &back));
  EXPECT_EQ(back.num_rows, 7);
  ASSERT_EQ(back.schema.size(), 2u);
  EXPECT_EQ(back.schema[1].logical_type.kind, LogicalType::Kind::kTimestamp);
  EXPECT_EQ(back.schema[1].logical_type.unit, TimeUnitKind::kNanos);
  EXPECT_TRUE(back.schema[1].logical_type.adjusted_to_utc);
  EXPECT_EQ(back.key_value_metadata[0].second, "v");
  // An empty struct lacks schema, num_rows and row_groups.
  FileMetaData empty;
  EXPECT_THAT(decode_file_metadata(std::string_view("\x00", 1), &empty),
              StatusIs(StatusCode::kCorruption, HasSubstr("missing its required field 'schema'")));
}

// ---- RLE / bit-packed hybrid

RC_GTEST_PROP(RleProperty, EncoderDecoderRoundTrip, ()) {
  const int width = *rc::gen::inRange(0, 33);
  const uint64_t max = width == 0 ? 0 : (width == 32 ? 0xffffffffull : (uint64_t{1} << width) - 1);
  // Runs of repeated values mixed with literals, the shapes the hybrid encoding distinguishes.
  const auto runs = *rc::gen::container<std::vector<std::pair<uint32_t, int>>>(
      rc::gen::pair(rc::gen::inRange<uint32_t>(0, static_cast<uint32_t>(std::min<uint64_t>(max, 0xfffffffeull)) + 1),
                    rc::gen::inRange(1, 40)));
  std::vector<uint32_t> values;
  for (auto [v, n] : runs) values.insert(values.end(), static_cast<size_t>(n), v);
  RleBitPackedEncoder enc(width);
  for (uint32_t v : values) enc.put(v);
  std::string bytes;
  enc.flush_to(&bytes);
  RleBitPackedDecoder dec(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), width);
  std::vector<uint32_t> out(values.size());
  // Decode in uneven batches to cross run boundaries.
  int64_t done = 0;
  while (done < static_cast<int64_t>(values.size())) {
    int64_t n = std::min<int64_t>(static_cast<int64_t>(values.size()) - done, *rc::gen::inRange<int64_t>(1, 50));
    RC_ASSERT(dec.get_batch(out.data() + done, n) == n);
    done += n;
  }
  RC_ASSERT(out == values);
  RC_ASSERT(!dec.error());
}

TEST(RleTest, TruncatedAndOversizedRunsAreDetected) {
  // An RLE run whose value is wider than the bit width.
  std::string bad = "\x04\xff";  // run of 2, value 255, bit width 1
  RleBitPackedDecoder d(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), 1);
  uint32_t out[2];
  EXPECT_EQ(d.get_batch(out, 2), 0);
  EXPECT_TRUE(d.error());
  // Data that ends early yields fewer values, never a read past the end.
  std::string short_run = "\x03";  // a bit-packed run with no bytes behind it
  RleBitPackedDecoder e(reinterpret_cast<const uint8_t*>(short_run.data()), short_run.size(), 3);
  EXPECT_EQ(e.get_batch(out, 2), 0);
}

// ---- writer -> reader round trips

class ParquetRoundTripTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  // Writes `batch`, reads it back, and compares every value's jsonl text.
  void round_trip(const RecordBatchPtr& batch, ParquetWriteOptions options = {}) {
    ASSERT_OK(write_parquet(fs_, "t.parquet", batch->schema(), {batch}, options).status());
    ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
    ASSERT_TRUE(file->schema()->equals(*batch->schema())) << file->schema()->to_string() << "\nvs\n"
                                                         << batch->schema()->to_string();
    ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs_, "t.parquet"));
    int64_t row = 0;
    for (const auto& b : batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r, ++row) {
        for (int c = 0; c < b->num_columns(); ++c) {
          EXPECT_EQ(value_text(*b->column(c), r, TextFlavor::kJson),
                    value_text(*batch->column(c), row, TextFlavor::kJson))
              << "row " << row << " column " << batch->schema()->field(c)->name();
        }
      }
    }
    EXPECT_EQ(row, batch->num_rows());
  }
};

RecordBatchPtr every_type_batch(int64_t rows) {
  std::vector<FieldPtr> fields = {
      field("b", boolean()), field("i8", int8()), field("i16", int16()), field("i32", int32(), false),
      field("i64", int64()), field("u8", uint8()), field("u16", uint16()), field("u32", uint32()),
      field("u64", uint64()), field("f32", float32()), field("f64", float64()),
      field("d9", decimal128(9, 2)), field("d18", decimal128(18, 4)), field("d38", decimal128(38, 10)),
      field("s", string_type()), field("bin", binary()), field("uuid", fixed_size_binary(16)->with_extension("uuid")),
      field("dt", date32()), field("ts", timestamp(TimeUnit::kMicro, "UTC")), field("ntz", timestamp(TimeUnit::kMicro)),
      field("ns", timestamp(TimeUnit::kNano, "UTC")), field("t", time64(TimeUnit::kMicro)),
      field("iv", interval()), field("j", string_type()->with_extension("json"))};
  auto s = schema(fields);
  std::vector<std::unique_ptr<ColumnBuilder>> b;
  for (const auto& f : fields) b.push_back(make_builder(f->type()));
  for (int64_t r = 0; r < rows; ++r) {
    const bool null = r % 7 == 3;
    auto maybe = [&](ColumnBuilder* builder, auto append) {
      if (null) {
        builder->append_null();
      } else {
        append();
      }
    };
    const int64_t v = r * 7919 % 1000 - 500;
    maybe(b[0].get(), [&] { static_cast<BooleanBuilder*>(b[0].get())->append(r % 3 == 0); });
    maybe(b[1].get(), [&] { static_cast<Int8Builder*>(b[1].get())->append(static_cast<int8_t>(v % 128)); });
    maybe(b[2].get(), [&] { static_cast<Int16Builder*>(b[2].get())->append(static_cast<int16_t>(v * 30)); });
    static_cast<Int32Builder*>(b[3].get())->append(static_cast<int32_t>(r == 0 ? INT32_MIN : v * 1000));
    maybe(b[4].get(), [&] { static_cast<Int64Builder*>(b[4].get())->append(r == 1 ? INT64_MAX : v << 40); });
    maybe(b[5].get(), [&] { static_cast<UInt8Builder*>(b[5].get())->append(static_cast<uint8_t>(r % 256)); });
    maybe(b[6].get(), [&] { static_cast<UInt16Builder*>(b[6].get())->append(static_cast<uint16_t>(65535 - r)); });
    maybe(b[7].get(), [&] { static_cast<UInt32Builder*>(b[7].get())->append(r == 2 ? UINT32_MAX : static_cast<uint32_t>(r)); });
    maybe(b[8].get(), [&] { static_cast<UInt64Builder*>(b[8].get())->append(r == 2 ? UINT64_MAX : static_cast<uint64_t>(r)); });
    maybe(b[9].get(), [&] { static_cast<Float32Builder*>(b[9].get())->append(r == 4 ? NAN : static_cast<float>(v) / 3); });
    maybe(b[10].get(), [&] { static_cast<Float64Builder*>(b[10].get())->append(r == 5 ? -INFINITY : static_cast<double>(v) / 7); });
    maybe(b[11].get(), [&] { static_cast<Decimal128Builder*>(b[11].get())->append(Int128{v} * 1234567); });
    maybe(b[12].get(), [&] { static_cast<Decimal128Builder*>(b[12].get())->append(Int128{v} * 123456789012345); });
    maybe(b[13].get(), [&] { static_cast<Decimal128Builder*>(b[13].get())->append(Int128{v} * Int128{1000000000000000000} * 1000); });
    maybe(b[14].get(), [&] { static_cast<BinaryBuilder*>(b[14].get())->append(r % 5 == 0 ? std::string() : "s" + std::to_string(v)); });
    maybe(b[15].get(), [&] { static_cast<BinaryBuilder*>(b[15].get())->append(std::string(static_cast<size_t>(r % 4), '\0') + "\xff"); });
    maybe(b[16].get(), [&] {
      std::string u(16, static_cast<char>(r));
      static_cast<FixedSizeBinaryBuilder*>(b[16].get())->append(u);
    });
    maybe(b[17].get(), [&] { static_cast<Int32Builder*>(b[17].get())->append(static_cast<int32_t>(v * 50)); });
    maybe(b[18].get(), [&] { static_cast<Int64Builder*>(b[18].get())->append(v * 86'400'000'001); });
    maybe(b[19].get(), [&] { static_cast<Int64Builder*>(b[19].get())->append(-v * 3'600'000'000); });
    maybe(b[20].get(), [&] { static_cast<Int64Builder*>(b[20].get())->append(v * 1'000'000'007); });
    maybe(b[21].get(), [&] { static_cast<Int64Builder*>(b[21].get())->append((r * 1'000'003) % 86'400'000'000); });
    maybe(b[22].get(), [&] { static_cast<IntervalBuilder*>(b[22].get())->append(MonthDayNanos{static_cast<int32_t>(r), 2, 3'000'000}); });
    maybe(b[23].get(), [&] { static_cast<BinaryBuilder*>(b[23].get())->append("{\"r\":" + std::to_string(r) + "}"); });
  }
  std::vector<ColumnPtr> cols;
  for (auto& builder : b) cols.push_back(*builder->finish());
  return std::make_shared<const RecordBatch>(s, rows, std::move(cols));
}

TEST_F(ParquetRoundTripTest, EveryTypeWithNullsAndEdges) { round_trip(every_type_batch(1000)); }

TEST_F(ParquetRoundTripTest, EveryCodecAndTinyPagesAndRowGroups) {
  auto batch = every_type_batch(3000);
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw, Codec::kBrotli}) {
    ParquetWriteOptions o;
    o.codec = codec;
    o.page_bytes = 512;
    o.row_group_rows = 700;
    round_trip(batch, o);
    ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
    EXPECT_EQ(file->num_row_groups(), 5) << codec_name(codec);
  }
}

TEST_F(ParquetRoundTripTest, DictionaryFallbackMidChunk) {
  Int64Builder ids(int64());
  BinaryBuilder names(string_type());
  for (int i = 0; i < 20000; ++i) {
    ids.append(i % 10);  // stays dictionary
    // Each value twice (a mostly-distinct column gets no dictionary at all): outgrows a 4 KiB
    // dictionary within the first page.
    names.append("value number " + std::to_string(i / 2));
  }
  auto s = schema({field("id", int64()), field("name", string_type())});
  auto batch = std::make_shared<const RecordBatch>(s, 20000, std::vector<ColumnPtr>{*ids.finish(), *names.finish()});
  ParquetWriteOptions o;
  o.dictionary_page_bytes = 4096;
  o.page_bytes = 8192;
  round_trip(batch, o);
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  const auto& md = *file->metadata().row_groups[0].columns[1].meta_data;
  EXPECT_THAT(md.encodings, ::testing::Contains(Encoding::kRleDictionary));
  EXPECT_THAT(md.encodings, ::testing::Contains(Encoding::kPlain));
}

TEST_F(ParquetRoundTripTest, NestedListsStructsMapsWithNullsAndEmpties) {
  auto type = struct_({field("l", list(field("element", list(int64())))),
                       field("m", map(string_type(), struct_({field("x", int32()), field("y", list(string_type()))}))),
                       field("s", struct_({field("a", boolean(), false)}), true)});
  auto b = make_builder(type);
  auto* sb = static_cast<StructBuilder*>(b.get());
  auto* l = static_cast<ListBuilder*>(sb->field_builder(0));
  auto* inner = static_cast<ListBuilder*>(l->values());
  auto* m = static_cast<ListBuilder*>(sb->field_builder(1));
  auto* mv = static_cast<StructBuilder*>(m->map_items());
  auto* s2 = static_cast<StructBuilder*>(sb->field_builder(2));
  for (int r = 0; r < 500; ++r) {
    if (r % 11 == 0) {
      sb->append_null();
      continue;
    }
    sb->append();
    // l: null, [], [[1,2],null,[]], ...
    if (r % 5 == 0) {
      l->append_null();
    } else {
      l->append();
      for (int e = 0; e < r % 4; ++e) {
        if (e == 1) {
          inner->append_null();
          continue;
        }
        inner->append();
        for (int k = 0; k < e; ++k) {
          (k == 1) ? inner->values()->append_null() : static_cast<Int64Builder*>(inner->values())->append(r * 100 + k);
        }
      }
    }
    // m: {"k0": {x, y:[...]}, ...}
    if (r % 6 == 0) {
      m->append_null();
    } else {
      m->append();
      for (int e = 0; e < r % 3; ++e) {
        static_cast<StructBuilder*>(m->values())->append();
        static_cast<BinaryBuilder*>(m->map_keys())->append("k" + std::to_string(e));
        if (e == 1) {
          mv->append_null();
        } else {
          mv->append();
          static_cast<Int32Builder*>(mv->field_builder(0))->append(r);
          auto* y = static_cast<ListBuilder*>(mv->field_builder(1));
          y->append();
          static_cast<BinaryBuilder*>(y->values())->append("v" + std::to_string(r));
        }
      }
    }
    if (r % 4 == 0) {
      s2->append_null();
    } else {
      s2->append();
      static_cast<BooleanBuilder*>(s2->field_builder(0))->append(r % 2 == 0);
    }
  }
  ASSERT_OK_AND_ASSIGN(auto col, b->finish());
  auto batch = std::make_shared<const RecordBatch>(schema({field("n", type)}), col->length(), std::vector<ColumnPtr>{col});
  ParquetWriteOptions o;
  o.page_bytes = 256;
  o.row_group_rows = 128;
  round_trip(batch, o);
}

// page_bytes bounds the pages of one large batch too (pages used to end only between batches,
// so a batch of any size became one page), and no record of a nested column spans two pages.
TEST_F(ParquetRoundTripTest, PageSizeHoldsWithinOneBatch) {
  Int64Builder ids(int64());
  auto lists = make_builder(list(int64()));
  auto* lb = static_cast<ListBuilder*>(lists.get());
  for (int64_t r = 0; r < 100000; ++r) {
    ids.append(r * 1000003);
    lb->append();
    for (int64_t k = 0; k < r % 4; ++k) static_cast<Int64Builder*>(lb->values())->append(r * 7 + k);
  }
  auto s = schema({field("id", int64()), field("l", list(int64()))});
  auto batch = std::make_shared<const RecordBatch>(s, 100000, std::vector<ColumnPtr>{*ids.finish(), *lists->finish()});
  ParquetWriteOptions o;
  o.page_bytes = 16 << 10;
  o.dictionary = false;
  o.codec = Codec::kUncompressed;
  round_trip(batch, o);
  ASSERT_OK_AND_ASSIGN(std::string bytes, fs_->read_file("t.parquet"));
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  for (int c = 0; c < 2; ++c) {
    const ColumnMetaData& md = *file->metadata().row_groups[0].columns[static_cast<size_t>(c)].meta_data;
    size_t pos = static_cast<size_t>(md.data_page_offset);
    int pages = 0;
    while (pos < static_cast<size_t>(md.data_page_offset + md.total_compressed_size)) {
      PageHeader h;
      ASSERT_OK_AND_ASSIGN(size_t header, decode_page_header(std::string_view(bytes).substr(pos), &h));
      // At most one step (page_bytes / 8 levels of 8-byte values, their levels) past the page
      // size.
      EXPECT_LE(h.uncompressed_page_size, 2 * (16 << 10) + 4096);
      pos += header + static_cast<size_t>(h.compressed_page_size);
      ++pages;
    }
    EXPECT_GT(pages, 20) << "column " << c;
  }
}

TEST_F(ParquetRoundTripTest, SlicedInputAndZeroRows) {
  auto batch = every_type_batch(100)->slice(33, 40);
  round_trip(batch);
  ASSERT_OK_AND_ASSIGN(auto empty, RecordBatch::make_empty(batch->schema()));
  round_trip(empty);
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  EXPECT_EQ(file->num_rows(), 0);
}

TEST_F(ParquetRoundTripTest, StatisticsUseEachTypesOrder) {
  BinaryBuilder s(string_type());
  for (const char* v : {"b", "\xC3\xA9", "a", "Z"}) s.append(v);  // é sorts after ASCII as bytes
  UInt32Builder u(uint32());
  for (uint32_t v : {1u, 4000000000u, 7u, 0u}) u.append(v);
  Float64Builder f(float64());
  for (double v : {std::nan(""), 0.0, -2.5, 1.0}) f.append(v);
  Decimal128Builder d(decimal128(30, 2));
  for (int64_t v : {-5, 3, -700, 12}) d.append(Int128{v});
  auto sch = schema({field("s", string_type()), field("u", uint32()), field("f", float64()), field("d", decimal128(30, 2))});
  auto batch = std::make_shared<const RecordBatch>(sch, 4, std::vector<ColumnPtr>{*s.finish(), *u.finish(), *f.finish(), *d.finish()});
  ASSERT_OK(write_parquet(fs_, "t.parquet", sch, {batch}).status());
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  auto stat = [&](int c) {
    auto st = column_statistics(*file->file_schema().leaves()[static_cast<size_t>(c)],
                                *file->metadata().row_groups[0].columns[static_cast<size_t>(c)].meta_data);
    return value_text(*st.min, 0, TextFlavor::kPlain) + ".." + value_text(*st.max, 0, TextFlavor::kPlain);
  };
  EXPECT_EQ(stat(0), "Z..\xC3\xA9");
  EXPECT_EQ(stat(1), "0..4000000000");
  EXPECT_EQ(stat(2), "-2.5..1");
  EXPECT_EQ(stat(3), "-7.00..0.12");
}

TEST_F(ParquetRoundTripTest, ProjectionAndRowGroupSelection) {
  auto batch = every_type_batch(1000);
  ParquetWriteOptions o;
  o.row_group_rows = 250;
  ASSERT_OK(write_parquet(fs_, "t.parquet", batch->schema(), {batch}, o).status());
  ParquetReadOptions r;
  r.columns = {"s", "i32"};
  r.row_groups = {2};
  ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs_, "t.parquet", r));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->schema()->field(0)->name(), "s");
  EXPECT_EQ(batches[0]->num_rows(), 250);
  EXPECT_EQ(value_text(*batches[0]->column(1), 0, TextFlavor::kJson),
            value_text(*batch->column(3), 500, TextFlavor::kJson));
  r.columns = {"nope"};
  EXPECT_THAT(read_parquet(fs_, "t.parquet", r), StatusIs(StatusCode::kNotFound, HasSubstr("no column 'nope'")));
}

TEST_F(ParquetRoundTripTest, NonNullableColumnWithNullsIsRejected) {
  Int32Builder b(int32());
  b.append_null();
  auto s = schema({field("x", int32(), false)});
  auto batch = std::make_shared<const RecordBatch>(s, 1, std::vector<ColumnPtr>{*b.finish()});
  EXPECT_THAT(write_parquet(fs_, "t.parquet", s, {batch}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not nullable but holds 1 nulls")));
}

// Corrupting any single byte of a valid file must never crash the reader: it either still
// reads (the byte was in a value) or fails with a Status.
TEST_F(ParquetRoundTripTest, EveryByteFlipFailsCleanly) {
  auto batch = every_type_batch(40);
  ParquetWriteOptions o;
  o.codec = Codec::kSnappy;
  ASSERT_OK(write_parquet(fs_, "t.parquet", batch->schema(), {batch}, o).status());
  ASSERT_OK_AND_ASSIGN(std::string good, fs_->read_file("t.parquet"));
  int failures = 0;
  for (size_t i = 0; i < good.size(); i += 3) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    ASSERT_OK(fs_->write_file("bad.parquet", bad));
    auto r = read_parquet(fs_, "bad.parquet");
    if (!r.ok()) ++failures;
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace braid::parquet

namespace braid::parquet {
namespace {

ColumnPtr literal(const TypePtr& type, int64_t v) {
  auto b = make_builder(type);
  if (type->id() == TypeId::kInt64) static_cast<Int64Builder*>(b.get())->append(v);
  if (type->id() == TypeId::kString) static_cast<BinaryBuilder*>(b.get())->append("k" + std::to_string(v));
  return *b->finish();
}

TEST(RowGroupFilterTest, PrunesByMinMaxAndNulls) {
  auto fs = std::make_shared<MemoryFileSystem>();
  // 10 row groups of 100 rows: id 0..999 ascending; key "k<id/100>"; n null in group 3 only.
  Int64Builder id(int64()), n(int64());
  BinaryBuilder key(string_type());
  for (int64_t i = 0; i < 1000; ++i) {
    id.append(i);
    key.append("k" + std::to_string(i / 100));
    (i / 100 == 3) ? n.append_null() : n.append(i % 7);
  }
  auto s = schema({field("id", int64()), field("key", string_type()), field("n", int64())});
  auto batch = std::make_shared<const RecordBatch>(s, 1000, std::vector<ColumnPtr>{*id.finish(), *key.finish(), *n.finish()});
  ParquetWriteOptions w;
  w.row_group_rows = 100;
  ASSERT_OK(write_parquet(fs, "t.parquet", s, {batch}, w).status());
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs, "t.parquet"));
  using Op = ColumnPredicate::Op;
  auto groups = [&](std::vector<ColumnPredicate> preds) { return prune_row_groups(*file, preds); };
  EXPECT_EQ(groups({{"id", Op::kEq, {literal(int64(), 250)}}}), (std::vector<int>{2}));
  EXPECT_EQ(groups({{"id", Op::kLt, {literal(int64(), 200)}}}), (std::vector<int>{0, 1}));
  EXPECT_EQ(groups({{"id", Op::kLe, {literal(int64(), 200)}}}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(groups({{"id", Op::kGt, {literal(int64(), 899)}}}), (std::vector<int>{9}));
  EXPECT_EQ(groups({{"id", Op::kGe, {literal(int64(), 899)}}}), (std::vector<int>{8, 9}));
  EXPECT_EQ(groups({{"id", Op::kIn, {literal(int64(), 5), literal(int64(), 777), literal(int64(), 5000)}}}), (std::vector<int>{0, 7}));
  EXPECT_EQ(groups({{"key", Op::kEq, {literal(string_type(), 4)}}}), (std::vector<int>{4}));
  EXPECT_EQ(groups({{"n", Op::kIsNull, {}}}), (std::vector<int>{3}));
  EXPECT_EQ(groups({{"n", Op::kIsNotNull, {}}}).size(), 9u);
  // AND of predicates; a predicate on a missing column or with another type keeps everything.
  EXPECT_EQ(groups({{"id", Op::kGe, {literal(int64(), 300)}}, {"n", Op::kEq, {literal(int64(), 1)}}}),
            (std::vector<int>{4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(groups({{"id", Op::kEq, {literal(string_type(), 1)}}}).size(), 10u);
  EXPECT_EQ(groups({{"nope", Op::kEq, {literal(int64(), 1)}}}).size(), 10u);
  // The reader applies the pruning.
  ParquetReadOptions r;
  r.predicates = {{"id", Op::kEq, {literal(int64(), 555)}}};
  ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs, "t.parquet", r));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->column(0)->value<int64_t>(0), 500);
}

}  // namespace
}  // namespace braid::parquet
