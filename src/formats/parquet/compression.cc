#include "formats/parquet/compression.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace braid::parquet {

namespace {

Status wrong_size(std::string_view codec, size_t got, size_t expected) {
  return Status::corruption("{} data decompressed to {} bytes, the page header says {}", codec,
                            got, expected);
}

Status decompress_snappy(std::string_view input, uint8_t* output, size_t expected) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(input.data(), input.size(), &length)) {
    return Status::corruption("invalid snappy data (bad length header)");
  }
  if (length != expected) return wrong_size("snappy", length, expected);
  if (!snappy::RawUncompress(input.data(), input.size(), reinterpret_cast<char*>(output))) {
    return Status::corruption("invalid snappy data");
  }
  return Status::OK();
}

Status decompress_gzip(std::string_view input, uint8_t* output, size_t expected) {
  // Several gzip members may follow each other (concatenated_gzip_members.parquet): inflate
  // until the input is used up.
  size_t produced = 0;
  size_t consumed = 0;
  while (consumed < input.size()) {
    z_stream zs;
    std::memset(&zs, 0, sizeof(zs));
    // 16 + MAX_WBITS: gzip wrapper; +32 would auto-detect zlib too, which some writers emit.
    if (inflateInit2(&zs, 32 + MAX_WBITS) != Z_OK) return Status::internal("zlib init failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + consumed));
    zs.avail_in = static_cast<uInt>(input.size() - consumed);
    zs.next_out = output + produced;
    zs.avail_out = static_cast<uInt>(expected - produced);
    int rc = inflate(&zs, Z_FINISH);
    size_t in_used = input.size() - consumed - zs.avail_in;
    size_t out_made = (expected - produced) - zs.avail_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
      if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
        return Status::corruption("gzip data decompresses to more than the page header's {} bytes",
                                  expected);
      }
      return Status::corruption("invalid gzip data (zlib error {})", rc);
    }
    consumed += in_used;
    produced += out_made;
    if (in_used == 0) break;
    // Trailing zero padding after the last member is tolerated.
    bool only_zeros = true;
    for (size_t i = consumed; i < input.size(); ++i) {
      if (input[i] != 0) {
        only_zeros = false;
        break;
      }
    }
    if (only_zeros) break;
  }
  if (produced != expected) return wrong_size("gzip", produced, expected);
  return Status::OK();
}

Status decompress_zstd(std::string_view input, uint8_t* output, size_t expected) {
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(),
                                                                         &ZSTD_freeDCtx);
  size_t n = ZSTD_decompressDCtx(ctx.get(), output, expected, input.data(), input.size());
  if (ZSTD_isError(n)) {
    return Status::corruption("invalid zstd data: {}", ZSTD_getErrorName(n));
  }
  if (n != expected) return wrong_size("zstd", n, expected);
  return Status::OK();
}

Status decompress_lz4_raw(std::string_view input, uint8_t* output, size_t expected) {
  if (input.size() > INT32_MAX || expected > INT32_MAX) return Status::corruption("lz4 block too large");
  int n = LZ4_decompress_safe(input.data(), reinterpret_cast<char*>(output),
                              static_cast<int>(input.size()), static_cast<int>(expected));
  if (n < 0) return Status::corruption("invalid lz4 data");
  if (static_cast<size_t>(n) != expected) return wrong_size("lz4", static_cast<size_t>(n), expected);
  return Status::OK();
}

uint32_t read_be32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) | (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}

// Hadoop's Lz4Codec framing: repeated [BE u32 uncompressed size][BE u32 compressed size][block].
bool decompress_lz4_hadoop(std::string_view input, uint8_t* output, size_t expected) {
  size_t in = 0, out = 0;
  while (in < input.size()) {
    if (input.size() - in < 8) return false;
    uint32_t raw = read_be32(input.data() + in);
    uint32_t packed = read_be32(input.data() + in + 4);
    in += 8;
    if (packed > input.size() - in || raw > expected - out) return false;
    int n = LZ4_decompress_safe(input.data() + in, reinterpret_cast<char*>(output + out),
                                static_cast<int>(packed), static_cast<int>(raw));
    if (n < 0 || static_cast<uint32_t>(n) != raw) return false;
    in += packed;
    out += raw;
  }
  return out == expected;
}

Status decompress_brotli(std::string_view input, uint8_t* output, size_t expected) {
  size_t decoded = expected;
  auto rc = BrotliDecoderDecompress(input.size(), reinterpret_cast<const uint8_t*>(input.data()),
                                    &decoded, output);
  if (rc != BROTLI_DECODER_RESULT_SUCCESS) return Status::corruption("invalid brotli data");
  if (decoded != expected) return wrong_size("brotli", decoded, expected);
  return Status::OK();
}

}  // namespace

