#include "formats/parquet/metadata.h"

#include <fmt/core.h>

#include "formats/parquet/thrift_compact.h"

namespace braid::parquet {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::FieldHeader;
using thrift::Type;

namespace {

// ---- decoding helpers

// Calls on_field for every field of the struct at the reader's position.
template <typename OnField>
Status read_struct(CompactReader& r, OnField&& on_field) {
  BRAID_RETURN_IF_ERROR(r.begin_struct());
  while (true) {
    BRAID_ASSIGN_OR_RETURN(FieldHeader f, r.read_field());
    if (f.is_stop()) break;
    BRAID_RETURN_IF_ERROR(on_field(f));
  }
  r.end_struct();
  return Status::OK();
}

bool is_int_type(Type t) { return t == Type::kI32 || t == Type::kI16 || t == Type::kByte || t == Type::kI64; }

// A field of an unexpected wire type is skipped like an unknown field: a writer's bug there
// should not hide the rest of the metadata.
Status get_i32(CompactReader& r, const FieldHeader& f, int32_t* out) {
  if (f.type == Type::kByte) {
    BRAID_ASSIGN_OR_RETURN(int8_t v, r.read_byte());
    *out = v;
    return Status::OK();
  }
  if (f.type == Type::kI64) {
    BRAID_ASSIGN_OR_RETURN(int64_t v, r.read_i64());
    if (v < INT32_MIN || v > INT32_MAX) return Status::corruption("field {} out of range", f.id);
    *out = static_cast<int32_t>(v);
    return Status::OK();
  }
  if (!is_int_type(f.type)) return r.skip(f.type);
  BRAID_ASSIGN_OR_RETURN(*out, r.read_i32());
  return Status::OK();
}

template <typename T>
Status get_i32_opt(CompactReader& r, const FieldHeader& f, std::optional<T>* out) {
  int32_t v = 0;
  BRAID_RETURN_IF_ERROR(get_i32(r, f, &v));
  *out = static_cast<T>(v);
  return Status::OK();
}

Status get_i64(CompactReader& r, const FieldHeader& f, int64_t* out) {
  if (f.type == Type::kByte) {
    BRAID_ASSIGN_OR_RETURN(int8_t v, r.read_byte());
    *out = v;
    return Status::OK();
  }
  if (!is_int_type(f.type)) return r.skip(f.type);
  BRAID_ASSIGN_OR_RETURN(*out, r.read_i64());
  return Status::OK();
}

Status get_i64_opt(CompactReader& r, const FieldHeader& f, std::optional<int64_t>* out) {
  int64_t v = 0;
  BRAID_RETURN_IF_ERROR(get_i64(r, f, &v));
  *out = v;
  return Status::OK();
}

Status get_bool(CompactReader& r, const FieldHeader& f, bool* out) {
  if (f.type != Type::kBoolTrue && f.type != Type::kBoolFalse) return r.skip(f.type);
  *out = CompactReader::field_bool(f);
  return Status::OK();
}

Status get_bool_opt(CompactReader& r, const FieldHeader& f, std::optional<bool>* out) {
  bool v = false;
  BRAID_RETURN_IF_ERROR(get_bool(r, f, &v));
  *out = v;
  return Status::OK();
}

Status get_string(CompactReader& r, const FieldHeader& f, std::string* out) {
  if (f.type != Type::kBinary) return r.skip(f.type);
  BRAID_ASSIGN_OR_RETURN(*out, r.read_string());
  return Status::OK();
}

Status get_string_opt(CompactReader& r, const FieldHeader& f, std::optional<std::string>* out) {
  std::string v;
  BRAID_RETURN_IF_ERROR(get_string(r, f, &v));
  *out = std::move(v);
  return Status::OK();
}

// Reads a list field element by element.
template <typename OnElement>
Status get_list(CompactReader& r, const FieldHeader& f, OnElement&& on_element) {
  if (f.type != Type::kList && f.type != Type::kSet) return r.skip(f.type);
  BRAID_ASSIGN_OR_RETURN(thrift::ListHeader h, r.read_list());
  for (uint32_t i = 0; i < h.size; ++i) BRAID_RETURN_IF_ERROR(on_element(h.element_type));
  return Status::OK();
}

Status get_i32_list(CompactReader& r, const FieldHeader& f, std::vector<int32_t>* out) {
  return get_list(r, f, [&](Type t) -> Status {
    if (!is_int_type(t)) return r.skip(t);
    BRAID_ASSIGN_OR_RETURN(int32_t v, r.read_i32());
    out->push_back(v);
    return Status::OK();
  });
}

Status get_i64_list(CompactReader& r, const FieldHeader& f, std::vector<int64_t>* out) {
  return get_list(r, f, [&](Type t) -> Status {
    if (!is_int_type(t)) return r.skip(t);
    BRAID_ASSIGN_OR_RETURN(int64_t v, r.read_i64());
    out->push_back(v);
    return Status::OK();
  });
}

Status get_string_list(CompactReader& r, const FieldHeader& f, std::vector<std::string>* out) {
  return get_list(r, f, [&](Type t) -> Status {
    if (t != Type::kBinary) return r.skip(t);
    BRAID_ASSIGN_OR_RETURN(std::string v, r.read_string());
    out->push_back(std::move(v));
    return Status::OK();
  });
}

// Required fields: bit i set when field i was seen.
class Required {
 public:
  explicit Required(std::string_view structure) : structure_(structure) {}
  void saw(int16_t id) {
    if (id >= 0 && id < 64) seen_ |= uint64_t{1} << id;
  }
  Status check(int16_t id, std::string_view name) const {
    if (seen_ & (uint64_t{1} << id)) return Status::OK();
    return Status::corruption("{} is missing its required field '{}'", structure_, name);
  }

