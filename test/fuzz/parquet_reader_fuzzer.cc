// libFuzzer target: the Parquet reader on arbitrary bytes. Must never crash, hang or exhaust
// memory; every input either reads or fails with a Status. Also exercises statistics decoding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/memory_file_system.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/statistics.h"

using namespace braid;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto fs = std::make_shared<MemoryFileSystem>();
  (void)fs->write_file("f.parquet", std::string(reinterpret_cast<const char*>(data), size));
  auto file = parquet::ParquetFile::open(fs, "f.parquet");
  if (!file.ok()) return 0;
  const auto& md = (*file)->metadata();
  for (const auto& rg : md.row_groups) {
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      if (rg.columns[c].meta_data) {
        (void)parquet::column_statistics(*(*file)->file_schema().leaves()[c], *rg.columns[c].meta_data);
      }
    }
  }
  parquet::ParquetReadOptions options;
  options.parallel = false;
  // Mutated pages of seeds written by braid carry stale CRCs: were they always verified, every
  // mutation of a page would stop at the checksum and the decoders behind it would never be
  // fuzzed. Odd-sized inputs skip verification.
  options.verify_checksums = size % 2 == 0;
  auto reader = parquet::ParquetReader::open(*file, options);
  if (!reader.ok()) return 0;
  while (true) {
    auto batch = (*reader)->next();
    if (!batch.ok() || *batch == nullptr) break;
    (void)(*batch)->validate(true);
  }
  return 0;
}
