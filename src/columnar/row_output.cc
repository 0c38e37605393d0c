#include "columnar/row_output.h"

#include <algorithm>

#include "columnar/utf8.h"
#include "columnar/value_text.h"
#include "common/json_writer.h"

namespace braid {

Result<RowFormat> parse_row_format(std::string_view name) {
  if (name == "table") return RowFormat::kTable;
  if (name == "csv") return RowFormat::kCsv;
  if (name == "jsonl") return RowFormat::kJsonl;
  return Status::invalid_argument("unknown output format '{}' (expected table, csv or jsonl)",
                                  name);
}

namespace {

// Buffered output: batches are formatted into a string that is handed to the stream in
// large pieces.
constexpr size_t kFlushBytes = 1 << 20;

class JsonlWriter final : public RowWriter {
 public:
  JsonlWriter(SchemaPtr schema, OutputStream& out) : schema_(std::move(schema)), out_(out) {
    for (const auto& f : schema_->fields()) {
      std::string key;
      append_json_string(key, f->name());
      key += ':';
      keys_.push_back(std::move(key));
    }
  }

  Status write(const RecordBatch& batch) override {
    const int n = batch.num_columns();
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      buffer_ += '{';
      for (int c = 0; c < n; ++c) {
        if (c) buffer_ += ',';
        buffer_ += keys_[static_cast<size_t>(c)];
        append_value_text(buffer_, *batch.column(c), row, TextFlavor::kJson);
      }
      buffer_ += "}\n";
      if (buffer_.size() >= kFlushBytes) BRAID_RETURN_IF_ERROR(drain());
    }
    return Status::OK();
  }

  Status finish() override {
    BRAID_RETURN_IF_ERROR(drain());
    return out_.flush();
  }

 private:
  Status drain() {
    Status s = out_.write(buffer_);
    buffer_.clear();
    return s;
  }
  SchemaPtr schema_;
  OutputStream& out_;
  std::vector<std::string> keys_;
  std::string buffer_;
};

class CsvTextWriter final : public RowWriter {
 public:
  CsvTextWriter(SchemaPtr schema, OutputStream& out, const RowOutputOptions& options)
      : schema_(std::move(schema)), out_(out), options_(options) {}

  Status write(const RecordBatch& batch) override {
    if (!header_done_) write_header();
    std::string field;
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      for (int c = 0; c < batch.num_columns(); ++c) {
        if (c) buffer_ += options_.delimiter;
        const Column& col = *batch.column(c);
        if (col.is_null(row)) {
          buffer_ += options_.null_string;
          continue;
        }
        field.clear();
        append_value_text(field, col, row, TextFlavor::kPlain);
        append_field(field);
      }
      buffer_ += '\n';
      if (buffer_.size() >= kFlushBytes) BRAID_RETURN_IF_ERROR(drain());
    }
    return Status::OK();
  }

  Status finish() override {
    if (!header_done_) write_header();
    BRAID_RETURN_IF_ERROR(drain());
    return out_.flush();
  }

 private:
  void write_header() {
    header_done_ = true;
    if (!options_.header) return;
    for (int c = 0; c < schema_->num_fields(); ++c) {
      if (c) buffer_ += options_.delimiter;
      append_field(schema_->field(c)->name());
    }
    buffer_ += '\n';
  }

  void append_field(std::string_view text) {
    bool quote = false;
    if (text.empty() || text == options_.null_string) {
      // Keep "" (an empty string or binary value, and any value whose text is the null text)
      // apart from NULL.
      quote = true;
    } else if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) {
      quote = true;
    } else {
      for (char ch : text) {
        if (ch == options_.delimiter || ch == '"' || ch == '\n' || ch == '\r') {
          quote = true;
          break;
        }
      }
    }
    if (!quote) {
      buffer_ += text;
      return;
    }
    buffer_ += '"';
    for (char ch : text) {
      if (ch == '"') buffer_ += '"';
      buffer_ += ch;
    }
    buffer_ += '"';
  }

  Status drain() {
    Status s = out_.write(buffer_);
    buffer_.clear();
    return s;
  }

  SchemaPtr schema_;
  OutputStream& out_;
  RowOutputOptions options_;
  bool header_done_ = false;
  std::string buffer_;
};

