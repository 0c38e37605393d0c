// CsvReader: chunked reading, schema inference and parallel block parsing.
//
// The file is read in chunks of about parallelism x 2 x block_bytes; a chunk always starts at a
// row start, and a row cut by the end of a chunk is carried over to the next one, so memory
// stays bounded by the chunk size (plus the longest row, itself bounded by max_row_bytes).
//
// Parallel parsing with exact row boundaries. A chunk is cut into blocks of about block_bytes.
//   1. In parallel, each block runs the grammar's automaton (internal::BoundaryMachine) from
//      every possible starting state at once, which gives its transition function: for each
//      state at the block's start, the state at its end. Blocks without quote characters (the
//      common case) need no per-byte work: their function follows from the last byte.
//   2. Composing the functions in order (cheap: six states) gives the true state at every
//      block's start, knowing that the chunk starts at a row start. This is exact for every
//      input the tokenizer accepts, including quoted line breaks, doubled quotes, backslash
//      escapes and the lenient stray quotes inside unquoted fields (which defeat the usual
//      "count quotes" parity trick).
//   3. In parallel, each block finds its first row start from its true state and parses the
//      rows that start inside it, running past its end to finish the last one, into one
//      RecordBatch (internal::decode_block).
// Batches are returned in block order, so results never depend on block_bytes or on
// parallelism. As a cheap self-check every block must start where the previous one ended.
//
// Errors name the place as path:line:column. Lines are not counted while parsing: an error
// re-reads the file up to its offset to count them, so the common case pays nothing.
#include "formats/csv/csv_reader.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <set>

#include "common/ascii.h"
#include "common/worker_pool.h"
#include "formats/csv/internal/block_decoder.h"
#include "formats/csv/internal/row_tokenizer.h"
#include "formats/csv/internal/value_parsers.h"

namespace braid::csv {

namespace {

using internal::BlockResult;
using internal::BoundaryMachine;
using internal::ColumnPlan;
using internal::Dialect;
using internal::FieldRef;
using internal::ReadPlan;
using internal::RowStatus;
using internal::RowTokenizer;

constexpr size_t kMinChunkBytes = 4096;
constexpr size_t kMaxChunkBytes = size_t{1} << 30;
constexpr size_t kMaxRowBytesLimit = size_t{1} << 30;  // field sizes must fit 32 bits
// Reading the header and the sample starts with at least this much.
constexpr size_t kFirstReadBytes = 64 << 10;
// The sample stops growing past this many bytes (a few rows of a file with huge rows suffice).
constexpr size_t kMaxSampleBytes = 32 << 20;
// Room kept in front of read-ahead bytes for the row carried over from the previous chunk.
constexpr size_t kCarryRoom = 64 << 10;

// A growable byte buffer whose data is followed by kSentinelPadding readable bytes, the first of
// them a '\n' after seal() (see RowTokenizer). It can keep room before its data, so that the
// row carried over from the previous chunk can be put in front of bytes read ahead.
class ChunkBuffer {
 public:
  const char* data() const { return memory_.get() + begin_; }
  size_t size() const { return size_; }
  // Room for n more bytes at data() + size(); commit(n) once they are written.
  char* prepare(size_t n) {
    const size_t need = begin_ + size_ + n + internal::kSentinelPadding;
    if (need > capacity_) {
      const size_t capacity = std::max(need, capacity_ + capacity_ / 2);
      std::unique_ptr<char[]> grown(new char[capacity]);
      if (size_ > 0) std::memcpy(grown.get() + begin_, data(), size_);
      memory_ = std::move(grown);
      capacity_ = capacity;
    }
    return memory_.get() + begin_ + size_;
  }
  void commit(size_t n) { size_ += n; }
  void drop_front(size_t n) {
    n = std::min(n, size_);
    if (n < size_) std::memmove(memory_.get() + begin_, data() + n, size_ - n);
    size_ -= n;
  }
  // Empties the buffer, keeping `room` bytes free in front of its data.
  void reset(size_t room) {
    size_ = 0;
    begin_ = 0;
    prepare(room);
    begin_ = room;
  }
  // Puts bytes in front of the data.
  void prepend(const char* bytes, size_t n) {
    if (n > begin_) {
      // More than the room kept: rebuild with enough of it.
      std::unique_ptr<char[]> grown(new char[n + size_ + internal::kSentinelPadding]);
      if (size_ > 0) std::memcpy(grown.get() + n, data(), size_);
      memory_ = std::move(grown);
      capacity_ = n + size_ + internal::kSentinelPadding;
      begin_ = n;
    }
    begin_ -= n;
    if (n > 0) std::memcpy(memory_.get() + begin_, bytes, n);
    size_ += n;
  }
  void seal() {
    prepare(0);
    std::memset(memory_.get() + begin_ + size_, '\n', internal::kSentinelPadding);
  }

