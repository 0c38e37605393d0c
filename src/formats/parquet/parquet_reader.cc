#include "formats/parquet/parquet_reader.h"

#include <algorithm>
#include <cstring>
#include <deque>

#include "common/worker_pool.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/held_memory.h"
#include "formats/parquet/record_assembly.h"
#include "formats/parquet/row_group_filter.h"

namespace braid::parquet {

namespace {

constexpr size_t kFooterTail = 8;  // 4-byte metadata length + "PAR1"
constexpr uint64_t kChunkSlack = 4096;

// Where a column chunk starts: its dictionary page when there is one (some writers set
// dictionary_page_offset to 0 for "absent", others omit it while writing a dictionary first).
int64_t chunk_start(const ColumnMetaData& md) {
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 && *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  return start;
}

}  // namespace

Result<std::shared_ptr<ParquetFile>> ParquetFile::open(std::shared_ptr<FileSystem> fs,
                                                       const std::string& path) {
  auto file = std::shared_ptr<ParquetFile>(new ParquetFile());
  file->path_ = path;
  BRAID_ASSIGN_OR_RETURN(file->file_, fs->open_read(path));
  Status s = file->validate();
  if (!s.ok()) return std::move(s).with_context(path);
  return file;
}

Status ParquetFile::validate() {
  const uint64_t size = file_->size();
  if (size < 12) return Status::corruption("not a Parquet file: only {} bytes", size);
  BRAID_ASSIGN_OR_RETURN(std::string tail, file_->read_range(size - kFooterTail, kFooterTail));
  if (tail.compare(4, 4, "PARE") == 0) {
    return Status::not_implemented(
        "the file is encrypted (Parquet modular encryption with an encrypted footer); braid "
        "cannot read encrypted Parquet files");
  }
  if (tail.compare(4, 4, "PAR1") != 0) {
    return Status::corruption("not a Parquet file: the last 4 bytes are not the magic 'PAR1'");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data(), 4);
  if (static_cast<uint64_t>(footer_len) + kFooterTail + 4 > size) {
    return Status::corruption("the footer claims {} bytes but the file has {}", footer_len, size);
  }
  BRAID_ASSIGN_OR_RETURN(std::string head, file_->read_range(0, 4));
  if (head != "PAR1") {
    return Status::corruption("not a Parquet file: the first 4 bytes are not the magic 'PAR1'");
  }
  BRAID_ASSIGN_OR_RETURN(std::string footer,
                         file_->read_range(size - kFooterTail - footer_len, footer_len));
  BRAID_RETURN_IF_ERROR(decode_file_metadata(footer, &metadata_));
  if (metadata_.encrypted) {
    return Status::not_implemented(
        "the file is encrypted (Parquet modular encryption, plaintext footer); braid cannot read "
        "encrypted Parquet files");
  }
  BRAID_ASSIGN_OR_RETURN(schema_, FileSchema::build(metadata_));
  const size_t leaves = schema_->leaves().size();
  const uint64_t data_end = size - kFooterTail - footer_len;
  data_end_ = data_end;
  num_rows_ = 0;
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.num_rows < 0) return Status::corruption("row group {} has {} rows", g, rg.num_rows);
    if (rg.columns.size() != leaves) {
      return Status::corruption("row group {} has {} column chunks, the schema has {} columns", g,
                                rg.columns.size(), leaves);
    }
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      const std::string& name = schema_->leaf_path(static_cast<int>(c));
      if (chunk.encrypted) {
        return Status::not_implemented(
            "row group {}: column '{}' is encrypted (Parquet modular encryption); braid cannot "
            "read encrypted Parquet files", g, name);
      }
      if (chunk.file_path) {
        return Status::not_implemented("row group {}: column '{}' lives in another file ('{}')", g,
                                       name, *chunk.file_path);
      }
      if (!chunk.meta_data) {
        return Status::corruption("row group {}: column '{}' has no metadata", g, name);
      }
      const ColumnMetaData& md = *chunk.meta_data;
      if (md.num_values == 0) continue;  // nothing to read (zero-row files may say offset 0)
      int64_t start = chunk_start(md);
      if (start < 4 || md.total_compressed_size < 0 ||
          static_cast<uint64_t>(start) > data_end ||
          static_cast<uint64_t>(md.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
        return Status::corruption(
            "row group {}: column '{}': the chunk at offset {} with {} bytes lies outside the "
            "data ({} bytes)", g, name, start, md.total_compressed_size, data_end);
      }
    }
    num_rows_ += rg.num_rows;
  }
  return Status::OK();
}

