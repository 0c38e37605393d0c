// Reading Parquet files: the footer, the schema, and row groups as RecordBatches.
//
//   ParquetFile  an opened file: validated metadata and the braid schema. read_row_group()
//                decodes the chosen top-level columns of one row group, its column chunks in
//                parallel on the shared worker pool.
//   ParquetReader  streams a file as batches (one per row group, in order), decoding a window
//                of row groups ahead in parallel; supports column projection and row-group
//                pruning by a predicate on statistics (see row_group_filter.h).
//
// Every error names the file and, where it applies, the row group, column and page:
//   "data/x.parquet: row group 2: column 'amount': page 3: unexpected end of data".
// Page checksums: a page whose header carries a CRC (parquet.thrift PageHeader.crc) is verified
// before it is decoded, by default, unlike parquet-mr and Arrow: braid never returns silently
// wrong data. A mismatch is kCorruption naming the file, row group, column and page:
//   "data/x.parquet: row group 0: column 'a.b': page 3: checksum mismatch (stored 0x..., computed
//   0x...)". ParquetReadOptions::verify_checksums (SQL: read_parquet(..., verify_checksums =
// false)) turns it off, e.g. to salvage what a damaged file still holds.
// Encrypted files (Parquet modular encryption) are refused with an error that says so.
// Memory: the tracker passed in counts the batches' buffers and, while a row group is decoded,
// what the reader holds besides them (each column chunk as stored, decompressed pages,
// dictionaries, the levels of nested columns until their records are assembled).
// Thread-safety: a ParquetFile is immutable and may be read from many threads; a ParquetReader
// is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"
#include "formats/parquet/column_predicate.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema_mapping.h"

namespace braid::parquet {

class ParquetFile {
 public:
  static Result<std::shared_ptr<ParquetFile>> open(std::shared_ptr<FileSystem> fs,
                                                   const std::string& path);

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_->size(); }
  const FileMetaData& metadata() const { return metadata_; }
  const FileSchema& file_schema() const { return *schema_; }
  const SchemaPtr& schema() const { return schema_->schema(); }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  // The sum of the row groups' row counts (FileMetaData.num_rows can be wrong).
  int64_t num_rows() const { return num_rows_; }

  // Decodes the given top-level columns (indices into schema()) of a row group.
  // Page CRCs are verified unless `verify_checksums` is false (see the top of this file).
  Result<RecordBatchPtr> read_row_group(int row_group, const std::vector<int>& columns,
                                        MemoryTracker* tracker = nullptr,
                                        bool verify_checksums = true) const;
  // Several row groups at once: all their column chunks are decoded as one set of parallel
  // tasks. Returns one batch per row group, in the order given.
  Result<std::vector<RecordBatchPtr>> read_row_groups(const std::vector<int>& row_groups,
                                                      const std::vector<int>& columns,
                                                      MemoryTracker* tracker = nullptr,
                                                      bool parallel = true,
                                                      bool verify_checksums = true) const;

 private:
  ParquetFile() = default;
  Status validate();
  // Reads one leaf's column chunk of a row group.
  Status read_leaf(int row_group, int leaf, bool spaced, bool verify_checksums,
                   MemoryTracker* tracker, struct LeafChunk* out) const;

  std::string path_;
  std::unique_ptr<RandomAccessFile> file_;
  FileMetaData metadata_;
  std::unique_ptr<FileSchema> schema_;
  int64_t num_rows_ = 0;
  uint64_t data_end_ = 0;  // where the footer starts
};

struct ParquetReadOptions {
  // Top-level columns to read, by name (empty: all), in the order given.
  std::vector<std::string> columns;
  // Row groups to read (empty: all).
  std::vector<int> row_groups;
  // Row groups whose statistics rule out these predicates (ANDed) are skipped.
  std::vector<ColumnPredicate> predicates;
  // Decode on the shared worker pool.
  bool parallel = true;
  MemoryTracker* tracker = nullptr;
  // Verify the CRC of every page whose header carries one, and fail on a mismatch (kCorruption
  // naming file, row group, column and page). On by default; false reads damaged pages as
  // stored (they may decode to wrong values or fail later). SQL: read_parquet(path,
  // verify_checksums = false).
  bool verify_checksums = true;
};

class ParquetReader {
 public:
  static Result<std::unique_ptr<ParquetReader>> open(std::shared_ptr<FileSystem> fs,
                                                     const std::string& path,
                                                     ParquetReadOptions options = {});
  static Result<std::unique_ptr<ParquetReader>> open(std::shared_ptr<const ParquetFile> file,
                                                     ParquetReadOptions options = {});

  const SchemaPtr& schema() const { return schema_; }
  const ParquetFile& file() const { return *file_; }
  // The next row group's rows, or nullptr after the last.
  Result<RecordBatchPtr> next();

 private:
  std::shared_ptr<const ParquetFile> file_;
  ParquetReadOptions options_;
  std::vector<int> columns_;
  std::vector<int> row_groups_;
  SchemaPtr schema_;
  size_t next_row_group_ = 0;
  std::vector<RecordBatchPtr> window_;  // decoded ahead
  size_t window_pos_ = 0;
};

// Reads a whole file (tests, small files).
Result<std::vector<RecordBatchPtr>> read_parquet(std::shared_ptr<FileSystem> fs,
                                                 const std::string& path,
                                                 const ParquetReadOptions& options = {});

}  // namespace braid::parquet