 private:
  std::unique_ptr<char[]> memory_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t size_ = 0;
};

Status check_dialect(const CsvReadOptions& o) {
  auto is_line_break = [](char c) { return c == '\n' || c == '\r'; };
  if (is_line_break(o.delimiter) || is_line_break(o.quote) || is_line_break(o.escape)) {
    return Status::invalid_argument("CSV delimiter, quote and escape cannot be line breaks");
  }
  if (o.delimiter == o.quote || o.delimiter == o.escape) {
    return Status::invalid_argument("the CSV delimiter must differ from the quote and escape");
  }
  return Status::OK();
}

class CsvReaderImpl final : public CsvReader {
 public:
  CsvReaderImpl(std::shared_ptr<FileSystem> fs, std::string path, CsvReadOptions options)
      : fs_(std::move(fs)),
        path_(std::move(path)),
        options_(std::move(options)),
        dialect_{options_.delimiter, options_.quote, options_.escape},
        machine_(dialect_) {}

  Status open();
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> next() override;
  const MalformedRows& malformed() const override { return malformed_; }
  int64_t sampled_rows() const override { return plan_.sampled_rows; }

 private:
  bool at_eof() const { return file_pos_ >= file_size_; }
  // Reads until the buffer holds `target` bytes or the file ends.
  Status read_until(size_t target);
  // Tokenizes the header (or first) row; returns its end in the buffer, or npos for a file
  // without rows.
  Result<size_t> read_first_row(std::vector<std::string>& texts, size_t& row_start);
  Status make_columns(const std::vector<std::string>& header);
  Status infer_types();
  Status parse_chunk();
  // A parse error at byte `offset` of the buffer: "path:line:column: message".
  Status error_at(size_t offset, std::string_view message) const;
  std::string location(uint64_t file_offset) const;
  // The line `file_offset` is on, counting forward from the last offset asked (offsets must not
  // decrease): the lines of the first malformed rows cost one pass at most.
  Result<int64_t> line_at(uint64_t file_offset);

  std::shared_ptr<FileSystem> fs_;
  std::string path_;
  CsvReadOptions options_;
  Dialect dialect_;
  BoundaryMachine machine_;
  std::unique_ptr<RandomAccessFile> file_;
  uint64_t file_size_ = 0;
  uint64_t file_pos_ = 0;  // next byte of the file to read
  bool bom_ = false;

  ChunkBuffer buffer_;
  ChunkBuffer read_ahead_;  // the next chunk's bytes, read while the current one is parsed
  uint64_t buffer_offset_ = 0;  // file offset of buffer_.data()[0], always a row start
  size_t block_bytes_ = 0;
  size_t chunk_bytes_ = 0;   // the usual chunk size
  size_t chunk_target_ = 0;  // bytes to hold before parsing (grows for a long row)
  size_t max_row_bytes_ = 0;

