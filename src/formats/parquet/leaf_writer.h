// LeafWriter: turns the decoded values of one leaf column's pages into a braid Column of the
// leaf's type (see LeafConversion in schema_mapping.h).
//
// Per page, values are first loaded "dense" (non-null values only, already converted to the
// braid representation) from a ValueDecoder or from dictionary indices, then emitted: either
// dense (nested leaves: record assembly places them later) or spaced by definition levels (flat
// leaves: one slot per level, NULL where def < max_def), which builds the final column directly.
// Values are exact or refused: a value with no exact braid value (outside its annotated integer
// range, more digits than its decimal precision, INT96 nanoseconds, a millisecond timestamp
// beyond the microsecond range, an unsigned INTERVAL component above INT32_MAX) fails the read
// with an error naming it, never truncated or wrapped.
// Buffers grow with the chunk's pages: a page that does not fit grows its buffer at once to about
// the chunk's final size, extrapolated from the bytes per level so far (expect_levels() and
// begin_page() say how far through the chunk the page is), rather than doubling through every size
// on the way (each a copy, and the outgrown blocks left as holes in the allocator's heap: a scan
// of files of many small pages took 40 MB more memory than the same rows in one page per chunk).
// Thread-safety: one thread per writer.
#pragma once

#include <memory>

#include "braid/result.h"
#include "columnar/buffer.h"
#include "columnar/column.h"
#include "formats/parquet/schema_mapping.h"
#include "formats/parquet/value_decoder.h"

namespace braid::parquet {

class LeafWriter {
 public:
  virtual ~LeafWriter() = default;

  // Capacity hint for a flat (spaced) leaf: the chunk's level count (slots) before any page is read.
  virtual void reserve(int64_t slots) {}
  // The chunk's level count (its num_values, which a corrupt file may overstate: growth is
  // bounded by what was decoded), and before each page's load and emit, the page's level count.
  void expect_levels(int64_t levels) { chunk_levels_ = levels; }
  void begin_page(int64_t levels) { levels_done_ += levels; }
  // Bytes held besides the column being built (the dictionary, a page's staged values), for the
  // reader's memory accounting.
  virtual int64_t held_bytes() const = 0;

  // The dictionary page: `n` PLAIN values.
  virtual Status set_dictionary(ValueDecoder& decoder, int64_t n) = 0;
  virtual int64_t dictionary_size() const = 0;
  // Loads the page's n dense values.
  virtual Status load(ValueDecoder& decoder, int64_t n) = 0;
  // Loads n dense values by dictionary index (indices are checked against the dictionary).
  virtual Status load_indices(const uint32_t* indices, int64_t n) = 0;
  // Emits the loaded values: dense (def == nullptr) or spaced over n_slots definition levels,
  // a value where def == max_def and NULL elsewhere.
  virtual void emit(const int16_t* def, int64_t n_slots, int16_t max_def) = 0;
  // Appends n NULL slots (pages of a column whose values are all null, e.g. UNKNOWN type).
  virtual void emit_nulls(int64_t n) = 0;

  virtual Result<ColumnPtr> finish() = 0;

 protected:
  // Room for `more` bytes after `buffer`'s contents. When they do not fit, the buffer grows to
  // the bytes per level so far extrapolated over the chunk's remaining levels (plus a sixteenth
  // for values that grow along the chunk), at most 16 times what it then holds and at least a
  // quarter more than before (estimates that keep falling short cost few copies). Without
  // expect_levels(), it doubles.
  void reserve_for_chunk(BufferBuilder& buffer, int64_t more) const;
  // The buffer as finished, given back what an estimate that overshot left empty.
  static BufferPtr finish_buffer(BufferBuilder& buffer);

 private:
  int64_t chunk_levels_ = 0;
  int64_t levels_done_ = 0;
};

Result<std::unique_ptr<LeafWriter>> make_leaf_writer(const SchemaNode& leaf, MemoryTracker* tracker);

}  // namespace braid::parquet
