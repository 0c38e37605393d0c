#include "columnar/arrow_c_interface.h"

#include <fmt/core.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "columnar/bitmap.h"
#include "columnar/column_builder.h"
#include "columnar/physical_types.h"

namespace braid {

namespace {

// Metadata keys of the Arrow extension type mechanism (Columnar format: Extension Types; C data
// interface: Extension arrays), and braid's own key for what Arrow has no type for.
constexpr std::string_view kExtensionNameKey = "ARROW:extension:name";
constexpr std::string_view kExtensionMetadataKey = "ARROW:extension:metadata";
constexpr std::string_view kTimeUtcKey = "braid.time_utc";
constexpr std::string_view kBraidExtensionPrefix = "braid.";

// Foreign structs can be anything; these bounds keep a malformed one from recursing or
// allocating without end. No real type nests 64 levels or carries a million metadata entries.
constexpr int kMaxDepth = 64;
constexpr int32_t kMaxMetadataEntries = 1 << 20;
// Keeps every byte-size computation (rows x 16 bytes) far from int64 overflow.
constexpr int64_t kMaxRows = int64_t{1} << 48;

// Stands in for a null buffer whose size would be zero (spec, ArrowArray.buffers: a buffer "MAY
// be null ... if the size in bytes of the corresponding buffer would be 0"), and for the single
// zero offset of an empty string or list array that some producers leave out.
alignas(64) constexpr uint8_t kZeroBytes[64] = {};

template <typename F>
auto without_exceptions(F&& f) -> decltype(f()) {
  // braid allocates with operator new in places (vectors, strings, builders); nothing may throw
  // across this API, least of all into a C caller.
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::out_of_memory("Arrow C data interface: out of memory");
  } catch (const std::exception& e) {
    return Status::internal("Arrow C data interface: unexpected exception: {}", e.what());
  }
}

// ---- metadata (spec, ArrowSchema.metadata: int32 count, then int32 length + bytes for each key
// and value, integers in native byte order)

void append_int32(std::string& out, int32_t v) {
  char bytes[4];
  std::memcpy(bytes, &v, 4);
  out.append(bytes, 4);
}

Result<std::string> encode_metadata(const KeyValueMetadata& metadata) {
  if (metadata.size() > static_cast<size_t>(kMaxMetadataEntries)) {
    return Status::invalid_argument("metadata has {} entries, more than Arrow can carry",
                                    metadata.size());
  }
  std::string out;
  append_int32(out, static_cast<int32_t>(metadata.size()));
  for (const auto& [key, value] : metadata) {
    if (key.size() > INT32_MAX || value.size() > INT32_MAX) {
      return Status::invalid_argument("metadata entry '{}' is larger than 2 GiB",
                                      key.substr(0, 64));
    }
    append_int32(out, static_cast<int32_t>(key.size()));
    out += key;
    append_int32(out, static_cast<int32_t>(value.size()));
    out += value;
  }
  return out;
}

Result<KeyValueMetadata> decode_metadata(const char* p) {
  KeyValueMetadata out;
  if (p == nullptr) return out;
  // The encoding carries no total size, so only the counts and lengths can be checked.
  auto read_int32 = [&p]() {
    int32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    return v;
  };
  const int32_t n = read_int32();
  if (n < 0 || n > kMaxMetadataEntries) {
    return Status::invalid_argument("metadata claims {} entries", n);
  }
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const int32_t key_length = read_int32();
    if (key_length < 0)
      return Status::invalid_argument("metadata key {} has length {}", i, key_length);
    std::string key(p, static_cast<size_t>(key_length));
    p += key_length;
    const int32_t value_length = read_int32();
    if (value_length < 0) {
      return Status::invalid_argument("metadata value of '{}' has length {}", key, value_length);
    }
    std::string value(p, static_cast<size_t>(value_length));
    p += value_length;
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string arrow_extension_name(const std::string& braid_name) {
  // The two braid extensions with a canonical Arrow counterpart (Canonical Extension Types).
  if (braid_name == "uuid") return "arrow.uuid";
  if (braid_name == "json") return "arrow.json";
  return std::string(kBraidExtensionPrefix) + braid_name;
}

std::optional<std::string> braid_extension_name(std::string_view arrow_name) {
  if (arrow_name == "arrow.uuid") return "uuid";
  if (arrow_name == "arrow.json") return "json";
  if (arrow_name.size() > kBraidExtensionPrefix.size() &&
      arrow_name.substr(0, kBraidExtensionPrefix.size()) == kBraidExtensionPrefix) {
    return std::string(arrow_name.substr(kBraidExtensionPrefix.size()));
  }
  return std::nullopt;
}

// ---- export: types (spec, "Data type description -- format strings")

std::string format_of(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return "n";
    case TypeId::kBoolean: return "b";
    case TypeId::kInt8: return "c";
    case TypeId::kUInt8: return "C";
    case TypeId::kInt16: return "s";
    case TypeId::kUInt16: return "S";
    case TypeId::kInt32: return "i";
    case TypeId::kUInt32: return "I";
    case TypeId::kInt64: return "l";
    case TypeId::kUInt64: return "L";
    case TypeId::kFloat32: return "f";
    case TypeId::kFloat64: return "g";
    case TypeId::kDecimal128: return fmt::format("d:{},{}", type.precision(), type.scale());
    case TypeId::kString: return "u";
    case TypeId::kBinary: return "z";
    case TypeId::kFixedSizeBinary: return fmt::format("w:{}", type.byte_width());
    case TypeId::kDate32: return "tdD";
    case TypeId::kTime64: return type.unit() == TimeUnit::kNano ? "ttn" : "ttu";
    case TypeId::kTimestamp:
      // Note (1) of the format table: the colon stays even when the zone is empty.
      return (type.unit() == TimeUnit::kNano ? "tsn:" : "tsu:") + type.timezone();
    case TypeId::kInterval: return "tin";
    case TypeId::kStruct: return "+s";
    case TypeId::kList: return "+l";
    case TypeId::kMap: return "+m";
  }
  return "?";
}

// private_data of an exported ArrowSchema: owns every string and child the struct points to.
struct ExportedSchema {
  std::string format;
  std::string name;
  std::string metadata;
  bool has_metadata = false;
  std::vector<ArrowSchema> children;  // sized once: the pointers below stay valid
  std::vector<ArrowSchema*> child_pointers;

  ~ExportedSchema() {
    // Spec: the release callback "MUST walk all children structures ... and call their own
    // release callbacks"; a child the consumer moved out is marked released and skipped.
    for (auto& child : children) {
      if (child.release != nullptr) child.release(&child);
    }
  }
};

void release_exported_schema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  delete static_cast<ExportedSchema*>(schema->private_data);
  schema->private_data = nullptr;
  schema->release = nullptr;
}

Status fill_field_schema(const std::string& name, const DataType& type, bool nullable,
                         const KeyValueMetadata& field_metadata, ArrowSchema* out);

// Fills `out` only on success; on failure everything built so far is freed.
Status fill_schema(std::string format, const std::string& name, int64_t flags,
                   const KeyValueMetadata& metadata, const std::vector<FieldPtr>& children,
                   ArrowSchema* out) {
  auto exported = std::make_unique<ExportedSchema>();
  exported->format = std::move(format);
  exported->name = name;
  if (!metadata.empty()) {
    BRAID_ASSIGN_OR_RETURN(exported->metadata, encode_metadata(metadata));
    exported->has_metadata = true;
  }
  exported->children.resize(children.size());  // zeroed: released until filled
  exported->child_pointers.resize(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    const Field& f = *children[i];
    BRAID_RETURN_IF_ERROR(
        fill_field_schema(f.name(), *f.type(), f.nullable(), f.metadata(), &exported->children[i])
            .with_context_f("field '{}'", f.name()));
    exported->child_pointers[i] = &exported->children[i];
  }
  out->format = exported->format.c_str();
  out->name = exported->name.c_str();
  // Spec: absent metadata "MUST be NULL (not an empty string)".
  out->metadata = exported->has_metadata ? exported->metadata.data() : nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(children.size());
  out->children = children.empty() ? nullptr : exported->child_pointers.data();
  out->dictionary = nullptr;
  out->release = release_exported_schema;
  out->private_data = exported.release();
  return Status::OK();
}

Status fill_field_schema(const std::string& name, const DataType& type, bool nullable,
                         const KeyValueMetadata& field_metadata, ArrowSchema* out) {
  const bool has_extension = !type.extension().empty();
  const bool is_time = type.id() == TypeId::kTime64;
  KeyValueMetadata metadata;
  metadata.reserve(field_metadata.size() + 2);
  for (const auto& entry : field_metadata) {
    // What the type says wins over stale copies of the same keys in the field's metadata.
    if (has_extension &&
        (entry.first == kExtensionNameKey || entry.first == kExtensionMetadataKey)) {
      continue;
    }
    if (is_time && entry.first == kTimeUtcKey) continue;
    metadata.push_back(entry);
  }
  if (has_extension) {
    metadata.emplace_back(kExtensionNameKey, arrow_extension_name(type.extension()));
    // Parameterless extensions serialise to an empty string (arrow.uuid, arrow.json).
    metadata.emplace_back(kExtensionMetadataKey, "");
  }
  if (is_time && type.time_utc()) metadata.emplace_back(kTimeUtcKey, "true");

  int64_t flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  if (type.id() == TypeId::kMap && type.keys_sorted()) flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  return fill_schema(format_of(type), name, flags, metadata, type.fields(), out);
}

// ---- export: arrays

