// Page CRCs (parquet.thrift PageHeader.crc): the writer stores the CRC-32 of every page as
// written after its header; the reader verifies it by default and names file, row group, column
// and page on a mismatch; verification can be turned off. Also the parquet-testing checksum
// files when ../shared is present.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/file_system.h"
#include "common/memory_file_system.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "support/status_matchers.h"
#include "unit/formats/parquet_file_builder.h"

namespace braid::parquet {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

using ::braid::parquet::testing::reference_crc32;

TEST(ReferenceCrcTest, KnownValue) { EXPECT_EQ(reference_crc32("123456789"), 0xCBF43926u); }

struct PageSpan {
  PageHeader header;
  size_t body_at = 0;  // file offset of the bytes after the header
  size_t body_size = 0;
};

// The pages of one column chunk, walked header by header.
std::vector<PageSpan> pages_of(const std::string& file, const ColumnMetaData& md) {
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0) start = std::min(start, *md.dictionary_page_offset);
  size_t pos = static_cast<size_t>(start);
  const size_t end = pos + static_cast<size_t>(md.total_compressed_size);
  std::vector<PageSpan> out;
  while (pos < end) {
    PageSpan p;
    auto size = decode_page_header(std::string_view(file).substr(pos), &p.header);
    EXPECT_TRUE(size.ok()) << size.status().to_string();
    if (!size.ok()) break;
    p.body_at = pos + *size;
    p.body_size = static_cast<size_t>(p.header.compressed_page_size);
    pos = p.body_at + p.body_size;
    out.push_back(p);
  }
  return out;
}

class ChecksumTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  // id: int64 unique (PLAIN, no dictionary when disabled), s: few distinct strings (dictionary),
  // l: list<int64> (a nested leaf, dotted path "l.list.element").
  RecordBatchPtr batch(int64_t rows) {
    Int64Builder id(int64());
    BinaryBuilder s(string_type());
    auto l = make_builder(list(int64()));
    auto* lb = static_cast<ListBuilder*>(l.get());
    for (int64_t r = 0; r < rows; ++r) {
      id.append(r * 1000003);
      s.append("v" + std::to_string(r % 5));
      lb->append();
      for (int64_t k = 0; k < r % 3; ++k) static_cast<Int64Builder*>(lb->values())->append(r + k);
    }
    auto sch = schema({field("id", int64()), field("s", string_type()), field("l", list(int64()))});
    return std::make_shared<const RecordBatch>(sch, rows, std::vector<ColumnPtr>{*id.finish(), *s.finish(), *l->finish()});
  }

  std::string write(ParquetWriteOptions o) {
    auto b = batch(5000);
    EXPECT_OK(write_parquet(fs_, "t.parquet", b->schema(), {b}, o).status());
    return *fs_->read_file("t.parquet");
  }

  // The file's metadata (decoded from the bytes, so it also works for a corrupted copy).
  static FileMetaData footer(const std::string& file) {
    uint32_t len;
    std::memcpy(&len, file.data() + file.size() - 8, 4);
    FileMetaData md;
    EXPECT_OK(decode_file_metadata(std::string_view(file).substr(file.size() - 8 - len, len), &md));
    return md;
  }

  // Flips the middle byte of page `page` of column `column` (row group 0).
  static std::string flip(std::string file, int column, size_t page) {
    auto pages = pages_of(file, *footer(file).row_groups[0].columns[static_cast<size_t>(column)].meta_data);
    EXPECT_LT(page, pages.size());
    const PageSpan& p = pages[page];
    size_t at = p.body_at + p.body_size / 2;
    file[at] = static_cast<char>(file[at] ^ 0x10);
    return file;
  }

  Result<std::vector<RecordBatchPtr>> read(const std::string& bytes, bool verify = true) {
    BRAID_RETURN_IF_ERROR(fs_->write_file("bad.parquet", bytes));
    ParquetReadOptions o;
    o.verify_checksums = verify;
    return read_parquet(fs_, "bad.parquet", o);
  }
};

TEST_F(ChecksumTest, WriterStoresTheCrcOfEveryPageAsWritten) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    SCOPED_TRACE(codec_name(codec));
    ParquetWriteOptions o;
    o.codec = codec;
    o.page_bytes = 2048;
    o.row_group_rows = 3000;
    std::string file = write(o);
    int dictionary_pages = 0, data_pages = 0;
    for (const auto& rg : footer(file).row_groups) {
      for (const auto& chunk : rg.columns) {
        for (const PageSpan& p : pages_of(file, *chunk.meta_data)) {
          ASSERT_TRUE(p.header.crc.has_value());
          EXPECT_EQ(static_cast<uint32_t>(*p.header.crc),
                    reference_crc32(std::string_view(file).substr(p.body_at, p.body_size)));
          (p.header.type == PageType::kDictionaryPage ? dictionary_pages : data_pages)++;
        }
      }
    }
    EXPECT_GT(dictionary_pages, 0);
    EXPECT_GT(data_pages, 12);
  }
}

