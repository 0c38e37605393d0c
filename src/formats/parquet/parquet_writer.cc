#include "formats/parquet/parquet_writer.h"

#include <cstring>

#include "braid/version.h"
#include "common/worker_pool.h"
#include "formats/parquet/compression.h"

namespace braid::parquet {

namespace {

using Kind = WriteNode::Kind;

// Levels and value rows of one leaf, collected while shredding one batch.
struct LeafLevels {
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  std::vector<int64_t> rows;
  const Column* values = nullptr;
};

void leaves_below(const WriteNode& node, std::vector<const WriteNode*>& out) {
  if (node.kind == Kind::kLeaf) {
    out.push_back(&node);
    return;
  }
  for (const auto& c : node.children) leaves_below(*c, out);
}

// Shreds column values into repetition and definition levels (parquet-format README, "Nested
// Encoding"). `def` is the definition level of the node's parent; `rep` the repetition level of
// this value's first entry.
class Shredder {
 public:
  explicit Shredder(std::vector<LeafLevels>& leaves) : leaves_(leaves) {}

  void shred(const WriteNode& node, const Column& col, int64_t i, int16_t def, int16_t rep) {
    if (node.nullable && col.is_null(i)) {
      absent(node, def, rep);
      return;
    }
    const auto d = static_cast<int16_t>(node.def_level);
    switch (node.kind) {
      case Kind::kLeaf: {
        LeafLevels& l = leaves_[static_cast<size_t>(node.leaf_index)];
        l.def.push_back(d);
        l.rep.push_back(rep);
        l.rows.push_back(i);
        l.values = &col;
        return;
      }
      case Kind::kStruct:
        for (size_t k = 0; k < node.children.size(); ++k) {
          shred(*node.children[k], *col.child(static_cast<int>(k)), col.offset() + i, d, rep);
        }
        return;
      case Kind::kList:
      case Kind::kMap: {
        const int32_t* o = col.offsets();
        if (o[i] == o[i + 1]) {
          // Present and empty: every leaf below gets one entry at the list's own level.
          for (const auto& child : node.children) absent(*child, d, rep);
          return;
        }
        const auto elem_def = static_cast<int16_t>(node.repeated_def_level);
        for (int32_t j = o[i]; j < o[i + 1]; ++j) {
          auto r = static_cast<int16_t>(j == o[i] ? rep : node.repeated_rep_level);
          if (node.kind == Kind::kList) {
            shred(*node.children[0], *col.list_values(), j, elem_def, r);
          } else {
            const Column& entries = *col.list_values();
            shred(*node.children[0], *entries.child(0), entries.offset() + j, elem_def, r);
            shred(*node.children[1], *entries.child(1), entries.offset() + j, elem_def, r);
          }
        }
        return;
      }
    }
  }

 private:
  // The node is null (or an empty list's element): one valueless entry per leaf below.
  void absent(const WriteNode& node, int16_t def, int16_t rep) {
    if (node.kind == Kind::kLeaf) {
      LeafLevels& l = leaves_[static_cast<size_t>(node.leaf_index)];
      l.def.push_back(def);
      l.rep.push_back(rep);
      return;
    }
    for (const auto& c : node.children) absent(*c, def, rep);
  }

