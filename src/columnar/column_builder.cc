#include "columnar/column_builder.h"

namespace braid {

ColumnBuilder::ColumnBuilder(TypePtr type, MemoryTracker* tracker)
    : type_(std::move(type)),
      tracker_(tracker != nullptr ? tracker : &MemoryTracker::process()),
      validity_(tracker_) {}

void ColumnBuilder::materialize_validity() {
  has_validity_ = true;
  validity_.resize(bitmap::bytes_for(length_));
  bitmap::fill(validity_.data(), 0, length_, true);
}

void ColumnBuilder::append_invalid() {
  if (!has_validity_) materialize_validity();
  validity_.resize(bitmap::bytes_for(length_ + 1));
  bitmap::clear(validity_.data(), length_);
  ++length_;
  ++null_count_;
}

void ColumnBuilder::append_valid_run(int64_t n) {
  if (has_validity_) {
    validity_.resize(bitmap::bytes_for(length_ + n));
    bitmap::fill(validity_.data(), length_, n, true);
  }
  length_ += n;
}

void ColumnBuilder::append_invalid_run(int64_t n) {
  if (n == 0) return;
  if (!has_validity_) materialize_validity();
  validity_.resize(bitmap::bytes_for(length_ + n));
  bitmap::fill(validity_.data(), length_, n, false);
  length_ += n;
  null_count_ += n;
}

BufferPtr ColumnBuilder::finish_validity() {
  BufferPtr out;
  if (has_validity_ && null_count_ > 0) {
    validity_.resize(bitmap::bytes_for(length_));
    out = validity_.finish();
  } else {
    validity_.reset();
  }
  has_validity_ = false;
  length_ = 0;
  null_count_ = 0;
  return out;
}

Result<ColumnPtr> ColumnBuilder::finish() {
  // A limit crossed while growing is reported here, at a batch boundary.
  for (MemoryTracker* t = tracker_; t != nullptr; t = t->parent()) {
    if (t->limit() > 0 && t->current() > t->limit()) {
      Status error = Status::out_of_memory("memory limit of {} ({}) exceeded: {} in use",
                                           t->name(), format_bytes(t->limit()),
                                           format_bytes(t->current()));
      // Drop what was built (values, offsets, children too), leaving the builder empty as after
      // any finish().
      (void)finish_impl();
      return error;
    }
  }
  return finish_impl();
}

// ---- NullBuilder

NullBuilder::NullBuilder(MemoryTracker* tracker) : ColumnBuilder(null_type(), tracker) {}
void NullBuilder::append_null() {
  ++length_;
  ++null_count_;
}
void NullBuilder::append_nulls(int64_t n) {
  length_ += n;
  null_count_ += n;
}
Result<ColumnPtr> NullBuilder::finish_impl() {
  auto c = std::make_shared<const Column>(type_, length_, std::vector<BufferPtr>{});
  length_ = null_count_ = 0;
  return ColumnPtr(c);
}

// ---- BooleanBuilder

BooleanBuilder::BooleanBuilder(MemoryTracker* tracker)
    : ColumnBuilder(boolean(), tracker), bits_(tracker_) {}

void BooleanBuilder::append(bool v) {
  bits_.resize(bitmap::bytes_for(length_ + 1));
  bitmap::set_to(bits_.data(), length_, v);
  append_valid();
}

void BooleanBuilder::append_null() {
  bits_.resize(bitmap::bytes_for(length_ + 1));
  bitmap::clear(bits_.data(), length_);
  append_invalid();
}

void BooleanBuilder::reserve(int64_t additional) {
  bits_.reserve(bitmap::bytes_for(length_ + additional) - bits_.size());
}

void BooleanBuilder::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
  } else {
    append(column.bool_value(row));
  }
}

Result<ColumnPtr> BooleanBuilder::finish_impl() {
  int64_t n = length_, nulls = null_count_;
  bits_.resize(bitmap::bytes_for(n));
  auto validity = finish_validity();
  return ColumnPtr(std::make_shared<const Column>(
      type_, n, std::vector<BufferPtr>{validity, bits_.finish()}, std::vector<ColumnPtr>{}, nulls));
}

// ---- PrimitiveBuilder

template <typename T>
PrimitiveBuilder<T>::PrimitiveBuilder(TypePtr type, MemoryTracker* tracker)
    : ColumnBuilder(std::move(type), tracker), values_(tracker_) {}

