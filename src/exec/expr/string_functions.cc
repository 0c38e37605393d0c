// String functions with Spark's semantics: positions and lengths count characters (code points),
// not bytes; substring positions are 1-based, 0 acts as 1 and negative positions count from the
// end; concat is NULL when any argument is NULL while concat_ws skips NULLs.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "columnar/utf8.h"
#include "exec/expr/internal/cast.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/row_kernels.h"
#include "exec/expr/internal/type_coercion.h"
#include "exec/expr/internal/unicode_case.h"

namespace braid::exec::internal {

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

int64_t char_length(std::string_view s) { return is_ascii(s) ? static_cast<int64_t>(s.size()) : utf8::length(s); }

// Byte offset of character `chars` (clamped to the end).
size_t byte_of_char(std::string_view s, int64_t chars) {
  if (chars <= 0) return 0;
  return utf8::prefix_bytes(s, chars);
}

// Spark's UTF8String.substringSQL.
std::string_view substring_sql(std::string_view s, int64_t pos, int64_t len) {
  int64_t start;
  if (pos > 0) {
    start = pos - 1;
  } else if (pos < 0) {
    start = char_length(s) + pos;
  } else {
    start = 0;
  }
  int64_t end = len >= INT64_MAX - std::max<int64_t>(start, 0) ? INT64_MAX : start + len;
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  size_t b = byte_of_char(s, start);
  size_t e = end == INT64_MAX ? s.size() : byte_of_char(s, end);
  if (b >= s.size()) return {};
  return s.substr(b, e - b);
}

// ---- argument checking

// Requires string arguments (NULL literals become strings); others are rejected.
Status require_strings(std::string_view name, std::vector<ExprPtr>& args, const std::vector<size_t>& which) {
  for (size_t k : which) {
    if (k >= args.size()) continue;
    const DataType& t = *args[k]->type();
    if (is_null_type(t)) {
      BRAID_ASSIGN_OR_RETURN(args[k], implicit_cast(args[k], string_type()));
    } else if (!is_string(t)) {
      return no_signature(name, args);
    }
  }
  return Status::OK();
}

// Requires integral arguments, widened to bigint; strings are cast (ANSI).
Status require_ints(std::string_view name, std::vector<ExprPtr>& args, const std::vector<size_t>& which) {
  for (size_t k : which) {
    if (k >= args.size()) continue;
    const DataType& t = *args[k]->type();
    if (!(is_integral(t) || is_null_type(t) || is_string(t))) return no_signature(name, args);
    BRAID_ASSIGN_OR_RETURN(args[k], implicit_cast(args[k], int64()));
  }
  return Status::OK();
}

Status arg_count(std::string_view name, const std::vector<ExprPtr>& args, size_t min, size_t max) {
  if (args.size() < min || args.size() > max) return no_signature(name, args);
  return Status::OK();
}

// ---- upper / lower / initcap

Result<ExprPtr> resolve_case(std::string_view name, std::vector<ExprPtr> args, int mode) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  Kernel kernel = [mode](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    const int64_t hint = a.scalar ? 0 : a.column->offsets()[kc.num_rows] - a.column->offsets()[0];
    return string_rows(ops, string_type(), kc, hint, [&](int64_t i, StringWriter& w) {
      std::string_view s = a.string_value(i);
      char* out = w.reserve(static_cast<int64_t>(s.size()) + 4);
      size_t n = mode == 0 ? to_upper_utf8(s, out) : to_lower_utf8(s, out);
      if (mode == 2) {
        // initcap: lower-cased, then each word's first letter upper-cased (words split on ' ').
        std::string_view lowered(out, n);
        std::string tmp;
        bool start = true;
        size_t j = 0;
        while (j < lowered.size()) {
          size_t k = j;
          decode_utf8(lowered, k);
          std::string_view ch = lowered.substr(j, k - j);
          if (start && ch != " ") {
            char buf[8];
            size_t m = to_upper_utf8(ch, buf);
            tmp.append(buf, m);
          } else {
            tmp.append(ch);
          }
          start = ch == " ";
          j = k;
        }
        std::memcpy(out, tmp.data(), tmp.size());
        n = tmp.size();
      }
      w.commit(static_cast<int64_t>(n));
      return Status::OK();
    });
  };
  return make_kernel_call(std::string(name), std::move(args), string_type(), std::move(kernel));
}

