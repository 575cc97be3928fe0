// Tokenisation and normalisation shared by the data files' phrase indexes and
// the extractor, so that a name in a data file and the same name in an article
// produce the same token hashes.
//
// Pure and stateless; thread-safe.
#ifndef NEWSEVENTS_INGEST_RESOURCES_TEXT_H_
#define NEWSEVENTS_INGEST_RESOURCES_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::ingest {

enum class TokenType : std::uint8_t {
  kWord,        // letters, digits, inner hyphens/apostrophes, dotted acronyms
  kNumber,      // digits with optional "," thousands groups and a decimal part
  kPunct,       // one punctuation code point (quotes, dashes, brackets, ...)
  kPossessive,  // "'s" / "’s" split off a word, or a lone "'" after "...s"
};

struct Token {
  std::size_t start = 0;  // byte offsets into the tokenised text (+ base)
  std::size_t end = 0;
  TokenType type = TokenType::kWord;
  bool cap = false;      // first letter is upper case
  bool allcaps = false;  // at least two letters, all upper case
  std::uint64_t hash = 0;  // HashLower(lower)
  std::string lower;       // case-folded form; curly apostrophes become '
};

// Splits `text` into tokens; offsets are `base` + byte offsets into `text`.
// Linear in the input. Invalid UTF-8 bytes become one-byte punctuation tokens.
void Tokenize(absl::string_view text, std::size_t base,
              std::vector<Token>* out);

// Lower-cases `text` (full Unicode simple case mapping) and maps the right
// single quotation mark to an apostrophe.
std::string FoldCase(absl::string_view text);

// Hash of a token's folded form.
std::uint64_t HashLower(absl::string_view lower);

// Combines token hashes into the hash of a token sequence.
inline std::uint64_t CombineHash(std::uint64_t seq, std::uint64_t token) {
  return (seq ^ token) * 0x100000001b3ULL + (seq >> 29);
}
constexpr std::uint64_t kSeqSeed = 0xcbf29ce484222325ULL;

// Tokenises `phrase` and returns its folded tokens' hashes.
std::vector<std::uint64_t> PhraseHashes(absl::string_view phrase);

// True for ASCII punctuation and the Unicode quotation marks and dashes.
bool IsQuoteMark(absl::string_view token_text);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_RESOURCES_TEXT_H_