// private_data of an exported ArrowArray. Holding the column holds every buffer it references;
// each child struct has its own ExportedArray, so a child moved out by the consumer keeps its
// data alive on its own.
struct ExportedArray {
  ColumnPtr column;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;  // sized once
  std::vector<ArrowArray*> child_pointers;

  ~ExportedArray() {
    for (auto& child : children) {
      if (child.release != nullptr) child.release(&child);
    }
  }
};

void release_exported_array(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  delete static_cast<ExportedArray*>(array->private_data);
  array->private_data = nullptr;
  array->release = nullptr;
}

size_t expected_children(const DataType& type) {
  switch (type.id()) {
    case TypeId::kStruct: return type.fields().size();
    case TypeId::kList:
    case TypeId::kMap: return 1;
    default: return 0;
  }
}

Status fill_array(const ColumnPtr& column, ArrowArray* out) {
  const Column& c = *column;
  const DataType& type = *c.type();
  const size_t num_buffers = static_cast<size_t>(num_buffers_for(type.id()));
  if (c.buffers().size() != num_buffers) {
    return Status::invalid_argument("{} column has {} buffers, its layout has {}", type.to_string(),
                                    c.buffers().size(), num_buffers);
  }
  if (c.children().size() != expected_children(type)) {
    return Status::invalid_argument("{} column has {} children, its type has {}", type.to_string(),
                                    c.children().size(), expected_children(type));
  }
  auto exported = std::make_unique<ExportedArray>();
  exported->column = column;
  exported->buffers.resize(num_buffers);
  const int64_t end = c.offset() + c.length();
  for (size_t i = 0; i < num_buffers; ++i) {
    const BufferPtr& b = c.buffers()[i];
    exported->buffers[i] = b != nullptr ? b->data() : nullptr;
    if (i == 0 || b != nullptr) continue;
    // A missing buffer is fine where its size would be zero; an empty offsets buffer still
    // needs its one leading zero for Arrow readers.
    const bool has_offsets =
        type.is_binary_like() || type.id() == TypeId::kList || type.id() == TypeId::kMap;
    if (has_offsets && i == 1 && end == 0) {
      exported->buffers[i] = kZeroBytes;
    } else if (end != 0 && !(has_offsets && i == 2 && c.offsets()[c.length()] == 0)) {
      return Status::invalid_argument("{} column: buffer {} is missing", type.to_string(), i);
    }
  }
  exported->children.resize(c.children().size());
  exported->child_pointers.resize(c.children().size());
  for (size_t i = 0; i < c.children().size(); ++i) {
    if (c.children()[i] == nullptr) {
      return Status::invalid_argument("{} column: child {} is missing", type.to_string(), i);
    }
    BRAID_RETURN_IF_ERROR(fill_array(c.children()[i], &exported->children[i]));
    exported->child_pointers[i] = &exported->children[i];
  }
  out->length = c.length();
  out->null_count = c.null_count();
  out->offset = c.offset();
  out->n_buffers = static_cast<int64_t>(num_buffers);
  out->n_children = static_cast<int64_t>(c.children().size());
  out->buffers = exported->buffers.data();
  out->children = c.children().empty() ? nullptr : exported->child_pointers.data();
  out->dictionary = nullptr;
  out->release = release_exported_array;
  out->private_data = exported.release();
  return Status::OK();
}

// ---- stream export (C stream interface)

int errno_for(StatusCode code) {
  // Spec, Error codes: errno values; EINVAL, ENOMEM and EIO are the ones consumers know best.
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
    case StatusCode::kCorruption: return EINVAL;
    case StatusCode::kNotFound: return ENOENT;
    case StatusCode::kAlreadyExists: return EEXIST;
    case StatusCode::kConflict: return EBUSY;
    case StatusCode::kUnavailable: return EAGAIN;
    case StatusCode::kCancelled: return ECANCELED;
    case StatusCode::kOutOfMemory: return ENOMEM;
    case StatusCode::kNotImplemented: return ENOSYS;
    case StatusCode::kIOError:
    case StatusCode::kInternal: return EIO;
  }
  return EIO;
}

StatusCode status_code_for_errno(int code) {
  switch (code) {
    case EINVAL: return StatusCode::kInvalidArgument;
    case ENOENT: return StatusCode::kNotFound;
    case EEXIST: return StatusCode::kAlreadyExists;
    case EBUSY: return StatusCode::kConflict;
    case EAGAIN: return StatusCode::kUnavailable;
    case ECANCELED: return StatusCode::kCancelled;
    case ENOMEM: return StatusCode::kOutOfMemory;
    case ENOSYS:
    case ENOTSUP: return StatusCode::kNotImplemented;
    default: return StatusCode::kIOError;
  }
}

// Symbolic names of the codes above, for messages (strerror is not thread-safe).
std::string_view errno_name(int code) {
  switch (code) {
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EBUSY: return "EBUSY";
    case EAGAIN: return "EAGAIN";
    case ECANCELED: return "ECANCELED";
    case ENOMEM: return "ENOMEM";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    case EIO: return "EIO";
    default: return "unknown";
  }
}

// private_data of an exported ArrowArrayStream.
struct ExportedStream {
  std::shared_ptr<BatchSource> source;
  SchemaPtr schema;
  int64_t batches = 0;
  std::string last_error;  // what get_last_error points into, until the next callback
};

int stream_fail(ExportedStream* stream, const Status& status) {
  stream->last_error = status.to_string();
  return errno_for(status.code());
}

// The callbacks are called from C: no exception may leave them, whatever the source throws.
int stream_get_schema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* p = static_cast<ExportedStream*>(stream->private_data);
  try {
    p->last_error.clear();
    Status status = export_schema(*p->schema, out);
    return status.ok() ? 0 : stream_fail(p, status);
  } catch (const std::bad_alloc&) {
    p->last_error = "out of memory exporting the stream's schema";
    return ENOMEM;
  } catch (...) {
    p->last_error = "unexpected exception exporting the stream's schema";
    return EIO;
  }
}

int stream_get_next(ArrowArrayStream* stream, ArrowArray* out) {
  auto* p = static_cast<ExportedStream*>(stream->private_data);
  try {
    p->last_error.clear();
    Result<RecordBatchPtr> batch = p->source->next();
    if (!batch.ok()) return stream_fail(p, batch.status());
    if (*batch == nullptr) {
      // Spec: the end of the stream is a successful call that leaves `out` released.
      std::memset(out, 0, sizeof(ArrowArray));
      return 0;
    }
    const RecordBatch& b = **batch;
    const Schema& expected = *p->schema;
    bool matches = b.num_columns() == expected.num_fields();
    for (int i = 0; matches && i < b.num_columns(); ++i) {
      matches = b.column(i)->type()->equals(*expected.field(i)->type());
    }
    if (!matches) {
      return stream_fail(
          p, Status::invalid_argument("batch {} does not match the stream's schema:\n{}",
                                      p->batches, b.schema()->to_string()));
    }
    Status status = export_batch(*batch, out);
    if (!status.ok()) return stream_fail(p, status);
    ++p->batches;
    return 0;
  } catch (const std::bad_alloc&) {
    p->last_error = "out of memory reading the next batch";
    return ENOMEM;
  } catch (const std::exception& e) {
    p->last_error = fmt::format("exception reading the next batch: {}", e.what());
    return EIO;
  } catch (...) {
    p->last_error = "unexpected exception reading the next batch";
    return EIO;
  }
}

const char* stream_get_last_error(ArrowArrayStream* stream) {
  auto* p = static_cast<ExportedStream*>(stream->private_data);
  return p->last_error.empty() ? nullptr : p->last_error.c_str();
}

void release_exported_stream(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<ExportedStream*>(stream->private_data);
  stream->private_data = nullptr;
  stream->release = nullptr;
}

// ---- import: owning the foreign structs

// Owns a moved ArrowSchema and releases it once, when the import is done with it.
class SchemaHolder {
 public:
  explicit SchemaHolder(ArrowSchema* source) : schema_(*source) { source->release = nullptr; }
  ~SchemaHolder() {
    if (schema_.release != nullptr) schema_.release(&schema_);
  }
  SchemaHolder(const SchemaHolder&) = delete;
  SchemaHolder& operator=(const SchemaHolder&) = delete;
  const ArrowSchema& c_struct() const { return schema_; }

 private:
  ArrowSchema schema_;
};

// Owns a moved ArrowArray: the `owner` of every braid buffer wrapping its memory (or its
// children's), so the producer's release runs exactly once, when the last such buffer dies.
class ArrayOwner {
 public:
  explicit ArrayOwner(ArrowArray* source) : array_(*source) { source->release = nullptr; }
  ~ArrayOwner() {
    if (array_.release != nullptr) array_.release(&array_);
  }
  ArrayOwner(const ArrayOwner&) = delete;
  ArrayOwner& operator=(const ArrayOwner&) = delete;
  const ArrowArray& c_struct() const { return array_; }

 private:
  ArrowArray array_;
};

// Taking ownership cannot half-fail: if the holder cannot be allocated, the struct is released
// here, as the caller expects of every import.
Result<std::unique_ptr<SchemaHolder>> take_schema(ArrowSchema* schema) {
  if (schema == nullptr) return Status::invalid_argument("ArrowSchema pointer is null");
  if (schema->release == nullptr) {
    return Status::invalid_argument("ArrowSchema is released (or was moved from)");
  }
  try {
    return std::make_unique<SchemaHolder>(schema);
  } catch (const std::bad_alloc&) {
    schema->release(schema);
    return Status::out_of_memory("importing an ArrowSchema");
  }
}