Status ParquetFile::read_leaf(int row_group, int leaf, bool spaced, bool verify_checksums,
                              MemoryTracker* tracker, LeafChunk* out) const {
  const ColumnMetaData& md = *metadata_.row_groups[static_cast<size_t>(row_group)]
                                  .columns[static_cast<size_t>(leaf)].meta_data;
  // Not zero-filled: every byte is overwritten by the read. Counted while the chunk is decoded.
  std::unique_ptr<char[]> bytes;
  size_t size = 0;
  HeldMemory held(tracker);
  if (md.num_values > 0) {
    int64_t start = chunk_start(md);
    // Some writers leave the dictionary page header out of total_compressed_size (Trino's
    // nation.dict-malformed): read a little past the declared end, never past the data, and let
    // the page walk stop at the chunk's value count.
    const uint64_t slack = std::min<uint64_t>(kChunkSlack, data_end_ - static_cast<uint64_t>(start) -
                                                               static_cast<uint64_t>(md.total_compressed_size));
    size = static_cast<size_t>(md.total_compressed_size + static_cast<int64_t>(slack));
    held.set(static_cast<int64_t>(size));
    bytes.reset(new char[size]);
    BRAID_RETURN_IF_ERROR(file_->read_at(static_cast<uint64_t>(start), size, reinterpret_cast<uint8_t*>(bytes.get())));
  }
  return read_column_chunk(*schema_->leaves()[static_cast<size_t>(leaf)], md,
                           std::string_view(bytes.get(), size), spaced, verify_checksums, tracker, out);
}

Result<RecordBatchPtr> ParquetFile::read_row_group(int row_group, const std::vector<int>& columns,
                                                   MemoryTracker* tracker, bool verify_checksums) const {
  BRAID_ASSIGN_OR_RETURN(auto batches, read_row_groups({row_group}, columns, tracker, true, verify_checksums));
  return std::move(batches[0]);
}

