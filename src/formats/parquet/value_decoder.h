// Decoders for the values section of a Parquet data page, one per encoding (parquet-format
// Encodings.md): PLAIN, RLE (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Dictionary indices are decoded by the column reader.
//
// Values come out "dense" (nulls are not represented) in the physical layout: fixed-width types
// as packed little-endian values of physical_width() bytes (booleans one byte each, INT96 12
// bytes, FIXED_LEN_BYTE_ARRAY type_length bytes), byte arrays as views that stay valid until the
// next set_data() (they point into the page or into the decoder's own buffer).
//
// Input is untrusted: running out of data or a malformed header is kCorruption.
// Thread-safety: one thread per decoder.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "braid/result.h"
#include "formats/parquet/metadata.h"

namespace braid::parquet {

class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  // Starts on a page's values: `num_values` is how many values the page says it encodes
  // (non-null values).
  virtual Status set_data(const uint8_t* data, size_t size, int64_t num_values) = 0;
  // Fixed-width types: writes n values to out (n * width bytes).
  virtual Status decode_fixed(int64_t n, uint8_t* out) {
    return Status::internal("decode_fixed on a byte-array decoder");
  }
  // Byte arrays: writes n views.
  virtual Status decode_binary(int64_t n, std::string_view* out) {
    return Status::internal("decode_binary on a fixed-width decoder");
  }
};

// Bytes per dense value of a physical type (booleans: 1).
int physical_width(PhysicalType type, int type_length);

// A decoder for `encoding` of `type`; kNotImplemented for encodings braid cannot read and
// kCorruption for ones that make no sense for the type.
Result<std::unique_ptr<ValueDecoder>> make_value_decoder(Encoding encoding, PhysicalType type,
                                                         int type_length);

}  // namespace braid::parquet
