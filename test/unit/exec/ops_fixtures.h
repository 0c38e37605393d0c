// Fixtures of the operator tests (test/unit/exec/ops_*_test.cc): a table from CSV text cut into
// small batches, its rows back as text ("v|v|NULL"), and the execution contexts that split the
// work differently (serial, and parallel with tiny morsels), for checking that every split gives
// the same rows. A test file says `using namespace ::braid::exec::ops_fixtures;`.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "exec/ops/exec_context.h"
#include "exec/ops/table.h"
#include "formats/csv/csv_reader.h"
#include "support/status_matchers.h"

// Not in an anonymous namespace: a header's functions are inline, so a test that leaves some
// unused does not warn.
namespace braid::exec::ops_fixtures {

// A table of `schema` from CSV rows (no header; an empty field is NULL), cut into slices of
// `batch_rows` rows.
inline Table csv_table(const SchemaPtr& schema, const std::string& csv, int64_t batch_rows = 2) {
  auto fs = std::make_shared<MemoryFileSystem>();
  EXPECT_OK(fs->write_file("t.csv", csv));
  csv::CsvReadOptions options;
  options.header = false;
  options.schema = schema;
  options.parallel = false;
  auto batches = csv::read_csv(fs, "t.csv", options);
  EXPECT_OK(batches);
  Table whole{schema, batches.ok() ? *batches : std::vector<RecordBatchPtr>{}};
  auto one = concat_batches(whole);
  EXPECT_OK(one);
  Table out{schema, {}};
  for (int64_t start = 0; start < (*one)->num_rows(); start += batch_rows) {
    out.batches.push_back((*one)->slice(start, std::min(batch_rows, (*one)->num_rows() - start)));
  }
  return out;
}

// Rows as "v|v|NULL", in table order.
inline std::vector<std::string> rows_of(const Table& table) {
  std::vector<std::string> rows;
  for (const auto& b : table.batches) {
    EXPECT_OK(b->validate(true));
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < b->num_columns(); ++c) {
        if (c) row += "|";
        if (b->column(c)->is_null(r)) {
          row += "NULL";
        } else {
          append_value_text(row, *b->column(c), r, TextFlavor::kPlain);
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

inline std::vector<std::string> sorted_rows_of(const Table& table) {
  auto rows = rows_of(table);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Contexts that split work differently: serial, and parallel with tiny morsels.
inline std::vector<ExecContext> contexts() {
  return {ExecContext{.max_parallelism = 1}, ExecContext{.max_parallelism = 1, .morsel_rows = 2},
          ExecContext{.max_parallelism = 4, .morsel_rows = 1},
          ExecContext{.max_parallelism = 0, .morsel_rows = 3}};
}

}  // namespace braid::exec::ops_fixtures
