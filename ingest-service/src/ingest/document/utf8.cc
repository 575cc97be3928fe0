// RepairUtf8: replaces each maximal ill-formed subsequence (Unicode 15,
// section 3.9, "U+FFFD substitution of maximal subparts") by U+FFFD.
#include <cstddef>
#include <optional>
#include <string>

#include "ingest/document/document.h"

namespace newsevents::ingest {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Returns the length of the well-formed sequence at text[i], or 0 when it is
// ill-formed; then `*skip` receives the length of its maximal subpart (at
// least 1).
std::size_t WellFormedLength(const std::string& text, std::size_t i,
                             std::size_t* skip) {
  const auto at = [&](std::size_t k) -> unsigned {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned c = at(i);
  std::size_t need = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;  // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
  } else {
    *skip = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= text.size()) break;
    const unsigned b = at(i + k);
    const unsigned min = k == 1 ? lo : 0x80;
    const unsigned max = k == 1 ? hi : 0xbf;
    if (b < min || b > max) break;
  }
  if (k > need) return need + 1;
  *skip = k;
  return 0;
}

}  // namespace

std::optional<std::size_t> RepairUtf8(std::string& text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  // Fast scan while the input is valid: no copy at all.
  while (i < n) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t skip = 0;
    const std::size_t len = WellFormedLength(text, i, &skip);
    if (len == 0) break;
    i += len;
  }
  if (i == n) return std::nullopt;

  const std::size_t first = i;
  std::string out;
  out.reserve(n + n / 8);
  out.append(text, 0, i);
  while (i < n) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    std::size_t skip = 0;
    const std::size_t len = WellFormedLength(text, i, &skip);
    if (len == 0) {
      out.append(kReplacement, 3);
      i += skip;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  text.swap(out);
  return first;
}

}  // namespace newsevents::ingest