Result<std::shared_ptr<const ArrayOwner>> take_array(ArrowArray* array) {
  if (array == nullptr) return Status::invalid_argument("ArrowArray pointer is null");
  if (array->release == nullptr) {
    return Status::invalid_argument("ArrowArray is released (or was moved from)");
  }
  try {
    return std::shared_ptr<const ArrayOwner>(std::make_shared<ArrayOwner>(array));
  } catch (const std::bad_alloc&) {
    array->release(array);
    return Status::out_of_memory("importing an ArrowArray");
  }
}

// ---- import: types

// How an Arrow array is laid out in memory, which decides how it becomes a braid column.
enum class Layout : uint8_t {
  kNull,
  kBoolean,
  kFixed,   // braid's own fixed-width layout: wrapped as is
  kBinary,  // "u", "z": wrapped as is
  kStruct,
  kList,
  kMap,
  // Converted with a copy (of offsets only, where the data can still be shared):
  kLargeBinary,       // "U", "Z": int64 offsets
  kBinaryView,        // "vu", "vz"
  kLargeList,         // "+L"
  kFixedSizeList,     // "+w:N"
  kDictionary,        // any index format with ArrowSchema.dictionary
  kRunEndEncoded,     // "+r"
  kDate64,            // "tdm": int64 milliseconds
  kTime32Seconds,     // "tts"
  kTime32Millis,      // "ttm"
  kTimestampSeconds,  // "tss:"
  kTimestampMillis,   // "tsm:"
  kHalfFloat,         // "e"
  kDecimalNarrow,     // "d:p,s,32" and "d:p,s,64"
  kIntervalMonths,    // "tiM": int32 months
  kIntervalDayTime,   // "tiD": int32 days, int32 milliseconds
};

// What parsing an ArrowSchema (or a braid type) yields: the braid type each array becomes and
// how to read the array that carries it.
struct ImportNode {
  Layout layout = Layout::kNull;
  std::string format;
  std::string name;
  TypePtr type;
  // kFixed and conversions: bytes per source value; kFixedSizeList: list size;
  // kDictionary: bytes per index.
  int64_t width = 0;
  bool is_signed = false;  // dictionary indexes
  std::vector<ImportNode> children;
  std::shared_ptr<const ImportNode> dictionary;
};

struct ParsedField {
  FieldPtr field;
  ImportNode node;
};

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t v = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

Status bad_format(std::string_view format, std::string_view why) {
  return Status::invalid_argument("invalid format string '{}': {}", format, why);
}

Status unsupported_format(std::string_view format, std::string_view what) {
  return Status::not_implemented("Arrow {} (format '{}') has no braid equivalent", what, format);
}

// Index formats of dictionary-encoded arrays (and run ends): integers only.
bool integer_format(std::string_view f, int64_t* width, bool* is_signed) {
  if (f.size() != 1) return false;
  switch (f[0]) {
    case 'c':
      *width = 1;
      *is_signed = true;
      return true;
    case 'C':
      *width = 1;
      *is_signed = false;
      return true;
    case 's':
      *width = 2;
      *is_signed = true;
      return true;
    case 'S':
      *width = 2;
      *is_signed = false;
      return true;
    case 'i':
      *width = 4;
      *is_signed = true;
      return true;
    case 'I':
      *width = 4;
      *is_signed = false;
      return true;
    case 'l':
      *width = 8;
      *is_signed = true;
      return true;
    case 'L':
      *width = 8;
      *is_signed = false;
      return true;
    default: return false;
  }
}

Result<ParsedField> parse_schema(const ArrowSchema& schema, int depth);

Result<std::vector<ParsedField>> parse_children(const ArrowSchema& schema, int depth) {
  std::vector<ParsedField> out;
  out.reserve(static_cast<size_t>(schema.n_children));
  for (int64_t i = 0; i < schema.n_children; ++i) {
    const ArrowSchema* child = schema.children[i];
    if (child == nullptr) return Status::invalid_argument("child {} of the ArrowSchema is null", i);
    auto parsed = parse_schema(*child, depth + 1);
    if (!parsed.ok()) {
      const char* name = child->name != nullptr ? child->name : "";
      return std::move(parsed).status().with_context_f("field '{}'", name);
    }
    out.push_back(std::move(parsed).value());
  }
  return out;
}

Status expect_children(std::string_view format, const ArrowSchema& schema, int64_t n) {
  if (schema.n_children != n) {
    return Status::invalid_argument("format '{}' has {} children, the ArrowSchema has {}", format,
                                    n, schema.n_children);
  }
  return Status::OK();
}

