// Pattern matching: LIKE / ILIKE (% and _ wildcards, an escape character, '\' by default),
// RLIKE / regexp_like (a partial match), regexp_replace and regexp_extract. Regular expressions
// run on RE2, whose syntax is the common subset of Java's (no backreferences or lookaround).
// A literal pattern is compiled once when the call is built; LIKE patterns that are a plain
// prefix, suffix, substring or equality skip the regular expression entirely.
#include <re2/re2.h>

#include <memory>

#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/row_kernels.h"
#include "exec/expr/internal/type_coercion.h"
#include "exec/expr/internal/unicode_case.h"

namespace braid::exec::internal {

namespace {

Status require_strings(std::string_view name, std::vector<ExprPtr>& args) {
  for (auto& a : args) {
    if (is_null_type(*a->type())) {
      BRAID_ASSIGN_OR_RETURN(a, implicit_cast(a, string_type()));
    } else if (!is_string(*a->type())) {
      return no_signature(name, args);
    }
  }
  return Status::OK();
}

// ---- LIKE

// A compiled LIKE pattern.
struct LikeMatcher {
  enum class Kind { kEquals, kPrefix, kSuffix, kContains, kAll, kRegex };
  Kind kind = Kind::kEquals;
  std::string literal;                 // for the plain kinds
  std::shared_ptr<const RE2> regex;    // kRegex

  bool matches(std::string_view s) const {
    switch (kind) {
      case Kind::kEquals: return s == literal;
      case Kind::kPrefix: return s.substr(0, literal.size()) == literal;
      case Kind::kSuffix: return s.size() >= literal.size() && s.substr(s.size() - literal.size()) == literal;
      case Kind::kContains: return s.find(literal) != std::string_view::npos;
      case Kind::kAll: return true;
      case Kind::kRegex: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *regex);
    }
    return false;
  }
};

// Spark: StringUtils.escapeLikeRegex; the escape character may only precede _, % or itself.
Result<LikeMatcher> compile_like(std::string_view pattern, char escape) {
  struct Piece {
    bool wildcard;
    char c;  // '%' or '_' for wildcards
    std::string text;
  };
  std::vector<Piece> pieces;
  auto add_text = [&](std::string_view t) {
    if (pieces.empty() || pieces.back().wildcard) pieces.push_back({false, 0, ""});
    pieces.back().text.append(t);
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape) {
      if (i + 1 >= pattern.size()) {
        return Status::invalid_argument(
            "[INVALID_FORMAT.ESC_AT_THE_END] The format is invalid: '{}'. The escape character is "
            "not allowed to end with.", pattern);
      }
      char next = pattern[i + 1];
      if (next != '_' && next != '%' && next != escape) {
        return Status::invalid_argument(
            "[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: '{}'. The escape character "
            "is not allowed to precede '{}'.", pattern, next);
      }
      add_text(std::string_view(&pattern[i + 1], 1));
      ++i;
    } else if (c == '%' || c == '_') {
      pieces.push_back({true, c, ""});
    } else {
      add_text(std::string_view(&pattern[i], 1));
    }
  }
  LikeMatcher m;
  auto all_percent = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      if (!pieces[k].wildcard || pieces[k].c != '%') return false;
    }
    return true;
  };
  const size_t n = pieces.size();
  if (n == 0) {
    m.kind = LikeMatcher::Kind::kEquals;
    return m;
  }
  if (all_percent(0, n)) {
    m.kind = LikeMatcher::Kind::kAll;
    return m;
  }
  // Find the single text piece, if the pattern is %*text%*.
  size_t text_pieces = 0, text_at = 0;
  bool underscore = false;
  for (size_t k = 0; k < n; ++k) {
    if (!pieces[k].wildcard) {
      ++text_pieces;
      text_at = k;
    } else if (pieces[k].c == '_') {
      underscore = true;
    }
  }
  if (text_pieces == 1 && !underscore) {
    m.literal = pieces[text_at].text;
    const bool lead = text_at > 0, trail = text_at + 1 < n;
    m.kind = lead && trail ? LikeMatcher::Kind::kContains
             : lead        ? LikeMatcher::Kind::kSuffix
             : trail       ? LikeMatcher::Kind::kPrefix
                           : LikeMatcher::Kind::kEquals;
    return m;
  }
  std::string re = "(?s)";
  for (const auto& p : pieces) {
    if (p.wildcard) {
      re += p.c == '%' ? ".*" : ".";
    } else {
      re += RE2::QuoteMeta(re2::StringPiece(p.text.data(), p.text.size()));
    }
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(re, options);
  if (!regex->ok()) return Status::invalid_argument("LIKE pattern '{}': {}", pattern, regex->error());
  m.kind = LikeMatcher::Kind::kRegex;
  m.regex = std::move(regex);
  return m;
}

