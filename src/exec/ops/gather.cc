#include "exec/ops/gather.h"

#include <cstring>

#include "columnar/column_builder.h"

namespace braid::exec {

namespace {

// Validity of the gathered rows; nullptr (and *nulls = 0) when every row is valid.
Result<BufferPtr> gather_validity(const std::vector<const Column*>& sources, const RowRef* refs,
                                  int64_t count, MemoryTracker* tracker, int64_t* nulls) {
  *nulls = 0;
  bool any_null = false;
  for (int64_t i = 0; i < count && !any_null; ++i) any_null = refs[i].batch == kNullBatch;
  for (const Column* c : sources) any_null = any_null || (c != nullptr && c->may_have_nulls());
  if (!any_null) return BufferPtr();
  BRAID_ASSIGN_OR_RETURN(auto buffer, Buffer::allocate(bitmap::bytes_for(count), tracker));
  uint8_t* bits = buffer->mutable_data();
  int64_t null_rows = 0;
  for (int64_t i = 0; i < count; ++i) {
    const RowRef r = refs[i];
    const bool valid = r.batch != kNullBatch && sources[r.batch]->is_valid(r.row);
    if (valid) bitmap::set(bits, i);
    null_rows += !valid;
  }
  *nulls = null_rows;
  if (null_rows == 0) return BufferPtr();
  return buffer;
}

ColumnPtr make_column(const TypePtr& type, int64_t count, std::vector<BufferPtr> buffers,
                      int64_t nulls) {
  return std::make_shared<const Column>(type, count, std::move(buffers), std::vector<ColumnPtr>{},
                                        nulls);
}

// Fixed-width values of W bytes (T is an integer type of that size, or a byte array).
template <typename T>
Result<ColumnPtr> gather_fixed(const TypePtr& type, const std::vector<const Column*>& sources,
                               const RowRef* refs, int64_t count, MemoryTracker* tracker) {
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, gather_validity(sources, refs, count, tracker, &nulls));
  BRAID_ASSIGN_OR_RETURN(auto values,
                         Buffer::allocate_uninitialized(count * static_cast<int64_t>(sizeof(T)), tracker));
  std::vector<const T*> bases(sources.size(), nullptr);
  for (size_t s = 0; s < sources.size(); ++s) {
    if (sources[s] != nullptr) bases[s] = sources[s]->values<T>();
  }
  T* out = values->mutable_as<T>();
  for (int64_t i = 0; i < count; ++i) {
    const RowRef r = refs[i];
    out[i] = r.batch == kNullBatch ? T{} : bases[r.batch][r.row];
  }
  return make_column(type, count, {std::move(validity), std::move(values)}, nulls);
}

Result<ColumnPtr> gather_fixed_binary(const TypePtr& type, const std::vector<const Column*>& sources,
                                      const RowRef* refs, int64_t count,
                                      MemoryTracker* tracker) {
  const int64_t width = type->byte_width();
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, gather_validity(sources, refs, count, tracker, &nulls));
  BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate(count * width, tracker));
  uint8_t* out = values->mutable_data();
  for (int64_t i = 0; i < count; ++i) {
    const RowRef r = refs[i];
    if (r.batch == kNullBatch) continue;  // the buffer is zero-filled
    std::memcpy(out + i * width, sources[r.batch]->fixed_value(r.row).data(),
                static_cast<size_t>(width));
  }
  return make_column(type, count, {std::move(validity), std::move(values)}, nulls);
}

Result<ColumnPtr> gather_boolean(const TypePtr& type, const std::vector<const Column*>& sources,
                                 const RowRef* refs, int64_t count, MemoryTracker* tracker) {
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, gather_validity(sources, refs, count, tracker, &nulls));
  BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate(bitmap::bytes_for(count), tracker));
  uint8_t* bits = values->mutable_data();
  for (int64_t i = 0; i < count; ++i) {
    const RowRef r = refs[i];
    if (r.batch != kNullBatch && sources[r.batch]->bool_value(r.row)) bitmap::set(bits, i);
  }
  return make_column(type, count, {std::move(validity), std::move(values)}, nulls);
}

