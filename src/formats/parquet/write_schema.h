// The Parquet schema a braid schema is written as, and how each leaf's values are stored.
//
// Choices made for the widest readability (Spark, DuckDB, Polars, older parquet-mr):
//   int8/int16 -> INT32 + INTEGER(8|16, signed) with INT_8/INT_16; unsigned likewise
//   decimal(p,s) -> INT32 (p <= 9), INT64 (p <= 18), else FIXED_LEN_BYTE_ARRAY of the fewest bytes
//   string -> BYTE_ARRAY + STRING (UTF8); binary -> BYTE_ARRAY
//   date -> INT32 + DATE; time -> INT64 + TIME; timestamp -> INT64 + TIMESTAMP(MICROS|NANOS,
//     isAdjustedToUTC = has a time zone) with TIMESTAMP_MICROS only when adjusted (that converted
//     type implies UTC)
//   interval -> FIXED_LEN_BYTE_ARRAY(12) + INTERVAL (months, days, milliseconds)
//   list -> 3-level LIST (repeated group "list" { element }); map -> MAP (repeated group
//     "key_value" { required key; value })
// Thread-safety: immutable after build.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/data_type.h"
#include "formats/parquet/metadata.h"

namespace braid::parquet {

// A node of the schema being written, mirroring the braid type tree.
struct WriteNode {
  enum class Kind : uint8_t { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  std::string name;
  TypePtr type;
  bool nullable = true;
  int def_level = 0;  // definition level when this node is present (non-null)
  int rep_level = 0;
  // Lists and maps: the level at which an element exists, and the repetition level of elements.
  int repeated_def_level = 0;
  int repeated_rep_level = 0;
  std::vector<std::unique_ptr<WriteNode>> children;  // struct fields; list: [element];
                                                     // map: [key, value]
  // Leaves.
  int leaf_index = -1;
  PhysicalType physical = PhysicalType::kInt32;
  int type_length = 0;
  std::vector<std::string> path;  // path_in_schema
};

class WriteSchema {
 public:
  static Result<std::unique_ptr<WriteSchema>> build(const Schema& schema);

  const std::vector<SchemaElement>& elements() const { return elements_; }
  const std::vector<std::unique_ptr<WriteNode>>& fields() const { return fields_; }
  const std::vector<const WriteNode*>& leaves() const { return leaves_; }

 private:
  std::vector<SchemaElement> elements_;
  std::vector<std::unique_ptr<WriteNode>> fields_;
  std::vector<const WriteNode*> leaves_;
};

// Bytes of the smallest two's complement integer holding every decimal of `precision` digits.
int decimal_byte_width(int precision);

}  // namespace braid::parquet