  ReadPlan plan_;
  SchemaPtr schema_;
  std::deque<RecordBatchPtr> ready_;
  MalformedRows malformed_;
  uint64_t line_cursor_offset_ = 0;  // line_at: lines are counted up to here
  int64_t line_cursor_line_ = 1;
  bool done_ = false;
  Status error_;  // sticky: every call after an error returns it
};

Status CsvReaderImpl::read_until(size_t target) {
  while (buffer_.size() < target && !at_eof()) {
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>(target - buffer_.size(), file_size_ - file_pos_));
    char* out = buffer_.prepare(n);
    BRAID_RETURN_IF_ERROR(file_->read_at(file_pos_, n, reinterpret_cast<uint8_t*>(out)));
    buffer_.commit(n);
    file_pos_ += n;
  }
  return Status::OK();
}

std::string CsvReaderImpl::location(uint64_t file_offset) const {
  // Count line breaks from the start of the file (errors only: parsing does not count them).
  uint64_t line = 1, line_start = 0;
  std::string piece;
  for (uint64_t pos = 0; pos < file_offset;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(1 << 20, file_offset - pos));
    piece.resize(n);
    if (!file_->read_at(pos, n, reinterpret_cast<uint8_t*>(piece.data())).ok()) {
      return fmt::format("{}: byte {}", path_, file_offset);
    }
    for (const char* p = piece.data(); (p = static_cast<const char*>(std::memchr(
                                            p, '\n', piece.data() + n - p))) != nullptr;
         ++p) {
      ++line;
      line_start = pos + static_cast<uint64_t>(p - piece.data()) + 1;
    }
    pos += n;
  }
  uint64_t column = file_offset - line_start + 1;
  if (line == 1 && bom_ && column > 3) column -= 3;  // the byte order mark is not a column
  return fmt::format("{}:{}:{}", path_, line, column);
}

Result<int64_t> CsvReaderImpl::line_at(uint64_t file_offset) {
  std::string piece;
  while (line_cursor_offset_ < file_offset) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(1 << 20, file_offset - line_cursor_offset_));
    piece.resize(n);
    BRAID_RETURN_IF_ERROR(file_->read_at(line_cursor_offset_, n, reinterpret_cast<uint8_t*>(piece.data())));
    line_cursor_line_ += std::count(piece.begin(), piece.end(), '\n');
    line_cursor_offset_ += n;
  }
  return line_cursor_line_;
}

Status CsvReaderImpl::error_at(size_t offset, std::string_view message) const {
  return Status::parse_error("{}: {}", location(buffer_offset_ + offset), message);
}

Result<size_t> CsvReaderImpl::read_first_row(std::vector<std::string>& texts, size_t& row_start) {
  std::vector<FieldRef> fields(64);
  size_t pos = 0;
  while (true) {
    if (pos >= buffer_.size()) {
      if (at_eof()) return std::string::npos;
      BRAID_RETURN_IF_ERROR(read_until(buffer_.size() + kFirstReadBytes));
      continue;
    }
    buffer_.seal();
    RowTokenizer tokenizer(dialect_, buffer_.data(), buffer_.size(), at_eof());
    size_t p = pos;
    uint32_t n = 0;
    const RowStatus status =
        tokenizer.next_row(p, fields.data(), static_cast<uint32_t>(fields.size()), n);
    switch (status) {
      case RowStatus::kBlank:
        pos = p;  // blank lines before the first row are skipped
        continue;
      case RowStatus::kIncomplete:
        if (buffer_.size() - pos > max_row_bytes_) {
          return error_at(pos, fmt::format("row is longer than max_row_bytes ({} bytes)",
                                           max_row_bytes_));
        }
        BRAID_RETURN_IF_ERROR(read_until(buffer_.size() * 2));
        continue;
      case RowStatus::kError:
        return error_at(tokenizer.error_offset(), tokenizer.error());
      case RowStatus::kRow:
        break;
    }
    if (n > fields.size()) {
      fields.resize(n);
      continue;
    }
    std::string scratch;
    for (uint32_t i = 0; i < n; ++i) {
      if (fields[i].escaped()) {
        internal::unescape(fields[i], dialect_, scratch);
        texts.push_back(scratch);
      } else {
        texts.emplace_back(fields[i].raw());
      }
    }
    row_start = pos;
    return p;
  }
}