 private:
  std::string_view structure_;
  uint64_t seen_ = 0;
};

Status decode_key_values(CompactReader& r, const FieldHeader& f, KeyValueList* out) {
  return get_list(r, f, [&](Type t) -> Status {
    if (t != Type::kStruct) return r.skip(t);
    std::string key, value;
    Required req("KeyValue");
    BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& kf) -> Status {
      req.saw(kf.id);
      if (kf.id == 1) return get_string(r, kf, &key);
      if (kf.id == 2) return get_string(r, kf, &value);
      return r.skip(kf.type);
    }));
    BRAID_RETURN_IF_ERROR(req.check(1, "key"));
    out->emplace_back(std::move(key), std::move(value));
    return Status::OK();
  });
}

Status decode_time_unit(CompactReader& r, TimeUnitKind* unit) {
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    if (f.id == 1) *unit = TimeUnitKind::kMillis;
    if (f.id == 2) *unit = TimeUnitKind::kMicros;
    if (f.id == 3) *unit = TimeUnitKind::kNanos;
    return r.skip(f.type);
  });
}

Status decode_logical_type(CompactReader& r, LogicalType* out) {
  using Kind = LogicalType::Kind;
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    if (f.type != Type::kStruct) return r.skip(f.type);
    switch (f.id) {
      case 1: out->kind = Kind::kString; break;
      case 2: out->kind = Kind::kMap; break;
      case 3: out->kind = Kind::kList; break;
      case 4: out->kind = Kind::kEnum; break;
      case 5:
        out->kind = Kind::kDecimal;
        return read_struct(r, [&](const FieldHeader& d) -> Status {
          if (d.id == 1) return get_i32(r, d, &out->scale);
          if (d.id == 2) return get_i32(r, d, &out->precision);
          return r.skip(d.type);
        });
      case 6: out->kind = Kind::kDate; break;
      case 7:
      case 8:
        out->kind = f.id == 7 ? Kind::kTime : Kind::kTimestamp;
        return read_struct(r, [&](const FieldHeader& t) -> Status {
          if (t.id == 1) return get_bool(r, t, &out->adjusted_to_utc);
          if (t.id == 2 && t.type == Type::kStruct) return decode_time_unit(r, &out->unit);
          return r.skip(t.type);
        });
      case 10:
        out->kind = Kind::kInteger;
        return read_struct(r, [&](const FieldHeader& i) -> Status {
          if (i.id == 1) {
            int32_t w = 0;
            BRAID_RETURN_IF_ERROR(get_i32(r, i, &w));
            out->bit_width = static_cast<int8_t>(w);
            return Status::OK();
          }
          if (i.id == 2) return get_bool(r, i, &out->is_signed);
          return r.skip(i.type);
        });
      case 11: out->kind = Kind::kUnknown; break;
      case 12: out->kind = Kind::kJson; break;
      case 13: out->kind = Kind::kBson; break;
      case 14: out->kind = Kind::kUuid; break;
      case 15: out->kind = Kind::kFloat16; break;
      case 16: out->kind = Kind::kVariant; break;
      case 17: out->kind = Kind::kGeometry; break;
      case 18: out->kind = Kind::kGeography; break;
      default: out->kind = Kind::kOther; break;
    }
    return r.skip(f.type);
  });
}