Result<char> escape_char(std::string_view name, const std::vector<ExprPtr>& args) {
  if (args.size() < 3) return '\\';
  auto esc = literal_string(args[2]);
  if (!esc || esc->size() != 1) {
    return Status::invalid_argument("function '{}': the escape character must be a one-character string literal", name);
  }
  return (*esc)[0];
}

Result<ExprPtr> resolve_like(std::string_view name, std::vector<ExprPtr> args, bool ignore_case) {
  if (args.size() < 2 || args.size() > 3) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(char escape, escape_char(name, args));
  std::vector<ExprPtr> operands{args[0], args[1]};
  BRAID_RETURN_IF_ERROR(require_strings(name, operands));
  std::shared_ptr<const LikeMatcher> fixed;
  if (auto p = literal_string(operands[1])) {
    BRAID_ASSIGN_OR_RETURN(auto m, compile_like(ignore_case ? lower_utf8(*p) : *p, escape));
    fixed = std::make_shared<const LikeMatcher>(std::move(m));
  }
  Kernel kernel = [fixed, escape, ignore_case](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    std::string cached_pattern;
    std::optional<LikeMatcher> cached;
    std::string lowered;
    return fixed_rows<bool>(ops, boolean(), kc, error, [&](int64_t i) -> std::optional<bool> {
      std::string_view s = ops[0].string_value(i);
      if (ignore_case) {
        lowered = lower_utf8(s);
        s = lowered;
      }
      const LikeMatcher* m = fixed.get();
      if (m == nullptr) {
        std::string p(ops[1].string_value(i));
        if (ignore_case) p = lower_utf8(p);
        if (!cached || p != cached_pattern) {
          auto c = compile_like(p, escape);
          if (!c.ok()) {
            error = c.status();
            return std::nullopt;
          }
          cached = std::move(*c);
          cached_pattern = std::move(p);
        }
        m = &*cached;
      }
      return m->matches(s);
    });
  };
  CallOptions options;
  const std::string word = ignore_case ? " ILIKE " : " LIKE ";
  options.printer = [word, escape](const std::vector<ExprPtr>& a) {
    std::string s = a[0]->to_string() + word + a[1]->to_string();
    if (escape != '\\') s += std::string(" ESCAPE '") + escape + "'";
    return s;
  };
  return make_kernel_call(std::string(name), std::move(operands), boolean(), std::move(kernel), options);
}

// ---- regular expressions

Result<std::shared_ptr<const RE2>> compile_regex(std::string_view function, std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return Status::invalid_argument(
        "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `{}` is invalid: "
        "'{}': {}", function, pattern, re->error());
  }
  return re;
}

// A pattern argument: compiled once when literal, else per row with a one-entry cache.
class RegexSource {
 public:
  RegexSource(std::string function, std::shared_ptr<const RE2> fixed)
      : function_(std::move(function)), fixed_(std::move(fixed)) {}
  const RE2* get(const Operand& pattern, int64_t i, Status& error) {
    if (fixed_) return fixed_.get();
    std::string_view p = pattern.string_value(i);
    if (!cached_ || p != cached_pattern_) {
      auto re = compile_regex(function_, p);
      if (!re.ok()) {
        error = re.status();
        return nullptr;
      }
      cached_ = *re;
      cached_pattern_ = std::string(p);
    }
    return cached_.get();
  }

 private:
  std::string function_;
  std::shared_ptr<const RE2> fixed_;
  std::shared_ptr<const RE2> cached_;
  std::string cached_pattern_;
};

Result<std::shared_ptr<const RE2>> literal_regex(std::string_view name, const ExprPtr& e) {
  auto p = literal_string(e);
  if (!p) return std::shared_ptr<const RE2>();
  return compile_regex(name, *p);
}

Result<ExprPtr> resolve_rlike(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(require_strings(name, args));
  BRAID_ASSIGN_OR_RETURN(auto fixed, literal_regex(name, args[1]));
  std::string fname(name);
  Kernel kernel = [fixed, fname](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    RegexSource source(fname, fixed);
    return fixed_rows<bool>(ops, boolean(), kc, error, [&](int64_t i) -> std::optional<bool> {
      const RE2* re = source.get(ops[1], i, error);
      if (re == nullptr) return std::nullopt;
      std::string_view s = ops[0].string_value(i);
      return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
    });
  };
  CallOptions options;
  options.printer = [](const std::vector<ExprPtr>& a) {
    return a[0]->to_string() + " RLIKE " + a[1]->to_string();
  };
  return make_kernel_call(std::string(name), std::move(args), boolean(), std::move(kernel), options);
}