// The node for a format string; nested formats parse their children.
Result<ImportNode> parse_format(std::string_view f, const ArrowSchema& schema, int depth) {
  ImportNode n;
  n.format = std::string(f);
  auto fixed = [&n](TypePtr type, int64_t width, Layout layout = Layout::kFixed) {
    n.layout = layout;
    n.type = std::move(type);
    n.width = width;
  };
  const bool nested = !f.empty() && f[0] == '+';
  if (!nested) BRAID_RETURN_IF_ERROR(expect_children(f, schema, 0));

  if (f.size() == 1) {
    switch (f[0]) {
      case 'n':
        n.layout = Layout::kNull;
        n.type = null_type();
        return n;
      case 'b':
        n.layout = Layout::kBoolean;
        n.type = boolean();
        return n;
      case 'c': fixed(int8(), 1); return n;
      case 'C': fixed(uint8(), 1); return n;
      case 's': fixed(int16(), 2); return n;
      case 'S': fixed(uint16(), 2); return n;
      case 'i': fixed(int32(), 4); return n;
      case 'I': fixed(uint32(), 4); return n;
      case 'l': fixed(int64(), 8); return n;
      case 'L': fixed(uint64(), 8); return n;
      case 'e': fixed(float32()->with_extension("float16"), 2, Layout::kHalfFloat); return n;
      case 'f': fixed(float32(), 4); return n;
      case 'g': fixed(float64(), 8); return n;
      case 'u':
        n.layout = Layout::kBinary;
        n.type = string_type();
        return n;
      case 'z':
        n.layout = Layout::kBinary;
        n.type = binary();
        return n;
      case 'U':
        n.layout = Layout::kLargeBinary;
        n.type = string_type();
        return n;
      case 'Z':
        n.layout = Layout::kLargeBinary;
        n.type = binary();
        return n;
      default: return bad_format(f, "unknown type");
    }
  }
  if (f == "vu" || f == "vz") {
    n.layout = Layout::kBinaryView;
    n.type = f == "vu" ? string_type() : binary();
    return n;
  }
  if (f.substr(0, 2) == "d:") {
    // "d:precision,scale[,bitwidth]"
    std::string_view rest = f.substr(2);
    int64_t parts[3] = {0, 0, 128};
    int count = 0;
    while (true) {
      size_t comma = rest.find(',');
      if (count == 3) return bad_format(f, "expected d:precision,scale[,bitwidth]");
      auto v = parse_integer(rest.substr(0, comma));
      if (!v) return bad_format(f, "expected d:precision,scale[,bitwidth]");
      parts[count++] = *v;
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    if (count < 2) return bad_format(f, "expected d:precision,scale[,bitwidth]");
    const int64_t precision = parts[0], scale = parts[1], bits = parts[2];
    int64_t max_precision;
    switch (bits) {
      case 32: max_precision = 9; break;
      case 64: max_precision = 18; break;
      case 128: max_precision = 38; break;
      case 256: return unsupported_format(f, "decimal256");
      default: return bad_format(f, "decimal bit width must be 32, 64, 128 or 256");
    }
    if (precision < 1 || precision > max_precision) {
      return bad_format(f, fmt::format("precision must be in [1, {}]", max_precision));
    }
    if (scale < 0 || scale > precision) {
      return unsupported_format(f, "decimal with a scale outside [0, precision]");
    }
    auto type = decimal128(static_cast<int>(precision), static_cast<int>(scale));
    if (bits == 128) {
      fixed(std::move(type), 16);
    } else {
      fixed(std::move(type), bits / 8, Layout::kDecimalNarrow);
    }
    return n;
  }
  if (f.substr(0, 2) == "w:") {
    auto width = parse_integer(f.substr(2));
    if (!width || *width < 0 || *width > INT32_MAX) return bad_format(f, "expected w:bytes");
    if (*width == 0) return unsupported_format(f, "zero-width fixed-size binary");
    fixed(fixed_size_binary(static_cast<int>(*width)), *width);
    return n;
  }
  if (f[0] == 't') {
    if (f == "tdD") {
      fixed(date32(), 4);
      return n;
    }
    if (f == "tdm") {
      fixed(date32(), 8, Layout::kDate64);
      return n;
    }
    if (f == "tts") {
      fixed(time64(TimeUnit::kMicro), 4, Layout::kTime32Seconds);
      return n;
    }
    if (f == "ttm") {
      fixed(time64(TimeUnit::kMicro), 4, Layout::kTime32Millis);
      return n;
    }
    if (f == "ttu") {
      fixed(time64(TimeUnit::kMicro), 8);
      return n;
    }
    if (f == "ttn") {
      fixed(time64(TimeUnit::kNano), 8);
      return n;
    }
    if (f == "tin") {
      fixed(interval(), 16);
      return n;
    }
    if (f == "tiM") {
      fixed(interval(), 4, Layout::kIntervalMonths);
      return n;
    }
    if (f == "tiD") {
      fixed(interval(), 8, Layout::kIntervalDayTime);
      return n;
    }
    if (f.size() == 3 && f.substr(0, 2) == "tD" &&
        std::string_view("smun").find(f[2]) != std::string_view::npos) {
      return unsupported_format(f, "duration");
    }
    if (f.size() >= 4 && f.substr(0, 2) == "ts" && f[3] == ':') {
      std::string zone(f.substr(4));
      switch (f[2]) {
        case 's': fixed(timestamp(TimeUnit::kMicro, zone), 8, Layout::kTimestampSeconds); return n;
        case 'm': fixed(timestamp(TimeUnit::kMicro, zone), 8, Layout::kTimestampMillis); return n;
        case 'u': fixed(timestamp(TimeUnit::kMicro, zone), 8); return n;
        case 'n': fixed(timestamp(TimeUnit::kNano, zone), 8); return n;
        default: break;
      }
    }
    return bad_format(f, "unknown temporal type");
  }
  if (!nested) return bad_format(f, "unknown type");

  if (f == "+s") {
    BRAID_ASSIGN_OR_RETURN(auto children, parse_children(schema, depth));
    std::vector<FieldPtr> fields;
    for (auto& child : children) {
      fields.push_back(child.field);
      n.children.push_back(std::move(child.node));
    }
    n.layout = Layout::kStruct;
    n.type = struct_(std::move(fields));
    return n;
  }
  if (f == "+l" || f == "+L" || f.substr(0, 3) == "+w:") {
    if (f.substr(0, 3) == "+w:") {
      auto size = parse_integer(f.substr(3));
      if (!size || *size < 0 || *size > INT32_MAX) return bad_format(f, "expected +w:size");
      n.layout = Layout::kFixedSizeList;
      n.width = *size;
    } else {
      n.layout = f == "+l" ? Layout::kList : Layout::kLargeList;
    }
    BRAID_RETURN_IF_ERROR(expect_children(f, schema, 1));
    BRAID_ASSIGN_OR_RETURN(auto children, parse_children(schema, depth));
    n.type = list(children[0].field);
    n.children.push_back(std::move(children[0].node));
    return n;
  }
  if (f == "+m") {
    // Columnar format, Map: one non-null "entries" struct child of (key, value).
    BRAID_RETURN_IF_ERROR(expect_children(f, schema, 1));
    BRAID_ASSIGN_OR_RETURN(auto children, parse_children(schema, depth));
    ImportNode& entries = children[0].node;
    if (entries.layout != Layout::kStruct || entries.children.size() != 2) {
      return Status::invalid_argument(
          "format '+m': the map's child must be a struct of key and value, not '{}' with {} "
          "children",
          entries.format, entries.children.size());
    }
    const DataType& entries_type = *entries.type;
    const bool keys_sorted = (schema.flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0;
    n.layout = Layout::kMap;
    n.type = map(entries_type.field(0), entries_type.field(1), keys_sorted);
    // braid's map type fixes the entries field (name, non-null key); the struct node must carry
    // exactly that type for the column to validate.
    entries.type = n.type->field(0)->type();
    n.children.push_back(std::move(entries));
    return n;
  }
  if (f == "+r") {
    // Columnar format, Run-End Encoded: children run_ends (int16/32/64) and values.
    BRAID_RETURN_IF_ERROR(expect_children(f, schema, 2));
    BRAID_ASSIGN_OR_RETURN(auto children, parse_children(schema, depth));
    const ImportNode& run_ends = children[0].node;
    const TypeId id = run_ends.type->id();
    if (run_ends.layout != Layout::kFixed ||
        !(id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64)) {
      return Status::invalid_argument(
          "format '+r': run ends must be int16, int32 or int64, not '{}'", run_ends.format);
    }
    n.layout = Layout::kRunEndEncoded;
    n.type = children[1].field->type();
    n.children.push_back(std::move(children[0].node));
    n.children.push_back(std::move(children[1].node));
    return n;
  }
  if (f == "+vl" || f == "+vL") return unsupported_format(f, "list view");
  if (f.substr(0, 4) == "+ud:" || f.substr(0, 4) == "+us:") return unsupported_format(f, "union");
  return bad_format(f, "unknown nested type");
}

Result<ParsedField> parse_schema(const ArrowSchema& schema, int depth) {
  if (depth > kMaxDepth) {
    return Status::invalid_argument("ArrowSchema nests deeper than {} levels", kMaxDepth);
  }
  if (schema.release == nullptr) return Status::invalid_argument("ArrowSchema is released");
  if (schema.format == nullptr) return Status::invalid_argument("ArrowSchema has no format string");
  const std::string_view format = schema.format;
  if (format.empty()) return Status::invalid_argument("ArrowSchema has an empty format string");
  if (schema.n_children < 0 || (schema.n_children > 0 && schema.children == nullptr)) {
    return Status::invalid_argument("ArrowSchema '{}' has {} children and children pointer {}",
                                    format, schema.n_children,
                                    schema.children == nullptr ? "null" : "set");
  }
  std::string name = schema.name != nullptr ? schema.name : "";
  BRAID_ASSIGN_OR_RETURN(auto metadata, decode_metadata(schema.metadata));

  ImportNode node;
  if (schema.dictionary != nullptr) {
    // Spec, Dictionary-encoded arrays: the format is the index type, the dictionary struct
    // describes the values.
    if (!integer_format(format, &node.width, &node.is_signed)) {
      return bad_format(format, "a dictionary index type must be an integer");
    }
    BRAID_RETURN_IF_ERROR(expect_children(format, schema, 0));
    auto values = parse_schema(*schema.dictionary, depth + 1);
    if (!values.ok()) return std::move(values).status().with_context("dictionary");
    node.layout = Layout::kDictionary;
    node.format = std::string(format);
    node.type = values->field->type();
    node.dictionary = std::make_shared<const ImportNode>(std::move(values->node));
  } else {
    BRAID_ASSIGN_OR_RETURN(node, parse_format(format, schema, depth));
  }

  // Lift what braid models as part of the type out of the metadata.
  KeyValueMetadata kept;
  std::optional<std::string> extension;
  bool time_utc = false;
  for (const auto& [key, value] : metadata) {
    if (key == kExtensionNameKey) {
      extension = braid_extension_name(value);
      if (!extension) kept.emplace_back(key, value);  // foreign extension: keep it on the field
    } else if (key == kTimeUtcKey && node.type->id() == TypeId::kTime64) {
      time_utc = value == "true";
    } else if (key != kExtensionMetadataKey) {
      kept.emplace_back(key, value);
    }
  }
  if (!extension) {
    // A foreign extension's metadata goes with its name.
    for (const auto& [key, value] : metadata) {
      if (key == kExtensionMetadataKey) kept.emplace_back(key, value);
    }
  }
  if (time_utc) node.type = time64(node.type->unit(), true)->with_extension(node.type->extension());
  if (extension) node.type = node.type->with_extension(*extension);
  node.name = name;
  const bool nullable = (schema.flags & ARROW_FLAG_NULLABLE) != 0;
  auto f = field(std::move(name), node.type, nullable, std::move(kept));
  return ParsedField{std::move(f), std::move(node)};
}

// The node for arrays in braid's own layout of `type` (what export_column produces).
ImportNode node_for_type(const TypePtr& type, std::string name) {
  ImportNode n;
  n.format = format_of(*type);
  n.name = std::move(name);
  n.type = type;
  switch (type->id()) {
    case TypeId::kNull: n.layout = Layout::kNull; break;
    case TypeId::kBoolean: n.layout = Layout::kBoolean; break;
    case TypeId::kString:
    case TypeId::kBinary: n.layout = Layout::kBinary; break;
    case TypeId::kStruct: n.layout = Layout::kStruct; break;
    case TypeId::kList: n.layout = Layout::kList; break;
    case TypeId::kMap: n.layout = Layout::kMap; break;
    default:
      n.layout = Layout::kFixed;
      n.width = type->byte_width();
      break;
  }
  for (const auto& f : type->fields()) n.children.push_back(node_for_type(f->type(), f->name()));
  return n;
}

// ---- import: arrays

// The validity bitmap of a foreign array, for conversions that copy rows.
struct ForeignValidity {
  const uint8_t* bits = nullptr;  // nullptr: every row valid
  int64_t offset = 0;
  bool valid(int64_t i) const { return bits == nullptr || bitmap::get(bits, offset + i); }
};

int64_t read_integer(const uint8_t* base, int64_t index, int64_t width, bool is_signed) {
  // memcpy: foreign buffers need not be aligned (spec: alignment is recommended, not required).
  const uint8_t* p = base + index * width;
  switch (width) {
    case 1: {
      uint8_t v;
      std::memcpy(&v, p, 1);
      return is_signed ? static_cast<int8_t>(v) : v;
    }
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return is_signed ? static_cast<int16_t>(v) : v;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return is_signed ? static_cast<int32_t>(v) : static_cast<int64_t>(v);
    }
    default: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      // An unsigned index past INT64_MAX is out of range for any dictionary anyway.
      return is_signed || v <= static_cast<uint64_t>(INT64_MAX) ? static_cast<int64_t>(v) : -1;
    }
  }
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exponent = (h >> 10) & 0x1f;
  const uint32_t mantissa = h & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa x 2^-24.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

int64_t natural_alignment(const DataType& type) {
  switch (type.id()) {
    case TypeId::kFixedSizeBinary: return 1;
    case TypeId::kInterval: return alignof(MonthDayNanos);
    case TypeId::kDecimal128: return alignof(Int128);
    default: return type.byte_width() > 0 ? type.byte_width() : 1;
  }
}

class Importer {
 public:
  explicit Importer(std::shared_ptr<const ArrayOwner> owner) : owner_(std::move(owner)) {}

  Result<ColumnPtr> decode(const ImportNode& n, const ArrowArray& a);

 private:
  template <typename... Args>
  static Status bad(const ImportNode& n, fmt::format_string<Args...> format, Args&&... args) {
    return Status::invalid_argument("format '{}': {}", n.format,
                                    fmt::format(format, std::forward<Args>(args)...));
  }

  Status check_structure(const ImportNode& n, const ArrowArray& a, int64_t buffers,
                         int64_t children) const;
  Result<BufferPtr> wrap(const ImportNode& n, const ArrowArray& a, int index, int64_t size,
                         int64_t alignment) const;
  Result<BufferPtr> validity(const ImportNode& n, const ArrowArray& a) const;
  Result<ForeignValidity> foreign_validity(const ImportNode& n, const ArrowArray& a) const;
  Result<BufferPtr> copy_validity(const ForeignValidity& v, int64_t length) const;
  Result<const uint8_t*> values_pointer(const ImportNode& n, const ArrowArray& a, int index,
                                        int64_t bytes) const;
  Result<ColumnPtr> decode_child(const ImportNode& n, const ArrowArray& a, size_t i);

  Result<ColumnPtr> decode_binary(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_list(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_struct(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_large_binary(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_large_list(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_fixed_size_list(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_binary_view(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_dictionary(const ImportNode& n, const ArrowArray& a);
  Result<ColumnPtr> decode_run_end_encoded(const ImportNode& n, const ArrowArray& a);
  template <typename Out, typename Convert>
  Result<ColumnPtr> convert_values(const ImportNode& n, const ArrowArray& a, Convert convert);
  Result<ColumnPtr> decode_converted(const ImportNode& n, const ArrowArray& a);

  std::shared_ptr<const ArrayOwner> owner_;
};

Status Importer::check_structure(const ImportNode& n, const ArrowArray& a, int64_t buffers,
                                 int64_t children) const {
  if (a.release == nullptr) return bad(n, "ArrowArray is released (a child moved out?)");
  if (a.length < 0 || a.offset < 0 || a.null_count < -1) {
    return bad(n, "length {}, offset {} and null_count {} must not be negative", a.length, a.offset,
               a.null_count);
  }
  if (a.length > kMaxRows || a.offset > kMaxRows) {
    return bad(n, "length {} or offset {} is beyond any array in memory", a.length, a.offset);
  }
  if (buffers >= 0 ? a.n_buffers != buffers : a.n_buffers < 3) {
    return bad(n, "ArrowArray has {} buffers, the layout has {}{}", a.n_buffers,
               buffers >= 0 ? "" : "at least ", buffers >= 0 ? buffers : 3);
  }
  if (a.n_buffers > 0 && a.buffers == nullptr) {
    return bad(n, "ArrowArray has {} buffers and a null buffers pointer", a.n_buffers);
  }
  if (a.n_children != children) {
    return bad(n, "ArrowArray has {} children, the type has {}", a.n_children, children);
  }
  if (children > 0 && a.children == nullptr) return bad(n, "ArrowArray's children pointer is null");
  for (int64_t i = 0; i < children; ++i) {
    if (a.children[i] == nullptr) return bad(n, "ArrowArray child {} is null", i);
  }
  if ((n.layout == Layout::kDictionary) != (a.dictionary != nullptr)) {
    return n.layout == Layout::kDictionary
               ? bad(n, "dictionary-encoded type but the ArrowArray has no dictionary")
               : bad(n,
                     "ArrowArray has a dictionary but its type is not dictionary-encoded "
                     "(import it with its ArrowSchema)");
  }
  return Status::OK();
}

Result<BufferPtr> Importer::wrap(const ImportNode& n, const ArrowArray& a, int index, int64_t size,
                                 int64_t alignment) const {
  const auto* p = static_cast<const uint8_t*>(a.buffers[index]);
  if (p == nullptr) {
    if (size == 0) return Buffer::wrap(kZeroBytes, 0, nullptr);
    return bad(n, "buffer {} is null but must hold {} bytes", index, size);
  }
  if (reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(alignment) != 0) {
    // braid reads values through typed pointers; unaligned foreign memory is copied once.
    return Buffer::copy_of(p, size);
  }
  return Buffer::wrap(p, size, owner_);
}

Result<BufferPtr> Importer::validity(const ImportNode& n, const ArrowArray& a) const {
  // Spec: the bitmap "MAY be null only if null_count is 0"; with null_count 0 it is ignored.
  if (a.null_count == 0) return BufferPtr();
  if (a.buffers[0] == nullptr) {
    if (a.null_count > 0) {
      return bad(n, "null_count is {} but the validity buffer is null", a.null_count);
    }
    return BufferPtr();
  }
  return wrap(n, a, 0, bitmap::bytes_for(a.offset + a.length), 1);
}

Result<ForeignValidity> Importer::foreign_validity(const ImportNode& n, const ArrowArray& a) const {
  ForeignValidity v;
  if (a.null_count == 0) return v;
  if (a.buffers[0] == nullptr) {
    if (a.null_count > 0) {
      return bad(n, "null_count is {} but the validity buffer is null", a.null_count);
    }
    return v;
  }
  v.bits = static_cast<const uint8_t*>(a.buffers[0]);
  v.offset = a.offset;
  return v;
}

Result<BufferPtr> Importer::copy_validity(const ForeignValidity& v, int64_t length) const {
  if (v.bits == nullptr) return BufferPtr();
  BRAID_ASSIGN_OR_RETURN(auto out, Buffer::allocate(bitmap::bytes_for(length)));
  bitmap::copy(v.bits, v.offset, out->mutable_data(), 0, length);
  return out;
}

Result<const uint8_t*> Importer::values_pointer(const ImportNode& n, const ArrowArray& a, int index,
                                                int64_t bytes) const {
  const auto* p = static_cast<const uint8_t*>(a.buffers[index]);
  if (p == nullptr) {
    if (bytes == 0) return kZeroBytes;
    return bad(n, "buffer {} is null but must hold {} bytes", index, bytes);
  }
  return p;
}

Result<ColumnPtr> Importer::decode_child(const ImportNode& n, const ArrowArray& a, size_t i) {
  const ImportNode& child = n.children[i];
  auto column = decode(child, *a.children[i]);
  if (!column.ok()) return std::move(column).with_context_f("field '{}'", child.name);
  return column;
}

Status check_offsets(const ImportNode& n, const int32_t* o, int64_t length, int64_t limit) {
  // The only size checks the interface allows: offsets start at or after 0, never decrease and
  // (for lists) end within the child.
  if (o[0] < 0)
    return Status::invalid_argument("format '{}': first offset {} is negative", n.format, o[0]);
  for (int64_t i = 0; i < length; ++i) {
    if (o[i + 1] < o[i]) {
      return Status::invalid_argument("format '{}': offsets decrease at row {} ({} then {})",
                                      n.format, i, o[i], o[i + 1]);
    }
  }
  if (limit >= 0 && o[length] > limit) {
    return Status::invalid_argument(
        "format '{}': last offset {} is past the end of the child array ({} values)", n.format,
        o[length], limit);
  }
  return Status::OK();
}

Result<ColumnPtr> Importer::decode(const ImportNode& n, const ArrowArray& a) {
  switch (n.layout) {
    case Layout::kNull:
      BRAID_RETURN_IF_ERROR(check_structure(n, a, 0, 0));
      return ColumnPtr(std::make_shared<const Column>(n.type, a.length, std::vector<BufferPtr>{},
                                                      std::vector<ColumnPtr>{}, a.length));
    case Layout::kBoolean: {
      BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 0));
      BRAID_ASSIGN_OR_RETURN(auto validity_buffer, validity(n, a));
      BRAID_ASSIGN_OR_RETURN(auto values, wrap(n, a, 1, bitmap::bytes_for(a.offset + a.length), 1));
      const int64_t nulls = validity_buffer ? a.null_count : 0;
      return ColumnPtr(std::make_shared<const Column>(
          n.type, a.length, std::vector<BufferPtr>{validity_buffer, values},
          std::vector<ColumnPtr>{}, nulls, a.offset));
    }
    case Layout::kFixed: {
      BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 0));
      BRAID_ASSIGN_OR_RETURN(auto validity_buffer, validity(n, a));
      BRAID_ASSIGN_OR_RETURN(
          auto values, wrap(n, a, 1, (a.offset + a.length) * n.width, natural_alignment(*n.type)));
      const int64_t nulls = validity_buffer ? a.null_count : 0;
      return ColumnPtr(std::make_shared<const Column>(
          n.type, a.length, std::vector<BufferPtr>{validity_buffer, values},
          std::vector<ColumnPtr>{}, nulls, a.offset));
    }
    case Layout::kBinary: return decode_binary(n, a);
    case Layout::kList:
    case Layout::kMap: return decode_list(n, a);
    case Layout::kStruct: return decode_struct(n, a);
    case Layout::kLargeBinary: return decode_large_binary(n, a);
    case Layout::kBinaryView: return decode_binary_view(n, a);
    case Layout::kLargeList: return decode_large_list(n, a);
    case Layout::kFixedSizeList: return decode_fixed_size_list(n, a);
    case Layout::kDictionary: return decode_dictionary(n, a);
    case Layout::kRunEndEncoded: return decode_run_end_encoded(n, a);
    default: return decode_converted(n, a);
  }
}

Result<ColumnPtr> Importer::decode_binary(const ImportNode& n, const ArrowArray& a) {
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 3, 0));
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, validity(n, a));
  const int64_t offsets_size = (a.offset + a.length + 1) * 4;
  BufferPtr offsets;
  if (a.buffers[1] == nullptr && a.length == 0 && offsets_size <= 64) {
    offsets = Buffer::wrap(kZeroBytes, offsets_size, nullptr);
  } else {
    BRAID_ASSIGN_OR_RETURN(offsets, wrap(n, a, 1, offsets_size, 4));
  }
  const int32_t* o = offsets->as<int32_t>() + a.offset;
  BRAID_RETURN_IF_ERROR(check_offsets(n, o, a.length, -1));
  BRAID_ASSIGN_OR_RETURN(auto data, wrap(n, a, 2, o[a.length], 1));
  const int64_t nulls = validity_buffer ? a.null_count : 0;
  return ColumnPtr(std::make_shared<const Column>(
      n.type, a.length, std::vector<BufferPtr>{validity_buffer, offsets, data},
      std::vector<ColumnPtr>{}, nulls, a.offset));
}

Result<ColumnPtr> Importer::decode_list(const ImportNode& n, const ArrowArray& a) {
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 1));
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, validity(n, a));
  const int64_t offsets_size = (a.offset + a.length + 1) * 4;
  BufferPtr offsets;
  if (a.buffers[1] == nullptr && a.length == 0 && offsets_size <= 64) {
    offsets = Buffer::wrap(kZeroBytes, offsets_size, nullptr);
  } else {
    BRAID_ASSIGN_OR_RETURN(offsets, wrap(n, a, 1, offsets_size, 4));
  }
  BRAID_ASSIGN_OR_RETURN(auto child, decode_child(n, a, 0));
  BRAID_RETURN_IF_ERROR(
      check_offsets(n, offsets->as<int32_t>() + a.offset, a.length, child->length()));
  const int64_t nulls = validity_buffer ? a.null_count : 0;
  return ColumnPtr(std::make_shared<const Column>(n.type, a.length,
                                                  std::vector<BufferPtr>{validity_buffer, offsets},
                                                  std::vector<ColumnPtr>{child}, nulls, a.offset));
}

