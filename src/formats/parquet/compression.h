// Page compression codecs of Parquet (parquet-format Compression.md): UNCOMPRESSED, SNAPPY,
// GZIP (possibly several concatenated members), BROTLI, ZSTD (one or more frames), LZ4_RAW (one
// raw LZ4 block) and the deprecated LZ4 (Hadoop framing, falling back to a raw block). LZO is
// refused.
//
// Decompression writes exactly `expected_size` bytes (the page header's uncompressed size) and
// fails with kCorruption when the data decodes to any other length, so a lying header cannot
// cause an over-read or an unbounded allocation.
// Thread-safety: the functions are reentrant (contexts are per call or thread-local).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "braid/result.h"
#include "formats/parquet/metadata.h"

namespace braid::parquet {

Status decompress(Codec codec, std::string_view input, uint8_t* output, size_t expected_size);

// Appends the compressed form of `input` to `out`. `level` is codec specific (0: default).
Status compress(Codec codec, std::string_view input, std::string* out, int level = 0);

// Whether braid can write this codec.
bool can_compress(Codec codec);

}  // namespace braid::parquet