// ---- trim

Result<ExprPtr> resolve_trim(std::string_view name, std::vector<ExprPtr> args, bool left, bool right) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 2));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 1}));
  Kernel kernel = [left, right](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    const bool custom = ops.size() > 1;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      std::string_view s = a.string_value(i);
      if (!custom) {
        size_t b = 0, e = s.size();
        if (left) {
          while (b < e && s[b] == ' ') ++b;
        }
        if (right) {
          while (e > b && s[e - 1] == ' ') --e;
        }
        w.append(s.substr(b, e - b));
        return Status::OK();
      }
      // A set of characters to remove.
      std::string_view set = ops[1].string_value(i);
      auto in_set = [&](std::string_view ch) {
        size_t j = 0;
        while (j < set.size()) {
          size_t k = j;
          decode_utf8(set, k);
          if (set.substr(j, k - j) == ch) return true;
          j = k;
        }
        return false;
      };
      size_t b = 0, e = s.size();
      if (left) {
        while (b < e) {
          size_t k = b;
          decode_utf8(s, k);
          if (!in_set(s.substr(b, k - b))) break;
          b = k;
        }
      }
      if (right) {
        while (e > b) {
          size_t k = e - 1;
          while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
          if (!in_set(s.substr(k, e - k))) break;
          e = k;
        }
      }
      w.append(s.substr(b, e - b));
      return Status::OK();
    });
  };
  return make_kernel_call(std::string(name), std::move(args), string_type(), std::move(kernel));
}

// ---- substring, left, right

Result<ExprPtr> resolve_substring(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 3));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {1, 2}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const bool has_len = ops.size() > 2;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      int64_t len = has_len ? int_at(ops[2], i) : INT64_MAX;
      // Spark takes int arguments: clamp like an int would be.
      int64_t pos = std::clamp<int64_t>(int_at(ops[1], i), INT32_MIN, INT32_MAX);
      len = std::clamp<int64_t>(len, INT32_MIN, has_len ? INT32_MAX : INT64_MAX);
      w.append(substring_sql(ops[0].string_value(i), pos, len));
      return Status::OK();
    });
  };
  return make_kernel_call("substring", std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_left_right(std::string_view name, std::vector<ExprPtr> args, bool left) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 2));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {1}));
  Kernel kernel = [left](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      const int64_t n = std::clamp<int64_t>(int_at(ops[1], i), INT32_MIN, INT32_MAX);
      std::string_view s = ops[0].string_value(i);
      if (n <= 0) {
        w.append({});
      } else if (left) {
        w.append(s.substr(0, byte_of_char(s, n)));
      } else {
        w.append(substring_sql(s, -n, INT32_MAX));
      }
      return Status::OK();
    });
  };
  return make_kernel_call(std::string(name), std::move(args), string_type(), std::move(kernel));
}

// ---- concat, concat_ws

Status to_strings_for_concat(std::string_view name, std::vector<ExprPtr>& args, size_t from) {
  for (size_t k = from; k < args.size(); ++k) {
    const DataType& t = *args[k]->type();
    if (is_string(t)) continue;
    if (t.is_nested() || t.id() == TypeId::kBinary) return no_signature(name, args);
    BRAID_ASSIGN_OR_RETURN(args[k], implicit_cast(args[k], string_type()));
  }
  return Status::OK();
}