Result<ColumnPtr> Importer::decode_struct(const ImportNode& n, const ArrowArray& a) {
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 1, static_cast<int64_t>(n.children.size())));
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, validity(n, a));
  std::vector<ColumnPtr> children;
  children.reserve(n.children.size());
  for (size_t i = 0; i < n.children.size(); ++i) {
    BRAID_ASSIGN_OR_RETURN(auto child, decode_child(n, a, i));
    // Columnar format, Struct: the parent's offset and length index into every child.
    if (child->length() < a.offset + a.length) {
      return bad(n, "field '{}' has {} rows, the struct needs {}", n.children[i].name,
                 child->length(), a.offset + a.length);
    }
    children.push_back(std::move(child));
  }
  const int64_t nulls = validity_buffer ? a.null_count : 0;
  return ColumnPtr(std::make_shared<const Column>(n.type, a.length,
                                                  std::vector<BufferPtr>{validity_buffer},
                                                  std::move(children), nulls, a.offset));
}

// Reads int64 offsets [offset, offset + length] and checks them like check_offsets.
Status read_large_offsets(const ImportNode& n, const uint8_t* p, const ArrowArray& a,
                          std::vector<int64_t>* out) {
  out->resize(static_cast<size_t>(a.length + 1));
  std::memcpy(out->data(), p + a.offset * 8, static_cast<size_t>(a.length + 1) * 8);
  const auto& o = *out;
  if (o[0] < 0)
    return Status::invalid_argument("format '{}': first offset {} is negative", n.format, o[0]);
  for (size_t i = 0; i + 1 < o.size(); ++i) {
    if (o[i + 1] < o[i]) {
      return Status::invalid_argument("format '{}': offsets decrease at row {} ({} then {})",
                                      n.format, i, o[i], o[i + 1]);
    }
  }
  if (o.back() - o.front() > INT32_MAX) {
    return Status::not_implemented(
        "format '{}': {} values in one array do not fit braid's 32-bit offsets; use smaller "
        "batches",
        n.format, o.back() - o.front());
  }
  return Status::OK();
}

