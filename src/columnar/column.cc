#include "columnar/column.h"

#include "columnar/utf8.h"

namespace braid {

int num_buffers_for(TypeId id) {
  switch (id) {
    case TypeId::kNull: return 0;
    case TypeId::kStruct: return 1;
    case TypeId::kString:
    case TypeId::kBinary: return 3;
    default: return 2;  // boolean, fixed width, list, map
  }
}

Column::Column(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
               std::vector<ColumnPtr> children, int64_t null_count, int64_t offset)
    : type_(std::move(type)),
      length_(length),
      offset_(offset),
      null_count_(null_count),
      buffers_(std::move(buffers)),
      children_(std::move(children)) {
  if (type_->id() == TypeId::kNull) {
    null_count_.store(length_, std::memory_order_relaxed);
  } else if (buffers_.empty() || buffers_[0] == nullptr) {
    null_count_.store(0, std::memory_order_relaxed);
    if (buffers_.empty()) buffers_.resize(static_cast<size_t>(num_buffers_for(type_->id())));
  }
}

Result<ColumnPtr> Column::make(TypePtr type, int64_t length, std::vector<BufferPtr> buffers,
                               std::vector<ColumnPtr> children, int64_t null_count,
                               int64_t offset) {
  auto column = std::make_shared<Column>(std::move(type), length, std::move(buffers),
                                         std::move(children), null_count, offset);
  BRAID_RETURN_IF_ERROR(column->validate());
  return ColumnPtr(std::move(column));
}

int64_t Column::null_count() const {
  int64_t n = null_count_.load(std::memory_order_relaxed);
  if (n >= 0) return n;
  const uint8_t* bits = validity_bits();
  n = bits == nullptr ? 0 : length_ - bitmap::count_set(bits, offset_, length_);
  null_count_.store(n, std::memory_order_relaxed);
  return n;
}

ColumnPtr Column::struct_field(int i) const {
  const ColumnPtr& c = children_[static_cast<size_t>(i)];
  if (offset_ == 0 && c->length() == length_) return c;
  return c->slice(offset_, length_);
}

ColumnPtr Column::slice(int64_t start, int64_t length) const {
  int64_t nulls = kUnknownNullCount;
  if (null_count_.load(std::memory_order_relaxed) == 0) nulls = 0;
  if (type_->id() == TypeId::kNull) nulls = length;
  return std::make_shared<Column>(type_, length, buffers_, children_, nulls, offset_ + start);
}

namespace {

Status check_size(const BufferPtr& buffer, int64_t needed, std::string_view what,
                  const DataType& type) {
  if (buffer == nullptr) {
    return Status::invalid_argument("{} column: missing {} buffer", type.to_string(), what);
  }
  if (buffer->size() < needed) {
    return Status::invalid_argument("{} column: {} buffer has {} bytes, needs {}",
                                    type.to_string(), what, buffer->size(), needed);
  }
  return Status::OK();
}

Status check_offsets(const Column& c, int64_t data_size, bool full) {
  const int32_t* o = c.offsets();
  if (c.length() == 0 && o[0] == 0) return Status::OK();
  if (o[0] < 0 || o[c.length()] < o[0] || o[c.length()] > data_size) {
    return Status::invalid_argument("{} column: offsets [{}, {}] outside the data ({} values)",
                                    c.type()->to_string(), o[0], o[c.length()], data_size);
  }
  if (full) {
    for (int64_t i = 0; i < c.length(); ++i) {
      if (o[i + 1] < o[i]) {
        return Status::invalid_argument("{} column: offsets decrease at row {}",
                                        c.type()->to_string(), i);
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status Column::validate(bool full) const {
  const DataType& t = *type_;
  if (length_ < 0 || offset_ < 0) {
    return Status::invalid_argument("{} column: negative length or offset", t.to_string());
  }
  const int expected = num_buffers_for(t.id());
  if (static_cast<int>(buffers_.size()) != expected) {
    return Status::invalid_argument("{} column: {} buffers, the layout has {}", t.to_string(),
                                    buffers_.size(), expected);
  }
  const int64_t end = offset_ + length_;
  if (expected > 0 && buffers_[0] != nullptr) {
    BRAID_RETURN_IF_ERROR(check_size(buffers_[0], bitmap::bytes_for(end), "validity", t));
  }
  switch (t.id()) {
    case TypeId::kNull:
      return Status::OK();
    case TypeId::kBoolean:
      return check_size(buffers_[1], bitmap::bytes_for(end), "values", t);
    case TypeId::kString:
    case TypeId::kBinary: {
      BRAID_RETURN_IF_ERROR(check_size(buffers_[1], (end + 1) * 4, "offsets", t));
      BRAID_RETURN_IF_ERROR(check_size(buffers_[2], 0, "data", t));
      BRAID_RETURN_IF_ERROR(check_offsets(*this, buffers_[2]->size(), full));
      if (full && t.id() == TypeId::kString) {
        for (int64_t i = 0; i < length_; ++i) {
          if (is_valid(i) && !utf8::is_valid(string_value(i))) {
            return Status::invalid_argument("string column: row {} is not valid UTF-8", i);
          }
        }
      }
      return Status::OK();
    }
    case TypeId::kList:
    case TypeId::kMap: {
      BRAID_RETURN_IF_ERROR(check_size(buffers_[1], (end + 1) * 4, "offsets", t));
      if (children_.size() != 1) {
        return Status::invalid_argument("{} column: {} children, expected 1", t.to_string(),
                                        children_.size());
      }
      if (!children_[0]->type()->equals(*t.field(0)->type())) {
        return Status::invalid_argument("{} column: child has type {}", t.to_string(),
                                        children_[0]->type()->to_string());
      }
      BRAID_RETURN_IF_ERROR(check_offsets(*this, children_[0]->length(), full));
      return children_[0]->validate(full);
    }
    case TypeId::kStruct: {
      if (static_cast<int>(children_.size()) != t.num_fields()) {
        return Status::invalid_argument("{} column: {} children, expected {}", t.to_string(),
                                        children_.size(), t.num_fields());
      }
      for (int i = 0; i < t.num_fields(); ++i) {
        const auto& c = children_[static_cast<size_t>(i)];
        if (!c->type()->equals(*t.field(i)->type())) {
          return Status::invalid_argument("{} column: field '{}' has type {}", t.to_string(),
                                          t.field(i)->name(), c->type()->to_string());
        }
        if (c->length() < end) {
          return Status::invalid_argument("{} column: field '{}' has {} rows, needs {}",
                                          t.to_string(), t.field(i)->name(), c->length(), end);
        }
        BRAID_RETURN_IF_ERROR(c->validate(full));
      }
      return Status::OK();
    }
    default:
      return check_size(buffers_[1], end * t.byte_width(), "values", t);
  }
}

Result<ColumnPtr> Column::make_null(TypePtr type, int64_t length, MemoryTracker* tracker) {
  const TypeId id = type->id();
  if (id == TypeId::kNull) return std::make_shared<const Column>(type, length, std::vector<BufferPtr>{});
  BRAID_ASSIGN_OR_RETURN(auto validity, Buffer::allocate(bitmap::bytes_for(length), tracker));
  std::vector<BufferPtr> buffers{validity};
  std::vector<ColumnPtr> children;
  switch (id) {
    case TypeId::kBoolean: {
      BRAID_ASSIGN_OR_RETURN(auto bits, Buffer::allocate(bitmap::bytes_for(length), tracker));
      buffers.push_back(bits);
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      BRAID_ASSIGN_OR_RETURN(auto offsets, Buffer::allocate((length + 1) * 4, tracker));
      BRAID_ASSIGN_OR_RETURN(auto data, Buffer::allocate(0, tracker));
      buffers.push_back(offsets);
      buffers.push_back(data);
      break;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      BRAID_ASSIGN_OR_RETURN(auto offsets, Buffer::allocate((length + 1) * 4, tracker));
      buffers.push_back(offsets);
      BRAID_ASSIGN_OR_RETURN(auto child, make_null(type->field(0)->type(), 0, tracker));
      children.push_back(child);
      break;
    }
    case TypeId::kStruct:
      for (const auto& f : type->fields()) {
        BRAID_ASSIGN_OR_RETURN(auto child, make_null(f->type(), length, tracker));
        children.push_back(child);
      }
      break;
    default: {
      BRAID_ASSIGN_OR_RETURN(auto values, Buffer::allocate(length * type->byte_width(), tracker));
      buffers.push_back(values);
      break;
    }
  }
  return std::make_shared<const Column>(std::move(type), length, std::move(buffers),
                                        std::move(children), length);
}

}  // namespace braid