Result<ExprPtr> resolve_concat(std::string_view name, std::vector<ExprPtr> args) {
  bool all_binary = !args.empty();
  for (const auto& a : args) all_binary = all_binary && a->type()->id() == TypeId::kBinary;
  TypePtr type = all_binary ? binary() : string_type();
  if (!all_binary) BRAID_RETURN_IF_ERROR(to_strings_for_concat(name, args, 0));
  Kernel kernel = [type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    int64_t hint = 0;
    for (const auto& op : ops) {
      if (!op.scalar) hint += op.column->offsets()[kc.num_rows] - op.column->offsets()[0];
    }
    return string_rows(ops, type, kc, hint, [&](int64_t i, StringWriter& w) {
      int64_t total = 0;
      for (const auto& op : ops) total += static_cast<int64_t>(op.string_value(i).size());
      char* out = w.reserve(total);
      for (const auto& op : ops) {
        std::string_view s = op.string_value(i);
        if (!s.empty()) std::memcpy(out, s.data(), s.size());
        out += s.size();
      }
      w.commit(total);
      return Status::OK();
    });
  };
  CallOptions options;
  if (name == "||") {
    options.printer = [](const std::vector<ExprPtr>& a) {
      std::string s = "concat(";
      for (size_t i = 0; i < a.size(); ++i) s += (i ? ", " : "") + a[i]->to_string();
      return s + ")";
    };
  }
  return make_kernel_call("concat", std::move(args), type, std::move(kernel), options);
}

Result<ExprPtr> resolve_concat_ws(std::string_view name, std::vector<ExprPtr> args) {
  if (args.empty()) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  BRAID_RETURN_IF_ERROR(to_strings_for_concat(name, args, 1));
  CallOptions options;
  options.null_intolerant = false;
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    if (ops[0].is_null_scalar()) return null_column(string_type(), kc.num_rows, kc.memory());
    std::vector<Operand> sep{ops[0]};
    return string_rows(sep, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      std::string_view s = ops[0].string_value(i);
      std::string out;
      bool first = true;
      for (size_t k = 1; k < ops.size(); ++k) {
        const Operand& op = ops[k];
        if (op.type()->id() == TypeId::kNull || !op.is_valid(i)) continue;
        if (!first) out += s;
        out += op.string_value(i);
        first = false;
      }
      w.append(out);
      return Status::OK();
    });
  };
  return make_kernel_call("concat_ws", std::move(args), string_type(), std::move(kernel), options);
}

// ---- length

Result<ExprPtr> resolve_length(std::string_view name, std::vector<ExprPtr> args, int mode) {
  // mode 0: characters (bytes for binary), 1: bytes, 2: bits
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  if (args[0]->type()->id() != TypeId::kBinary) BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  const bool bytes_only = mode != 0 || args[0]->type()->id() == TypeId::kBinary;
  Kernel kernel = [mode, bytes_only](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    if (!a.scalar && bytes_only) {
      // Straight from the offsets.
      const int64_t n = kc.num_rows;
      BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a}, n, kc.memory()));
      BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * 4, kc.memory()));
      int32_t* out = values->mutable_as<int32_t>();
      const int32_t* o = a.column->offsets();
      for (int64_t i = 0; i < n; ++i) out[i] = (o[i + 1] - o[i]) * (mode == 2 ? 8 : 1);
      return make_column(int32(), n, validity, values);
    }
    Status error;
    return fixed_rows<int32_t>(ops, int32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      std::string_view s = a.string_value(i);
      if (bytes_only) return static_cast<int32_t>(s.size()) * (mode == 2 ? 8 : 1);
      return static_cast<int32_t>(char_length(s));
    });
  };
  return make_kernel_call(std::string(name), std::move(args), int32(), std::move(kernel));
}

// ---- replace, split_part, pad, repeat, reverse