Result<BufferPtr> rebased_offsets(const std::vector<int64_t>& o) {
  BRAID_ASSIGN_OR_RETURN(auto out, Buffer::allocate(static_cast<int64_t>(o.size()) * 4));
  auto* dst = out->mutable_as<int32_t>();
  for (size_t i = 0; i < o.size(); ++i) dst[i] = static_cast<int32_t>(o[i] - o[0]);
  return out;
}

Result<ColumnPtr> Importer::decode_large_binary(const ImportNode& n, const ArrowArray& a) {
  // int64 offsets become int32 ones starting at 0; the character data is still shared.
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 3, 0));
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  std::vector<int64_t> o;
  if (a.buffers[1] == nullptr && a.length == 0) {
    o.assign(1, 0);
  } else {
    BRAID_ASSIGN_OR_RETURN(auto p, values_pointer(n, a, 1, (a.offset + a.length + 1) * 8));
    BRAID_RETURN_IF_ERROR(read_large_offsets(n, p, a, &o));
  }
  const int64_t first = o.front(), bytes = o.back() - o.front();
  BRAID_ASSIGN_OR_RETURN(auto offsets, rebased_offsets(o));
  BufferPtr data;
  const auto* chars = static_cast<const uint8_t*>(a.buffers[2]);
  if (chars == nullptr) {
    if (bytes != 0) return bad(n, "buffer 2 is null but must hold {} bytes", o.back());
    data = Buffer::wrap(kZeroBytes, 0, nullptr);
  } else {
    data = Buffer::wrap(chars + first, bytes, owner_);
  }
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, copy_validity(v, a.length));
  return ColumnPtr(std::make_shared<const Column>(
      n.type, a.length, std::vector<BufferPtr>{validity_buffer, offsets, data},
      std::vector<ColumnPtr>{}, validity_buffer ? a.null_count : 0));
}

Result<ColumnPtr> Importer::decode_large_list(const ImportNode& n, const ArrowArray& a) {
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 1));
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  std::vector<int64_t> o;
  if (a.buffers[1] == nullptr && a.length == 0) {
    o.assign(1, 0);
  } else {
    BRAID_ASSIGN_OR_RETURN(auto p, values_pointer(n, a, 1, (a.offset + a.length + 1) * 8));
    BRAID_RETURN_IF_ERROR(read_large_offsets(n, p, a, &o));
  }
  BRAID_ASSIGN_OR_RETURN(auto child, decode_child(n, a, 0));
  if (o.back() > child->length()) {
    return bad(n, "last offset {} is past the end of the child array ({} values)", o.back(),
               child->length());
  }
  BRAID_ASSIGN_OR_RETURN(auto offsets, rebased_offsets(o));
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, copy_validity(v, a.length));
  return ColumnPtr(std::make_shared<const Column>(
      n.type, a.length, std::vector<BufferPtr>{validity_buffer, offsets},
      std::vector<ColumnPtr>{child->slice(o.front(), o.back() - o.front())},
      validity_buffer ? a.null_count : 0));
}

Result<ColumnPtr> Importer::decode_fixed_size_list(const ImportNode& n, const ArrowArray& a) {
  // Columnar format, Fixed-Size List: row i is child rows [(offset + i) * size, +size).
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 1, 1));
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  BRAID_ASSIGN_OR_RETURN(auto child, decode_child(n, a, 0));
  const int64_t size = n.width;
  if (size > 0 && (a.offset + a.length) > child->length() / size) {
    return bad(n, "{} lists of {} need {} child values, the child has {}", a.offset + a.length,
               size, (a.offset + a.length) * size, child->length());
  }
  if (a.length * size > INT32_MAX) {
    return Status::not_implemented("format '{}': {} values do not fit braid's 32-bit offsets",
                                   n.format, a.length * size);
  }
  BRAID_ASSIGN_OR_RETURN(auto offsets, Buffer::allocate((a.length + 1) * 4));
  auto* dst = offsets->mutable_as<int32_t>();
  for (int64_t i = 0; i <= a.length; ++i) dst[i] = static_cast<int32_t>(i * size);
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, copy_validity(v, a.length));
  return ColumnPtr(std::make_shared<const Column>(
      n.type, a.length, std::vector<BufferPtr>{validity_buffer, offsets},
      std::vector<ColumnPtr>{child->slice(a.offset * size, a.length * size)},
      validity_buffer ? a.null_count : 0));
}

