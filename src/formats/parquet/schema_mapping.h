// From the Parquet schema (a depth-first list of SchemaElements) to braid types.
//
// Builds the schema tree, computes definition and repetition levels of every node
// (parquet-format README, "Nested Encoding"), recognises lists and maps in their standard and
// legacy forms (LogicalTypes.md, "Backward compatibility rules"), and decides for every leaf how
// its physical values become braid values (the LeafConversion).
// A logical type that cannot annotate its physical type (TIMESTAMP on INT32, DATE on INT64, UUID
// on BYTE_ARRAY...) is refused rather than dropped; logical types newer than this code are read
// as their physical type.
//
// Thread-safety: immutable after build().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/data_type.h"
#include "formats/parquet/metadata.h"

namespace braid::parquet {

// How a leaf's physical values turn into the values of its braid type.
enum class LeafConversion : uint8_t {
  kCopy,            // same width and meaning: memcpy (int32, int64, float, double, date32...)
  kBoolean,         // bytes -> bits
  kInt32ToInt8,
  kInt32ToInt16,
  kInt32ToUInt8,
  kInt32ToUInt16,
  kInt32ToDecimal,
  kInt64ToDecimal,
  kBytesToDecimal,  // BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY, big-endian two's complement
  kInt32MillisToMicros,  // TIME_MILLIS
  kInt64MillisToMicros,  // TIMESTAMP_MILLIS
  kInt96ToMicros,
  kFloat16ToFloat32,
  kIntervalToMonthDayNanos,
  kBinary,          // BYTE_ARRAY -> string or binary
  kFixedBinary,     // FIXED_LEN_BYTE_ARRAY -> fixed_size_binary
  kNull,            // UNKNOWN logical type: every value is null
};

// A node of the Parquet schema tree.
struct SchemaNode {
  enum class Kind : uint8_t { kLeaf, kStruct, kList, kMap };

  Kind kind = Kind::kLeaf;
  std::string name;
  const SchemaElement* element = nullptr;  // the node's own element (for lists: the outer group)
  // Levels at which this node is present (non-null), counting optional and repeated ancestors
  // and itself.
  int def_level = 0;
  int rep_level = 0;
  bool nullable = false;  // this node itself can be null (optional, or a legacy list wrapper)
  // Lists and maps: the repeated node's levels (an element exists at repeated_def_level; a new
  // element of this list starts where rep == repeated_rep_level).
  int repeated_def_level = 0;
  int repeated_rep_level = 0;
  std::vector<std::unique_ptr<SchemaNode>> children;  // struct fields; list: [element];
                                                      // map: [key, value]
  // Leaves.
  int leaf_index = -1;  // index among the file's leaf columns
  PhysicalType physical = PhysicalType::kBoolean;
  int type_length = 0;
  LeafConversion conversion = LeafConversion::kCopy;

  TypePtr type;  // the braid type of this node
};

class FileSchema {
 public:
  // Fails with kCorruption on a malformed schema (wrong child counts, a list without a repeated
  // child...) and kNotImplemented for unsupported leaf types, naming the column.
  static Result<std::unique_ptr<FileSchema>> build(const FileMetaData& metadata);

  const SchemaPtr& schema() const { return schema_; }
  // Top-level fields, in order.
  const std::vector<std::unique_ptr<SchemaNode>>& fields() const { return root_.children; }
  // Leaves in file order (the order of ColumnChunks in a row group).
  const std::vector<const SchemaNode*>& leaves() const { return leaves_; }
  // For each top-level field, the leaf indices below it.
  const std::vector<std::vector<int>>& field_leaves() const { return field_leaves_; }
  // The leaf's Parquet column path (path_in_schema), dotted: "a.b.list.element", for messages.
  const std::string& leaf_path(int leaf) const { return leaf_paths_[static_cast<size_t>(leaf)]; }

 private:
  SchemaNode root_;
  SchemaPtr schema_;
  std::vector<const SchemaNode*> leaves_;
  std::vector<std::string> leaf_paths_;
  std::vector<std::vector<int>> field_leaves_;
};

// The type name used by the conformance manifest and `braid schema --format jsonl`
// (../shared/fixtures/parquet/README.md): "BIGINT", "VARCHAR", "DECIMAL(12,2)",
// "TIMESTAMP WITH TIME ZONE", "STRUCT(\"a\" BIGINT)", "BIGINT[]", "MAP(VARCHAR, BIGINT)"...
std::string sql_type_name(const DataType& type);

}  // namespace braid::parquet