Status CsvReaderImpl::make_columns(const std::vector<std::string>& header) {
  const size_t num_columns = header.size();
  std::vector<ColumnPlan>& columns = plan_.columns;
  if (options_.schema) {
    for (int i = 0; i < options_.schema->num_fields(); ++i) {
      const FieldPtr& f = options_.schema->field(i);
      if (i == plan_.corrupt_index) continue;
      columns.push_back({f->name(), f->type(), internal::ValueKind::kString, false, f->nullable()});
    }
    // Matched by position (Spark): a header must have as many columns; without one, rows with
    // another count are malformed.
    if (options_.header && columns.size() != num_columns) {
      return Status::invalid_argument("{}: the file has {} columns but the schema has {}{}", path_,
                                      num_columns, columns.size(),
                                      plan_.corrupt_index >= 0 ? " (besides the corrupt-record column)" : "");
    }
  } else {
    // Header names; missing ones are _c<i> (as Spark), repeated ones get a suffix.
    std::set<std::string> used;
    for (size_t c = 0; c < num_columns; ++c) {
      std::string name = options_.header ? header[c] : "";
      if (name.empty()) name = fmt::format("_c{}", c);
      std::string unique = name;
      for (int k = 2; used.count(unique) > 0; ++k) unique = fmt::format("{}_{}", name, k);
      used.insert(unique);
      columns.push_back({unique, nullptr, internal::ValueKind::kString, true});
    }
    if (options_.mode == MalformedMode::kPermissive) {
      for (const auto& c : columns) {
        if (c.name == options_.corrupt_record_column) {
          return Status::invalid_argument(
              "{}: the file has a column named {}, the name of the column of malformed rows' text "
              "(mode PERMISSIVE): name that column otherwise with columnNameOfCorruptRecord",
              path_, c.name);
        }
      }
    }
  }
  for (const auto& given : options_.column_types) {
    const std::string& name = given.first;
    const TypePtr& type = given.second;
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const ColumnPlan& c) { return c.name == name; });
    if (it == columns.end()) {
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
      return Status::not_found("{}: no column '{}' to give the type {} (columns: {})", path_,
                               name, type ? type->to_string() : "null", names);
    }
    if (type == nullptr) {
      return Status::invalid_argument("{}: column '{}' is given no type", path_, name);
    }
    it->type = type;
    it->inferred = false;
  }
  return Status::OK();
}