// Collects up to max_rows rows as text, then prints them aligned.
class TableWriter final : public RowWriter {
 public:
  TableWriter(SchemaPtr schema, OutputStream& out, const RowOutputOptions& options)
      : schema_(std::move(schema)), out_(out), options_(options) {}

  Status write(const RecordBatch& batch) override {
    for (int64_t row = 0; row < batch.num_rows(); ++row, ++total_rows_) {
      if (options_.max_rows >= 0 && static_cast<int64_t>(rows_.size()) >= options_.max_rows) {
        continue;
      }
      std::vector<std::string> cells;
      for (int c = 0; c < batch.num_columns(); ++c) {
        const Column& col = *batch.column(c);
        cells.push_back(col.is_null(row) ? "NULL" : truncate(value_text(col, row, TextFlavor::kPlain)));
      }
      rows_.push_back(std::move(cells));
    }
    return Status::OK();
  }

  Status finish() override {
    const int n = schema_->num_fields();
    std::vector<std::string> names, types;
    std::vector<size_t> width(static_cast<size_t>(n), 1);
    std::vector<bool> right(static_cast<size_t>(n), false);
    for (int c = 0; c < n; ++c) {
      const auto& f = schema_->field(c);
      names.push_back(truncate(f->name()));
      types.push_back(truncate(f->type()->to_string()));
      right[static_cast<size_t>(c)] = f->type()->is_numeric();
      width[static_cast<size_t>(c)] = std::max(display_width(names.back()), display_width(types.back()));
    }
    for (const auto& r : rows_) {
      for (int c = 0; c < n; ++c) {
        width[static_cast<size_t>(c)] =
            std::max(width[static_cast<size_t>(c)], display_width(r[static_cast<size_t>(c)]));
      }
    }
    std::string text;
    auto rule = [&] {
      text += '+';
      for (int c = 0; c < n; ++c) {
        text.append(width[static_cast<size_t>(c)] + 2, '-');
        text += '+';
      }
      text += '\n';
    };
    auto line = [&](const std::vector<std::string>& cells, bool align_numbers) {
      text += '|';
      for (int c = 0; c < n; ++c) {
        const std::string& cell = cells[static_cast<size_t>(c)];
        size_t pad = width[static_cast<size_t>(c)] - display_width(cell);
        text += ' ';
        if (align_numbers && right[static_cast<size_t>(c)]) text.append(pad, ' ');
        text += cell;
        if (!(align_numbers && right[static_cast<size_t>(c)])) text.append(pad, ' ');
        text += " |";
      }
      text += '\n';
    };
    if (n > 0) {
      rule();
      line(names, false);
      line(types, false);
      rule();
      for (const auto& r : rows_) line(r, true);
      if (!rows_.empty()) rule();
    }
    if (total_rows_ == static_cast<int64_t>(rows_.size())) {
      text += fmt::format("{} row{}\n", total_rows_, total_rows_ == 1 ? "" : "s");
    } else {
      text += fmt::format("{} rows ({} shown{}{})\n", total_rows_, rows_.size(),
                          options_.more_rows_hint.empty() ? "" : "; ", options_.more_rows_hint);
    }
    BRAID_RETURN_IF_ERROR(out_.write(text));
    return out_.flush();
  }

 private:
  static size_t display_width(std::string_view s) { return static_cast<size_t>(utf8::length(s)); }

  std::string truncate(std::string s) const {
    // Line breaks and tabs would break the grid.
    for (char& ch : s) {
      if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    }
    const int64_t max = options_.max_column_width;
    if (max > 0 && utf8::length(s) > max) {
      s.resize(utf8::prefix_bytes(s, max - 1));
      s += "\xE2\x80\xA6";  // …
    }
    return s;
  }

  SchemaPtr schema_;
  OutputStream& out_;
  RowOutputOptions options_;
  std::vector<std::vector<std::string>> rows_;
  int64_t total_rows_ = 0;
};

}  // namespace

std::unique_ptr<RowWriter> make_row_writer(SchemaPtr schema, OutputStream& out,
                                           const RowOutputOptions& options) {
  switch (options.format) {
    case RowFormat::kJsonl: return std::make_unique<JsonlWriter>(std::move(schema), out);
    case RowFormat::kCsv: return std::make_unique<CsvTextWriter>(std::move(schema), out, options);
    case RowFormat::kTable: break;
  }
  return std::make_unique<TableWriter>(std::move(schema), out, options);
}

}  // namespace braid