Result<ExprPtr> resolve_replace(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 3));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 1, 2}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const bool has_rep = ops.size() > 2;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      std::string_view s = ops[0].string_value(i);
      std::string_view search = ops[1].string_value(i);
      std::string_view rep = has_rep ? ops[2].string_value(i) : std::string_view();
      if (search.empty()) {
        w.append(s);
        return Status::OK();
      }
      std::string out;
      size_t pos = 0;
      while (true) {
        size_t hit = s.find(search, pos);
        if (hit == std::string_view::npos) break;
        out.append(s.substr(pos, hit - pos));
        out.append(rep);
        pos = hit + search.size();
      }
      out.append(s.substr(pos));
      w.append(out);
      return Status::OK();
    });
  };
  return make_kernel_call("replace", std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_split_part(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 3, 3));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 1}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {2}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      std::string_view s = ops[0].string_value(i);
      std::string_view delim = ops[1].string_value(i);
      int64_t part = int_at(ops[2], i);
      if (part == 0) {
        return Status::invalid_argument(
            "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 "
            "(the first element has index 1).");
      }
      std::vector<std::string_view> parts;
      if (delim.empty()) {
        parts.push_back(s);
      } else {
        size_t pos = 0;
        while (true) {
          size_t hit = s.find(delim, pos);
          if (hit == std::string_view::npos) {
            parts.push_back(s.substr(pos));
            break;
          }
          parts.push_back(s.substr(pos, hit - pos));
          pos = hit + delim.size();
        }
      }
      const auto count = static_cast<int64_t>(parts.size());
      int64_t index = part > 0 ? part - 1 : count + part;
      w.append(index >= 0 && index < count ? parts[static_cast<size_t>(index)] : std::string_view());
      return Status::OK();
    });
  };
  return make_kernel_call("split_part", std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_pad(std::string_view name, std::vector<ExprPtr> args, bool left) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 3));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 2}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {1}));
  Kernel kernel = [left](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      std::string_view s = ops[0].string_value(i);
      const int64_t len = std::min<int64_t>(int_at(ops[1], i), INT32_MAX);
      std::string_view pad = ops.size() > 2 ? ops[2].string_value(i) : std::string_view(" ");
      if (len <= 0) {
        w.append({});
        return Status::OK();
      }
      const int64_t have = char_length(s);
      if (have >= len || pad.empty()) {
        w.append(s.substr(0, byte_of_char(s, len)));
        return Status::OK();
      }
      const int64_t need = len - have;
      const int64_t pad_chars = char_length(pad);
      std::string fill;
      for (int64_t k = 0; k < need / pad_chars; ++k) fill.append(pad);
      fill.append(pad.substr(0, byte_of_char(pad, need % pad_chars)));
      if (left) {
        w.append(fill + std::string(s));
      } else {
        w.append(std::string(s) + fill);
      }
      return Status::OK();
    });
  };
  return make_kernel_call(std::string(name), std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_repeat(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 2));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {1}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      std::string_view s = ops[0].string_value(i);
      const int64_t times = int_at(ops[1], i);
      if (times <= 0 || s.empty()) {
        w.append({});
        return Status::OK();
      }
      if (static_cast<double>(times) * static_cast<double>(s.size()) > INT32_MAX) {
        return Status::invalid_argument("repeat: result of {} bytes is too large", times * static_cast<int64_t>(s.size()));
      }
      const int64_t total = times * static_cast<int64_t>(s.size());
      char* out = w.reserve(total);
      for (int64_t k = 0; k < times; ++k) std::memcpy(out + k * static_cast<int64_t>(s.size()), s.data(), s.size());
      w.commit(total);
      return Status::OK();
    });
  };
  return make_kernel_call("repeat", std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_reverse(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      std::string_view s = ops[0].string_value(i);
      char* out = w.reserve(static_cast<int64_t>(s.size()));
      size_t end = s.size();
      size_t j = 0;
      while (j < s.size()) {
        size_t k = j;
        decode_utf8(s, k);
        end -= k - j;
        std::memcpy(out + end, s.data() + j, k - j);
        j = k;
      }
      w.commit(static_cast<int64_t>(s.size()));
      return Status::OK();
    });
  };
  return make_kernel_call("reverse", std::move(args), string_type(), std::move(kernel));
}

// ---- searching

// instr(str, substr) and locate(substr, str[, pos]): 1-based character position, 0 when absent.
Result<ExprPtr> resolve_find(std::string_view name, std::vector<ExprPtr> args, bool locate) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, locate ? 3 : 2));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 1}));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {2}));
  Kernel kernel = [locate](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, int32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      std::string_view s = ops[locate ? 1 : 0].string_value(i);
      std::string_view sub = ops[locate ? 0 : 1].string_value(i);
      int64_t start_char = 0;
      if (locate && ops.size() > 2) {
        int64_t pos = int_at(ops[2], i);
        if (pos < 1) return 0;
        start_char = pos - 1;
      }
      size_t from = byte_of_char(s, start_char);
      if (start_char > 0 && from >= s.size() && !(sub.empty() && from == s.size())) return 0;
      size_t hit = s.find(sub, from);
      if (hit == std::string_view::npos) return 0;
      return static_cast<int32_t>(char_length(s.substr(0, hit)) + 1);
    });
  };
  return make_kernel_call(std::string(name), std::move(args), int32(), std::move(kernel));
}