template <typename T>
void PrimitiveBuilder<T>::append_values(const T* v, int64_t n) {
  values_.append(v, n * static_cast<int64_t>(sizeof(T)));
  append_valid_run(n);
}

template <typename T>
void PrimitiveBuilder<T>::append_null() {
  values_.append_value(T{});
  append_invalid();
}

template <typename T>
void PrimitiveBuilder<T>::append_nulls(int64_t n) {
  values_.resize(values_.size() + n * static_cast<int64_t>(sizeof(T)));
  append_invalid_run(n);
}

template <typename T>
void PrimitiveBuilder<T>::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
  } else {
    append(column.value<T>(row));
  }
}

template <typename T>
Result<ColumnPtr> PrimitiveBuilder<T>::finish_impl() {
  int64_t n = length_, nulls = null_count_;
  auto validity = finish_validity();
  return ColumnPtr(std::make_shared<const Column>(
      type_, n, std::vector<BufferPtr>{validity, values_.finish()}, std::vector<ColumnPtr>{},
      nulls));
}

template class PrimitiveBuilder<int8_t>;
template class PrimitiveBuilder<int16_t>;
template class PrimitiveBuilder<int32_t>;
template class PrimitiveBuilder<int64_t>;
template class PrimitiveBuilder<uint8_t>;
template class PrimitiveBuilder<uint16_t>;
template class PrimitiveBuilder<uint32_t>;
template class PrimitiveBuilder<uint64_t>;
template class PrimitiveBuilder<float>;
template class PrimitiveBuilder<double>;
template class PrimitiveBuilder<Int128>;
template class PrimitiveBuilder<MonthDayNanos>;

// ---- BinaryBuilder

BinaryBuilder::BinaryBuilder(TypePtr type, MemoryTracker* tracker)
    : ColumnBuilder(std::move(type), tracker), offsets_(tracker_), data_(tracker_) {
  offsets_.append_value<int32_t>(0);
}

void BinaryBuilder::append_null() {
  push_offset();
  append_invalid();
}

void BinaryBuilder::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
  } else {
    append(column.string_value(row));
  }
}

Result<ColumnPtr> BinaryBuilder::finish_impl() {
  if (overflow_) {
    overflow_ = false;
    finish_validity();
    offsets_.reset();
    data_.reset();
    offsets_.append_value<int32_t>(0);
    return Status::invalid_argument(
        "a {} column holds more than 2 GiB of data in one batch; use smaller batches",
        type_->to_string());
  }
  int64_t n = length_, nulls = null_count_;
  auto validity = finish_validity();
  auto offsets = offsets_.finish();
  auto data = data_.finish();
  offsets_.append_value<int32_t>(0);
  return ColumnPtr(std::make_shared<const Column>(
      type_, n, std::vector<BufferPtr>{validity, offsets, data}, std::vector<ColumnPtr>{}, nulls));
}

// ---- FixedSizeBinaryBuilder

FixedSizeBinaryBuilder::FixedSizeBinaryBuilder(TypePtr type, MemoryTracker* tracker)
    : ColumnBuilder(std::move(type), tracker), width_(type_->byte_width()), values_(tracker_) {}

void FixedSizeBinaryBuilder::append(std::string_view v) {
  values_.append(v.data(), width_);
  append_valid();
}

void FixedSizeBinaryBuilder::append_null() {
  values_.resize(values_.size() + width_);
  append_invalid();
}

void FixedSizeBinaryBuilder::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
  } else {
    append(column.fixed_value(row));
  }
}

Result<ColumnPtr> FixedSizeBinaryBuilder::finish_impl() {
  int64_t n = length_, nulls = null_count_;
  auto validity = finish_validity();
  return ColumnPtr(std::make_shared<const Column>(
      type_, n, std::vector<BufferPtr>{validity, values_.finish()}, std::vector<ColumnPtr>{},
      nulls));
}

// ---- StructBuilder

StructBuilder::StructBuilder(TypePtr type, std::vector<std::unique_ptr<ColumnBuilder>> fields,
                             MemoryTracker* tracker)
    : ColumnBuilder(std::move(type), tracker), fields_(std::move(fields)) {}

void StructBuilder::append_null() {
  for (auto& f : fields_) f->append_null();
  append_invalid();
}

void StructBuilder::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
    return;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    fields_[i]->append_from(*column.child(static_cast<int>(i)), column.offset() + row);
  }
  append_valid();
}

