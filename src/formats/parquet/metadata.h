// Parquet file metadata as C++ values: the structures of parquet.thrift that braid reads and
// writes (FileMetaData, SchemaElement, RowGroup, ColumnChunk, ColumnMetaData, Statistics,
// PageHeader and its variants, ColumnIndex, OffsetIndex), with compact-protocol decoders that
// validate required fields and skip unknown ones, and encoders for the writer.
//
// Enum-valued fields keep the raw number (a future encoding or codec is a value we can name in an
// error, not a decode failure). Encryption is detected, not decoded: braid refuses such files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/result.h"

namespace braid::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

enum class TimeUnitKind : uint8_t { kMillis, kMicros, kNanos };

// The LogicalType union (SchemaElement field 10).
struct LogicalType {
  enum class Kind : uint8_t {
    kNone,  // absent
    kString,
    kMap,
    kList,
    kEnum,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInteger,
    kUnknown,  // NullType: always null
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kVariant,
    kGeometry,
    kGeography,
    kOther,  // a member added after this code was written: read as the physical type
  };
  Kind kind = Kind::kNone;
  int32_t scale = 0;      // decimal
  int32_t precision = 0;  // decimal
  bool adjusted_to_utc = false;            // time, timestamp
  TimeUnitKind unit = TimeUnitKind::kMicros;  // time, timestamp
  int8_t bit_width = 0;   // integer
  bool is_signed = true;  // integer
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // absent for groups
  int32_t type_length = 0;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  LogicalType logical_type;
  bool is_group() const { return num_children.has_value() && !type.has_value(); }
};

struct Statistics {
  std::optional<std::string> max;  // deprecated: signed byte order
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;
};

using KeyValueList = std::vector<std::pair<std::string, std::string>>;

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  KeyValueList key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  bool encrypted = false;  // crypto_metadata or encrypted_column_metadata present
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::vector<SortingColumn> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  KeyValueList key_value_metadata;
  std::optional<std::string> created_by;
  // One per leaf column when present: true = TYPE_DEFINED_ORDER (min_value/max_value usable).
  std::vector<bool> column_orders;
  bool encrypted = false;  // encryption_algorithm present (plaintext-footer encryption)
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
  std::optional<Statistics> statistics;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;
  int64_t first_row_index = 0;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
};

enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::vector<int64_t> null_counts;
};

// Decoders: bytes come from an untrusted file; errors are kCorruption naming the structure.
Status decode_file_metadata(std::string_view bytes, FileMetaData* out);
// Decodes a page header at the start of `bytes`; returns the header's size in bytes.
Result<size_t> decode_page_header(std::string_view bytes, PageHeader* out);
Status decode_offset_index(std::string_view bytes, OffsetIndex* out);
Status decode_column_index(std::string_view bytes, ColumnIndex* out);

// Encoders for the writer.
std::string encode_file_metadata(const FileMetaData& metadata);
std::string encode_page_header(const PageHeader& header);
std::string encode_offset_index(const OffsetIndex& index);
std::string encode_column_index(const ColumnIndex& index);

// Names for messages and `braid meta`: "INT64", "SNAPPY", "RLE_DICTIONARY", "DATA_PAGE_V2"...
std::string physical_type_name(PhysicalType type);
std::string converted_type_name(ConvertedType type);
std::string encoding_name(Encoding encoding);
std::string codec_name(Codec codec);
std::string page_type_name(PageType type);
std::string logical_type_name(const LogicalType& type);  // "TIMESTAMP(MICROS,true)"...

}  // namespace braid::parquet