Result<ColumnPtr> Importer::decode_binary_view(const ImportNode& n, const ArrowArray& a) {
  // Columnar format, Variable-size Binary View: 16-byte views (int32 length, then the bytes
  // inline when length <= 12, else a 4-byte prefix, int32 buffer index, int32 offset), then the
  // variadic data buffers; the C interface appends a buffer of their int64 sizes.
  BRAID_RETURN_IF_ERROR(check_structure(n, a, -1, 0));
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  BRAID_ASSIGN_OR_RETURN(auto views, values_pointer(n, a, 1, (a.offset + a.length) * 16));
  const int64_t num_data = a.n_buffers - 3;
  const auto* sizes = static_cast<const uint8_t*>(a.buffers[a.n_buffers - 1]);
  if (num_data > 0 && sizes == nullptr) return bad(n, "the buffer of data buffer sizes is null");
  BinaryBuilder builder(n.type);
  builder.reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    if (!v.valid(i)) {
      builder.append_null();
      continue;
    }
    const uint8_t* view = views + (a.offset + i) * 16;
    int32_t length;
    std::memcpy(&length, view, 4);
    if (length < 0) return bad(n, "row {} has length {}", i, length);
    if (length <= 12) {
      builder.append({reinterpret_cast<const char*>(view + 4), static_cast<size_t>(length)});
      continue;
    }
    int32_t index, start;
    std::memcpy(&index, view + 8, 4);
    std::memcpy(&start, view + 12, 4);
    if (index < 0 || index >= num_data) {
      return bad(n, "row {} points into data buffer {} of {}", i, index, num_data);
    }
    int64_t size;
    std::memcpy(&size, sizes + index * 8, 8);
    const auto* data = static_cast<const uint8_t*>(a.buffers[2 + index]);
    if (start < 0 || int64_t{start} + length > size || data == nullptr) {
      return bad(n, "row {} reads bytes [{}, {}) of data buffer {}, which has {}", i, start,
                 int64_t{start} + length, index, data == nullptr ? 0 : size);
    }
    builder.append({reinterpret_cast<const char*>(data + start), static_cast<size_t>(length)});
  }
  return builder.finish();
}

Result<ColumnPtr> Importer::decode_dictionary(const ImportNode& n, const ArrowArray& a) {
  // Spec, Dictionary-encoded arrays: this array holds the indexes, `dictionary` the values.
  // braid has no dictionary type, so the values are gathered.
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 0));
  auto decoded = decode(*n.dictionary, *a.dictionary);
  if (!decoded.ok()) return std::move(decoded).with_context("dictionary");
  const ColumnPtr& values = *decoded;
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  BRAID_ASSIGN_OR_RETURN(auto indexes, values_pointer(n, a, 1, (a.offset + a.length) * n.width));
  auto builder = make_builder(n.type);
  builder->reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    if (!v.valid(i)) {
      builder->append_null();
      continue;
    }
    const int64_t index = read_integer(indexes, a.offset + i, n.width, n.is_signed);
    if (index < 0 || index >= values->length()) {
      return bad(n, "dictionary index {} at row {} is out of range (the dictionary has {} values)",
                 index, i, values->length());
    }
    builder->append_from(*values, index);
  }
  return builder->finish();
}

Result<ColumnPtr> Importer::decode_run_end_encoded(const ImportNode& n, const ArrowArray& a) {
  // Columnar format, Run-End Encoded: logical row j is values[k] for the first run k whose
  // run end exceeds j. The parent has no buffers; nulls live in the values.
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 0, 2));
  const ImportNode& ends_node = n.children[0];
  const ArrowArray& ends = *a.children[0];
  BRAID_RETURN_IF_ERROR(check_structure(ends_node, ends, 2, 0));
  if (ends.null_count > 0) return bad(n, "run ends contain nulls");
  BRAID_ASSIGN_OR_RETURN(
      auto ends_data,
      values_pointer(ends_node, ends, 1, (ends.offset + ends.length) * ends_node.width));
  BRAID_ASSIGN_OR_RETURN(auto values, decode_child(n, a, 1));
  const int64_t runs = ends.length;
  auto run_end = [&](int64_t k) {
    return read_integer(ends_data, ends.offset + k, ends_node.width, true);
  };
  // First run covering logical row a.offset (binary search: run ends increase).
  int64_t lo = 0, hi = runs;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (run_end(mid) <= a.offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  int64_t k = lo;
  auto builder = make_builder(n.type);
  builder->reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    const int64_t row = a.offset + i;
    while (k < runs && run_end(k) <= row) {
      ++k;
      if (k < runs && run_end(k) <= run_end(k - 1)) {
        return bad(n, "run ends do not increase at run {}", k);
      }
    }
    if (k >= runs) {
      return bad(n, "the {} runs end before logical row {}", runs, row);
    }
    if (k >= values->length()) {
      return bad(n, "run {} has no value (the values child has {} rows)", k, values->length());
    }
    builder->append_from(*values, k);
  }
  return builder->finish();
}

template <typename Out, typename Convert>
Result<ColumnPtr> Importer::convert_values(const ImportNode& n, const ArrowArray& a,
                                           Convert convert) {
  BRAID_RETURN_IF_ERROR(check_structure(n, a, 2, 0));
  BRAID_ASSIGN_OR_RETURN(auto v, foreign_validity(n, a));
  BRAID_ASSIGN_OR_RETURN(auto src, values_pointer(n, a, 1, (a.offset + a.length) * n.width));
  BRAID_ASSIGN_OR_RETURN(auto values,
                         Buffer::allocate(a.length * static_cast<int64_t>(sizeof(Out))));
  Out* dst = values->mutable_as<Out>();
  for (int64_t i = 0; i < a.length; ++i) {
    if (!v.valid(i)) {
      dst[i] = Out{};  // null slots may hold anything; do not convert them
      continue;
    }
    if (!convert(src + (a.offset + i) * n.width, &dst[i])) {
      return bad(n, "the value at row {} is out of range for {}", i, n.type->to_string());
    }
  }
  BRAID_ASSIGN_OR_RETURN(auto validity_buffer, copy_validity(v, a.length));
  return ColumnPtr(std::make_shared<const Column>(
      n.type, a.length, std::vector<BufferPtr>{validity_buffer, values}, std::vector<ColumnPtr>{},
      validity_buffer ? a.null_count : 0));
}

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Multiplies a time value into braid's microseconds, failing on overflow.
auto scale_to_micros(int64_t factor) {
  return [factor](const uint8_t* p, int64_t* out) {
    return !__builtin_mul_overflow(load<int64_t>(p), factor, out);
  };
}

