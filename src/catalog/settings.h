// Session settings: the one list of every key `SET` knows (settings.cc), what braid does with
// each, and the checks a value passes before a session stores it.
//
// braid never accepts a setting and ignores it. Every key is one of:
//   - honoured: braid applies the value. braid's own settings live under `braid.` (a few keep a
//     short alias: `memory_limit` is `braid.memory_limit`). A Spark or Delta conf that changes
//     results or guarantees is honoured only where braid implements it; where braid has one
//     fixed behaviour, the value that describes it is accepted (spark.sql.ansi.enabled = true)
//     and any other value is refused with an error naming the key and saying why;
//   - a tuning knob: a Spark conf about how Spark plans or parallelises work (shuffle partitions,
//     broadcast thresholds, ...), which has no counterpart in braid and cannot change a result;
//     accepted with a note saying so;
//   - refused: every value is an error naming the key and why (also whole families, such as
//     spark.sql.legacy.*).
// A key that is in none of these is an error naming it.
//
// Adding a setting: one entry in kSettings (settings.cc) with its check; if it is honoured, read
// it where it applies through Session::setting(key), which gives the scope's value or the default.
// Thread-safety: the definitions are constants; the functions are pure.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "braid/result.h"

namespace braid::catalog {

enum class SettingKind {
  kHonoured,    // applied by braid (possibly only the value braid implements: see `values`)
  kTuningKnob,  // accepted; nothing in braid corresponds to it, and no result depends on it
  kRefused,     // every value is refused
};

struct SettingDefinition {
  std::string_view key;            // canonical spelling; keys compare case-insensitively
  std::string_view alias;          // another accepted spelling, or empty
  SettingKind kind = SettingKind::kHonoured;
  bool family = false;             // `key` is a prefix: every key starting with it (refused ones)
  std::string_view default_value;  // the value before any SET: what braid does
  std::string_view values;         // the values accepted, for people ("true", "static", "a size")
  std::string_view description;    // one line: what it does in braid (or why it is refused)
  // The value as stored (normalised), or kInvalidArgument (malformed) / kNotImplemented (a value
  // braid refuses), naming the key. Null for refused keys.
  Result<std::string> (*check)(const SettingDefinition& setting, std::string_view value) = nullptr;
};

// Every definition, in the order `SET` lists them.
std::span<const SettingDefinition> setting_definitions();

// The definition of `key` (case-insensitive; an alias finds its key; a key under a refused family
// finds the family), or nullptr when braid does not know the key.
const SettingDefinition* find_setting(std::string_view key);

// `key` = `value` checked: the definition and the value to store, or the error naming the key:
// unknown keys are kInvalidArgument; refused keys and values kNotImplemented, saying why.
struct CheckedSetting {
  const SettingDefinition* setting = nullptr;
  std::string value;
};
Result<CheckedSetting> check_setting(std::string_view key, std::string_view value);

// The error for a key braid does not know.
Status unknown_setting(std::string_view key);

// "honoured", "tuning knob (not used by braid)", "refused": how SET lists a kind.
std::string_view setting_kind_name(SettingKind kind);

}  // namespace braid::catalog
