// JsonWriter: builds compact JSON text (Delta log actions, run reports, audit records).
//
// Keys and values are appended in order; the writer tracks commas and nesting so callers only
// say what to write: w.begin_object(); w.key("a"); w.value(1); w.end_object(). Strings are
// escaped per RFC 8259; invalid UTF-8 becomes U+FFFD; doubles use the shortest round-trip text
// (non-finite doubles become strings, as Spark writes them in stats).
// Thread-safety: one thread per writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace braid {

class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(int64_t v);
  void value(int v) { value(static_cast<int64_t>(v)); }
  void value(uint64_t v);
  void value(double v);
  void value(bool v);
  void null();
  // Pre-rendered JSON (an already valid value).
  void raw(std::string_view json);

  // key + value in one call.
  template <typename T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  std::string out_;
  // Per open container: whether something was written in it yet.
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

// A JSON string literal of `s` (with quotes): control characters escaped, well-formed UTF-8
// kept, each byte of an ill-formed sequence replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);

}  // namespace braid
