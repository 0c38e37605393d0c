// The Arrow C Data Interface and C Stream Interface ABI: the plain C structs through which braid
// hands columns to, and takes columns from, any other Arrow implementation in the same process
// (pyarrow, polars, DuckDB, arrow-rs, nanoarrow...) without copying.
//
// The layouts, flag values and guard macros are fixed by the specification ("The Arrow C data
// interface": Structure definitions; "The Arrow C stream interface": Structure definition), so
// this header only restates them. The guards are the canonical ones, kept exactly as the spec
// asks, so that another library's copy of these definitions and this one can be included in the
// same translation unit: whichever comes first wins, and both are identical.
//
// Ownership rules (spec, Semantics: Memory management) are implemented in arrow_c_interface.h;
// this header has no behaviour. Thread-safety: plain data.
#pragma once

#include <stdint.h>  // NOLINT(modernize-deprecated-headers): the ABI header must also be valid C

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

// ArrowSchema.flags bits.
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

// A data type, a field (type + name + nullability + metadata) or, as a struct, a schema.
struct ArrowSchema {
  const char* format;    // type description, e.g. "i", "tsu:UTC", "+s"
  const char* name;      // field name; may be NULL
  const char* metadata;  // binary key/value encoding (not NUL-terminated); NULL when absent
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;        // value type of a dictionary-encoded type, else NULL
  void (*release)(struct ArrowSchema*);  // NULL marks a released (or moved-from) struct
  void* private_data;                    // the producer's bookkeeping
};

// The data of one array (a column, or as a struct array, a record batch).
struct ArrowArray {
  int64_t length;
  int64_t null_count;  // -1 when not computed
  int64_t offset;      // logical offset into every buffer (and struct children)
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

// A pull-style stream of arrays (record batches) sharing one schema. Callbacks return 0 or an
// errno-style code; get_next signals the end with a released `out`.
struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

#ifdef __cplusplus
}
#endif
