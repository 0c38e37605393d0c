#include "formats/parquet/column_chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "formats/parquet/compression.h"
#include "formats/parquet/held_memory.h"
#include "formats/parquet/rle_bit_packed.h"

namespace braid::parquet {

namespace {

// Decodes `n` levels of at most `max_level` from RLE/bit-packed hybrid data (no length prefix).
Status decode_rle_levels(const uint8_t* data, size_t size, int64_t n, int max_level,
                         std::vector<uint32_t>& scratch, int16_t* out, std::string_view what) {
  RleBitPackedDecoder decoder(data, size, bit_width_for(static_cast<uint64_t>(max_level)));
  int64_t got = decoder.get_levels(out, n, static_cast<uint32_t>(max_level), scratch);
  if (decoder.error()) {
    return Status::corruption("{} levels: a level exceeds the maximum {} or the data is malformed",
                              what, max_level);
  }
  if (got != n) return Status::corruption("{} levels: {} of {} present", what, got, n);
  return Status::OK();
}

// Legacy BIT_PACKED levels: most significant bit first, ceil(n * width / 8) bytes.
Status decode_bit_packed_levels(const uint8_t* data, size_t size, int64_t n, int max_level,
                                int16_t* out, size_t* consumed, std::string_view what) {
  const int width = bit_width_for(static_cast<uint64_t>(max_level));
  const uint64_t bytes = (static_cast<uint64_t>(n) * static_cast<uint64_t>(width) + 7) / 8;
  if (bytes > size) return Status::corruption("{} levels: {} bytes needed, {} present", what, bytes, size);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < width; ++b) {
      uint64_t bit = static_cast<uint64_t>(i) * static_cast<uint64_t>(width) + static_cast<uint64_t>(b);
      v = (v << 1) | ((data[bit / 8] >> (7 - bit % 8)) & 1);
    }
    if (v > static_cast<uint32_t>(max_level)) {
      return Status::corruption("{} level {} exceeds the maximum {}", what, v, max_level);
    }
    out[i] = static_cast<int16_t>(v);
  }
  *consumed = static_cast<size_t>(bytes);
  return Status::OK();
}

// v1 level block: RLE with a 4-byte length prefix, or legacy BIT_PACKED.
Status decode_v1_levels(Encoding encoding, const uint8_t*& data, size_t& size, int64_t n,
                        int max_level, std::vector<uint32_t>& scratch, int16_t* out,
                        std::string_view what) {
  if (encoding == Encoding::kRle) {
    if (size < 4) return Status::corruption("{} levels: missing length prefix", what);
    uint32_t len;
    std::memcpy(&len, data, 4);
    if (len > size - 4) {
      return Status::corruption("{} levels: {} bytes declared, {} in the page", what, len, size - 4);
    }
    BRAID_RETURN_IF_ERROR(decode_rle_levels(data + 4, len, n, max_level, scratch, out, what));
    data += 4 + len;
    size -= 4 + len;
    return Status::OK();
  }
  if (encoding == Encoding::kBitPacked) {
    size_t used = 0;
    BRAID_RETURN_IF_ERROR(decode_bit_packed_levels(data, size, n, max_level, out, &used, what));
    data += used;
    size -= used;
    return Status::OK();
  }
  return Status::corruption("{} levels use encoding {}", what, encoding_name(encoding));
}

class ChunkReader {
 public:
  ChunkReader(const SchemaNode& leaf, const ColumnMetaData& md, std::string_view chunk,
              bool spaced, bool verify_checksums, LeafWriter& writer, LeafChunk* out,
              MemoryTracker* tracker)
      : leaf_(leaf), md_(md), chunk_(chunk), spaced_(spaced), verify_checksums_(verify_checksums),
        writer_(writer), out_(out), held_(tracker) {}

  Status run() {
    if (md_.type != leaf_.physical) {
      return Status::corruption("the column chunk says {} but the schema says {}",
                                physical_type_name(md_.type), physical_type_name(leaf_.physical));
    }
    if (md_.num_values < 0) return Status::corruption("negative num_values {}", md_.num_values);
    max_def_ = static_cast<int16_t>(leaf_.def_level);
    max_rep_ = static_cast<int16_t>(leaf_.rep_level);
    size_t pos = 0;
    int page = 0;
    while (levels_seen_ < md_.num_values) {
      if (pos >= chunk_.size()) {
        return Status::corruption("the column chunk ends after {} of its {} values", levels_seen_,
                                  md_.num_values);
      }
      PageHeader header;
      Status s = read_page(pos, header);
      if (!s.ok()) return std::move(s).with_context_f("page {}", page);
      ++page;
      held_.set(held_bytes());
    }
    if (levels_seen_ != md_.num_values) {
      return Status::corruption("the pages hold {} values but the column chunk says {}",
                                levels_seen_, md_.num_values);
    }
    out_->num_levels = levels_seen_;
    return Status::OK();
  }

