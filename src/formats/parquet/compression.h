// Page compression codecs of Parquet (parquet-format Compression.md): UNCOMPRESSED, SNAPPY,
// GZIP (possibly several concatenated members), BROTLI, ZSTD (one or more frames), LZ4_RAW (one
// raw LZ4 block) and the deprecated LZ4 (Hadoop framing, falling back to a raw block). LZO is
// refused.
//
// Decompression writes exactly `expected_size` bytes (the page header's uncompressed size) and
// fails with kCorruption when the data decodes to any other length, so a lying header cannot
// cause an over-read or an unbounded allocation.
// A zero-byte result (a page of nulls) decompresses from any codec's empty stream.
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

// The page checksum of parquet.thrift's PageHeader.crc: the standard CRC-32 (zlib's, polynomial
// 0x04C11DB7) of the page's bytes exactly as stored after its header, i.e. after compression
// (v1: levels and values; v2: the uncompressed levels and the compressed values; dictionary
// pages alike).
uint32_t page_checksum(std::string_view page);

// Whether braid can write this codec.
bool can_compress(Codec codec);

}  // namespace braid::parquet