Status decode_schema_element(CompactReader& r, SchemaElement* out) {
  Required req("SchemaElement");
  BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& f) -> Status {
    req.saw(f.id);
    switch (f.id) {
      case 1: return get_i32_opt(r, f, &out->type);
      case 2: return get_i32(r, f, &out->type_length);
      case 3: return get_i32_opt(r, f, &out->repetition);
      case 4: return get_string(r, f, &out->name);
      case 5: return get_i32_opt(r, f, &out->num_children);
      case 6: return get_i32_opt(r, f, &out->converted_type);
      case 7: return get_i32_opt(r, f, &out->scale);
      case 8: return get_i32_opt(r, f, &out->precision);
      case 9: return get_i32_opt(r, f, &out->field_id);
      case 10:
        if (f.type != Type::kStruct) return r.skip(f.type);
        return decode_logical_type(r, &out->logical_type);
      default: return r.skip(f.type);
    }
  }));
  return req.check(4, "name");
}

Status decode_statistics(CompactReader& r, Statistics* out) {
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return get_string_opt(r, f, &out->max);
      case 2: return get_string_opt(r, f, &out->min);
      case 3: return get_i64_opt(r, f, &out->null_count);
      case 4: return get_i64_opt(r, f, &out->distinct_count);
      case 5: return get_string_opt(r, f, &out->max_value);
      case 6: return get_string_opt(r, f, &out->min_value);
      case 7: return get_bool_opt(r, f, &out->is_max_value_exact);
      case 8: return get_bool_opt(r, f, &out->is_min_value_exact);
      case 9: return get_i64_opt(r, f, &out->nan_count);
      default: return r.skip(f.type);
    }
  });
}

Status get_statistics(CompactReader& r, const FieldHeader& f, std::optional<Statistics>* out) {
  if (f.type != Type::kStruct) return r.skip(f.type);
  Statistics s;
  BRAID_RETURN_IF_ERROR(decode_statistics(r, &s));
  *out = std::move(s);
  return Status::OK();
}

Status decode_column_metadata(CompactReader& r, ColumnMetaData* out) {
  Required req("ColumnMetaData");
  BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& f) -> Status {
    req.saw(f.id);
    switch (f.id) {
      case 1: {
        int32_t v = 0;
        BRAID_RETURN_IF_ERROR(get_i32(r, f, &v));
        out->type = static_cast<PhysicalType>(v);
        return Status::OK();
      }
      case 2: {
        std::vector<int32_t> e;
        BRAID_RETURN_IF_ERROR(get_i32_list(r, f, &e));
        for (int32_t v : e) out->encodings.push_back(static_cast<Encoding>(v));
        return Status::OK();
      }
      case 3: return get_string_list(r, f, &out->path_in_schema);
      case 4: {
        int32_t v = 0;
        BRAID_RETURN_IF_ERROR(get_i32(r, f, &v));
        out->codec = static_cast<Codec>(v);
        return Status::OK();
      }
      case 5: return get_i64(r, f, &out->num_values);
      case 6: return get_i64(r, f, &out->total_uncompressed_size);
      case 7: return get_i64(r, f, &out->total_compressed_size);
      case 8: return decode_key_values(r, f, &out->key_value_metadata);
      case 9: return get_i64(r, f, &out->data_page_offset);
      case 10: return get_i64_opt(r, f, &out->index_page_offset);
      case 11: return get_i64_opt(r, f, &out->dictionary_page_offset);
      case 12: return get_statistics(r, f, &out->statistics);
      case 14: return get_i64_opt(r, f, &out->bloom_filter_offset);
      case 15: return get_i32_opt(r, f, &out->bloom_filter_length);
      default: return r.skip(f.type);
    }
  }));
  BRAID_RETURN_IF_ERROR(req.check(1, "type"));
  BRAID_RETURN_IF_ERROR(req.check(3, "path_in_schema"));
  BRAID_RETURN_IF_ERROR(req.check(4, "codec"));
  BRAID_RETURN_IF_ERROR(req.check(5, "num_values"));
  BRAID_RETURN_IF_ERROR(req.check(7, "total_compressed_size"));
  return req.check(9, "data_page_offset");
}

Status decode_column_chunk(CompactReader& r, ColumnChunk* out) {
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1: return get_string_opt(r, f, &out->file_path);
      case 2: return get_i64(r, f, &out->file_offset);
      case 3: {
        if (f.type != Type::kStruct) return r.skip(f.type);
        ColumnMetaData m;
        BRAID_RETURN_IF_ERROR(decode_column_metadata(r, &m));
        out->meta_data = std::move(m);
        return Status::OK();
      }
      case 4: return get_i64_opt(r, f, &out->offset_index_offset);
      case 5: return get_i32_opt(r, f, &out->offset_index_length);
      case 6: return get_i64_opt(r, f, &out->column_index_offset);
      case 7: return get_i32_opt(r, f, &out->column_index_length);
      case 8:
      case 9:
        out->encrypted = true;
        return r.skip(f.type);
      default: return r.skip(f.type);
    }
  });
}

