#include "columnar/take.h"

#include <cstring>

#include "columnar/column_builder.h"

namespace braid {

namespace {

Result<BufferPtr> take_validity(const Column& c, const std::vector<int64_t>& rows, MemoryTracker* tracker,
                                int64_t* nulls) {
  *nulls = 0;
  if (!c.may_have_nulls() || c.null_count() == 0) return BufferPtr();
  const int64_t n = static_cast<int64_t>(rows.size());
  BRAID_ASSIGN_OR_RETURN(auto buf, Buffer::allocate(bitmap::bytes_for(n), tracker));
  uint8_t* bits = buf->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    bool valid = c.is_valid(rows[static_cast<size_t>(i)]);
    bitmap::set_to(bits, i, valid);
    *nulls += !valid;
  }
  return buf;
}

template <typename T>
Result<ColumnPtr> take_fixed(const Column& c, const std::vector<int64_t>& rows, MemoryTracker* tracker) {
  const int64_t n = static_cast<int64_t>(rows.size());
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, take_validity(c, rows, tracker, &nulls));
  BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate_uninitialized(n * static_cast<int64_t>(sizeof(T)), tracker));
  T* out = values->mutable_as<T>();
  const T* in = c.values<T>();
  for (int64_t i = 0; i < n; ++i) out[i] = in[rows[static_cast<size_t>(i)]];
  return ColumnPtr(std::make_shared<const Column>(c.type(), n, std::vector<BufferPtr>{validity, values},
                                                  std::vector<ColumnPtr>{}, nulls));
}

Result<ColumnPtr> take_binary(const Column& c, const std::vector<int64_t>& rows, MemoryTracker* tracker) {
  const int64_t n = static_cast<int64_t>(rows.size());
  int64_t nulls;
  BRAID_ASSIGN_OR_RETURN(auto validity, take_validity(c, rows, tracker, &nulls));
  const int32_t* o = c.offsets();
  int64_t bytes = 0;
  for (int64_t r : rows) bytes += o[r + 1] - o[r];
  if (bytes > INT32_MAX) return Status::invalid_argument("take: more than 2 GiB of string data in one column");
  BRAID_ASSIGN_OR_RETURN(auto offsets, Buffer::allocate_uninitialized((n + 1) * 4, tracker));
  BRAID_ASSIGN_OR_RETURN(auto data, Buffer::allocate_uninitialized(bytes, tracker));
  auto* out_o = offsets->mutable_as<int32_t>();
  uint8_t* out_d = data->mutable_data();
  const uint8_t* in_d = c.buffer(2)->data();
  int32_t pos = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t r = rows[static_cast<size_t>(i)];
    out_o[i] = pos;
    int32_t len = o[r + 1] - o[r];
    if (len > 0) std::memcpy(out_d + pos, in_d + o[r], static_cast<size_t>(len));
    pos += len;
  }
  out_o[n] = pos;
  return ColumnPtr(std::make_shared<const Column>(c.type(), n, std::vector<BufferPtr>{validity, offsets, data},
                                                  std::vector<ColumnPtr>{}, nulls));
}

}  // namespace

Result<ColumnPtr> take(const Column& c, const std::vector<int64_t>& rows, MemoryTracker* tracker) {
  switch (c.type_id()) {
    case TypeId::kInt8:
    case TypeId::kUInt8: return take_fixed<uint8_t>(c, rows, tracker);
    case TypeId::kInt16:
    case TypeId::kUInt16: return take_fixed<uint16_t>(c, rows, tracker);
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32: return take_fixed<uint32_t>(c, rows, tracker);
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return take_fixed<uint64_t>(c, rows, tracker);
    case TypeId::kDecimal128:
    case TypeId::kInterval: return take_fixed<UInt128>(c, rows, tracker);
    case TypeId::kString:
    case TypeId::kBinary: return take_binary(c, rows, tracker);
    default: {
      auto b = make_builder(c.type(), tracker);
      b->reserve(static_cast<int64_t>(rows.size()));
      for (int64_t r : rows) b->append_from(c, r);
      return b->finish();
    }
  }
}

Result<RecordBatchPtr> take(const RecordBatch& batch, const std::vector<int64_t>& rows, MemoryTracker* tracker) {
  std::vector<ColumnPtr> columns;
  for (const auto& c : batch.columns()) {
    BRAID_ASSIGN_OR_RETURN(auto t, take(*c, rows, tracker));
    columns.push_back(std::move(t));
  }
  return RecordBatchPtr(std::make_shared<const RecordBatch>(batch.schema(), static_cast<int64_t>(rows.size()),
                                                            std::move(columns)));
}

Result<RecordBatchPtr> filter(const RecordBatch& batch, const std::vector<bool>& keep, MemoryTracker* tracker) {
  std::vector<int64_t> rows;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) rows.push_back(static_cast<int64_t>(i));
  }
  if (static_cast<int64_t>(rows.size()) == batch.num_rows()) {
    return RecordBatchPtr(std::make_shared<const RecordBatch>(batch.schema(), batch.num_rows(), batch.columns()));
  }
  return take(batch, rows, tracker);
}

}  // namespace braid