Status CsvReaderImpl::infer_types() {
  std::vector<size_t> pending;
  for (size_t c = 0; c < plan_.columns.size(); ++c) {
    if (plan_.columns[c].type == nullptr) pending.push_back(c);
  }
  if (pending.empty()) return Status::OK();
  const size_t num_columns = plan_.columns.size();
  std::vector<internal::ColumnInference> inference(num_columns);
  std::vector<FieldRef> row(num_columns + 1);
  std::string scratch;
  const int64_t limit = std::max<int64_t>(options_.sample_rows, 0);
  const size_t byte_budget = std::max(chunk_bytes_, kMaxSampleBytes);
  int64_t sampled = 0;
  size_t pos = 0;
  // Rows are tokenized from the buffer without consuming them (the data pass reads them
  // again); malformed rows end the sample and are reported by the data pass.
  bool more = true;
  while (more && sampled < limit) {
    buffer_.seal();
    RowTokenizer tokenizer(dialect_, buffer_.data(), buffer_.size(), at_eof());
    bool need_bytes = false;
    while (sampled < limit) {
      if (pos >= buffer_.size()) {
        need_bytes = !at_eof();
        break;
      }
      uint32_t n = 0;
      const RowStatus status =
          tokenizer.next_row(pos, row.data(), static_cast<uint32_t>(row.size()), n);
      if (status == RowStatus::kIncomplete) {
        need_bytes = true;
        break;
      }
      if (status == RowStatus::kError) {
        more = false;
        break;
      }
      if (status == RowStatus::kBlank) {
        if (num_columns == 1) ++sampled;  // a NULL
        continue;
      }
      if (n != num_columns) {
        if (options_.mode != MalformedMode::kFailFast) continue;  // malformed: not a sample
        more = false;
        break;
      }
      ++sampled;
      for (size_t c : pending) {
        const FieldRef& f = row[c];
        if (internal::is_null_field(plan_, f)) continue;
        std::string_view text = f.raw();
        if (f.escaped()) {
          internal::unescape(f, dialect_, scratch);
          text = scratch;
        }
        text = internal::trim_blanks(text);
        if (text.empty() || (inference[c].any_value && inference[c].candidates == 0)) continue;
        inference[c].add(text);
      }
    }
    // Stop at the sample's byte budget, or at a row longer than allowed (the data pass then
    // reports it; reading on could mean reading the whole file after an unterminated quote).
    if (!more || !need_bytes || buffer_.size() >= byte_budget ||
        buffer_.size() - pos > max_row_bytes_) {
      break;
    }
    BRAID_RETURN_IF_ERROR(read_until(buffer_.size() + std::max(chunk_bytes_, kFirstReadBytes)));
  }
  plan_.sampled_rows = sampled;
  for (size_t c : pending) {
    plan_.columns[c].type = inference[c].type();
  }
  return Status::OK();
}

