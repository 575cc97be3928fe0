#include "ingest/extract/segment.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <memory>

namespace newsevents::ingest {
namespace {

// One prototype per thread: creating a sentence iterator loads rules.
icu::BreakIterator* ThreadIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createSentenceInstance(
        icu::Locale("en@ss=standard"), status));
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      bi.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::getEnglish(),
                                                          status));
    }
    if (U_FAILURE(status)) bi.reset();
    return bi;
  }();
  return it.get();
}

bool IsBlank(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

}  // namespace

Segmentation Segment(absl::string_view body, const Resources& res) {
  Segmentation seg;
  Tokenize(body, 0, &seg.tokens);
  const std::vector<Token>& toks = seg.tokens;

  // Raw boundaries from ICU (byte offsets, because the UText is UTF-8).
  std::vector<std::size_t> bounds;
  icu::BreakIterator* bi = ThreadIterator();
  if (bi != nullptr && !body.empty()) {
    UErrorCode status = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, body.data(),
                               static_cast<int64_t>(body.size()), &status);
    if (U_SUCCESS(status)) {
      bi->setText(ut, status);
      if (U_SUCCESS(status)) {
        for (int32_t p = bi->next(); p != icu::BreakIterator::DONE; p = bi->next()) {
          bounds.push_back(static_cast<std::size_t>(p));
        }
      }
      // Detach the iterator from the text before closing it.
      UText* empty = utext_openUTF8(nullptr, "", 0, &status);
      bi->setText(empty, status);
      utext_close(empty);
      utext_close(ut);
    }
  }
  if (bounds.empty() || bounds.back() != body.size()) bounds.push_back(body.size());

  // Walk boundaries with the tokens to merge false breaks.
  std::size_t ti = 0;
  std::size_t start = 0;
  int paragraph = 0;
  // Paragraph numbers advance at each blank line.
  std::size_t para_scan = 0;
  auto advance_paragraph = [&](std::size_t upto) {
    for (; para_scan + 1 < upto && para_scan + 1 < body.size(); ++para_scan) {
      if (body[para_scan] == '\n' && body[para_scan + 1] == '\n') {
        ++paragraph;
        while (para_scan + 1 < body.size() && body[para_scan + 1] == '\n') ++para_scan;
      }
    }
  };
  std::size_t tj = 0;  // first token that ends after the boundary
  for (std::size_t bi_idx = 0; bi_idx < bounds.size(); ++bi_idx) {
    const std::size_t b = bounds[bi_idx];
    if (b < start) continue;
    if (tj < ti) tj = ti;
    while (tj < toks.size() && toks[tj].end <= b) ++tj;
    const bool last = bi_idx + 1 == bounds.size();
    if (!last && tj > ti && tj < toks.size()) {
      // Does the text between the sentence end and b contain a newline?
      bool newline = false;
      for (std::size_t k = toks[tj - 1].end; k < b && k < body.size(); ++k) {
        if (body[k] == '\n') newline = true;
      }
      const Token& prev = toks[tj - 1];
      const Token& next = toks[tj];
      bool merge = false;
      if (!newline && absl::string_view(prev.lower) == "." && tj >= ti + 2) {
        const Token& word = toks[tj - 2];
        if (word.end == prev.start) {
          auto ab = res.Abbreviation(word.lower);
          if (ab && *ab == AbbrevKind::kTitle) merge = true;
          if (ab && *ab == AbbrevKind::kMonth && next.type == TokenType::kNumber) merge = true;
          if (word.type == TokenType::kWord && word.end - word.start == 1 && word.cap &&
              next.cap) {
            merge = true;  // an initial: "J. Smith"
          }
        }
      }
      if (!newline && !merge && prev.type == TokenType::kWord && prev.lower.size() > 2 &&
          prev.lower.back() == '.' && !next.cap && next.type == TokenType::kWord) {
        merge = true;  // "U.S. officials" is no sentence end
      }
      if (merge) continue;
    }
    // Emit [start, b) trimmed.
    std::size_t s = start, e = b;
    while (s < e && IsBlank(body[s])) ++s;
    while (e > s && IsBlank(body[e - 1])) --e;
    if (e > s) {
      Sentence sent;
      sent.start = s;
      sent.end = e;
      advance_paragraph(s);
      sent.paragraph = paragraph;
      while (ti < toks.size() && toks[ti].end <= s) ++ti;
      sent.tok_begin = ti;
      std::size_t k = ti;
      while (k < toks.size() && toks[k].start < e) ++k;
      sent.tok_end = k;
      ti = k;
      seg.sentences.push_back(sent);
    }
    start = b;
  }
  return seg;
}

}  // namespace newsevents::ingest