// starts_with / ends_with / contains.
Result<ExprPtr> resolve_affix(std::string_view name, std::vector<ExprPtr> args, int mode) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 2, 2));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0, 1}));
  Kernel kernel = [mode](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<bool>(ops, boolean(), kc, error, [&](int64_t i) -> std::optional<bool> {
      std::string_view s = ops[0].string_value(i);
      std::string_view x = ops[1].string_value(i);
      switch (mode) {
        case 0: return s.substr(0, x.size()) == x;
        case 1: return s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
        default: return s.find(x) != std::string_view::npos;
      }
    });
  };
  return make_kernel_call(std::string(name), std::move(args), boolean(), std::move(kernel));
}

// ---- characters

Result<ExprPtr> resolve_ascii(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  BRAID_RETURN_IF_ERROR(require_strings(name, args, {0}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, int32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      std::string_view s = ops[0].string_value(i);
      if (s.empty()) return 0;
      size_t k = 0;
      return static_cast<int32_t>(decode_utf8(s, k));
    });
  };
  return make_kernel_call("ascii", std::move(args), int32(), std::move(kernel));
}

Result<ExprPtr> resolve_chr(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  BRAID_RETURN_IF_ERROR(require_ints(name, args, {0}));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) {
      int64_t v = int_at(ops[0], i);
      if (v < 0) {
        w.append({});
        return Status::OK();
      }
      char buf[4];
      w.append(std::string_view(buf, encode_utf8(static_cast<uint32_t>(v & 0xFF), buf)));
      return Status::OK();
    });
  };
  return make_kernel_call(std::string(name), std::move(args), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_space(std::string_view name, std::vector<ExprPtr> args) {
  BRAID_RETURN_IF_ERROR(arg_count(name, args, 1, 1));
  return make_call("repeat", {literal(string_scalar(" ")), args[0]});
}

}  // namespace

void register_string_functions(FunctionRegistry& r) {
  auto with = [&r](std::initializer_list<const char*> names, Resolver resolver) {
    for (const char* n : names) r.add(n, resolver);
  };
  with({"upper", "ucase"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_case(n, std::move(a), 0); });
  with({"lower", "lcase"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_case(n, std::move(a), 1); });
  with({"initcap"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_case(n, std::move(a), 2); });
  with({"trim", "btrim"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_trim(n, std::move(a), true, true); });
  with({"ltrim"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_trim(n, std::move(a), true, false); });
  with({"rtrim"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_trim(n, std::move(a), false, true); });
  with({"substring", "substr"}, resolve_substring);
  with({"left"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_left_right(n, std::move(a), true); });
  with({"right"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_left_right(n, std::move(a), false); });
  with({"concat", "||"}, resolve_concat);
  with({"concat_ws"}, resolve_concat_ws);
  with({"length", "char_length", "character_length", "len"},
       [](std::string_view n, std::vector<ExprPtr> a) { return resolve_length(n, std::move(a), 0); });
  with({"octet_length"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_length(n, std::move(a), 1); });
  with({"bit_length"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_length(n, std::move(a), 2); });
  with({"replace"}, resolve_replace);
  with({"split_part"}, resolve_split_part);
  with({"lpad"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_pad(n, std::move(a), true); });
  with({"rpad"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_pad(n, std::move(a), false); });
  with({"repeat"}, resolve_repeat);
  with({"space"}, resolve_space);
  with({"reverse"}, resolve_reverse);
  with({"instr"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_find(n, std::move(a), false); });
  with({"locate", "position"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_find(n, std::move(a), true); });
  with({"starts_with", "startswith"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_affix(n, std::move(a), 0); });
  with({"ends_with", "endswith"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_affix(n, std::move(a), 1); });
  with({"contains"}, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_affix(n, std::move(a), 2); });
  with({"ascii"}, resolve_ascii);
  with({"chr", "char"}, resolve_chr);
}

}  // namespace braid::exec::internal
