// Multi-column keys for hashing operators (GROUP BY, DISTINCT, joins, window PARTITION BY).
//
// KeyEncoder turns the key columns of a run of rows into one normalized byte string per row, a
// column at a time, and hashes each string with XXH3. Two rows have equal keys exactly when their
// encodings are equal, so hash tables compare bytes and never look at types:
//   - per column a tag byte (0 = NULL), then the value: fixed-width values as stored (zeros for
//     NULL), booleans in the tag byte (1 = false, 2 = true), strings and binary as a 4-byte
//     length and the bytes;
//   - floating point is normalized as Spark groups and joins it: every NaN is one value and -0.0
//     equals 0.0;
//   - timestamps compare by stored value (their zone is the type's, not the value's).
// Nested types and intervals cannot be keys (Spark cannot group or join on maps either).
//
// NULLs: for grouping every key is null-safe (NULLs form one group). For joins a key that is not
// null-safe (`=` rather than `<=>`) makes a row with NULL in it unmatchable; EncodedKeys marks such
// rows so that probe and build skip them.
//
// KeyTable maps distinct encoded keys to dense ids 0, 1, 2... in first-insertion order (open
// addressing, linear probing; it keeps its own copy of the keys).
//
// Thread-safety: a KeyEncoder is immutable and may be shared; EncodedKeys and KeyTable belong to
// one task at a time (const methods may be called concurrently once built).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"

namespace braid::exec {

struct EncodedKeys {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> offsets;  // rows + 1 entries into bytes
  std::vector<uint64_t> hashes;
  // Set (1) for rows with NULL in a key that is not null-safe; empty when no row has one.
  std::vector<uint8_t> unmatchable;

  int64_t size() const { return static_cast<int64_t>(hashes.size()); }
  std::string_view key(int64_t i) const {
    const auto b = static_cast<size_t>(offsets[static_cast<size_t>(i)]);
    const auto e = static_cast<size_t>(offsets[static_cast<size_t>(i) + 1]);
    return {reinterpret_cast<const char*>(bytes.data()) + b, e - b};
  }
  bool is_unmatchable(int64_t i) const {
    return !unmatchable.empty() && unmatchable[static_cast<size_t>(i)] != 0;
  }
  int64_t memory_bytes() const {
    return static_cast<int64_t>(bytes.capacity() + offsets.capacity() * 8 +
                                hashes.capacity() * 8 + unmatchable.capacity());
  }
};

class KeyEncoder {
 public:
  // `null_safe` has one flag per key or is empty (no key null-safe). kInvalidArgument for a type
  // that cannot be a key.
  static Result<KeyEncoder> make(std::vector<TypePtr> key_types, std::vector<bool> null_safe = {});

  size_t num_keys() const { return types_.size(); }
  const std::vector<TypePtr>& types() const { return types_; }

  // Encodes and hashes rows [start, start + length) of `columns` (one per key, of the key types),
  // replacing what `out` held.
  void encode(const std::vector<const Column*>& columns, int64_t start, int64_t length,
              EncodedKeys* out) const;

  // The hash of a row whose keys are all NULL, or of a row with no keys.
  static uint64_t hash_bytes(std::string_view bytes);

 private:
  std::vector<TypePtr> types_;
  std::vector<bool> null_safe_;
};

// Checks that two key lists can be compared: same count, same types (a planner casts to a common
// type first). `what` names the operation in the error.
Status check_key_types(const std::vector<TypePtr>& left, const std::vector<TypePtr>& right,
                       std::string_view what);

class KeyTable {
 public:
  KeyTable();

  // Makes room for `keys` keys of `key_bytes` bytes in all without rehashing.
  void reserve(size_t keys, size_t key_bytes);

  // The id of `key`, adding it (with the next id) when absent; *inserted tells which.
  uint32_t find_or_insert(std::string_view key, uint64_t hash, bool* inserted);
  // The id of `key`, or -1.
  int64_t find(std::string_view key, uint64_t hash) const;

  uint32_t size() const { return static_cast<uint32_t>(hashes_.size()); }
  std::string_view key(uint32_t id) const {
    return {arena_.data() + key_offsets_[id], static_cast<size_t>(key_offsets_[id + 1] - key_offsets_[id])};
  }
  uint64_t hash(uint32_t id) const { return hashes_[id]; }
  int64_t memory_bytes() const;

 private:
  struct Slot {
    uint32_t tag;  // low 32 bits of the hash
    uint32_t id_plus_one;  // 0: empty
  };
  size_t slot_of(uint64_t hash) const { return static_cast<size_t>(hash >> 20) & mask_; }
  bool key_equals(uint32_t id, std::string_view key) const;
  void rehash(size_t slots);

  std::vector<Slot> slots_;
  size_t mask_;
  std::vector<char> arena_;
  std::vector<int64_t> key_offsets_;
  std::vector<uint64_t> hashes_;
};

// How many bits of partition a hash operator over `rows` input rows uses: about 16k rows per
// partition, at most 128 partitions. It depends on the input only, never on the parallelism.
int hash_partition_bits(int64_t rows);

// The partition (of 2^bits) of a key hash: its top bits, independent of the bits KeyTable uses.
inline uint32_t hash_partition(uint64_t hash, int bits) {
  return bits == 0 ? 0 : static_cast<uint32_t>(hash >> (64 - bits));
}

}  // namespace braid::exec