Status CsvReaderImpl::open() {
  BRAID_RETURN_IF_ERROR(check_dialect(options_));
  BRAID_ASSIGN_OR_RETURN(file_, fs_->open_read(path_));
  file_size_ = file_->size();
  const size_t threads =
      options_.parallel ? static_cast<size_t>(std::max(WorkerPool::shared().concurrency(), 1)) : 1;
  block_bytes_ = static_cast<size_t>(
      std::clamp<int64_t>(options_.block_bytes, 1, static_cast<int64_t>(kMaxChunkBytes)));
  // Two blocks per thread, so that one slow block does not leave the others idle.
  const size_t blocks_per_chunk = threads > 1 ? 2 * threads : 1;
  chunk_bytes_ = std::clamp(block_bytes_ * blocks_per_chunk, kMinChunkBytes, kMaxChunkBytes);
  chunk_target_ = chunk_bytes_;
  max_row_bytes_ = static_cast<size_t>(
      std::clamp<int64_t>(options_.max_row_bytes, 1, static_cast<int64_t>(kMaxRowBytesLimit)));

  plan_.dialect = dialect_;
  plan_.mode = options_.mode;
  plan_.inferred_from = options_.inferred_from == path_ ? "" : options_.inferred_from;
  if (options_.mode == MalformedMode::kPermissive) {
    if (options_.corrupt_record_column.empty()) {
      return Status::invalid_argument("{}: the corrupt-record column needs a name", path_);
    }
    if (options_.schema) {
      plan_.corrupt_index = options_.schema->field_index(options_.corrupt_record_column);
      if (plan_.corrupt_index >= 0 &&
          options_.schema->field(plan_.corrupt_index)->type()->id() != TypeId::kString) {
        return Status::invalid_argument("{}: the corrupt-record column {} must be a STRING, not {}",
                                        path_, options_.corrupt_record_column,
                                        options_.schema->field(plan_.corrupt_index)->type()->to_string());
      }
      for (const auto& f : options_.schema->fields()) {
        if (!f->nullable()) {
          return Status::invalid_argument(
              "{}: column {} is NOT NULL, but mode PERMISSIVE puts NULL in the fields of malformed "
              "rows: use mode DROPMALFORMED or FAILFAST, or drop NOT NULL",
              path_, f->name());
        }
      }
    }
  }
  if (!options_.inferred_from.empty()) plan_.sampled_rows = options_.inferred_rows;
  plan_.null_values = options_.null_values;
  plan_.null_is_empty = options_.null_values.size() == 1 && options_.null_values[0].empty();
  plan_.max_row_bytes = static_cast<int64_t>(max_row_bytes_);

  BRAID_RETURN_IF_ERROR(read_until(std::max(chunk_bytes_, kFirstReadBytes)));
  if (buffer_.size() >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
    bom_ = true;
    buffer_.drop_front(3);
    buffer_offset_ = 3;
  }
  std::vector<std::string> first_row;
  size_t first_row_start = 0;
  BRAID_ASSIGN_OR_RETURN(size_t first_row_end, read_first_row(first_row, first_row_start));
  if (first_row_end == std::string::npos) {
    // No rows at all: the given schema (with the corrupt-record column), or none.
    schema_ = options_.schema ? options_.schema : braid::schema({});
    if (options_.schema && options_.mode == MalformedMode::kPermissive && plan_.corrupt_index < 0) {
      std::vector<FieldPtr> fields = options_.schema->fields();
      fields.push_back(field(options_.corrupt_record_column, string_type(), true));
      schema_ = braid::schema(std::move(fields));
    }
    done_ = true;
    return Status::OK();
  }
  BRAID_RETURN_IF_ERROR(make_columns(first_row));
  // The data starts after the header, or at the first row.
  const size_t data_start = options_.header ? first_row_end : first_row_start;
  buffer_.drop_front(data_start);
  buffer_offset_ += data_start;
  BRAID_RETURN_IF_ERROR(infer_types());

  std::vector<FieldPtr> fields;
  for (auto& c : plan_.columns) {
    auto kind = internal::value_kind_for(*c.type);
    if (!kind.ok()) {
      return Status(kind.status().code(),
                    fmt::format("{}: column '{}': {}", path_, c.name, kind.status().message()));
    }
    c.kind = *kind;
    if (!options_.inferred_from.empty() && options_.schema) c.inferred = true;
    fields.push_back(field(c.name, c.type, c.nullable));
  }
  if (options_.mode == MalformedMode::kPermissive) {
    if (plan_.corrupt_index < 0) plan_.corrupt_index = static_cast<int>(fields.size());
    fields.insert(fields.begin() + plan_.corrupt_index,
                  field(options_.corrupt_record_column, string_type(), true));
  }
  schema_ = braid::schema(std::move(fields));
  plan_.schema = schema_;
  return Status::OK();
}

