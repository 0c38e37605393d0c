// ParquetWriter: writes RecordBatches to a Parquet file.
//
// Rows are buffered per row group (ending at `row_group_rows` rows or about `row_group_bytes`
// of encoded data, whichever comes first); within a row group every leaf column is encoded by its
// own ColumnChunkWriter, leaves in parallel on the shared worker pool. Nested columns are shredded
// into repetition/definition levels (the inverse of record_assembly.h). close() writes the last
// row group and the footer, with TYPE_DEFINED_ORDER statistics for every column.
//
// A file that was not closed is incomplete (no footer): Delta writers give data files unique
// names and only reference them after close() succeeded.
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"
#include "formats/parquet/column_writer.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/write_schema.h"

namespace braid::parquet {

struct ParquetWriteOptions {
  Codec codec = Codec::kZstd;
  int compression_level = 0;  // the codec's default (zstd: 3)
  int64_t row_group_rows = 1 << 20;
  int64_t row_group_bytes = int64_t{128} << 20;
  int64_t page_bytes = 1 << 20;
  bool dictionary = true;
  int64_t dictionary_page_bytes = 1 << 20;
  bool statistics = true;
  KeyValueMetadata metadata;
  // Encode columns on the shared worker pool.
  bool parallel = true;
};

// "zstd", "snappy", "gzip", "lz4" (LZ4_RAW), "brotli", "none"/"uncompressed".
Result<Codec> parse_codec(std::string_view name);

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> open(std::shared_ptr<FileSystem> fs,
                                                     const std::string& path, SchemaPtr schema,
                                                     ParquetWriteOptions options = {});
  // Writes to a stream the caller owns (it must outlive the writer).
  static Result<std::unique_ptr<ParquetWriter>> open(OutputStream& out, SchemaPtr schema,
                                                     ParquetWriteOptions options = {});
  ~ParquetWriter();

  // The batch must have the writer's schema (same names and types).
  Status write(const RecordBatch& batch);
  Status close();

  const SchemaPtr& schema() const { return schema_; }
  // Valid after close().
  const FileMetaData& metadata() const { return metadata_; }
  int64_t rows_written() const { return rows_written_; }
  int64_t bytes_written() const { return offset_; }

 private:
  ParquetWriter() = default;
  Status init(SchemaPtr schema, ParquetWriteOptions options);
  Status write_slice(const RecordBatch& batch);
  Status flush_row_group();
  Status put(std::string_view bytes);

  std::unique_ptr<WritableFile> file_;  // when opened by path
  OutputStream* out_ = nullptr;
  SchemaPtr schema_;
  ParquetWriteOptions options_;
  std::unique_ptr<WriteSchema> write_schema_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> writers_;
  FileMetaData metadata_;
  int64_t offset_ = 0;
  int64_t group_rows_ = 0;
  int64_t rows_written_ = 0;
  bool closed_ = false;
};

// Writes batches to a new file; returns its metadata.
Result<FileMetaData> write_parquet(std::shared_ptr<FileSystem> fs, const std::string& path,
                                   SchemaPtr schema, const std::vector<RecordBatchPtr>& batches,
                                   const ParquetWriteOptions& options = {});

}  // namespace braid::parquet
