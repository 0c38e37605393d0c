#include "exec/ops/row_keys.h"

#include <cmath>
#include <cstring>
#include <limits>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace braid::exec {

namespace {

bool is_key_type(const DataType& type) {
  switch (type.id()) {
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kInterval: return false;
    default: return true;
  }
}

// Bytes a value takes after its tag byte; -1 for variable-length (string, binary).
int64_t value_width(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
    case TypeId::kBoolean: return 0;
    case TypeId::kString:
    case TypeId::kBinary: return -1;
    default: return type.byte_width();
  }
}

template <typename T>
T normalize_floating(T v) {
  if (v == 0) return T(0);  // -0.0 groups with 0.0
  if (std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  return v;
}

// Writes the tag and value of rows [start, start + length) of `c` at cursor[i], advancing it.
template <typename T>
void write_fixed(const Column& c, int64_t start, int64_t length, uint8_t* bytes,
                 int64_t* cursor) {
  const T* values = c.values<T>() + start;
  const bool nullable = c.may_have_nulls();
  for (int64_t i = 0; i < length; ++i) {
    uint8_t* p = bytes + cursor[i];
    const bool valid = !nullable || c.is_valid(start + i);
    p[0] = valid ? 1 : 0;
    T v = valid ? values[i] : T{};
    if constexpr (std::is_floating_point_v<T>) v = normalize_floating(v);
    std::memcpy(p + 1, &v, sizeof(T));
    cursor[i] += 1 + static_cast<int64_t>(sizeof(T));
  }
}

void write_fixed_bytes(const Column& c, int64_t start, int64_t length, int64_t width,
                       uint8_t* bytes, int64_t* cursor) {
  for (int64_t i = 0; i < length; ++i) {
    uint8_t* p = bytes + cursor[i];
    const bool valid = c.is_valid(start + i);
    p[0] = valid ? 1 : 0;
    if (valid) {
      std::memcpy(p + 1, c.fixed_value(start + i).data(), static_cast<size_t>(width));
    } else {
      std::memset(p + 1, 0, static_cast<size_t>(width));
    }
    cursor[i] += 1 + width;
  }
}

void write_column(const Column& c, int64_t start, int64_t length, uint8_t* bytes,
                  int64_t* cursor) {
  switch (c.type_id()) {
    case TypeId::kNull:
      for (int64_t i = 0; i < length; ++i) bytes[cursor[i]++] = 0;
      return;
    case TypeId::kBoolean:
      for (int64_t i = 0; i < length; ++i) {
        bytes[cursor[i]++] =
            c.is_valid(start + i) ? static_cast<uint8_t>(1 + c.bool_value(start + i)) : 0;
      }
      return;
    case TypeId::kString:
    case TypeId::kBinary: {
      for (int64_t i = 0; i < length; ++i) {
        uint8_t* p = bytes + cursor[i];
        if (!c.is_valid(start + i)) {
          p[0] = 0;
          cursor[i] += 1;
          continue;
        }
        const std::string_view s = c.string_value(start + i);
        const auto n = static_cast<uint32_t>(s.size());
        p[0] = 1;
        std::memcpy(p + 1, &n, 4);
        if (n > 0) std::memcpy(p + 5, s.data(), n);
        cursor[i] += 5 + static_cast<int64_t>(n);
      }
      return;
    }
    case TypeId::kFloat32: return write_fixed<float>(c, start, length, bytes, cursor);
    case TypeId::kFloat64: return write_fixed<double>(c, start, length, bytes, cursor);
    default: break;
  }
  switch (c.type()->byte_width()) {
    case 1: return write_fixed<uint8_t>(c, start, length, bytes, cursor);
    case 2: return write_fixed<uint16_t>(c, start, length, bytes, cursor);
    case 4: return write_fixed<uint32_t>(c, start, length, bytes, cursor);
    case 8: return write_fixed<uint64_t>(c, start, length, bytes, cursor);
    default:
      return write_fixed_bytes(c, start, length, c.type()->byte_width(), bytes, cursor);
  }
}

}  // namespace

Result<KeyEncoder> KeyEncoder::make(std::vector<TypePtr> key_types, std::vector<bool> null_safe) {
  if (!null_safe.empty() && null_safe.size() != key_types.size()) {
    return Status::invalid_argument("{} null-safe flags for {} keys", null_safe.size(),
                                    key_types.size());
  }
  for (const auto& t : key_types) {
    if (!is_key_type(*t)) {
      return Status::invalid_argument("values of type {} cannot be grouped or joined on",
                                      t->to_string());
    }
  }
  if (null_safe.empty()) null_safe.assign(key_types.size(), false);
  KeyEncoder encoder;
  encoder.types_ = std::move(key_types);
  encoder.null_safe_ = std::move(null_safe);
  return encoder;
}