Status decode_row_group(CompactReader& r, RowGroup* out) {
  Required req("RowGroup");
  BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& f) -> Status {
    req.saw(f.id);
    switch (f.id) {
      case 1:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kStruct) return r.skip(t);
          out->columns.emplace_back();
          return decode_column_chunk(r, &out->columns.back());
        });
      case 2: return get_i64(r, f, &out->total_byte_size);
      case 3: return get_i64(r, f, &out->num_rows);
      case 4:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kStruct) return r.skip(t);
          SortingColumn s;
          BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& sf) -> Status {
            if (sf.id == 1) return get_i32(r, sf, &s.column_idx);
            if (sf.id == 2) return get_bool(r, sf, &s.descending);
            if (sf.id == 3) return get_bool(r, sf, &s.nulls_first);
            return r.skip(sf.type);
          }));
          out->sorting_columns.push_back(s);
          return Status::OK();
        });
      case 5: return get_i64_opt(r, f, &out->file_offset);
      case 6: return get_i64_opt(r, f, &out->total_compressed_size);
      case 7: return get_i32_opt(r, f, &out->ordinal);
      default: return r.skip(f.type);
    }
  }));
  BRAID_RETURN_IF_ERROR(req.check(1, "columns"));
  return req.check(3, "num_rows");
}

}  // namespace

Status decode_file_metadata(std::string_view bytes, FileMetaData* out) {
  CompactReader r(bytes);
  Required req("FileMetaData");
  Status s = read_struct(r, [&](const FieldHeader& f) -> Status {
    req.saw(f.id);
    switch (f.id) {
      case 1: return get_i32(r, f, &out->version);
      case 2:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kStruct) return r.skip(t);
          out->schema.emplace_back();
          return decode_schema_element(r, &out->schema.back());
        });
      case 3: return get_i64(r, f, &out->num_rows);
      case 4:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kStruct) return r.skip(t);
          out->row_groups.emplace_back();
          return decode_row_group(r, &out->row_groups.back());
        });
      case 5: return decode_key_values(r, f, &out->key_value_metadata);
      case 6: return get_string_opt(r, f, &out->created_by);
      case 7:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kStruct) return r.skip(t);
          bool type_defined = false;
          BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& o) -> Status {
            if (o.id == 1) type_defined = true;
            return r.skip(o.type);
          }));
          out->column_orders.push_back(type_defined);
          return Status::OK();
        });
      case 8:
        out->encrypted = true;
        return r.skip(f.type);
      default: return r.skip(f.type);
    }
  });
  BRAID_RETURN_IF_ERROR(std::move(s).with_context("decoding the file metadata"));
  BRAID_RETURN_IF_ERROR(req.check(2, "schema"));
  BRAID_RETURN_IF_ERROR(req.check(3, "num_rows"));
  return req.check(4, "row_groups");
}

