// Delta scans verify the page CRCs of the data files they read (by default; ScanOptions::
// verify_checksums turns it off), so a damaged data file is an error naming it, never rows with
// wrong values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "columnar/column_builder.h"
#include "common/memory_file_system.h"
#include "delta/scan.h"
#include "delta/table.h"
#include "support/status_matchers.h"

namespace braid::delta {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(DeltaScanChecksumTest, ADamagedDataFileIsAnErrorUnlessVerificationIsOff) {
  auto fs = std::make_shared<MemoryFileSystem>();
  auto s = schema({field("id", int64())});
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::create(fs, "t", s, {}));
  Int64Builder b(int64());
  for (int64_t v = 0; v < 1000; ++v) b.append(v * 1000003);  // distinct: PLAIN values in the page
  WriteOptions w;
  w.data.parquet.codec = parquet::Codec::kUncompressed;  // to find a value's bytes in the file
  ASSERT_OK(table.append({std::make_shared<const RecordBatch>(s, 1000, std::vector<ColumnPtr>{*b.finish()})}, w).status());
  ASSERT_OK_AND_ASSIGN(auto snap, table.snapshot());
  ASSERT_EQ(snap->files().size(), 1u);
  const std::string path = "t/" + snap->files()[0].path;
  ASSERT_OK_AND_ASSIGN(std::string bytes, fs->read_file(path));
  // The value 500 * 1000003, stored once in the data (dictionary or plain), one bit flipped.
  const int64_t needle = 500 * int64_t{1000003};
  const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&needle), 8));
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x01;
  ASSERT_OK(fs->write_file(path, bytes));

  auto read_all = [&](bool verify) -> Result<int64_t> {
    ScanOptions o;
    o.verify_checksums = verify;
    BRAID_ASSIGN_OR_RETURN(auto scan, DeltaScan::make(snap, o));
    int64_t sum = 0;
    while (true) {
      BRAID_ASSIGN_OR_RETURN(auto batch, scan->next());
      if (batch == nullptr) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) sum += batch->column(0)->value<int64_t>(r);
    }
    return sum;
  };
  EXPECT_THAT(read_all(true), StatusIs(StatusCode::kCorruption, ::testing::AllOf(HasSubstr(snap->files()[0].path),
                                                                               HasSubstr("column 'id': page"),
                                                                               HasSubstr("checksum mismatch"))));
  ASSERT_OK_AND_ASSIGN(int64_t sum, read_all(false));
  EXPECT_EQ(sum, 999 * 1000 / 2 * int64_t{1000003} + 1);  // the flipped bit, as stored
}

}  // namespace
}  // namespace braid::delta