Result<std::vector<RecordBatchPtr>> ParquetFile::read_row_groups(const std::vector<int>& row_groups,
                                                                 const std::vector<int>& columns,
                                                                 MemoryTracker* tracker,
                                                                 bool parallel,
                                                                 bool verify_checksums) const {
  for (int g : row_groups) {
    if (g < 0 || g >= num_row_groups()) {
      return Status::invalid_argument("{}: no row group {} (the file has {})", path_, g, num_row_groups());
    }
  }
  for (int c : columns) {
    if (c < 0 || c >= schema()->num_fields()) {
      return Status::invalid_argument("{}: no column {} (the file has {})", path_, c, schema()->num_fields());
    }
  }
  // Leaves to decode, and whether each is a flat top-level column (decoded straight into place).
  std::vector<int> leaves;
  std::vector<bool> spaced(schema_->leaves().size(), false);
  for (int c : columns) {
    const SchemaNode& f = *schema_->fields()[static_cast<size_t>(c)];
    for (int leaf : schema_->field_leaves()[static_cast<size_t>(c)]) {
      leaves.push_back(leaf);
      spaced[static_cast<size_t>(leaf)] = f.kind == SchemaNode::Kind::kLeaf;
    }
  }
  // Every (row group, leaf) chunk is one task: the pool balances them however uneven they are.
  const size_t num_leaves = schema_->leaves().size();
  std::vector<std::vector<LeafChunk>> chunks(row_groups.size(), std::vector<LeafChunk>(num_leaves));
  const size_t tasks = row_groups.size() * leaves.size();
  // The levels nested leaves keep for record assembly, counted until their row group is built.
  std::deque<HeldMemory> levels_held;
  for (size_t t = 0; t < tasks; ++t) levels_held.emplace_back(tracker);
  BRAID_RETURN_IF_ERROR(parallel_for(tasks, [&](size_t t) -> Status {
    size_t g = t / leaves.size();
    int leaf = leaves[t % leaves.size()];
    int row_group = row_groups[g];
    LeafChunk& chunk = chunks[g][static_cast<size_t>(leaf)];
    Status s = read_leaf(row_group, leaf, spaced[static_cast<size_t>(leaf)], verify_checksums, tracker, &chunk);
    if (!s.ok()) {
      return std::move(s).with_context(
          fmt::format("{}: row group {}: column '{}'", path_, row_group, schema_->leaf_path(leaf)));
    }
    levels_held[t].set(static_cast<int64_t>((chunk.def_levels.capacity() + chunk.rep_levels.capacity()) * sizeof(int16_t)));
    return Status::OK();
  }, parallel ? 0 : 1));
  std::vector<FieldPtr> fields;
  for (int c : columns) fields.push_back(schema()->field(c));
  SchemaPtr out_schema = braid::schema(std::move(fields), schema()->metadata());
  std::vector<RecordBatchPtr> out(row_groups.size());
  for (size_t g = 0; g < row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[static_cast<size_t>(row_groups[g])];
    std::vector<ColumnPtr> columns_out;
    for (int c : columns) {
      const SchemaNode& f = *schema_->fields()[static_cast<size_t>(c)];
      auto column = assemble_field(f, chunks[g], rg.num_rows, tracker);
      if (!column.ok()) {
        return std::move(column).status().with_context(
            fmt::format("{}: row group {}: column '{}'", path_, row_groups[g], f.name));
      }
      columns_out.push_back(std::move(column).value());
    }
    chunks[g].clear();  // release level buffers early
    for (size_t k = 0; k < leaves.size(); ++k) levels_held[g * leaves.size() + k].set(0);
    out[g] = std::make_shared<const RecordBatch>(out_schema, rg.num_rows, std::move(columns_out));
  }
  return out;
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::open(std::shared_ptr<FileSystem> fs,
                                                           const std::string& path,
                                                           ParquetReadOptions options) {
  BRAID_ASSIGN_OR_RETURN(auto file, ParquetFile::open(std::move(fs), path));
  return open(std::shared_ptr<const ParquetFile>(std::move(file)), std::move(options));
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::open(std::shared_ptr<const ParquetFile> file,
                                                           ParquetReadOptions options) {
  auto reader = std::unique_ptr<ParquetReader>(new ParquetReader());
  reader->file_ = std::move(file);
  const SchemaPtr& full = reader->file_->schema();
  std::vector<FieldPtr> fields;
  if (options.columns.empty()) {
    for (int i = 0; i < full->num_fields(); ++i) reader->columns_.push_back(i);
    fields = full->fields();
  } else {
    for (const auto& name : options.columns) {
      int i = full->field_index(name);
      if (i < 0) return Status::not_found("{}: no column '{}'", reader->file_->path(), name);
      reader->columns_.push_back(i);
      fields.push_back(full->field(i));
    }
  }
  reader->schema_ = braid::schema(std::move(fields), full->metadata());
  if (options.row_groups.empty()) {
    for (int g = 0; g < reader->file_->num_row_groups(); ++g) reader->row_groups_.push_back(g);
  } else {
    reader->row_groups_ = options.row_groups;
  }
  if (!options.predicates.empty()) {
    std::vector<int> possible = prune_row_groups(*reader->file_, options.predicates);
    std::vector<int> kept;
    for (int g : reader->row_groups_) {
      if (std::binary_search(possible.begin(), possible.end(), g)) kept.push_back(g);
    }
    reader->row_groups_ = std::move(kept);
  }
  reader->options_ = std::move(options);
  return reader;
}

Result<RecordBatchPtr> ParquetReader::next() {
  if (window_pos_ < window_.size()) return std::move(window_[window_pos_++]);
  if (next_row_group_ >= row_groups_.size()) return RecordBatchPtr(nullptr);
  // Decode the next few row groups at once, so that files with few columns or one row group
  // per file still keep every worker busy.
  const size_t width = options_.parallel
                           ? static_cast<size_t>(std::max(1, WorkerPool::shared().concurrency()))
                           : 1;
  const size_t count = std::min(width, row_groups_.size() - next_row_group_);
  std::vector<int> groups(row_groups_.begin() + static_cast<std::ptrdiff_t>(next_row_group_),
                          row_groups_.begin() + static_cast<std::ptrdiff_t>(next_row_group_ + count));
  BRAID_ASSIGN_OR_RETURN(window_, file_->read_row_groups(groups, columns_, options_.tracker, options_.parallel,
                                                            options_.verify_checksums));
  window_pos_ = 0;
  next_row_group_ += count;
  return std::move(window_[window_pos_++]);
}

Result<std::vector<RecordBatchPtr>> read_parquet(std::shared_ptr<FileSystem> fs,
                                                 const std::string& path,
                                                 const ParquetReadOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(std::move(fs), path, options));
  std::vector<RecordBatchPtr> batches;
  while (true) {
    BRAID_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (batch == nullptr) break;
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace braid::parquet