Result<size_t> decode_page_header(std::string_view bytes, PageHeader* out) {
  CompactReader r(bytes);
  Required req("PageHeader");
  Status s = read_struct(r, [&](const FieldHeader& f) -> Status {
    req.saw(f.id);
    switch (f.id) {
      case 1: {
        int32_t v = 0;
        BRAID_RETURN_IF_ERROR(get_i32(r, f, &v));
        out->type = static_cast<PageType>(v);
        return Status::OK();
      }
      case 2: return get_i32(r, f, &out->uncompressed_page_size);
      case 3: return get_i32(r, f, &out->compressed_page_size);
      case 4: return get_i32_opt(r, f, &out->crc);
      case 5: {
        if (f.type != Type::kStruct) return r.skip(f.type);
        DataPageHeader h;
        Required hreq("DataPageHeader");
        BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& d) -> Status {
          hreq.saw(d.id);
          int32_t v = 0;
          switch (d.id) {
            case 1: return get_i32(r, d, &h.num_values);
            case 2: BRAID_RETURN_IF_ERROR(get_i32(r, d, &v)); h.encoding = static_cast<Encoding>(v); return Status::OK();
            case 3: BRAID_RETURN_IF_ERROR(get_i32(r, d, &v)); h.definition_level_encoding = static_cast<Encoding>(v); return Status::OK();
            case 4: BRAID_RETURN_IF_ERROR(get_i32(r, d, &v)); h.repetition_level_encoding = static_cast<Encoding>(v); return Status::OK();
            case 5: return get_statistics(r, d, &h.statistics);
            default: return r.skip(d.type);
          }
        }));
        BRAID_RETURN_IF_ERROR(hreq.check(1, "num_values"));
        BRAID_RETURN_IF_ERROR(hreq.check(2, "encoding"));
        out->data_page = std::move(h);
        return Status::OK();
      }
      case 7: {
        if (f.type != Type::kStruct) return r.skip(f.type);
        DictionaryPageHeader h;
        Required hreq("DictionaryPageHeader");
        BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& d) -> Status {
          hreq.saw(d.id);
          int32_t v = 0;
          switch (d.id) {
            case 1: return get_i32(r, d, &h.num_values);
            case 2: BRAID_RETURN_IF_ERROR(get_i32(r, d, &v)); h.encoding = static_cast<Encoding>(v); return Status::OK();
            case 3: return get_bool_opt(r, d, &h.is_sorted);
            default: return r.skip(d.type);
          }
        }));
        BRAID_RETURN_IF_ERROR(hreq.check(1, "num_values"));
        out->dictionary_page = h;
        return Status::OK();
      }
      case 8: {
        if (f.type != Type::kStruct) return r.skip(f.type);
        DataPageHeaderV2 h;
        Required hreq("DataPageHeaderV2");
        BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& d) -> Status {
          hreq.saw(d.id);
          int32_t v = 0;
          switch (d.id) {
            case 1: return get_i32(r, d, &h.num_values);
            case 2: return get_i32(r, d, &h.num_nulls);
            case 3: return get_i32(r, d, &h.num_rows);
            case 4: BRAID_RETURN_IF_ERROR(get_i32(r, d, &v)); h.encoding = static_cast<Encoding>(v); return Status::OK();
            case 5: return get_i32(r, d, &h.definition_levels_byte_length);
            case 6: return get_i32(r, d, &h.repetition_levels_byte_length);
            case 7: return get_bool(r, d, &h.is_compressed);
            case 8: return get_statistics(r, d, &h.statistics);
            default: return r.skip(d.type);
          }
        }));
        for (auto [id, name] : {std::pair<int16_t, const char*>{1, "num_values"}, {2, "num_nulls"},
                                {3, "num_rows"}, {4, "encoding"},
                                {5, "definition_levels_byte_length"},
                                {6, "repetition_levels_byte_length"}}) {
          BRAID_RETURN_IF_ERROR(hreq.check(id, name));
        }
        out->data_page_v2 = std::move(h);
        return Status::OK();
      }
      default: return r.skip(f.type);
    }
  });
  BRAID_RETURN_IF_ERROR(std::move(s).with_context("decoding a page header"));
  BRAID_RETURN_IF_ERROR(req.check(1, "type"));
  BRAID_RETURN_IF_ERROR(req.check(2, "uncompressed_page_size"));
  BRAID_RETURN_IF_ERROR(req.check(3, "compressed_page_size"));
  return r.position();
}

Status decode_offset_index(std::string_view bytes, OffsetIndex* out) {
  CompactReader r(bytes);
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    if (f.id != 1) return r.skip(f.type);
    return get_list(r, f, [&](Type t) -> Status {
      if (t != Type::kStruct) return r.skip(t);
      PageLocation loc;
      BRAID_RETURN_IF_ERROR(read_struct(r, [&](const FieldHeader& p) -> Status {
        if (p.id == 1) return get_i64(r, p, &loc.offset);
        if (p.id == 2) return get_i32(r, p, &loc.compressed_page_size);
        if (p.id == 3) return get_i64(r, p, &loc.first_row_index);
        return r.skip(p.type);
      }));
      out->page_locations.push_back(loc);
      return Status::OK();
    });
  }).with_context("decoding an offset index");
}

Status decode_column_index(std::string_view bytes, ColumnIndex* out) {
  CompactReader r(bytes);
  return read_struct(r, [&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1:
        return get_list(r, f, [&](Type t) -> Status {
          if (t != Type::kBoolTrue && t != Type::kBoolFalse) return r.skip(t);
          BRAID_ASSIGN_OR_RETURN(bool v, r.read_bool());
          out->null_pages.push_back(v);
          return Status::OK();
        });
      case 2: return get_string_list(r, f, &out->min_values);
      case 3: return get_string_list(r, f, &out->max_values);
      case 4: {
        int32_t v = 0;
        BRAID_RETURN_IF_ERROR(get_i32(r, f, &v));
        out->boundary_order = static_cast<BoundaryOrder>(v);
        return Status::OK();
      }
      case 5: return get_i64_list(r, f, &out->null_counts);
      default: return r.skip(f.type);
    }
  }).with_context("decoding a column index");
}

