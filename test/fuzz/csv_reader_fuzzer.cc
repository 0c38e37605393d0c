// libFuzzer target: the CSV reader on arbitrary bytes, serial and parallel with tiny blocks.
// Must never crash or hang, and the parallel result must equal the serial one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "formats/csv/csv_reader.h"

using namespace braid;

namespace {

std::string read_all(const std::shared_ptr<FileSystem>& fs, csv::CsvReadOptions options, bool* ok) {
  auto batches = csv::read_csv(fs, "f.csv", options);
  *ok = batches.ok();
  if (!batches.ok()) return batches.status().to_string();
  std::string out;
  for (const auto& b : *batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      for (int c = 0; c < b->num_columns(); ++c) append_value_text(out, *b->column(c), r, TextFlavor::kJson);
      out += '\n';
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto fs = std::make_shared<MemoryFileSystem>();
  if (size == 0) return 0;
  // The first byte picks the dialect so one corpus covers several.
  const uint8_t mode = data[0];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)fs->write_file("f.csv", text);
  csv::CsvReadOptions options;
  options.delimiter = (mode & 1) ? ';' : ',';
  options.escape = (mode & 2) ? '\\' : '"';
  options.header = (mode & 4) == 0;
  options.sample_rows = (mode & 8) ? 3 : 20480;
  options.parallel = false;
  bool serial_ok = false, parallel_ok = false;
  std::string serial = read_all(fs, options, &serial_ok);
  options.parallel = true;
  options.block_bytes = 1 + (mode >> 4);
  std::string parallel = read_all(fs, options, &parallel_ok);
  if (serial_ok != parallel_ok || (serial_ok && serial != parallel)) std::abort();
  return 0;
}