Status CsvReaderImpl::parse_chunk() {
  BRAID_RETURN_IF_ERROR(read_until(chunk_target_));
  const bool eof = at_eof();
  if (buffer_.size() == 0) {
    done_ = eof;
    return Status::OK();
  }
  buffer_.seal();
  const char* data = buffer_.data();
  const size_t size = buffer_.size();
  // Blocks of about block_bytes (even, so there is no sliver at the end). A chunk can hold
  // more than one block even when parsing serially (the first one holds the inference
  // sample), and every block makes one batch.
  const size_t num_blocks = std::max<size_t>(1, (size + block_bytes_ / 2) / block_bytes_);
  std::vector<size_t> bounds(num_blocks + 1);
  for (size_t i = 0; i <= num_blocks; ++i) bounds[i] = size * i / num_blocks;

  bool read_ahead = false;
  size_t read_ahead_bytes = 0;
  std::vector<BlockResult> results(num_blocks);
  if (!options_.parallel || num_blocks == 1) {
    // One block after the other: each starts where the rows of the previous one ended.
    size_t begin = 0;
    for (size_t i = 0; i < num_blocks; ++i) {
      if (begin >= bounds[i + 1]) continue;  // a row of an earlier block runs past this one
      results[i] = internal::decode_block(plan_, data, size, eof, begin, bounds[i + 1]);
      if (!results[i].error.ok() || results[i].incomplete) break;
      begin = results[i].end;
    }
  } else {
    // 1. The automaton's transitions over each block (the last one's are not needed).
    std::vector<BoundaryMachine::Transitions> transitions(num_blocks - 1);
    BRAID_RETURN_IF_ERROR(parallel_for(num_blocks - 1, [&](size_t i) {
      transitions[i] = machine_.run(data + bounds[i], bounds[i + 1] - bounds[i]);
      return Status::OK();
    }));
    // 2. The true state at each block's start; the chunk starts at a row start.
    std::vector<BoundaryMachine::State> states(num_blocks);
    states[0] = BoundaryMachine::kRowStart;
    for (size_t i = 1; i < num_blocks; ++i) {
      states[i] = static_cast<BoundaryMachine::State>(transitions[i - 1][states[i - 1]]);
    }
    // 3. Each block parses the rows that start inside it. Meanwhile one task reads the next
    //    chunk, so that reading does not leave the other threads waiting.
    read_ahead = !eof && chunk_target_ == chunk_bytes_;
    if (read_ahead) {
      read_ahead_bytes = static_cast<size_t>(
          std::min<uint64_t>(chunk_bytes_, file_size_ - file_pos_));
      read_ahead_.reset(kCarryRoom);
      read_ahead_.prepare(read_ahead_bytes);
    }
    const size_t tasks = num_blocks + (read_ahead ? 1 : 0);
    BRAID_RETURN_IF_ERROR(parallel_for(tasks, [&](size_t i) {
      if (read_ahead) {
        if (i == 0) {
          char* out = read_ahead_.prepare(read_ahead_bytes);
          return file_->read_at(file_pos_, read_ahead_bytes, reinterpret_cast<uint8_t*>(out));
        }
        --i;
      }
      const size_t first =
          machine_.first_row_start(data + bounds[i], bounds[i + 1] - bounds[i], states[i]);
      if (first != std::string::npos) {
        results[i] =
            internal::decode_block(plan_, data, size, eof, bounds[i] + first, bounds[i + 1]);
      }
      return Status::OK();
    }));
    if (read_ahead) {
      read_ahead_.commit(read_ahead_bytes);
      file_pos_ += read_ahead_bytes;
    }
  }

  // Results in file order. Each block must start where the rows before it ended: a mismatch
  // would be a disagreement between the automaton and the tokenizer, i.e. a bug.
  std::vector<RecordBatchPtr> batches;
  size_t expected_begin = 0;
  size_t consumed = size;
  size_t open_quote = BlockResult::kNone;
  bool stopped = false;  // a row runs past the end of the chunk
  for (auto& r : results) {
    if (r.begin == BlockResult::kNone) continue;
    if (stopped || r.begin != expected_begin) {
      return Status::internal("{}: CSV block boundaries disagree at byte {} (expected {})",
                              path_, buffer_offset_ + r.begin, buffer_offset_ + expected_begin);
    }
    if (!r.error.ok()) {
      if (r.error_offset == BlockResult::kNone) {
        return std::move(r.error).with_context_f("reading {}", path_);
      }
      return error_at(r.error_offset, r.error.message());
    }
    malformed_.count += r.malformed;
    for (size_t offset : r.malformed_offsets) {
      if (malformed_.first_lines.size() >= MalformedRows::kLinesKept) break;
      BRAID_ASSIGN_OR_RETURN(int64_t line, line_at(buffer_offset_ + offset));
      malformed_.first_lines.push_back(line);
    }
    if (r.batch) batches.push_back(std::move(r.batch));
    expected_begin = r.end;
    if (r.incomplete) {
      stopped = true;
      consumed = r.end;
      open_quote = r.open_quote;
    }
  }
  if (!stopped && expected_begin != size) {
    return Status::internal("{}: CSV blocks end at byte {}, not at the chunk's end {}", path_,
                            buffer_offset_ + expected_begin, buffer_offset_ + size);
  }
  if (consumed == 0 && size > max_row_bytes_) {
    // Not even one row fits in the longest row allowed.
    if (open_quote != BlockResult::kNone) {
      return error_at(open_quote,
                      fmt::format("row is longer than max_row_bytes ({} bytes): is the quoted "
                                  "field that starts here missing its closing quote?",
                                  max_row_bytes_));
    }
    return error_at(0, fmt::format("row is longer than max_row_bytes ({} bytes)",
                                   max_row_bytes_));
  }
  for (auto& b : batches) ready_.push_back(std::move(b));
  if (read_ahead) {
    // The next chunk: the row carried over, then the bytes read ahead.
    read_ahead_.prepend(data + consumed, size - consumed);
    std::swap(buffer_, read_ahead_);
  } else {
    buffer_.drop_front(consumed);
  }
  buffer_offset_ += consumed;
  // When not even one row fitted, read more before trying again.
  chunk_target_ = consumed == 0 ? std::min(size * 2, max_row_bytes_ + 1 + kMinChunkBytes)
                                : chunk_bytes_;
  if (at_eof() && buffer_.size() == 0) done_ = true;
  return Status::OK();
}