 private:
  Status read_page(size_t& pos, PageHeader& h) {
    BRAID_ASSIGN_OR_RETURN(size_t header_size, decode_page_header(chunk_.substr(pos), &h));
    pos += header_size;
    if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > chunk_.size() - pos) {
      return Status::corruption("page of {} bytes runs past the end of the column chunk ({} bytes left)",
                                h.compressed_page_size, chunk_.size() - pos);
    }
    // Cap what a header can make us allocate: no real page decompresses to more than 1 GiB, or
    // expands more than kMaxExpansion times (even pages of zeros stay well below that).
    const int64_t expansion_cap =
        std::max<int64_t>(int64_t{64} << 20, int64_t{h.compressed_page_size} * kMaxExpansion);
    if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes ||
        (md_.codec != Codec::kUncompressed && h.uncompressed_page_size > expansion_cap)) {
      return Status::corruption("implausible uncompressed page size {} for a page of {} bytes",
                                h.uncompressed_page_size, h.compressed_page_size);
    }
    std::string_view body = chunk_.substr(pos, static_cast<size_t>(h.compressed_page_size));
    pos += static_cast<size_t>(h.compressed_page_size);
    if (verify_checksums_ && h.crc) {
      // parquet.thrift PageHeader.crc: CRC-32 of the page as stored, after compression.
      const uint32_t stored = static_cast<uint32_t>(*h.crc);
      const uint32_t computed = page_checksum(body);
      if (stored != computed) {
        return Status::corruption("checksum mismatch (stored {:#010x}, computed {:#010x})", stored, computed);
      }
    }
    switch (h.type) {
      case PageType::kDictionaryPage: return read_dictionary(h, body);
      case PageType::kDataPage: return read_data_v1(h, body);
      case PageType::kDataPageV2: return read_data_v2(h, body);
      default: return Status::OK();  // index pages and future page types carry no values
    }
  }

  // Decompresses `body` into page_ (uncompressed size from the header).
  Result<std::string_view> decompress_body(std::string_view body, int64_t uncompressed) {
    if (md_.codec == Codec::kUncompressed) {
      if (static_cast<int64_t>(body.size()) != uncompressed) {
        return Status::corruption("uncompressed page of {} bytes, the header says {}", body.size(), uncompressed);
      }
      return body;
    }
    if (uncompressed == 0 && body.empty()) return std::string_view();
    // Grown, never zero-filled: the codec writes every byte (or fails).
    if (static_cast<size_t>(uncompressed) > page_capacity_) {
      page_capacity_ = std::max(static_cast<size_t>(uncompressed), page_capacity_ * 2);
      page_.reset(new char[page_capacity_]);
    }
    BRAID_RETURN_IF_ERROR(decompress(md_.codec, body, reinterpret_cast<uint8_t*>(page_.get()),
                                     static_cast<size_t>(uncompressed)));
    return std::string_view(page_.get(), static_cast<size_t>(uncompressed));
  }

  Status read_dictionary(const PageHeader& h, std::string_view body) {
    if (!h.dictionary_page) return Status::corruption("dictionary page without its header");
    if (have_dictionary_) return Status::corruption("a second dictionary page in one column chunk");
    const DictionaryPageHeader& d = *h.dictionary_page;
    if (d.num_values < 0) return Status::corruption("dictionary with {} values", d.num_values);
    if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary) {
      return Status::corruption("dictionary page encoded as {}", encoding_name(d.encoding));
    }
    BRAID_ASSIGN_OR_RETURN(std::string_view data, decompress_body(body, h.uncompressed_page_size));
    BRAID_ASSIGN_OR_RETURN(auto decoder, make_value_decoder(Encoding::kPlain, leaf_.physical, leaf_.type_length));
    BRAID_RETURN_IF_ERROR(decoder->set_data(reinterpret_cast<const uint8_t*>(data.data()), data.size(), d.num_values));
    BRAID_RETURN_IF_ERROR(writer_.set_dictionary(*decoder, d.num_values).with_context("dictionary page"));
    have_dictionary_ = true;
    return Status::OK();
  }

  Status check_count(int64_t n) {
    if (n < 0 || n > kMaxPageValues) return Status::corruption("page with {} values", n);
    if (n > md_.num_values - levels_seen_) {
      return Status::corruption("page holds {} values, more than the {} left in the column chunk",
                                n, md_.num_values - levels_seen_);
    }
    return Status::OK();
  }

  Status read_data_v1(const PageHeader& h, std::string_view body) {
    if (!h.data_page) return Status::corruption("data page without its header");
    const DataPageHeader& d = *h.data_page;
    BRAID_RETURN_IF_ERROR(check_count(d.num_values));
    BRAID_ASSIGN_OR_RETURN(std::string_view data, decompress_body(body, h.uncompressed_page_size));
    auto* p = reinterpret_cast<const uint8_t*>(data.data());
    size_t size = data.size();
    const int64_t n = d.num_values;
    int16_t* rep = grow_levels(out_->rep_levels, max_rep_ > 0, n);
    int16_t* def = def_levels_for_page(n);
    if (max_rep_ > 0) {
      BRAID_RETURN_IF_ERROR(decode_v1_levels(d.repetition_level_encoding, p, size, n, max_rep_, scratch_, rep, "repetition"));
    }
    if (max_def_ > 0) {
      BRAID_RETURN_IF_ERROR(decode_v1_levels(d.definition_level_encoding, p, size, n, max_def_, scratch_, def, "definition"));
    }
    return read_values(d.encoding, p, size, n, rep, def);
  }

  Status read_data_v2(const PageHeader& h, std::string_view body) {
    if (!h.data_page_v2) return Status::corruption("data page v2 without its header");
    const DataPageHeaderV2& d = *h.data_page_v2;
    BRAID_RETURN_IF_ERROR(check_count(d.num_values));
    const int64_t n = d.num_values;
    if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
        static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            static_cast<int64_t>(body.size())) {
      return Status::corruption("level lengths {} + {} exceed the page's {} bytes",
                                d.repetition_levels_byte_length, d.definition_levels_byte_length, body.size());
    }
    auto* levels = reinterpret_cast<const uint8_t*>(body.data());
    int16_t* rep = grow_levels(out_->rep_levels, max_rep_ > 0, n);
    int16_t* def = def_levels_for_page(n);
    if (max_rep_ > 0) {
      BRAID_RETURN_IF_ERROR(decode_rle_levels(levels, static_cast<size_t>(d.repetition_levels_byte_length), n, max_rep_, scratch_, rep, "repetition"));
    }
    if (max_def_ > 0) {
      BRAID_RETURN_IF_ERROR(decode_rle_levels(levels + d.repetition_levels_byte_length,
                                              static_cast<size_t>(d.definition_levels_byte_length), n,
                                              max_def_, scratch_, def, "definition"));
    }
    size_t level_bytes = static_cast<size_t>(d.repetition_levels_byte_length + d.definition_levels_byte_length);
    std::string_view values = body.substr(level_bytes);
    int64_t uncompressed = static_cast<int64_t>(h.uncompressed_page_size) - static_cast<int64_t>(level_bytes);
    if (uncompressed < 0) return Status::corruption("uncompressed page size {} is smaller than its levels", h.uncompressed_page_size);
    std::string_view data;
    if (d.is_compressed && md_.codec != Codec::kUncompressed) {
      if (values.empty() && uncompressed == 0) {
        data = values;  // an empty values section is not a codec stream
      } else {
        BRAID_ASSIGN_OR_RETURN(data, decompress_body(values, uncompressed));
      }
    } else {
      if (static_cast<int64_t>(values.size()) != uncompressed) {
        return Status::corruption("uncompressed values of {} bytes, the header says {}", values.size(), uncompressed);
      }
      data = values;
    }
    return read_values(d.encoding, reinterpret_cast<const uint8_t*>(data.data()), data.size(), n, rep, def);
  }

  // Flat leaves only need a page's definition levels while emitting it; nested leaves keep them
  // all for record assembly.
  int16_t* def_levels_for_page(int64_t n) {
    if (max_def_ == 0) return nullptr;
    if (!spaced_) return grow_levels(out_->def_levels, true, n);
    page_def_.resize(static_cast<size_t>(n));
    return page_def_.data();
  }

  static int16_t* grow_levels(std::vector<int16_t>& levels, bool needed, int64_t n) {
    if (!needed) return nullptr;
    size_t old = levels.size();
    levels.resize(old + static_cast<size_t>(n));
    return levels.data() + old;
  }

  Status read_values(Encoding encoding, const uint8_t* data, size_t size, int64_t n,
                     const int16_t* rep, const int16_t* def) {
    if (rep != nullptr && levels_seen_ == 0 && n > 0 && rep[0] != 0) {
      return Status::corruption("the first repetition level of the column chunk is {}, not 0", rep[0]);
    }
    int64_t present = n;
    if (def != nullptr) present = std::count(def, def + n, max_def_);
    if (encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary) {
      if (!have_dictionary_) return Status::corruption("dictionary-encoded page but the chunk has no dictionary page");
      if (present > 0) {
        if (size < 1) return Status::corruption("dictionary indices: missing bit width");
        int width = data[0];
        if (width > 32) return Status::corruption("dictionary indices: bit width {}", width);
        RleBitPackedDecoder decoder(data + 1, size - 1, width);
        indices_.resize(static_cast<size_t>(present));
        int64_t got = decoder.get_batch(indices_.data(), present);
        if (got != present) {
          return Status::corruption("page has {} values but only {} dictionary indices", present, got);
        }
        BRAID_RETURN_IF_ERROR(writer_.load_indices(indices_.data(), present));
      } else {
        BRAID_RETURN_IF_ERROR(writer_.load_indices(nullptr, 0));
      }
    } else {
      auto it = decoders_.find(encoding);
      if (it == decoders_.end()) {
        BRAID_ASSIGN_OR_RETURN(auto decoder, make_value_decoder(encoding, leaf_.physical, leaf_.type_length));
        it = decoders_.emplace(encoding, std::move(decoder)).first;
      }
      BRAID_RETURN_IF_ERROR(it->second->set_data(data, size, present));
      BRAID_RETURN_IF_ERROR(writer_.load(*it->second, present));
    }
    writer_.begin_page(n);
    if (spaced_) {
      writer_.emit(def, n, max_def_);
    } else {
      writer_.emit(nullptr, present, max_def_);
    }
    levels_seen_ += n;
    return Status::OK();
  }

  // What this reader and its writer hold besides the column: the decompressed page, the
  // dictionary, a page's levels, indices and staged values, and a nested leaf's levels so far.
  int64_t held_bytes() const {
    return static_cast<int64_t>(page_capacity_ + (scratch_.capacity() + indices_.capacity()) * sizeof(uint32_t) +
                                (page_def_.capacity() + out_->def_levels.capacity() + out_->rep_levels.capacity()) *
                                    sizeof(int16_t)) +
           writer_.held_bytes();
  }

  const SchemaNode& leaf_;
  const ColumnMetaData& md_;
  std::string_view chunk_;
  bool spaced_;
  bool verify_checksums_;
  LeafWriter& writer_;
  LeafChunk* out_;
  int16_t max_def_ = 0;
  int16_t max_rep_ = 0;
  int64_t levels_seen_ = 0;
  bool have_dictionary_ = false;
  std::unique_ptr<char[]> page_;
  size_t page_capacity_ = 0;
  std::vector<uint32_t> scratch_;
  std::vector<uint32_t> indices_;
  std::vector<int16_t> page_def_;
  std::map<Encoding, std::unique_ptr<ValueDecoder>> decoders_;
  HeldMemory held_;
};

}  // namespace

Status read_column_chunk(const SchemaNode& leaf, const ColumnMetaData& metadata,
                         std::string_view chunk, bool spaced, bool verify_checksums,
                         MemoryTracker* tracker, LeafChunk* out) {
  BRAID_ASSIGN_OR_RETURN(auto writer, make_leaf_writer(leaf, tracker));
  // A hint only (a lying num_values must not allocate): growth handles larger chunks.
  if (spaced && metadata.num_values > 0) writer->reserve(std::min<int64_t>(metadata.num_values, int64_t{1} << 22));
  writer->expect_levels(metadata.num_values);
  ChunkReader reader(leaf, metadata, chunk, spaced, verify_checksums, *writer, out, tracker);
  BRAID_RETURN_IF_ERROR(reader.run());
  BRAID_ASSIGN_OR_RETURN(out->values, writer->finish());
  return Status::OK();
}

}  // namespace braid::parquet
