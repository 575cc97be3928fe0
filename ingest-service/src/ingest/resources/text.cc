#include "ingest/resources/text.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

namespace newsevents::ingest {
namespace {

// Decodes the code point at `i`; sets `len` to its byte length. Invalid
// sequences decode to -1 with length 1.
inline UChar32 Decode(absl::string_view s, std::size_t i, int* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  int32_t pos = static_cast<int32_t>(i);
  UChar32 cp;
  const int32_t n = static_cast<int32_t>(
      std::min<std::size_t>(s.size(), i + 4));
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, n, cp);
  *len = pos - static_cast<int32_t>(i);
  if (*len <= 0) *len = 1;
  return cp < 0 ? -1 : cp;
}

inline bool IsWordChar(UChar32 c) {
  if (c < 0x80) {
    return (static_cast<unsigned>((c | 0x20) - 'a') < 26u) ||
           (static_cast<unsigned>(c - '0') < 10u);
  }
  if (c < 0) return false;
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK ||
         u_charType(c) == U_COMBINING_SPACING_MARK;
}

bool IsSpace(UChar32 c) {
  if (c < 0x80) return c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
                       c == '\f' || c == '\v';
  return c == 0xA0 || u_isUWhiteSpace(c);
}

bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019; }
bool IsDigit(UChar32 c) { return c >= '0' && c <= '9'; }
bool IsLetter(UChar32 c) { return IsWordChar(c) && !IsDigit(c); }

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[4];
  int32_t n = 0;
  UBool err = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, c, err);
  if (!err) out->append(buf, static_cast<std::size_t>(n));
}

void FillCase(absl::string_view text, Token* t) {
  int letters = 0, upper = 0;
  bool ascii = true;
  for (char ch : text) ascii &= static_cast<unsigned char>(ch) < 0x80;
  if (ascii) {
    bool first_seen = false;
    for (char ch : text) {
      const bool lower = ch >= 'a' && ch <= 'z';
      const bool up = ch >= 'A' && ch <= 'Z';
      if (!lower && !up) continue;
      if (!first_seen) {
        t->cap = up;
        first_seen = true;
      }
      ++letters;
      if (up) ++upper;
    }
    t->allcaps = letters >= 2 && upper == letters;
    return;
  }
  bool first_seen = false;
  for (std::size_t i = 0; i < text.size();) {
    int len;
    const UChar32 c = Decode(text, i, &len);
    i += static_cast<std::size_t>(len);
    if (!IsLetter(c)) continue;
    const bool up = c < 0x80 ? (c >= 'A' && c <= 'Z') : u_isupper(c);
    if (!first_seen) {
      t->cap = up;
      first_seen = true;
    }
    ++letters;
    if (up) ++upper;
  }
  t->allcaps = letters >= 2 && upper == letters;
}

}  // namespace