// ---- encoding

namespace {

void encode_statistics(CompactWriter& w, int16_t id, const Statistics& s) {
  w.field_struct_begin(id);
  if (s.max) w.field_binary(1, *s.max);
  if (s.min) w.field_binary(2, *s.min);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.distinct_count) w.field_i64(4, *s.distinct_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  if (s.is_max_value_exact) w.field_bool(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.field_bool(8, *s.is_min_value_exact);
  if (s.nan_count) w.field_i64(9, *s.nan_count);
  w.end_struct();
}

void encode_key_values(CompactWriter& w, int16_t id, const KeyValueList& kv) {
  w.field_list_begin(id, Type::kStruct, static_cast<uint32_t>(kv.size()));
  for (const auto& [k, v] : kv) {
    w.element_struct_begin();
    w.field_binary(1, k);
    w.field_binary(2, v);
    w.end_struct();
  }
}

void encode_time_unit(CompactWriter& w, TimeUnitKind unit) {
  w.field_struct_begin(2);
  w.field_struct_begin(unit == TimeUnitKind::kMillis ? 1 : unit == TimeUnitKind::kMicros ? 2 : 3);
  w.end_struct();
  w.end_struct();
}

void encode_logical_type(CompactWriter& w, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  w.field_struct_begin(10);
  auto empty = [&](int16_t id) {
    w.field_struct_begin(id);
    w.end_struct();
  };
  switch (t.kind) {
    case Kind::kString: empty(1); break;
    case Kind::kMap: empty(2); break;
    case Kind::kList: empty(3); break;
    case Kind::kEnum: empty(4); break;
    case Kind::kDecimal:
      w.field_struct_begin(5);
      w.field_i32(1, t.scale);
      w.field_i32(2, t.precision);
      w.end_struct();
      break;
    case Kind::kDate: empty(6); break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.field_struct_begin(t.kind == Kind::kTime ? 7 : 8);
      w.field_bool(1, t.adjusted_to_utc);
      encode_time_unit(w, t.unit);
      w.end_struct();
      break;
    case Kind::kInteger:
      w.field_struct_begin(10);
      w.field_i8(1, t.bit_width);
      w.field_bool(2, t.is_signed);
      w.end_struct();
      break;
    case Kind::kUnknown: empty(11); break;
    case Kind::kJson: empty(12); break;
    case Kind::kBson: empty(13); break;
    case Kind::kUuid: empty(14); break;
    case Kind::kFloat16: empty(15); break;
    case Kind::kVariant: empty(16); break;
    case Kind::kGeometry: empty(17); break;
    case Kind::kGeography: empty(18); break;
    case Kind::kNone:
    case Kind::kOther: break;
  }
  w.end_struct();
}

}  // namespace

std::string encode_file_metadata(const FileMetaData& m) {
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, m.version);
  w.field_list_begin(2, Type::kStruct, static_cast<uint32_t>(m.schema.size()));
  for (const SchemaElement& e : m.schema) {
    w.element_struct_begin();
    if (e.type) w.field_i32(1, static_cast<int32_t>(*e.type));
    if (e.type == PhysicalType::kFixedLenByteArray) w.field_i32(2, e.type_length);
    if (e.repetition) w.field_i32(3, static_cast<int32_t>(*e.repetition));
    w.field_binary(4, e.name);
    if (e.num_children) w.field_i32(5, *e.num_children);
    if (e.converted_type) w.field_i32(6, static_cast<int32_t>(*e.converted_type));
    if (e.scale) w.field_i32(7, *e.scale);
    if (e.precision) w.field_i32(8, *e.precision);
    if (e.field_id) w.field_i32(9, *e.field_id);
    if (e.logical_type.kind != LogicalType::Kind::kNone &&
        e.logical_type.kind != LogicalType::Kind::kOther) {
      encode_logical_type(w, e.logical_type);
    }
    w.end_struct();
  }
  w.field_i64(3, m.num_rows);
  w.field_list_begin(4, Type::kStruct, static_cast<uint32_t>(m.row_groups.size()));
  for (const RowGroup& rg : m.row_groups) {
    w.element_struct_begin();
    w.field_list_begin(1, Type::kStruct, static_cast<uint32_t>(rg.columns.size()));
    for (const ColumnChunk& c : rg.columns) {
      w.element_struct_begin();
      if (c.file_path) w.field_binary(1, *c.file_path);
      w.field_i64(2, c.file_offset);
      if (c.meta_data) {
        const ColumnMetaData& cm = *c.meta_data;
        w.field_struct_begin(3);
        w.field_i32(1, static_cast<int32_t>(cm.type));
        w.field_list_begin(2, Type::kI32, static_cast<uint32_t>(cm.encodings.size()));
        for (Encoding e : cm.encodings) w.element_i32(static_cast<int32_t>(e));
        w.field_list_begin(3, Type::kBinary, static_cast<uint32_t>(cm.path_in_schema.size()));
        for (const auto& p : cm.path_in_schema) w.element_binary(p);
        w.field_i32(4, static_cast<int32_t>(cm.codec));
        w.field_i64(5, cm.num_values);
        w.field_i64(6, cm.total_uncompressed_size);
        w.field_i64(7, cm.total_compressed_size);
        if (!cm.key_value_metadata.empty()) encode_key_values(w, 8, cm.key_value_metadata);
        w.field_i64(9, cm.data_page_offset);
        if (cm.index_page_offset) w.field_i64(10, *cm.index_page_offset);
        if (cm.dictionary_page_offset) w.field_i64(11, *cm.dictionary_page_offset);
        if (cm.statistics) encode_statistics(w, 12, *cm.statistics);
        if (cm.bloom_filter_offset) w.field_i64(14, *cm.bloom_filter_offset);
        if (cm.bloom_filter_length) w.field_i32(15, *cm.bloom_filter_length);
        w.end_struct();
      }
      if (c.offset_index_offset) w.field_i64(4, *c.offset_index_offset);
      if (c.offset_index_length) w.field_i32(5, *c.offset_index_length);
      if (c.column_index_offset) w.field_i64(6, *c.column_index_offset);
      if (c.column_index_length) w.field_i32(7, *c.column_index_length);
      w.end_struct();
    }
    w.field_i64(2, rg.total_byte_size);
    w.field_i64(3, rg.num_rows);
    if (!rg.sorting_columns.empty()) {
      w.field_list_begin(4, Type::kStruct, static_cast<uint32_t>(rg.sorting_columns.size()));
      for (const auto& s : rg.sorting_columns) {
        w.element_struct_begin();
        w.field_i32(1, s.column_idx);
        w.field_bool(2, s.descending);
        w.field_bool(3, s.nulls_first);
        w.end_struct();
      }
    }
    if (rg.file_offset) w.field_i64(5, *rg.file_offset);
    if (rg.total_compressed_size) w.field_i64(6, *rg.total_compressed_size);
    if (rg.ordinal) w.field_i16(7, *rg.ordinal);
    w.end_struct();
  }
  if (!m.key_value_metadata.empty()) encode_key_values(w, 5, m.key_value_metadata);
  if (m.created_by) w.field_binary(6, *m.created_by);
  if (!m.column_orders.empty()) {
    w.field_list_begin(7, Type::kStruct, static_cast<uint32_t>(m.column_orders.size()));
    for (bool type_defined : m.column_orders) {
      w.element_struct_begin();
      if (type_defined) {
        w.field_struct_begin(1);
        w.end_struct();
      }
      w.end_struct();
    }
  }
  w.end_struct();
  return w.take();
}

