#include "formats/parquet/record_assembly.h"

#include "columnar/column_builder.h"

namespace braid::parquet {

namespace {

using Kind = SchemaNode::Kind;

const SchemaNode* first_leaf(const SchemaNode& node) {
  const SchemaNode* n = &node;
  while (n->kind != Kind::kLeaf) n = n->children[0].get();
  return n;
}

class Assembler {
 public:
  Assembler(const std::vector<LeafChunk>& chunks, MemoryTracker* tracker)
      : chunks_(chunks), tracker_(tracker) {}

  Result<ColumnPtr> build(std::vector<const SchemaNode*>& path) {
    const SchemaNode& node = *path.back();
    const LeafChunk& stream = chunks_[static_cast<size_t>(first_leaf(node)->leaf_index)];
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> slots, slots_for(path, stream));
    const int64_t n = static_cast<int64_t>(slots.size());
    const int16_t* def = stream.def_levels.empty() ? nullptr : stream.def_levels.data();
    BRAID_ASSIGN_OR_RETURN(BufferPtr validity, make_validity(slots, def, node.def_level));

    switch (node.kind) {
      case Kind::kLeaf:
        return build_leaf(node, slots, stream);
      case Kind::kStruct: {
        std::vector<ColumnPtr> children;
        for (const auto& child : node.children) {
          path.push_back(child.get());
          auto c = build(path);
          path.pop_back();
          if (!c.ok()) return c;
          if ((*c)->length() != n) {
            return Status::corruption("field '{}' of struct '{}' has {} values, the struct has {}",
                                      child->name, node.name, (*c)->length(), n);
          }
          children.push_back(std::move(c).value());
        }
        return ColumnPtr(std::make_shared<const Column>(node.type, n, std::vector<BufferPtr>{validity},
                                                        std::move(children)));
      }
      case Kind::kList:
      case Kind::kMap: {
        // Offsets: elements per slot.
        BRAID_ASSIGN_OR_RETURN(auto offsets_buf, Buffer::allocate((n + 1) * 4, tracker_));
        auto* offsets = offsets_buf->mutable_as<int32_t>();
        const int16_t* rep = stream.rep_levels.data();
        const int64_t total = stream.num_levels;
        int64_t count = 0;
        offsets[0] = 0;
        for (int64_t j = 0; j < n; ++j) {
          int64_t begin = slots[static_cast<size_t>(j)];
          int64_t end = j + 1 < n ? slots[static_cast<size_t>(j + 1)] : total;
          if (level(def, begin) >= node.repeated_def_level) {
            ++count;
            for (int64_t e = begin + 1; e < end; ++e) count += rep[e] == node.repeated_rep_level;
          }
          if (count > INT32_MAX) return Status::not_implemented("a list column with more than 2^31 elements in one row group");
          offsets[j + 1] = static_cast<int32_t>(count);
        }
        std::vector<ColumnPtr> children;
        for (const auto& child : node.children) {
          path.push_back(child.get());
          auto c = build(path);
          path.pop_back();
          if (!c.ok()) return c;
          if ((*c)->length() != count) {
            return Status::corruption("'{}' has {} elements in its offsets but {} values",
                                      node.name, count, (*c)->length());
          }
          children.push_back(std::move(c).value());
        }
        if (node.kind == Kind::kMap && children[0]->null_count() > 0) {
          // Legacy writers may declare the key optional; a braid map never has a NULL key.
          return Status::corruption("a map key is NULL (map '{}')", node.name);
        }
        ColumnPtr values;
        if (node.kind == Kind::kList) {
          values = children[0];
        } else {
          values = std::make_shared<const Column>(node.type->field(0)->type(), count,
                                                  std::vector<BufferPtr>{nullptr}, std::move(children));
        }
        return ColumnPtr(std::make_shared<const Column>(
            node.type, n, std::vector<BufferPtr>{validity, offsets_buf}, std::vector<ColumnPtr>{values}));
      }
    }
    return Status::internal("unknown schema node kind");
  }

