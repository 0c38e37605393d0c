// What reading Parquet costs in memory: the buffers of a column chunk of many pages grow to about
// their final size at once (doubling through every size left half-empty buffers and the outgrown
// ones as holes in the allocator's heap: 40 MB more RSS for a 1M-row, 20-file scan), what the
// reader holds besides its output (the column chunk as stored, decompressed pages, dictionaries,
// level buffers) is counted on the reader's MemoryTracker while held, and the writer gives a
// mostly-distinct column no dictionary page at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "support/status_matchers.h"

namespace braid::parquet {
namespace {

// Strings of 40 to 60 bytes, distinct, in an order that a doubling buffer would not fit well.
std::string text_value(int64_t i) {
  return "value-" + std::to_string(i * 7919 % 1000003) + std::string(static_cast<size_t>(34 + i % 21), 'x');
}

class ParquetReaderMemoryTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  void write(const RecordBatchPtr& batch, const ParquetWriteOptions& options) {
    ASSERT_OK(write_parquet(fs_, "t.parquet", batch->schema(), {batch}, options).status());
  }

  // Column chunk `leaf` of row group 0, read as the reader reads it (spaced or dense), with
  // the chunk's bytes as stored.
  LeafChunk read_leaf(int leaf, bool spaced, MemoryTracker* tracker) {
    auto file = ParquetFile::open(fs_, "t.parquet");
    EXPECT_OK(file.status());
    const ColumnMetaData& md = *(*file)->metadata().row_groups[0].columns[static_cast<size_t>(leaf)].meta_data;
    auto bytes = fs_->read_file("t.parquet");
    EXPECT_OK(bytes.status());
    int64_t start = md.data_page_offset;
    if (md.dictionary_page_offset) start = std::min(start, *md.dictionary_page_offset);
    LeafChunk out;
    EXPECT_OK(read_column_chunk(*(*file)->file_schema().leaves()[static_cast<size_t>(leaf)], md,
                                std::string_view(*bytes).substr(static_cast<size_t>(start),
                                                                static_cast<size_t>(md.total_compressed_size)),
                                spaced, true, tracker, &out));
    return out;
  }
};

// Buffers that grew page by page to about their final size: at most an eighth more than what
// they hold (doubling leaves up to half of a buffer empty).
void expect_tight(const BufferPtr& buffer, const std::string& what) {
  ASSERT_NE(buffer, nullptr) << what;
  EXPECT_LE(buffer->capacity(), buffer->size() + buffer->size() / 8 + 64)
      << what << ": " << buffer->size() << " bytes in a buffer of " << buffer->capacity();
}

TEST_F(ParquetReaderMemoryTest, BuffersOfAChunkOfManyPagesGrowToAboutTheirSize) {
  constexpr int64_t kRows = 150000;
  BinaryBuilder text(string_type());
  Decimal128Builder amounts(decimal128(38, 2));
  Int64Builder ids(int64());
  auto lists = make_builder(list(string_type()));
  auto* lb = static_cast<ListBuilder*>(lists.get());
  for (int64_t i = 0; i < kRows; ++i) {
    text.append(text_value(i));
    amounts.append(static_cast<Int128>(i) * 1000003);
    if (i % 10 == 3) {
      ids.append_null();
    } else {
      ids.append(i * 31);
    }
    lb->append();
    for (int64_t k = 0; k < i % 3; ++k) static_cast<BinaryBuilder*>(lb->values())->append(text_value(i + k));
  }
  auto s = schema({field("text", string_type()), field("amount", decimal128(38, 2)), field("id", int64()),
                   field("texts", list(string_type()))});
  auto batch = std::make_shared<const RecordBatch>(
      s, kRows, std::vector<ColumnPtr>{*text.finish(), *amounts.finish(), *ids.finish(), *lists->finish()});
  ParquetWriteOptions o;
  o.page_bytes = 32 << 10;  // hundreds of pages per chunk
  o.dictionary = false;
  write(batch, o);
  ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs_, "t.parquet"));
  ASSERT_EQ(batches.size(), 1u);
  const RecordBatch& read = *batches[0];
  for (int64_t r = 0; r < kRows; r += 997) {
    for (int c = 0; c < 4; ++c) {
      ASSERT_EQ(value_text(*read.column(c), r, TextFlavor::kJson), value_text(*batch->column(c), r, TextFlavor::kJson));
    }
  }
  expect_tight(read.column(0)->buffer(1), "string offsets");
  expect_tight(read.column(0)->buffer(2), "string data");
  expect_tight(read.column(1)->buffer(1), "decimal values");
  expect_tight(read.column(2)->buffer(1), "int64 values");
  // A nested leaf is read dense (values only, record assembly places them): its buffers too.
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  LeafChunk dense = read_leaf(3, false, nullptr);
  ASSERT_NE(dense.values, nullptr);
  EXPECT_EQ(dense.values->length(), read.column(3)->child(0)->length());
  expect_tight(dense.values->buffer(1), "dense string offsets");
  expect_tight(dense.values->buffer(2), "dense string data");
}

// Bytes of every buffer of a column and its children, by capacity (what the tracker counts).
int64_t column_capacity(const Column& c) {
  int64_t n = 0;
  for (const auto& b : c.buffers()) n += b == nullptr ? 0 : b->capacity();
  for (const auto& child : c.children()) n += column_capacity(*child);
  return n;
}