uint64_t KeyEncoder::hash_bytes(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

void KeyEncoder::encode(const std::vector<const Column*>& columns, int64_t start, int64_t length,
                        EncodedKeys* out) const {
  const auto n = static_cast<size_t>(length);
  // Row sizes: a fixed part shared by all rows plus the variable-length values.
  int64_t fixed = 0;
  bool variable = false;
  for (const auto& t : types_) {
    const int64_t w = value_width(*t);
    fixed += 1;
    if (w < 0) {
      variable = true;
    } else {
      fixed += w;
    }
  }
  out->offsets.resize(n + 1);
  int64_t* offsets = out->offsets.data();
  if (!variable) {
    for (size_t i = 0; i <= n; ++i) offsets[i] = static_cast<int64_t>(i) * fixed;
  } else {
    for (size_t i = 0; i <= n; ++i) offsets[i] = fixed;  // becomes sizes, then a prefix sum
    for (size_t k = 0; k < types_.size(); ++k) {
      if (value_width(*types_[k]) >= 0) continue;
      const Column& c = *columns[k];
      const int32_t* o = c.offsets() + start;
      for (size_t i = 0; i < n; ++i) {
        if (c.is_valid(start + static_cast<int64_t>(i))) offsets[i] += 4 + (o[i + 1] - o[i]);
      }
    }
    int64_t total = 0;
    for (size_t i = 0; i <= n; ++i) {
      const int64_t size = offsets[i];
      offsets[i] = total;
      total += size;
    }
  }
  out->bytes.resize(static_cast<size_t>(offsets[n]));
  // Write column by column, each row's cursor moving along its key.
  std::vector<int64_t> cursor(offsets, offsets + n);
  for (size_t k = 0; k < types_.size(); ++k) {
    write_column(*columns[k], start, length, out->bytes.data(), cursor.data());
  }
  out->hashes.resize(n);
  const uint8_t* bytes = out->bytes.data();
  for (size_t i = 0; i < n; ++i) {
    out->hashes[i] =
        XXH3_64bits(bytes + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  out->unmatchable.clear();
  for (size_t k = 0; k < types_.size(); ++k) {
    const Column& c = *columns[k];
    if (null_safe_[k] || !c.may_have_nulls()) continue;
    if (out->unmatchable.empty()) out->unmatchable.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      out->unmatchable[i] |= static_cast<uint8_t>(!c.is_valid(start + static_cast<int64_t>(i)));
    }
  }
}

Status check_key_types(const std::vector<TypePtr>& left, const std::vector<TypePtr>& right,
                       std::string_view what) {
  if (left.size() != right.size()) {
    return Status::invalid_argument("{}: {} keys on the left and {} on the right", what,
                                    left.size(), right.size());
  }
  for (size_t k = 0; k < left.size(); ++k) {
    if (!left[k]->equals(*right[k])) {
      return Status::invalid_argument(
          "{}: key {} is {} on the left and {} on the right (cast them to a common type first)",
          what, k + 1, left[k]->to_string(), right[k]->to_string());
    }
  }
  return Status::OK();
}

int hash_partition_bits(int64_t rows) {
  constexpr int64_t kRowsPerPartition = 16 * 1024;
  constexpr int kMaxBits = 7;
  int bits = 0;
  while (bits < kMaxBits && (rows >> bits) > kRowsPerPartition) ++bits;
  return bits;
}

// ---- KeyTable

KeyTable::KeyTable() : slots_(16, Slot{0, 0}), mask_(15), key_offsets_{0} {}

namespace {

// Keys are mostly short (a tag byte and an integer): compare them without calling memcmp.
bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  return n == 0 || std::memcmp(a, b, n) == 0;  // empty keys (no GROUP BY) may have no bytes
}

}  // namespace

bool KeyTable::key_equals(uint32_t id, std::string_view key) const {
  const int64_t begin = key_offsets_[id];
  const auto length = static_cast<size_t>(key_offsets_[id + 1] - begin);
  return length == key.size() && bytes_equal(arena_.data() + begin, key.data(), length);
}

void KeyTable::reserve(size_t keys, size_t key_bytes) {
  size_t slots = slots_.size();
  while (slots < keys * 2) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
  arena_.reserve(arena_.size() + key_bytes);
  key_offsets_.reserve(key_offsets_.size() + keys);
  hashes_.reserve(hashes_.size() + keys);
}

int64_t KeyTable::find(std::string_view key, uint64_t hash) const {
  const auto tag = static_cast<uint32_t>(hash);
  for (size_t s = slot_of(hash);; s = (s + 1) & mask_) {
    const Slot slot = slots_[s];
    if (slot.id_plus_one == 0) return -1;
    if (slot.tag == tag && key_equals(slot.id_plus_one - 1, key)) return slot.id_plus_one - 1;
  }
}

uint32_t KeyTable::find_or_insert(std::string_view key, uint64_t hash, bool* inserted) {
  const auto tag = static_cast<uint32_t>(hash);
  size_t s = slot_of(hash);
  for (;; s = (s + 1) & mask_) {
    const Slot slot = slots_[s];
    if (slot.id_plus_one == 0) break;
    if (slot.tag == tag && key_equals(slot.id_plus_one - 1, key)) {
      *inserted = false;
      return slot.id_plus_one - 1;
    }
  }
  const uint32_t id = size();
  slots_[s] = Slot{tag, id + 1};
  const size_t at = arena_.size();
  arena_.resize(at + key.size());
  if (!key.empty()) std::memcpy(arena_.data() + at, key.data(), key.size());
  key_offsets_.push_back(static_cast<int64_t>(arena_.size()));
  hashes_.push_back(hash);
  *inserted = true;
  if (hashes_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
  return id;
}

void KeyTable::rehash(size_t slots) {
  std::vector<Slot> old(slots, Slot{0, 0});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id_plus_one == 0) continue;
    size_t s = slot_of(hashes_[slot.id_plus_one - 1]);
    while (slots_[s].id_plus_one != 0) s = (s + 1) & mask_;
    slots_[s] = slot;
  }
}

int64_t KeyTable::memory_bytes() const {
  return static_cast<int64_t>(slots_.capacity() * sizeof(Slot) + arena_.capacity() +
                              key_offsets_.capacity() * 8 + hashes_.capacity() * 8);
}

}  // namespace braid::exec