Status decompress(Codec codec, std::string_view input, uint8_t* output, size_t expected_size) {
  // A page that decodes to nothing (all nulls, no values) still carries a codec stream, and the
  // caller may have no buffer for it. zlib refuses a null output even when asked for 0 bytes
  // (Z_STREAM_ERROR), so every codec gets a valid pointer with no room behind it.
  uint8_t no_room = 0;
  if (expected_size == 0) output = &no_room;
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != expected_size) return wrong_size("uncompressed", input.size(), expected_size);
      if (expected_size > 0) std::memcpy(output, input.data(), expected_size);
      return Status::OK();
    case Codec::kSnappy: return decompress_snappy(input, output, expected_size);
    case Codec::kGzip: return decompress_gzip(input, output, expected_size);
    case Codec::kZstd: return decompress_zstd(input, output, expected_size);
    case Codec::kLz4Raw: return decompress_lz4_raw(input, output, expected_size);
    case Codec::kLz4:
      // Deprecated and ambiguous (parquet-format Compression.md): parquet-mr wrote Hadoop framing,
      // old Arrow wrote a raw block.
      if (decompress_lz4_hadoop(input, output, expected_size)) return Status::OK();
      return decompress_lz4_raw(input, output, expected_size)
          .with_context("LZ4 data is neither Hadoop-framed nor a raw block");
    case Codec::kBrotli: return decompress_brotli(input, output, expected_size);
    case Codec::kLzo:
      return Status::not_implemented("the LZO codec is not supported");
  }
  return Status::not_implemented("unknown compression codec {}", static_cast<int32_t>(codec));
}

uint32_t page_checksum(std::string_view page) {
  // zlib's crc32 takes uInt lengths: feed large pages in pieces.
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(page.data());
  size_t left = page.size();
  while (left > 0) {
    const auto n = static_cast<uInt>(std::min<size_t>(left, size_t{1} << 30));
    crc = crc32(crc, p, n);
    p += n;
    left -= n;
  }
  return static_cast<uint32_t>(crc);
}

bool can_compress(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
    case Codec::kSnappy:
    case Codec::kGzip:
    case Codec::kZstd:
    case Codec::kLz4Raw:
    case Codec::kBrotli:
      return true;
    default:
      return false;
  }
}

Status compress(Codec codec, std::string_view input, std::string* out, int level) {
  size_t start = out->size();
  switch (codec) {
    case Codec::kUncompressed:
      out->append(input);
      return Status::OK();
    case Codec::kSnappy: {
      out->resize(start + snappy::MaxCompressedLength(input.size()));
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data() + start, &n);
      out->resize(start + n);
      return Status::OK();
    }
    case Codec::kZstd: {
      thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(),
                                                                             &ZSTD_freeCCtx);
      out->resize(start + ZSTD_compressBound(input.size()));
      size_t n = ZSTD_compressCCtx(ctx.get(), out->data() + start, out->size() - start,
                                   input.data(), input.size(), level == 0 ? 3 : level);
      if (ZSTD_isError(n)) return Status::internal("zstd compression failed: {}", ZSTD_getErrorName(n));
      out->resize(start + n);
      return Status::OK();
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        return Status::invalid_argument("page too large for LZ4");
      }
      int bound = LZ4_compressBound(static_cast<int>(input.size()));
      out->resize(start + static_cast<size_t>(bound));
      int n = LZ4_compress_default(input.data(), out->data() + start, static_cast<int>(input.size()), bound);
      if (n <= 0) return Status::internal("lz4 compression failed");
      out->resize(start + static_cast<size_t>(n));
      return Status::OK();
    }
    case Codec::kGzip: {
      z_stream zs;
      std::memset(&zs, 0, sizeof(zs));
      if (deflateInit2(&zs, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 16 + MAX_WBITS,
                       8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::internal("zlib init failed");
      }
      out->resize(start + deflateBound(&zs, static_cast<uLong>(input.size())));
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      zs.avail_in = static_cast<uInt>(input.size());
      zs.next_out = reinterpret_cast<Bytef*>(out->data() + start);
      zs.avail_out = static_cast<uInt>(out->size() - start);
      int rc = deflate(&zs, Z_FINISH);
      size_t n = out->size() - start - zs.avail_out;
      deflateEnd(&zs);
      if (rc != Z_STREAM_END) return Status::internal("gzip compression failed ({})", rc);
      out->resize(start + n);
      return Status::OK();
    }
    case Codec::kBrotli: {
      size_t n = BrotliEncoderMaxCompressedSize(input.size());
      if (n == 0) n = input.size() + 1024;
      out->resize(start + n);
      if (!BrotliEncoderCompress(level == 0 ? BROTLI_DEFAULT_QUALITY : level, BROTLI_DEFAULT_WINDOW,
                                 BROTLI_MODE_GENERIC, input.size(),
                                 reinterpret_cast<const uint8_t*>(input.data()), &n,
                                 reinterpret_cast<uint8_t*>(out->data() + start))) {
        return Status::internal("brotli compression failed");
      }
      out->resize(start + n);
      return Status::OK();
    }
    default:
      return Status::not_implemented("writing {} compressed pages is not supported", codec_name(codec));
  }
}

}  // namespace braid::parquet