TEST_F(ParquetReaderMemoryTest, TrackerCountsTheChunkAsStoredAndTheDictionaryWhileHeld) {
  // 60000 distinct strings of about 50 bytes, each twice in a row: the dictionary (3 MB) stays, and the
  // file is uncompressed, so the chunk as stored is as large as its pages.
  constexpr int64_t kRows = 120000;
  BinaryBuilder text(string_type());
  int64_t dictionary_bytes = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    text.append(text_value(i / 2));
    if (i % 2 == 0) dictionary_bytes += static_cast<int64_t>(text_value(i / 2).size());
  }
  auto s = schema({field("text", string_type())});
  auto batch = std::make_shared<const RecordBatch>(s, kRows, std::vector<ColumnPtr>{*text.finish()});
  ParquetWriteOptions o;
  o.codec = Codec::kUncompressed;
  o.dictionary_page_bytes = 64 << 20;
  write(batch, o);
  ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
  const ColumnMetaData& md = *file->metadata().row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(md.dictionary_page_offset.has_value());

  MemoryTracker tracker("read");
  {
    ASSERT_OK_AND_ASSIGN(auto read, file->read_row_group(0, {0}, &tracker));
    const int64_t output = column_capacity(*read->column(0));
    // The output, the chunk as stored and the decoded dictionary were all held at once.
    EXPECT_GE(tracker.peak(), output + md.total_compressed_size + dictionary_bytes)
        << "output " << output << ", chunk " << md.total_compressed_size << ", dictionary " << dictionary_bytes;
    // Once read, only the output stays counted.
    EXPECT_EQ(tracker.current(), output);
  }
  EXPECT_EQ(tracker.current(), 0);

  // Nested leaves keep their levels until record assembly: counted too, and released.
  auto lists = make_builder(list(int64()));
  auto* lb = static_cast<ListBuilder*>(lists.get());
  for (int64_t r = 0; r < 200000; ++r) {
    lb->append();
    for (int64_t k = 0; k < r % 3; ++k) static_cast<Int64Builder*>(lb->values())->append(r + k);
  }
  auto ls = schema({field("l", list(int64()))});
  auto list_batch = std::make_shared<const RecordBatch>(ls, 200000, std::vector<ColumnPtr>{*lists->finish()});
  write(list_batch, ParquetWriteOptions{});
  ASSERT_OK_AND_ASSIGN(auto list_file, ParquetFile::open(fs_, "t.parquet"));
  const int64_t levels = list_file->metadata().row_groups[0].columns[0].meta_data->num_values;
  MemoryTracker list_tracker("read");
  {
    ASSERT_OK_AND_ASSIGN(auto read, list_file->read_row_group(0, {0}, &list_tracker));
    const int64_t output = column_capacity(*read->column(0));
    // Definition and repetition levels, two bytes each, besides the output.
    EXPECT_GE(list_tracker.peak(), output + 4 * levels);
    EXPECT_EQ(list_tracker.current(), output);
  }
  EXPECT_EQ(list_tracker.current(), 0);
}

TEST_F(ParquetReaderMemoryTest, MostlyDistinctColumnHasNoDictionaryPage) {
  constexpr int64_t kRows = 50000;
  BinaryBuilder text(string_type());
  Int64Builder ids(int64());
  Int64Builder codes(int64());
  for (int64_t i = 0; i < kRows; ++i) {
    text.append(text_value(i));
    ids.append(i * 7919 % 1000003);
    codes.append(i % 100);
  }
  auto s = schema({field("text", string_type()), field("id", int64()), field("code", int64())});
  auto batch = std::make_shared<const RecordBatch>(s, kRows,
                                                   std::vector<ColumnPtr>{*text.finish(), *ids.finish(), *codes.finish()});
  for (int64_t page_bytes : {int64_t{1} << 20, int64_t{64} << 10, int64_t{8} << 10}) {
    ParquetWriteOptions o;
    o.page_bytes = page_bytes;
    write(batch, o);
    ASSERT_OK_AND_ASSIGN(auto file, ParquetFile::open(fs_, "t.parquet"));
    for (int c = 0; c < 2; ++c) {
      // Distinct values: every page PLAIN, and no dictionary page holding the first page's values.
      const ColumnMetaData& md = *file->metadata().row_groups[0].columns[static_cast<size_t>(c)].meta_data;
      EXPECT_FALSE(md.dictionary_page_offset.has_value()) << "column " << c << ", pages of " << page_bytes;
      EXPECT_THAT(md.encodings, ::testing::Not(::testing::Contains(Encoding::kRleDictionary))) << "column " << c;
    }
    // A hundred distinct values: one small dictionary for the whole chunk.
    const ColumnMetaData& codes_md = *file->metadata().row_groups[0].columns[2].meta_data;
    EXPECT_TRUE(codes_md.dictionary_page_offset.has_value());
    EXPECT_THAT(codes_md.encodings, ::testing::Contains(Encoding::kRleDictionary));
    ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs_, "t.parquet"));
    ASSERT_EQ(batches.size(), 1u);
    for (int64_t r = 0; r < kRows; r += 101) {
      for (int c = 0; c < 3; ++c) {
        ASSERT_EQ(value_text(*batches[0]->column(c), r, TextFlavor::kJson),
                  value_text(*batch->column(c), r, TextFlavor::kJson));
      }
    }
  }
}

}  // namespace
}  // namespace braid::parquet