TEST_F(ChecksumTest, AFlippedDataPageByteIsANamedError) {
  ParquetWriteOptions o;
  o.codec = Codec::kUncompressed;
  o.dictionary = false;
  o.page_bytes = 4096;
  const std::string good = write(o);
  const std::string bad = flip(good, 0, 3);
  EXPECT_THAT(read(bad), StatusIs(StatusCode::kCorruption,
                                  HasSubstr("bad.parquet: row group 0: column 'id': page 3: checksum mismatch (stored 0x")));
  EXPECT_THAT(read(bad).status().to_string(), MatchesRegex(".*\\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\)"));
  // Verification off: the page decodes as stored, wrong value and all.
  ASSERT_OK_AND_ASSIGN(auto garbage, read(bad, false));
  ASSERT_OK_AND_ASSIGN(auto original, read(good));
  int64_t differing = 0;
  for (size_t b = 0; b < original.size(); ++b) {
    for (int64_t r = 0; r < original[b]->num_rows(); ++r) {
      differing += value_text(*original[b]->column(0), r, TextFlavor::kJson) !=
                   value_text(*garbage[b]->column(0), r, TextFlavor::kJson);
    }
  }
  EXPECT_EQ(differing, 1);
}

TEST_F(ChecksumTest, AFlippedCompressedPageByteFailsOnTheChecksumBeforeDecompression) {
  ParquetWriteOptions o;
  o.codec = Codec::kSnappy;
  o.page_bytes = 4096;
  const std::string bad = flip(write(o), 2, 1);  // a data page of the list's leaf
  EXPECT_THAT(read(bad), StatusIs(StatusCode::kCorruption,
                                  HasSubstr("bad.parquet: row group 0: column 'l.list.element': page 1: checksum mismatch")));
  // Off: whatever snappy and the decoders make of it, a Status or rows, never a crash.
  auto r = read(bad, false);
  if (!r.ok()) {
    EXPECT_THAT(r.status().to_string(), ::testing::Not(HasSubstr("checksum")));
  }
}

TEST_F(ChecksumTest, AFlippedDictionaryPageByteIsANamedError) {
  ParquetWriteOptions o;
  o.codec = Codec::kUncompressed;
  std::string good = write(o);
  auto pages = pages_of(good, *footer(good).row_groups[0].columns[1].meta_data);
  ASSERT_EQ(pages[0].header.type, PageType::kDictionaryPage);
  // The last byte of the dictionary: a character of its last string, so that unverified the
  // file still reads (with one string changed).
  std::string bad = good;
  bad[pages[0].body_at + pages[0].body_size - 1] ^= 0x01;
  EXPECT_THAT(read(bad), StatusIs(StatusCode::kCorruption,
                                  HasSubstr("bad.parquet: row group 0: column 's': page 0: checksum mismatch")));
  ASSERT_OK_AND_ASSIGN(auto garbage, read(bad, false));
  EXPECT_EQ(value_text(*garbage[0]->column(1), 4, TextFlavor::kJson), "\"v5\"");  // was "v4"
}

// Pages without a CRC (most writers leave it out) read as before.
TEST_F(ChecksumTest, PagesWithoutACrcAreNotChecked) {
  using namespace ::braid::parquet::testing;
  LeafPages l;
  l.num_values = 3;
  l.plain = plain_i32({1, 2, 3});
  std::string file = build_parquet({group("schema", 1, std::nullopt), leaf("x", PhysicalType::kInt32, Repetition::kRequired)},
                                   3, {l});
  ASSERT_OK_AND_ASSIGN(auto batches, read(file));
  EXPECT_EQ(value_text(*batches[0]->column(0), 2, TextFlavor::kJson), "3");
  // With a CRC, a v2 page's checksum covers its uncompressed levels and its compressed values.
  l.max_def = 1;
  l.def = {1, 0, 1};
  l.plain = plain_i32({1, 3});
  BuildOptions o;
  o.v2 = true;
  o.codec = Codec::kGzip;
  o.with_crc = true;
  file = build_parquet({group("schema", 1, std::nullopt), leaf("x", PhysicalType::kInt32, Repetition::kOptional)}, 3, {l}, o);
  ASSERT_OK_AND_ASSIGN(batches, read(file));
  EXPECT_EQ(value_text(*batches[0]->column(0), 1, TextFlavor::kJson), "null");
  auto pages = pages_of(file, *footer(file).row_groups[0].columns[0].meta_data);
  ASSERT_EQ(pages.size(), 1u);
  file[pages[0].body_at + pages[0].body_size - 1] ^= 0x01;  // the gzip trailer, past the levels
  EXPECT_THAT(read(file), StatusIs(StatusCode::kCorruption, HasSubstr("column 'x': page 0: checksum mismatch")));
}

// parquet-testing's checksum files: valid CRCs verify (v1 pages, dictionary pages, snappy and
// uncompressed), corrupt ones fail by default and read unverified.
TEST(ChecksumFixturesTest, ParquetTestingChecksumFiles) {
  const std::filesystem::path dir = std::filesystem::path(BRAID_SOURCE_DIR) / "../shared/fixtures/parquet/testing";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent (../shared is not checked out)";
  auto fs = local_file_system();
  for (const char* name : {"datapage_v1-uncompressed-checksum.parquet", "datapage_v1-snappy-compressed-checksum.parquet",
                           "plain-dict-uncompressed-checksum.parquet", "rle-dict-snappy-checksum.parquet"}) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs, (dir / name).string()));
    EXPECT_FALSE(batches.empty());
  }
  for (const char* name : {"datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet"}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(read_parquet(fs, (dir / name).string()),
                StatusIs(StatusCode::kCorruption, ::testing::AllOf(HasSubstr(name), HasSubstr(": row group 0: column '"),
                                                                   HasSubstr("checksum mismatch (stored 0x"))));
    ParquetReadOptions off;
    off.verify_checksums = false;
    ASSERT_OK_AND_ASSIGN(auto batches, read_parquet(fs, (dir / name).string(), off));
    int64_t rows = 0;
    for (const auto& b : batches) rows += b->num_rows();
    EXPECT_GT(rows, 0);
  }
}

}  // namespace
}  // namespace braid::parquet