Result<ColumnPtr> Importer::decode_converted(const ImportNode& n, const ArrowArray& a) {
  switch (n.layout) {
    case Layout::kDate64:
      // Milliseconds since the epoch; whole days by the spec, floored if not.
      return convert_values<int32_t>(n, a, [](const uint8_t* p, int32_t* out) {
        const int64_t ms = load<int64_t>(p);
        int64_t days = ms / 86'400'000;
        if (ms % 86'400'000 < 0) --days;
        if (days < INT32_MIN || days > INT32_MAX) return false;
        *out = static_cast<int32_t>(days);
        return true;
      });
    case Layout::kTime32Seconds:
      return convert_values<int64_t>(n, a, [](const uint8_t* p, int64_t* out) {
        *out = int64_t{load<int32_t>(p)} * 1'000'000;
        return true;
      });
    case Layout::kTime32Millis:
      return convert_values<int64_t>(n, a, [](const uint8_t* p, int64_t* out) {
        *out = int64_t{load<int32_t>(p)} * 1'000;
        return true;
      });
    case Layout::kTimestampSeconds:
      return convert_values<int64_t>(n, a, scale_to_micros(1'000'000));
    case Layout::kTimestampMillis: return convert_values<int64_t>(n, a, scale_to_micros(1'000));
    case Layout::kHalfFloat:
      return convert_values<float>(n, a, [](const uint8_t* p, float* out) {
        *out = half_to_float(load<uint16_t>(p));
        return true;
      });
    case Layout::kDecimalNarrow:
      if (n.width == 4) {
        return convert_values<Int128>(n, a, [](const uint8_t* p, Int128* out) {
          *out = load<int32_t>(p);
          return true;
        });
      }
      return convert_values<Int128>(n, a, [](const uint8_t* p, Int128* out) {
        *out = load<int64_t>(p);
        return true;
      });
    case Layout::kIntervalMonths:
      return convert_values<MonthDayNanos>(n, a, [](const uint8_t* p, MonthDayNanos* out) {
        *out = MonthDayNanos{load<int32_t>(p), 0, 0};
        return true;
      });
    case Layout::kIntervalDayTime:
      return convert_values<MonthDayNanos>(n, a, [](const uint8_t* p, MonthDayNanos* out) {
        *out = MonthDayNanos{0, load<int32_t>(p), int64_t{load<int32_t>(p + 4)} * 1'000'000};
        return true;
      });
    default: return Status::internal("format '{}': no decoder for its layout", n.format);
  }
}

// Decodes the array `owner` holds and checks the result like any column from outside.
Result<ColumnPtr> import_array(const ImportNode& node, std::shared_ptr<const ArrayOwner> owner) {
  const ArrowArray& array = owner->c_struct();
  Importer importer(std::move(owner));
  BRAID_ASSIGN_OR_RETURN(auto column, importer.decode(node, array));
  BRAID_RETURN_IF_ERROR(column->validate());
  return column;
}

Result<RecordBatchPtr> batch_from_struct(const ColumnPtr& column, SchemaPtr schema) {
  if (column->type_id() != TypeId::kStruct) {
    return Status::invalid_argument("a record batch is a struct array, not {}",
                                    column->type()->to_string());
  }
  // Spec, Record batches: a struct array "can be trivially considered" a batch; a batch has no
  // null rows to put the struct's nulls in.
  if (column->null_count() != 0) {
    return Status::invalid_argument("the struct array has {} null rows; a record batch has none",
                                    column->null_count());
  }
  std::vector<ColumnPtr> columns;
  columns.reserve(column->children().size());
  for (int i = 0; i < static_cast<int>(column->children().size()); ++i) {
    columns.push_back(column->struct_field(i));
  }
  return RecordBatch::make(std::move(schema), column->length(), std::move(columns));
}

struct ParsedSchema {
  SchemaPtr schema;
  ImportNode node;
};

Result<ParsedSchema> parse_batch_schema(const ArrowSchema& schema) {
  BRAID_ASSIGN_OR_RETURN(auto parsed, parse_schema(schema, 0));
  if (parsed.node.layout != Layout::kStruct) {
    return Status::invalid_argument("a schema must be a struct ('+s'), not '{}'",
                                    parsed.node.format);
  }
  return ParsedSchema{braid::schema(parsed.field->type()->fields(), parsed.field->metadata()),
                      std::move(parsed.node)};
}

// ---- stream import

class ImportedStream final : public BatchSource {
 public:
  explicit ImportedStream(ArrowArrayStream* source) : stream_(*source) {
    source->release = nullptr;
  }
  ~ImportedStream() override {
    if (stream_.release != nullptr) stream_.release(&stream_);
  }
  ImportedStream(const ImportedStream&) = delete;
  ImportedStream& operator=(const ImportedStream&) = delete;

  Status open() {
    if (stream_.get_schema == nullptr || stream_.get_next == nullptr ||
        stream_.get_last_error == nullptr) {
      return Status::invalid_argument("ArrowArrayStream is missing a callback");
    }
    ArrowSchema schema;
    std::memset(&schema, 0, sizeof(schema));
    const int code = stream_.get_schema(&stream_, &schema);
    if (code != 0) return stream_error(code, "get_schema");
    BRAID_ASSIGN_OR_RETURN(auto holder, take_schema(&schema));
    BRAID_ASSIGN_OR_RETURN(auto parsed, parse_batch_schema(holder->c_struct()));
    schema_ = std::move(parsed.schema);
    node_ = std::move(parsed.node);
    return Status::OK();
  }

  SchemaPtr schema() const override { return schema_; }

  Result<RecordBatchPtr> next() override {
    return without_exceptions([&]() -> Result<RecordBatchPtr> {
      if (finished_) return RecordBatchPtr();
      ArrowArray array;
      std::memset(&array, 0, sizeof(array));
      const int code = stream_.get_next(&stream_, &array);
      if (code != 0) return stream_error(code, "get_next");
      if (array.release == nullptr) {
        finished_ = true;
        return RecordBatchPtr();
      }
      BRAID_ASSIGN_OR_RETURN(auto owner, take_array(&array));
      BRAID_ASSIGN_OR_RETURN(auto column, import_array(node_, std::move(owner)));
      return batch_from_struct(column, schema_);
    });
  }

 private:
  Status stream_error(int code, std::string_view callback) {
    // Spec: get_last_error is valid until the next callback, so copy it now.
    const char* text = stream_.get_last_error(&stream_);
    std::string message = text != nullptr
                              ? std::string(text)
                              : fmt::format("no description (errno {})", errno_name(code));
    Status status(status_code_for_errno(code), std::move(message));
    if (code == EAGAIN) (void)status.set_retryable();
    return std::move(status).with_context_f("Arrow C stream {} (error {})", callback, code);
  }

  ArrowArrayStream stream_;
  SchemaPtr schema_;
  ImportNode node_;
  bool finished_ = false;
};

}  // namespace

// ---- public API

Status export_type(const DataType& type, ArrowSchema* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowSchema pointer is null");
  return without_exceptions([&] { return fill_field_schema("", type, true, {}, out); });
}

Status export_field(const Field& f, ArrowSchema* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowSchema pointer is null");
  return without_exceptions(
      [&] { return fill_field_schema(f.name(), *f.type(), f.nullable(), f.metadata(), out); });
}

Status export_schema(const Schema& s, ArrowSchema* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowSchema pointer is null");
  return without_exceptions(
      [&] { return fill_schema("+s", "", 0, s.metadata(), s.fields(), out); });
}

Status export_column(const ColumnPtr& column, ArrowArray* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowArray pointer is null");
  if (column == nullptr) return Status::invalid_argument("column is null");
  return without_exceptions([&] { return fill_array(column, out); });
}

Status export_batch(const RecordBatchPtr& batch, ArrowArray* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowArray pointer is null");
  if (batch == nullptr) return Status::invalid_argument("record batch is null");
  return without_exceptions([&]() -> Status {
    if (batch->num_columns() != batch->schema()->num_fields()) {
      return Status::invalid_argument("batch has {} columns, its schema {} fields",
                                      batch->num_columns(), batch->schema()->num_fields());
    }
    for (int i = 0; i < batch->num_columns(); ++i) {
      if (batch->column(i) == nullptr || batch->column(i)->length() != batch->num_rows()) {
        return Status::invalid_argument("column '{}' does not have the batch's {} rows",
                                        batch->schema()->field(i)->name(), batch->num_rows());
      }
    }
    // The batch as a struct array without validity (spec, Record batches).
    auto column =
        std::make_shared<const Column>(struct_(batch->schema()->fields()), batch->num_rows(),
                                       std::vector<BufferPtr>{nullptr}, batch->columns(), 0);
    return fill_array(column, out);
  });
}

Status export_stream(std::shared_ptr<BatchSource> source, ArrowArrayStream* out) {
  if (out == nullptr) return Status::invalid_argument("ArrowArrayStream pointer is null");
  if (source == nullptr) return Status::invalid_argument("batch source is null");
  return without_exceptions([&]() -> Status {
    auto exported = std::make_unique<ExportedStream>();
    exported->schema = source->schema();
    if (exported->schema == nullptr) return Status::invalid_argument("batch source has no schema");
    exported->source = std::move(source);
    out->get_schema = stream_get_schema;
    out->get_next = stream_get_next;
    out->get_last_error = stream_get_last_error;
    out->release = release_exported_stream;
    out->private_data = exported.release();
    return Status::OK();
  });
}

Result<TypePtr> import_type(ArrowSchema* schema) {
  BRAID_ASSIGN_OR_RETURN(auto f, import_field(schema));
  return f->type();
}

Result<FieldPtr> import_field(ArrowSchema* schema) {
  BRAID_ASSIGN_OR_RETURN(auto holder, take_schema(schema));
  return without_exceptions([&]() -> Result<FieldPtr> {
    BRAID_ASSIGN_OR_RETURN(auto parsed, parse_schema(holder->c_struct(), 0));
    return parsed.field;
  });
}

Result<SchemaPtr> import_schema(ArrowSchema* schema) {
  BRAID_ASSIGN_OR_RETURN(auto holder, take_schema(schema));
  return without_exceptions([&]() -> Result<SchemaPtr> {
    BRAID_ASSIGN_OR_RETURN(auto parsed, parse_batch_schema(holder->c_struct()));
    return parsed.schema;
  });
}

Result<ColumnPtr> import_column(ArrowArray* array, const TypePtr& type) {
  BRAID_ASSIGN_OR_RETURN(auto owner, take_array(array));
  if (type == nullptr) return Status::invalid_argument("type is null");
  return without_exceptions([&]() -> Result<ColumnPtr> {
    return import_array(node_for_type(type, ""), std::move(owner));
  });
}

Result<RecordBatchPtr> import_batch(ArrowArray* array, const SchemaPtr& schema) {
  BRAID_ASSIGN_OR_RETURN(auto owner, take_array(array));
  if (schema == nullptr) return Status::invalid_argument("schema is null");
  return without_exceptions([&]() -> Result<RecordBatchPtr> {
    BRAID_ASSIGN_OR_RETURN(
        auto column, import_array(node_for_type(struct_(schema->fields()), ""), std::move(owner)));
    return batch_from_struct(column, schema);
  });
}

Result<ImportedColumn> import_column(ArrowArray* array, ArrowSchema* schema) {
  // Both structs are taken before anything can fail, so both are released whatever happens.
  auto owner = take_array(array);
  auto holder = take_schema(schema);
  if (!owner.ok()) return owner.status();
  if (!holder.ok()) return holder.status();
  return without_exceptions([&]() -> Result<ImportedColumn> {
    BRAID_ASSIGN_OR_RETURN(auto parsed, parse_schema((*holder)->c_struct(), 0));
    auto column = import_array(parsed.node, std::move(*owner));
    if (!column.ok()) {
      return std::move(column).status().with_context_f("field '{}'", parsed.field->name());
    }
    return ImportedColumn{parsed.field, std::move(column).value()};
  });
}

Result<RecordBatchPtr> import_batch(ArrowArray* array, ArrowSchema* schema) {
  auto owner = take_array(array);
  auto holder = take_schema(schema);
  if (!owner.ok()) return owner.status();
  if (!holder.ok()) return holder.status();
  return without_exceptions([&]() -> Result<RecordBatchPtr> {
    BRAID_ASSIGN_OR_RETURN(auto parsed, parse_batch_schema((*holder)->c_struct()));
    BRAID_ASSIGN_OR_RETURN(auto column, import_array(parsed.node, std::move(*owner)));
    return batch_from_struct(column, parsed.schema);
  });
}

Result<std::unique_ptr<BatchSource>> import_stream(ArrowArrayStream* stream) {
  if (stream == nullptr) return Status::invalid_argument("ArrowArrayStream pointer is null");
  if (stream->release == nullptr) {
    return Status::invalid_argument("ArrowArrayStream is released (or was moved from)");
  }
  std::unique_ptr<ImportedStream> source;
  try {
    source = std::make_unique<ImportedStream>(stream);
  } catch (const std::bad_alloc&) {
    stream->release(stream);
    return Status::out_of_memory("importing an ArrowArrayStream");
  }
  return without_exceptions([&]() -> Result<std::unique_ptr<BatchSource>> {
    BRAID_RETURN_IF_ERROR(source->open());
    return std::unique_ptr<BatchSource>(std::move(source));
  });
}

}  // namespace braid