Result<ColumnPtr> StructBuilder::finish_impl() {
  int64_t n = length_, nulls = null_count_;
  std::vector<ColumnPtr> children;
  Status error;
  for (auto& f : fields_) {
    auto child = f->finish();
    if (!child.ok()) {
      if (error.ok()) error = child.status();
      continue;
    }
    children.push_back(std::move(child).value());
  }
  auto validity = finish_validity();
  if (!error.ok()) return error;
  return ColumnPtr(std::make_shared<const Column>(type_, n, std::vector<BufferPtr>{validity},
                                                  std::move(children), nulls));
}

// ---- ListBuilder

ListBuilder::ListBuilder(TypePtr type, std::unique_ptr<ColumnBuilder> values,
                         MemoryTracker* tracker)
    : ColumnBuilder(std::move(type), tracker), values_(std::move(values)), offsets_(tracker_) {}

void ListBuilder::push_offset() {
  int64_t start = values_->length();
  if (start > INT32_MAX) overflow_ = true;
  offsets_.append_value(static_cast<int32_t>(start));
}

void ListBuilder::append_null() {
  push_offset();
  append_invalid();
}

ColumnBuilder* ListBuilder::map_keys() {
  return static_cast<StructBuilder*>(values_.get())->field_builder(0);
}
ColumnBuilder* ListBuilder::map_items() {
  return static_cast<StructBuilder*>(values_.get())->field_builder(1);
}

void ListBuilder::append_from(const Column& column, int64_t row) {
  if (column.is_null(row)) {
    append_null();
    return;
  }
  append();
  const int32_t* o = column.offsets();
  const Column& child = *column.list_values();
  for (int32_t i = o[row]; i < o[row + 1]; ++i) values_->append_from(child, i);
}

Result<ColumnPtr> ListBuilder::finish_impl() {
  int64_t n = length_, nulls = null_count_;
  push_offset();  // the end of the last list
  bool overflow = overflow_;
  overflow_ = false;
  auto validity = finish_validity();
  auto offsets = offsets_.finish();
  BRAID_ASSIGN_OR_RETURN(auto child, values_->finish());
  if (overflow) {
    return Status::invalid_argument("a {} column holds more than 2^31 elements in one batch",
                                    type_->to_string());
  }
  return ColumnPtr(std::make_shared<const Column>(
      type_, n, std::vector<BufferPtr>{validity, offsets}, std::vector<ColumnPtr>{child}, nulls));
}

// ---- make_builder

std::unique_ptr<ColumnBuilder> make_builder(const TypePtr& type, MemoryTracker* tracker) {
  switch (type->id()) {
    case TypeId::kNull: return std::make_unique<NullBuilder>(tracker);
    case TypeId::kBoolean: return std::make_unique<BooleanBuilder>(tracker);
    case TypeId::kInt8: return std::make_unique<Int8Builder>(type, tracker);
    case TypeId::kInt16: return std::make_unique<Int16Builder>(type, tracker);
    case TypeId::kInt32:
    case TypeId::kDate32: return std::make_unique<Int32Builder>(type, tracker);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return std::make_unique<Int64Builder>(type, tracker);
    case TypeId::kUInt8: return std::make_unique<UInt8Builder>(type, tracker);
    case TypeId::kUInt16: return std::make_unique<UInt16Builder>(type, tracker);
    case TypeId::kUInt32: return std::make_unique<UInt32Builder>(type, tracker);
    case TypeId::kUInt64: return std::make_unique<UInt64Builder>(type, tracker);
    case TypeId::kFloat32: return std::make_unique<Float32Builder>(type, tracker);
    case TypeId::kFloat64: return std::make_unique<Float64Builder>(type, tracker);
    case TypeId::kDecimal128: return std::make_unique<Decimal128Builder>(type, tracker);
    case TypeId::kInterval: return std::make_unique<IntervalBuilder>(type, tracker);
    case TypeId::kString:
    case TypeId::kBinary: return std::make_unique<BinaryBuilder>(type, tracker);
    case TypeId::kFixedSizeBinary: return std::make_unique<FixedSizeBinaryBuilder>(type, tracker);
    case TypeId::kStruct: {
      std::vector<std::unique_ptr<ColumnBuilder>> fields;
      for (const auto& f : type->fields()) fields.push_back(make_builder(f->type(), tracker));
      return std::make_unique<StructBuilder>(type, std::move(fields), tracker);
    }
    case TypeId::kList:
    case TypeId::kMap:
      return std::make_unique<ListBuilder>(type, make_builder(type->field(0)->type(), tracker),
                                           tracker);
  }
  return nullptr;
}

}  // namespace braid