  std::vector<LeafLevels>& leaves_;
};

}  // namespace

Result<Codec> parse_codec(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (n == "zstd") return Codec::kZstd;
  if (n == "snappy") return Codec::kSnappy;
  if (n == "gzip") return Codec::kGzip;
  if (n == "lz4" || n == "lz4_raw") return Codec::kLz4Raw;
  if (n == "brotli") return Codec::kBrotli;
  if (n == "none" || n == "uncompressed") return Codec::kUncompressed;
  return Status::invalid_argument(
      "unknown compression '{}' (expected zstd, snappy, gzip, lz4, brotli or none)", name);
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::open(std::shared_ptr<FileSystem> fs,
                                                           const std::string& path,
                                                           SchemaPtr schema,
                                                           ParquetWriteOptions options) {
  auto writer = std::unique_ptr<ParquetWriter>(new ParquetWriter());
  BRAID_ASSIGN_OR_RETURN(writer->file_, fs->open_write(path));
  writer->out_ = writer->file_.get();
  BRAID_RETURN_IF_ERROR(writer->init(std::move(schema), std::move(options)).with_context_f("writing {}", path));
  return writer;
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::open(OutputStream& out, SchemaPtr schema,
                                                           ParquetWriteOptions options) {
  auto writer = std::unique_ptr<ParquetWriter>(new ParquetWriter());
  writer->out_ = &out;
  BRAID_RETURN_IF_ERROR(writer->init(std::move(schema), std::move(options)));
  return writer;
}

ParquetWriter::~ParquetWriter() = default;

Status ParquetWriter::init(SchemaPtr schema, ParquetWriteOptions options) {
  schema_ = std::move(schema);
  options_ = std::move(options);
  if (options_.row_group_rows <= 0) options_.row_group_rows = 1 << 20;
  BRAID_ASSIGN_OR_RETURN(write_schema_, WriteSchema::build(*schema_));
  ColumnWriteOptions column_options;
  column_options.codec = options_.codec;
  column_options.compression_level = options_.compression_level;
  column_options.page_bytes = options_.page_bytes;
  column_options.dictionary = options_.dictionary;
  column_options.dictionary_page_bytes = options_.dictionary_page_bytes;
  column_options.statistics = options_.statistics;
  for (const WriteNode* leaf : write_schema_->leaves()) {
    BRAID_ASSIGN_OR_RETURN(auto w, ColumnChunkWriter::make(*leaf, column_options));
    writers_.push_back(std::move(w));
  }
  metadata_.version = 2;
  metadata_.schema = write_schema_->elements();
  metadata_.created_by = std::string("braid version ") + kVersion;
  for (const auto& [k, v] : options_.metadata) metadata_.key_value_metadata.emplace_back(k, v);
  metadata_.column_orders.assign(write_schema_->leaves().size(), true);
  return put("PAR1");
}

Status ParquetWriter::put(std::string_view bytes) {
  BRAID_RETURN_IF_ERROR(out_->write(bytes));
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

Status ParquetWriter::write(const RecordBatch& batch) {
  if (closed_) return Status::invalid_argument("the Parquet writer is closed");
  if (batch.num_columns() != schema_->num_fields()) {
    return Status::invalid_argument("batch has {} columns, the file has {}", batch.num_columns(),
                                    schema_->num_fields());
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (!batch.column(i)->type()->equals(*schema_->field(i)->type())) {
      return Status::invalid_argument("column '{}' has type {}, the file has {}",
                                      schema_->field(i)->name(), batch.column(i)->type()->to_string(),
                                      schema_->field(i)->type()->to_string());
    }
  }
  int64_t done = 0;
  while (done < batch.num_rows()) {
    int64_t take = std::min(batch.num_rows() - done, options_.row_group_rows - group_rows_);
    RecordBatchPtr slice = batch.slice(done, take);
    BRAID_RETURN_IF_ERROR(write_slice(*slice));
    done += take;
    group_rows_ += take;
    rows_written_ += take;
    int64_t buffered = 0;
    for (const auto& w : writers_) buffered += w->buffered_bytes();
    if (group_rows_ >= options_.row_group_rows || buffered >= options_.row_group_bytes) {
      BRAID_RETURN_IF_ERROR(flush_row_group());
    }
  }
  return Status::OK();
}

Status ParquetWriter::write_slice(const RecordBatch& batch) {
  const auto& fields = write_schema_->fields();
  return parallel_for(
      fields.size(),
      [&](size_t f) -> Status {
        const WriteNode& node = *fields[f];
        const Column& column = *batch.column(static_cast<int>(f));
        if (node.kind == Kind::kLeaf) {
          return writers_[static_cast<size_t>(node.leaf_index)]->append_flat(column);
        }
        std::vector<const WriteNode*> leaves;
        leaves_below(node, leaves);
        std::vector<LeafLevels> levels(write_schema_->leaves().size());
        Shredder shredder(levels);
        for (int64_t i = 0; i < column.length(); ++i) shredder.shred(node, column, i, 0, 0);
        for (const WriteNode* leaf : leaves) {
          LeafLevels& l = levels[static_cast<size_t>(leaf->leaf_index)];
          BRAID_RETURN_IF_ERROR(writers_[static_cast<size_t>(leaf->leaf_index)]->append_nested(
              l.def.data(), l.rep.data(), static_cast<int64_t>(l.def.size()), l.values, l.rows.data()));
        }
        return Status::OK();
      },
      options_.parallel ? 0 : 1);
}

Status ParquetWriter::flush_row_group() {
  if (group_rows_ == 0) return Status::OK();
  RowGroup rg;
  rg.num_rows = group_rows_;
  rg.file_offset = offset_;
  rg.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  int64_t start = offset_;
  int64_t uncompressed = 0;
  for (auto& w : writers_) {
    // Counts what the writer sends to the stream, to learn each chunk's offset.
    struct Counting final : OutputStream {
      OutputStream* out;
      int64_t bytes = 0;
      Status write(std::string_view b) override {
        bytes += static_cast<int64_t>(b.size());
        return out->write(b);
      }
    } counting;
    counting.out = out_;
    BRAID_ASSIGN_OR_RETURN(ColumnChunk chunk, w->flush(counting, offset_));
    offset_ += counting.bytes;
    uncompressed += chunk.meta_data->total_uncompressed_size;
    rg.columns.push_back(std::move(chunk));
  }
  rg.total_byte_size = uncompressed;
  rg.total_compressed_size = offset_ - start;
  metadata_.row_groups.push_back(std::move(rg));
  metadata_.num_rows += group_rows_;
  group_rows_ = 0;
  return Status::OK();
}

Status ParquetWriter::close() {
  if (closed_) return Status::OK();
  BRAID_RETURN_IF_ERROR(flush_row_group());
  std::string footer = encode_file_metadata(metadata_);
  BRAID_RETURN_IF_ERROR(put(footer));
  auto len = static_cast<uint32_t>(footer.size());
  char tail[8];
  std::memcpy(tail, &len, 4);
  std::memcpy(tail + 4, "PAR1", 4);
  BRAID_RETURN_IF_ERROR(put(std::string_view(tail, 8)));
  closed_ = true;
  if (file_) return file_->close();
  return out_->flush();
}

Result<FileMetaData> write_parquet(std::shared_ptr<FileSystem> fs, const std::string& path,
                                   SchemaPtr schema, const std::vector<RecordBatchPtr>& batches,
                                   const ParquetWriteOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto writer, ParquetWriter::open(std::move(fs), path, std::move(schema), options));
  for (const auto& b : batches) BRAID_RETURN_IF_ERROR(writer->write(*b));
  BRAID_RETURN_IF_ERROR(writer->close());
  return writer->metadata();
}

}  // namespace braid::parquet