// Java's replacement syntax ($1, \$ for a dollar) as an RE2 rewrite string (\1, \\).
std::string rewrite_of(std::string_view java) {
  std::string out;
  for (size_t i = 0; i < java.size(); ++i) {
    char c = java[i];
    if (c == '\\' && i + 1 < java.size()) {
      char next = java[++i];
      if (next == '\\') {
        out += "\\\\";
      } else {
        out += next;
      }
    } else if (c == '$' && i + 1 < java.size() && java[i + 1] >= '0' && java[i + 1] <= '9') {
      out += '\\';
      out += java[++i];
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

Result<ExprPtr> resolve_regexp_replace(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() < 3 || args.size() > 4) return no_signature(name, args);
  std::vector<ExprPtr> strs{args[0], args[1], args[2]};
  BRAID_RETURN_IF_ERROR(require_strings(name, strs));
  if (args.size() == 4) {
    if (!is_integral(*args[3]->type())) return no_signature(name, args);
    BRAID_ASSIGN_OR_RETURN(args[3], implicit_cast(args[3], int64()));
    strs.push_back(args[3]);
  }
  BRAID_ASSIGN_OR_RETURN(auto fixed, literal_regex(name, strs[1]));
  Kernel kernel = [fixed](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    RegexSource source("regexp_replace", fixed);
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      Status error;
      const RE2* re = source.get(ops[1], i, error);
      if (re == nullptr) return error;
      std::string_view s = ops[0].string_value(i);
      size_t from = 0;
      if (ops.size() > 3) {
        int64_t pos = int_at(ops[3], i);
        if (pos < 1) {
          return Status::invalid_argument(
              "[INVALID_PARAMETER_VALUE.REGEX_POSITION] The value of parameter(s) `position` in "
              "`regexp_replace` is invalid: expects a positive value, but got {}.", pos);
        }
        size_t k = 0;
        for (int64_t c = 1; c < pos && k < s.size(); ++c) decode_utf8(s, k);
        from = k;
        if (pos > 1 && from >= s.size()) {
          w.append(s);
          return Status::OK();
        }
      }
      std::string tail(s.substr(from));
      RE2::GlobalReplace(&tail, *re, rewrite_of(ops[2].string_value(i)));
      w.append(std::string(s.substr(0, from)) + tail);
      return Status::OK();
    });
  };
  return make_kernel_call("regexp_replace", std::move(strs), string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_regexp_extract(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() < 2 || args.size() > 3) return no_signature(name, args);
  std::vector<ExprPtr> strs{args[0], args[1]};
  BRAID_RETURN_IF_ERROR(require_strings(name, strs));
  if (args.size() == 3) {
    if (!is_integral(*args[2]->type())) return no_signature(name, args);
    BRAID_ASSIGN_OR_RETURN(args[2], implicit_cast(args[2], int64()));
    strs.push_back(args[2]);
  }
  BRAID_ASSIGN_OR_RETURN(auto fixed, literal_regex(name, strs[1]));
  Kernel kernel = [fixed](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    RegexSource source("regexp_extract", fixed);
    std::vector<re2::StringPiece> groups;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      Status error;
      const RE2* re = source.get(ops[1], i, error);
      if (re == nullptr) return error;
      const int64_t index = ops.size() > 2 ? int_at(ops[2], i) : 1;
      if (index < 0 || index > re->NumberOfCapturingGroups()) {
        return Status::invalid_argument(
            "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` in "
            "`regexp_extract` is invalid: Expects group index between 0 and {}, but got {}.",
            re->NumberOfCapturingGroups(), index);
      }
      std::string_view s = ops[0].string_value(i);
      groups.assign(static_cast<size_t>(index) + 1, re2::StringPiece());
      re2::StringPiece text(s.data(), s.size());
      if (!re->Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
        w.append({});
        return Status::OK();
      }
      const re2::StringPiece& g = groups[static_cast<size_t>(index)];
      w.append(g.data() == nullptr ? std::string_view() : std::string_view(g.data(), g.size()));
      return Status::OK();
    });
  };
  return make_kernel_call("regexp_extract", std::move(strs), string_type(), std::move(kernel));
}

}  // namespace

void register_pattern_functions(FunctionRegistry& r) {
  r.add("like", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_like(n, std::move(a), false); });
  r.add("ilike", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_like(n, std::move(a), true); });
  for (const char* n : {"rlike", "regexp", "regexp_like"}) r.add(n, resolve_rlike);
  r.add("regexp_replace", resolve_regexp_replace);
  r.add("regexp_extract", resolve_regexp_extract);
}

}  // namespace braid::exec::internal