Result<ColumnPtr> gather_binary(const TypePtr& type, const std::vector<const Column*>& sources,
                                const RowRef* refs, int64_t count, MemoryTracker* tracker) {
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, gather_validity(sources, refs, count, tracker, &nulls));
  std::vector<const int32_t*> offsets(sources.size(), nullptr);
  std::vector<const uint8_t*> data(sources.size(), nullptr);
  for (size_t s = 0; s < sources.size(); ++s) {
    if (sources[s] == nullptr) continue;
    offsets[s] = sources[s]->offsets();
    data[s] = sources[s]->buffer(2)->data();
  }
  int64_t bytes = 0;
  for (int64_t i = 0; i < count; ++i) {
    const RowRef r = refs[i];
    if (r.batch != kNullBatch) bytes += offsets[r.batch][r.row + 1] - offsets[r.batch][r.row];
  }
  if (bytes > INT32_MAX) {
    return Status::invalid_argument("more than 2 GiB of {} data in one column of {} rows",
                                    type->to_string(), count);
  }
  BRAID_ASSIGN_OR_RETURN(auto out_offsets, Buffer::allocate_uninitialized((count + 1) * 4, tracker));
  BRAID_ASSIGN_OR_RETURN(auto out_data, Buffer::allocate_uninitialized(bytes, tracker));
  auto* o = out_offsets->mutable_as<int32_t>();
  uint8_t* d = out_data->mutable_data();
  int32_t pos = 0;
  for (int64_t i = 0; i < count; ++i) {
    o[i] = pos;
    const RowRef r = refs[i];
    if (r.batch == kNullBatch) continue;
    const int32_t begin = offsets[r.batch][r.row];
    const int32_t length = offsets[r.batch][r.row + 1] - begin;
    if (length > 0) std::memcpy(d + pos, data[r.batch] + begin, static_cast<size_t>(length));
    pos += length;
  }
  o[count] = pos;
  return make_column(type, count, {std::move(validity), std::move(out_offsets), std::move(out_data)},
                     nulls);
}

struct Bytes16 {
  uint8_t bytes[16];
};

}  // namespace

Result<ColumnPtr> gather(const TypePtr& type, const std::vector<const Column*>& sources,
                         const RowRef* refs, int64_t count, MemoryTracker* tracker) {
  switch (type->id()) {
    case TypeId::kNull:
      return Column::make_null(type, count, tracker);
    case TypeId::kBoolean:
      return gather_boolean(type, sources, refs, count, tracker);
    case TypeId::kString:
    case TypeId::kBinary:
      return gather_binary(type, sources, refs, count, tracker);
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap: {
      auto builder = make_builder(type, tracker);
      builder->reserve(count);
      for (int64_t i = 0; i < count; ++i) {
        const RowRef r = refs[i];
        if (r.batch == kNullBatch) {
          builder->append_null();
        } else {
          builder->append_from(*sources[r.batch], r.row);
        }
      }
      return builder->finish();
    }
    default:
      break;
  }
  switch (type->byte_width()) {
    case 1: return gather_fixed<uint8_t>(type, sources, refs, count, tracker);
    case 2: return gather_fixed<uint16_t>(type, sources, refs, count, tracker);
    case 4: return gather_fixed<uint32_t>(type, sources, refs, count, tracker);
    case 8: return gather_fixed<uint64_t>(type, sources, refs, count, tracker);
    case 16: return gather_fixed<Bytes16>(type, sources, refs, count, tracker);
    default: return gather_fixed_binary(type, sources, refs, count, tracker);
  }
}

std::vector<const Column*> column_sources(const std::vector<RecordBatchPtr>& batches, int column) {
  std::vector<const Column*> sources;
  sources.reserve(batches.size());
  for (const auto& b : batches) sources.push_back(b->column(column).get());
  return sources;
}

}  // namespace braid::exec