Result<RecordBatchPtr> CsvReaderImpl::next() {
  while (ready_.empty()) {
    if (!error_.ok()) return error_;
    if (done_) return RecordBatchPtr(nullptr);
    Status s = parse_chunk();
    if (!s.ok()) {
      error_ = s;
      return s;
    }
  }
  RecordBatchPtr batch = std::move(ready_.front());
  ready_.pop_front();
  return batch;
}

}  // namespace

Result<MalformedMode> parse_malformed_mode(std::string_view text) {
  const std::string mode = ascii::upper(text);
  if (mode == "FAILFAST") return MalformedMode::kFailFast;
  if (mode == "DROPMALFORMED") return MalformedMode::kDropMalformed;
  if (mode == "PERMISSIVE") return MalformedMode::kPermissive;
  return Status::invalid_argument("unknown CSV mode '{}' (FAILFAST, DROPMALFORMED, PERMISSIVE)", text);
}

std::string_view malformed_mode_name(MalformedMode mode) {
  switch (mode) {
    case MalformedMode::kFailFast: return "FAILFAST";
    case MalformedMode::kDropMalformed: return "DROPMALFORMED";
    case MalformedMode::kPermissive: return "PERMISSIVE";
  }
  return "?";
}

std::string MalformedRows::describe(const std::string& path, MalformedMode mode) const {
  std::string lines;
  for (int64_t line : first_lines) lines += (lines.empty() ? "" : ", ") + std::to_string(line);
  return fmt::format("{}: {} malformed row{} {} (mode {}), at line{} {}{}", path, count,
                     count == 1 ? "" : "s",
                     mode == MalformedMode::kDropMalformed ? "dropped" : "kept with their text",
                     malformed_mode_name(mode), first_lines.size() == 1 ? "" : "s", lines,
                     count > static_cast<int64_t>(first_lines.size()) ? ", ..." : "");
}

Result<std::unique_ptr<CsvReader>> CsvReader::open(std::shared_ptr<FileSystem> fs, std::string path,
                                                   CsvReadOptions options) {
  auto reader = std::make_unique<CsvReaderImpl>(std::move(fs), std::move(path), std::move(options));
  BRAID_RETURN_IF_ERROR(reader->open());
  return std::unique_ptr<CsvReader>(std::move(reader));
}

Result<std::vector<RecordBatchPtr>> read_csv(std::shared_ptr<FileSystem> fs,
                                             const std::string& path,
                                             const CsvReadOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto reader, CsvReader::open(std::move(fs), path, options));
  std::vector<RecordBatchPtr> batches;
  while (true) {
    BRAID_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (batch == nullptr) break;
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace braid::csv
