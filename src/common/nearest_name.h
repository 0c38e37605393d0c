// Nearest names, for "did you mean" hints on unknown commands, options, settings and parameters:
// the candidate within a few edits of a word, compared without regard to case (a typo of a name,
// not another name).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace braid {

// The candidate nearest to `word` (Levenshtein distance, case-insensitive) when it is near enough
// to be a typo of it: at most max(2, |word| / 3) edits; "" when none is.
std::string nearest_name(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'NAME'?)" for the nearest candidate, or "" when none is near.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace braid