 private:
  static int16_t level(const int16_t* levels, int64_t i) { return levels == nullptr ? 0 : levels[i]; }

  // Entries of `stream` that start each slot of path.back().
  static Result<std::vector<int64_t>> slots_for(const std::vector<const SchemaNode*>& path,
                                                const LeafChunk& stream) {
    const int64_t total = stream.num_levels;
    const int16_t* rep = stream.rep_levels.empty() ? nullptr : stream.rep_levels.data();
    const int16_t* def = stream.def_levels.empty() ? nullptr : stream.def_levels.data();
    std::vector<int64_t> slots;
    for (int64_t i = 0; i < total; ++i) {
      if (level(rep, i) == 0) slots.push_back(i);
    }
    for (size_t k = 0; k + 1 < path.size(); ++k) {
      const SchemaNode& node = *path[k];
      if (node.kind != Kind::kList && node.kind != Kind::kMap) continue;
      std::vector<int64_t> inner;
      for (size_t j = 0; j < slots.size(); ++j) {
        int64_t begin = slots[j];
        int64_t end = j + 1 < slots.size() ? slots[j + 1] : total;
        if (level(def, begin) < node.repeated_def_level) continue;  // null or empty list
        inner.push_back(begin);
        for (int64_t e = begin + 1; e < end; ++e) {
          if (level(rep, e) == node.repeated_rep_level) inner.push_back(e);
        }
      }
      slots = std::move(inner);
    }
    return slots;
  }

  Result<BufferPtr> make_validity(const std::vector<int64_t>& slots, const int16_t* def, int def_level) {
    if (def == nullptr || def_level == 0) return BufferPtr();
    const int64_t n = static_cast<int64_t>(slots.size());
    bool any_null = false;
    for (int64_t s : slots) {
      if (def[s] < def_level) {
        any_null = true;
        break;
      }
    }
    if (!any_null) return BufferPtr();
    BRAID_ASSIGN_OR_RETURN(auto buf, Buffer::allocate(bitmap::bytes_for(n), tracker_));
    uint8_t* bits = buf->mutable_data();
    for (int64_t j = 0; j < n; ++j) bitmap::set_to(bits, j, def[slots[static_cast<size_t>(j)]] >= def_level);
    return buf;
  }

  Result<ColumnPtr> build_leaf(const SchemaNode& leaf, const std::vector<int64_t>& slots,
                               const LeafChunk& stream) {
    const int16_t* def = stream.def_levels.empty() ? nullptr : stream.def_levels.data();
    const Column& dense = *stream.values;
    const int max_def = leaf.def_level;
    auto builder = make_builder(leaf.type, tracker_);
    builder->reserve(static_cast<int64_t>(slots.size()));
    // The dense index of an entry is the number of present values before it.
    int64_t present_before = 0;
    int64_t scanned = 0;
    for (int64_t s : slots) {
      for (; scanned < s; ++scanned) present_before += level(def, scanned) == max_def;
      if (level(def, s) == max_def) {
        if (present_before >= dense.length()) {
          return Status::corruption("column '{}' has fewer values than its levels say", leaf.name);
        }
        builder->append_from(dense, present_before);
      } else {
        builder->append_null();
      }
    }
    return builder->finish();
  }

  const std::vector<LeafChunk>& chunks_;
  MemoryTracker* tracker_;
};

}  // namespace

Result<ColumnPtr> assemble_field(const SchemaNode& field, const std::vector<LeafChunk>& chunks,
                                 int64_t num_rows, MemoryTracker* tracker) {
  ColumnPtr column;
  if (field.kind == SchemaNode::Kind::kLeaf) {
    column = chunks[static_cast<size_t>(field.leaf_index)].values;
  } else {
    Assembler assembler(chunks, tracker);
    std::vector<const SchemaNode*> path{&field};
    BRAID_ASSIGN_OR_RETURN(column, assembler.build(path));
  }
  if (column->length() != num_rows) {
    return Status::corruption("column '{}' has {} rows but its row group has {}", field.name,
                              column->length(), num_rows);
  }
  return column;
}

}  // namespace braid::parquet
