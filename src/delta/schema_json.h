// Delta table schemas: Spark's StructType JSON (metaData.schemaString) <-> braid Schema.
//
// Spark types map to braid types: string, long, integer, short, byte, float, double,
// decimal(p,s), boolean, binary, date, timestamp (an instant: braid timestamp with time zone
// "UTC"), timestamp_ntz (wall clock), void (null), struct, array, map. Field metadata is kept as
// key -> raw JSON text, so column-mapping ids and physical names, generation expressions and
// invariants survive a round trip byte for byte.
// Thread-safety: functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "braid/result.h"
#include "columnar/data_type.h"

namespace braid::delta {

Result<SchemaPtr> parse_schema_json(std::string_view json);
// Fails for types Delta cannot store (unsigned integers, time, interval, fixed-size binary).
Result<std::string> schema_to_json(const Schema& schema);

// Spark's name of a type: "long", "decimal(12,2)", "array<integer>", "struct<a:string>".
std::string spark_type_name(const DataType& type);

// A field metadata value that is a JSON string, unquoted ("delta.columnMapping.physicalName").
std::optional<std::string> metadata_string(const Field& field, std::string_view key);
// A field metadata value that is a JSON integer ("delta.columnMapping.id").
std::optional<int64_t> metadata_int(const Field& field, std::string_view key);

}  // namespace braid::delta