std::string encode_page_header(const PageHeader& h) {
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, static_cast<int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.crc) w.field_i32(4, *h.crc);
  if (h.data_page) {
    const DataPageHeader& d = *h.data_page;
    w.field_struct_begin(5);
    w.field_i32(1, d.num_values);
    w.field_i32(2, static_cast<int32_t>(d.encoding));
    w.field_i32(3, static_cast<int32_t>(d.definition_level_encoding));
    w.field_i32(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) encode_statistics(w, 5, *d.statistics);
    w.end_struct();
  }
  if (h.dictionary_page) {
    const DictionaryPageHeader& d = *h.dictionary_page;
    w.field_struct_begin(7);
    w.field_i32(1, d.num_values);
    w.field_i32(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.field_bool(3, *d.is_sorted);
    w.end_struct();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2& d = *h.data_page_v2;
    w.field_struct_begin(8);
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.num_nulls);
    w.field_i32(3, d.num_rows);
    w.field_i32(4, static_cast<int32_t>(d.encoding));
    w.field_i32(5, d.definition_levels_byte_length);
    w.field_i32(6, d.repetition_levels_byte_length);
    w.field_bool(7, d.is_compressed);
    if (d.statistics) encode_statistics(w, 8, *d.statistics);
    w.end_struct();
  }
  w.end_struct();
  return w.take();
}