std::string FoldCase(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    int len;
    const UChar32 c = Decode(text, i, &len);
    if (c < 0) {
      out.append(text.substr(i, static_cast<std::size_t>(len)).data(),
                 static_cast<std::size_t>(len));
    } else if (c == 0x2019) {
      out.push_back('\'');
    } else {
      AppendUtf8(u_tolower(c), &out);
    }
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::uint64_t HashLower(absl::string_view lower) {
  return XXH3_64bits(lower.data(), lower.size());
}

bool IsQuoteMark(absl::string_view t) {
  return t == "\"" || t == "\u201C" || t == "\u201D" || t == "\u00AB" ||
         t == "\u00BB";
}

void Tokenize(absl::string_view s, std::size_t base, std::vector<Token>* out) {
  const std::size_t n = s.size();
  out->reserve(out->size() + n / 5 + 1);  // about one token per five bytes
  std::size_t i = 0;
  auto emit = [&](std::size_t b, std::size_t e, TokenType type) {
    Token t;
    t.start = base + b;
    t.end = base + e;
    t.type = type;
    const absl::string_view text = s.substr(b, e - b);
    if (type == TokenType::kPossessive) {
      t.lower = (text.size() > 1) ? "'s" : "'";
    } else {
      t.lower = FoldCase(text);
    }
    if (type == TokenType::kWord) FillCase(text, &t);
    t.hash = HashLower(t.lower);
    out->push_back(std::move(t));
  };
  while (i < n) {
    int len;
    const UChar32 c = Decode(s, i, &len);
    if (IsSpace(c)) {
      i += static_cast<std::size_t>(len);
      continue;
    }
    if (!IsWordChar(c)) {
      emit(i, i + static_cast<std::size_t>(len), TokenType::kPunct);
      i += static_cast<std::size_t>(len);
      continue;
    }
    // A word or a number.
    const std::size_t b = i;
    bool all_digits = true;
    bool dotted = false;
    std::size_t j = i;
    while (j < n) {
      int l;
      const UChar32 d = Decode(s, j, &l);
      if (IsWordChar(d)) {
        if (!IsDigit(d)) all_digits = false;
        j += static_cast<std::size_t>(l);
        continue;
      }
      // Look at the next code point to decide whether the joiner stays inside.
      std::size_t k = j + static_cast<std::size_t>(l);
      int l2 = 0;
      const UChar32 next = k < n ? Decode(s, k, &l2) : -1;
      const UChar32 prev = j > b ? static_cast<unsigned char>(s[j - 1]) : -1;
      if (d == ',' && all_digits && IsDigit(next)) {
        // Thousands group: exactly three digits follow.
        std::size_t m = k;
        while (m < n && m - k < 4 && IsDigit(static_cast<unsigned char>(s[m]))) ++m;
        if (m - k == 3) {
          j = m;
          continue;
        }
        break;
      }
      if (d == '.' && all_digits && IsDigit(next)) {
        j = k;
        continue;
      }
      if (d == '.' && IsLetter(next) && j - b <= 2 &&
          (dotted || j - b == 1)) {
        // Dotted acronyms: "U.S", "e.g".
        dotted = true;
        j = k;
        continue;
      }
      if (d == '.' && dotted) {
        j = k;  // the final dot of "U.S."
        break;
      }
      if (d == '-' && IsWordChar(next)) {
        all_digits = false;
        j = k;
        continue;
      }
      if (IsApostrophe(d) && IsLetter(next)) {
        // "'s" followed by a non-letter is a possessive: split it off.
        const bool s_next = (next == 's' || next == 'S');
        std::size_t after = k + static_cast<std::size_t>(l2);
        int l3 = 0;
        const UChar32 after_c = after < n ? Decode(s, after, &l3) : -1;
        if (s_next && !IsWordChar(after_c)) break;
        j = k;
        all_digits = false;
        continue;
      }
      (void)prev;
      break;
    }
    emit(b, j, all_digits ? TokenType::kNumber : TokenType::kWord);
    i = j;
    if (i < n) {
      int l;
      const UChar32 d = Decode(s, i, &l);
      if (IsApostrophe(d)) {
        std::size_t k = i + static_cast<std::size_t>(l);
        int l2 = 0;
        const UChar32 next = k < n ? Decode(s, k, &l2) : -1;
        if ((next == 's' || next == 'S')) {
          std::size_t after = k + static_cast<std::size_t>(l2);
          int l3 = 0;
          const UChar32 ac = after < n ? Decode(s, after, &l3) : -1;
          if (!IsWordChar(ac)) {
            emit(i, after, TokenType::kPossessive);
            i = after;
          }
        } else if (!IsWordChar(next) && j > b &&
                   (s[j - 1] == 's' || s[j - 1] == 'S') &&
                   (next == -1 || IsSpace(next))) {
          emit(i, k, TokenType::kPossessive);
          i = k;
        }
      }
    }
  }
}

std::vector<std::uint64_t> PhraseHashes(absl::string_view phrase) {
  std::vector<Token> toks;
  Tokenize(phrase, 0, &toks);
  std::vector<std::uint64_t> out;
  out.reserve(toks.size());
  for (const Token& t : toks) out.push_back(t.hash);
  return out;
}

}  // namespace newsevents::ingest
