// Builds Parquet files of any shape byte by byte, for reader tests that braid's own writer cannot
// produce: legacy LIST/MAP schemas, v2 pages, pages of zero bytes, hand-set CRCs.
//
// The caller gives the schema (a depth-first list of SchemaElements, as in the footer) and, per
// leaf in schema order, its level entries and PLAIN-encoded values; the builder RLE-encodes the
// levels, lays out one data page per leaf (v1 or v2), compresses it with the chosen codec and
// writes the footer with braid's Thrift encoder. Nothing is validated: a test may build a wrong
// file on purpose.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/compression.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/rle_bit_packed.h"

namespace braid::parquet::testing {

struct LeafPages {
  int max_def = 0;
  int max_rep = 0;
  std::vector<int16_t> def;  // one per level entry (empty when max_def is 0)
  std::vector<int16_t> rep;  // one per level entry (empty when max_rep is 0)
  int64_t num_values = 0;    // level entries
  std::string plain;         // the present values, PLAIN-encoded
};

struct BuildOptions {
  Codec codec = Codec::kUncompressed;
  bool v2 = false;         // DATA_PAGE_V2 (levels stored uncompressed before the values)
  bool with_crc = false;   // set PageHeader.crc
  // Precede each data page with a dictionary page of no values (what Polars writes for a column
  // of nulls): zero bytes, compressed with the codec.
  bool empty_dictionary = false;
};

inline SchemaElement group(std::string name, int children, std::optional<Repetition> rep,
                           std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition = rep;
  e.converted_type = converted;
  return e;
}

inline SchemaElement leaf(std::string name, PhysicalType type, Repetition rep,
                          std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition = rep;
  e.converted_type = converted;
  return e;
}

// CRC-32 bit by bit (reflected, polynomial 0x04C11DB7 as 0xEDB88320): an oracle independent of
// zlib, which the code under test uses.
inline uint32_t reference_crc32(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : bytes) {
    crc ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline std::string plain_i32(const std::vector<int32_t>& values) {
  std::string out(values.size() * 4, '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

inline std::string plain_strings(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    auto n = static_cast<uint32_t>(v.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out += v;
  }
  return out;
}

inline std::string rle_levels(const std::vector<int16_t>& levels, int max_level) {
  RleBitPackedEncoder enc(bit_width_for(static_cast<uint64_t>(max_level)));
  for (int16_t v : levels) enc.put(static_cast<uint32_t>(v));
  std::string out;
  enc.flush_to(&out);
  return out;
}

// Paths of the leaves (elements with a physical type), depth first.
inline void leaf_paths(const std::vector<SchemaElement>& schema, size_t& next,
                       std::vector<std::string>& prefix, std::vector<std::vector<std::string>>& out) {
  const SchemaElement& e = schema[next++];
  if (e.type) {
    prefix.push_back(e.name);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  const bool root = next == 1;
  if (!root) prefix.push_back(e.name);
  for (int i = 0; i < e.num_children.value_or(0); ++i) leaf_paths(schema, next, prefix, out);
  if (!root) prefix.pop_back();
}

// `schema[0]` is the root. Returns the bytes of a one-row-group file.
inline std::string build_parquet(std::vector<SchemaElement> schema, int64_t num_rows,
                                 const std::vector<LeafPages>& leaves, BuildOptions options = {}) {
  std::vector<std::vector<std::string>> paths;
  std::vector<std::string> prefix;
  size_t next = 0;
  leaf_paths(schema, next, prefix, paths);
  std::vector<const SchemaElement*> leaf_elements;
  for (const auto& e : schema) {
    if (e.type) leaf_elements.push_back(&e);
  }
  std::string file = "PAR1";
  FileMetaData md;
  md.version = 1;
  md.schema = schema;
  md.num_rows = num_rows;
  RowGroup rg;
  rg.num_rows = num_rows;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const LeafPages& l = leaves[i];
    std::string levels_rep = l.max_rep > 0 ? rle_levels(l.rep, l.max_rep) : "";
    std::string levels_def = l.max_def > 0 ? rle_levels(l.def, l.max_def) : "";
    PageHeader h;
    std::string body;
    if (options.v2) {
      std::string values;
      (void)compress(options.codec, l.plain, &values);
      body = levels_rep + levels_def + values;
      h.type = PageType::kDataPageV2;
      h.uncompressed_page_size = static_cast<int32_t>(levels_rep.size() + levels_def.size() + l.plain.size());
      DataPageHeaderV2 d;
      d.num_values = static_cast<int32_t>(l.num_values);
      d.num_rows = static_cast<int32_t>(num_rows);
      int32_t nulls = 0;
      for (int16_t v : l.def) nulls += v < l.max_def ? 1 : 0;
      d.num_nulls = nulls;
      d.encoding = Encoding::kPlain;
      d.repetition_levels_byte_length = static_cast<int32_t>(levels_rep.size());
      d.definition_levels_byte_length = static_cast<int32_t>(levels_def.size());
      d.is_compressed = options.codec != Codec::kUncompressed;
      h.data_page_v2 = d;
    } else {
      std::string raw;
      auto prefixed = [&raw](const std::string& lv) {
        auto n = static_cast<uint32_t>(lv.size());
        raw.append(reinterpret_cast<const char*>(&n), 4);
        raw += lv;
      };
      if (l.max_rep > 0) prefixed(levels_rep);
      if (l.max_def > 0) prefixed(levels_def);
      raw += l.plain;
      (void)compress(options.codec, raw, &body);
      h.type = PageType::kDataPage;
      h.uncompressed_page_size = static_cast<int32_t>(raw.size());
      DataPageHeader d;
      d.num_values = static_cast<int32_t>(l.num_values);
      d.encoding = Encoding::kPlain;
      h.data_page = d;
    }
    h.compressed_page_size = static_cast<int32_t>(body.size());
    if (options.with_crc) h.crc = static_cast<int32_t>(reference_crc32(body));
    std::string header = encode_page_header(h);
    std::string dictionary;  // header and body
    if (options.empty_dictionary) {
      PageHeader dh;
      dh.type = PageType::kDictionaryPage;
      std::string dbody;
      (void)compress(options.codec, "", &dbody);
      dh.compressed_page_size = static_cast<int32_t>(dbody.size());
      if (options.with_crc) dh.crc = static_cast<int32_t>(reference_crc32(dbody));
      DictionaryPageHeader d;
      d.encoding = Encoding::kPlain;
      dh.dictionary_page = d;
      dictionary = encode_page_header(dh) + dbody;
    }
    ColumnMetaData cm;
    cm.type = *leaf_elements[i]->type;
    cm.encodings = {Encoding::kPlain, Encoding::kRle};
    cm.path_in_schema = paths[i];
    cm.codec = options.codec;
    cm.num_values = l.num_values;
    cm.total_uncompressed_size = static_cast<int64_t>(header.size()) + h.uncompressed_page_size;
    cm.total_compressed_size = static_cast<int64_t>(dictionary.size() + header.size() + body.size());
    if (!dictionary.empty()) {
      cm.dictionary_page_offset = static_cast<int64_t>(file.size());
      file += dictionary;
    }
    cm.data_page_offset = static_cast<int64_t>(file.size());
    ColumnChunk chunk;
    chunk.file_offset = cm.data_page_offset;
    chunk.meta_data = cm;
    rg.columns.push_back(std::move(chunk));
    file += header;
    file += body;
  }
  md.row_groups.push_back(std::move(rg));
  std::string footer = encode_file_metadata(md);
  file += footer;
  auto n = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&n), 4);
  file += "PAR1";
  return file;
}

}  // namespace braid::parquet::testing
