// libFuzzer target: the CSV reader on arbitrary bytes, serial and parallel with tiny blocks, in
// every malformed-row mode. Must never crash or hang; the parallel result (rows, or the error and
// its place, and the malformed rows' count and lines) must equal the serial one; and the reader's
// own consistency checks (kInternal: block boundaries that disagree) must never fire.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/csv/csv_reader.h"

using namespace braid;

namespace {

std::string read_all(const std::shared_ptr<FileSystem>& fs, const csv::CsvReadOptions& options,
                     StatusCode* code) {
  auto reader = csv::CsvReader::open(fs, "f.csv", options);
  *code = reader.ok() ? StatusCode::kOk : reader.status().code();
  if (!reader.ok()) return reader.status().to_string();
  std::string out;
  while (true) {
    auto batch = (*reader)->next();
    if (!batch.ok()) {
      *code = batch.status().code();
      return batch.status().to_string();
    }
    const RecordBatchPtr& b = *batch;
    if (b == nullptr) break;
    if (!b->validate(true).ok()) std::abort();
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      for (int c = 0; c < b->num_columns(); ++c) {
        append_value_text(out, *b->column(c), r, TextFlavor::kJson);
        out += ',';
      }
      out += '\n';
    }
  }
  const csv::MalformedRows& malformed = (*reader)->malformed();
  if (options.mode == csv::MalformedMode::kFailFast && malformed.count != 0) std::abort();
  return out + malformed.describe("f.csv", options.mode);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto fs = std::make_shared<MemoryFileSystem>();
  if (size == 0) return 0;
  // The first byte picks the dialect and the block size (the seeds in corpus/csv_reader use this
  // layout); the last byte, which is also text, switches a few rarer options.
  const uint8_t mode = data[0];
  const uint8_t extra = data[size - 1];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (!fs->write_file("f.csv", text).ok()) return 0;
  csv::CsvReadOptions options;
  options.delimiter = (mode & 1) ? ';' : ',';
  options.escape = (mode & 2) ? '\\' : '"';
  options.header = (mode & 4) == 0;
  options.sample_rows = (mode & 8) ? 3 : 20480;
  if ((extra & 7) == 1) options.null_values = {"NA", ""};
  if ((extra & 7) == 2) options.max_row_bytes = 64;
  if ((extra & 7) == 3 && options.escape == '"') options.quote = options.escape = '\'';
  // Bits 3-4 of the last byte: the mode (3: FAILFAST too).
  const int mode_bits = (extra >> 3) & 3;
  options.mode = mode_bits == 1   ? csv::MalformedMode::kDropMalformed
                 : mode_bits == 2 ? csv::MalformedMode::kPermissive
                                  : csv::MalformedMode::kFailFast;
  if ((extra & 7) == 5) {
    // A given schema (the inferred one), its first column NOT NULL unless PERMISSIVE refuses it.
    auto reader = csv::CsvReader::open(fs, "f.csv", options);
    if (reader.ok() && (*reader)->schema()->num_fields() > 0) {
      std::vector<FieldPtr> fields = (*reader)->schema()->fields();
      if (options.mode != csv::MalformedMode::kPermissive) {
        fields[0] = field(fields[0]->name(), fields[0]->type(), false);
      }
      options.schema = schema(std::move(fields));
    }
  }
  if ((extra & 7) == 4) {
    // Explicit types for the columns there are, to reach every value parser.
    auto reader = csv::CsvReader::open(fs, "f.csv", options);
    if (reader.ok()) {
      const TypePtr types[] = {decimal128(10, 2), timestamp(TimeUnit::kNano, "UTC"), int8(),
                               date32(), time64(TimeUnit::kMicro), boolean(), float32(),
                               decimal128(38, 20), uint16(), binary()};
      const auto& fields = (*reader)->schema()->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i]->name() == options.corrupt_record_column) continue;
        options.column_types.emplace_back(fields[i]->name(), types[i % 10]);
      }
    }
  }
  const int64_t block_bytes = 1 + (mode >> 4);
  options.parallel = false;
  StatusCode serial_code, parallel_code;
  const std::string serial = read_all(fs, options, &serial_code);
  if (serial_code == StatusCode::kInternal) std::abort();
  options.parallel = true;
  options.block_bytes = block_bytes;
  const std::string parallel = read_all(fs, options, &parallel_code);
  if (parallel_code == StatusCode::kInternal) std::abort();
  // Serial with tiny blocks too: blocks then follow each other without the boundary automaton.
  StatusCode small_code;
  options.parallel = false;
  const std::string small_blocks = read_all(fs, options, &small_code);
  if (small_code == StatusCode::kInternal) std::abort();
  // A row longer than max_row_bytes may be noticed before or after it is complete, depending on
  // where chunks end; everything else must match exactly.
  const bool long_row = serial.find("max_row_bytes") != std::string::npos ||
                        parallel.find("max_row_bytes") != std::string::npos ||
                        small_blocks.find("max_row_bytes") != std::string::npos;
  if (serial_code != parallel_code || (!long_row && serial != parallel)) std::abort();
  if (serial_code != small_code || (!long_row && serial != small_blocks)) std::abort();
  return 0;
}