std::string encode_offset_index(const OffsetIndex& index) {
  CompactWriter w;
  w.begin_struct();
  w.field_list_begin(1, Type::kStruct, static_cast<uint32_t>(index.page_locations.size()));
  for (const PageLocation& p : index.page_locations) {
    w.element_struct_begin();
    w.field_i64(1, p.offset);
    w.field_i32(2, p.compressed_page_size);
    w.field_i64(3, p.first_row_index);
    w.end_struct();
  }
  w.end_struct();
  return w.take();
}

std::string encode_column_index(const ColumnIndex& index) {
  CompactWriter w;
  w.begin_struct();
  w.field_list_begin(1, Type::kBoolTrue, static_cast<uint32_t>(index.null_pages.size()));
  for (bool b : index.null_pages) w.element_bool(b);
  w.field_list_begin(2, Type::kBinary, static_cast<uint32_t>(index.min_values.size()));
  for (const auto& v : index.min_values) w.element_binary(v);
  w.field_list_begin(3, Type::kBinary, static_cast<uint32_t>(index.max_values.size()));
  for (const auto& v : index.max_values) w.element_binary(v);
  w.field_i32(4, static_cast<int32_t>(index.boundary_order));
  if (!index.null_counts.empty()) {
    w.field_list_begin(5, Type::kI64, static_cast<uint32_t>(index.null_counts.size()));
    for (int64_t n : index.null_counts) w.element_i64(n);
  }
  w.end_struct();
  return w.take();
}

// ---- names

std::string physical_type_name(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return fmt::format("physical type {}", static_cast<int32_t>(type));
}

std::string converted_type_name(ConvertedType type) {
  static const char* kNames[] = {"UTF8",          "MAP",         "MAP_KEY_VALUE",    "LIST",
                                 "ENUM",          "DECIMAL",     "DATE",             "TIME_MILLIS",
                                 "TIME_MICROS",   "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8",
                                 "UINT_16",       "UINT_32",     "UINT_64",          "INT_8",
                                 "INT_16",        "INT_32",      "INT_64",           "JSON",
                                 "BSON",          "INTERVAL"};
  auto i = static_cast<int32_t>(type);
  if (i >= 0 && i <= 21) return kNames[i];
  return fmt::format("converted type {}", i);
}

std::string encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return fmt::format("encoding {}", static_cast<int32_t>(encoding));
}

std::string codec_name(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kLzo: return "LZO";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return fmt::format("codec {}", static_cast<int32_t>(codec));
}

std::string page_type_name(PageType type) {
  switch (type) {
    case PageType::kDataPage: return "DATA_PAGE";
    case PageType::kIndexPage: return "INDEX_PAGE";
    case PageType::kDictionaryPage: return "DICTIONARY_PAGE";
    case PageType::kDataPageV2: return "DATA_PAGE_V2";
  }
  return fmt::format("page type {}", static_cast<int32_t>(type));
}

std::string logical_type_name(const LogicalType& t) {
  using Kind = LogicalType::Kind;
  auto unit = [&] {
    return t.unit == TimeUnitKind::kMillis ? "MILLIS" : t.unit == TimeUnitKind::kMicros ? "MICROS" : "NANOS";
  };
  switch (t.kind) {
    case Kind::kNone: return "";
    case Kind::kString: return "STRING";
    case Kind::kMap: return "MAP";
    case Kind::kList: return "LIST";
    case Kind::kEnum: return "ENUM";
    case Kind::kDecimal: return fmt::format("DECIMAL({},{})", t.precision, t.scale);
    case Kind::kDate: return "DATE";
    case Kind::kTime: return fmt::format("TIME({},{})", unit(), t.adjusted_to_utc);
    case Kind::kTimestamp: return fmt::format("TIMESTAMP({},{})", unit(), t.adjusted_to_utc);
    case Kind::kInteger: return fmt::format("INTEGER({},{})", t.bit_width, t.is_signed);
    case Kind::kUnknown: return "UNKNOWN";
    case Kind::kJson: return "JSON";
    case Kind::kBson: return "BSON";
    case Kind::kUuid: return "UUID";
    case Kind::kFloat16: return "FLOAT16";
    case Kind::kVariant: return "VARIANT";
    case Kind::kGeometry: return "GEOMETRY";
    case Kind::kGeography: return "GEOGRAPHY";
    case Kind::kOther: return "UNKNOWN_LOGICAL_TYPE";
  }
  return "";
}

}  // namespace braid::parquet
