// Stage 1: sentences and tokens with byte offsets into the article body.
//
// Sentences come from ICU's sentence BreakIterator (English, with the CLDR
// abbreviation suppressions), then corrected: no break after a title
// abbreviation ("Gen.", "Lt. Col."), an initial ("J."), or a month
// abbreviation before a day number ("Dec. 26"). Paragraph breaks (blank
// lines) always end a sentence.
//
// Pure; thread-safe (ICU iterators are per call).
#ifndef NEWSEVENTS_INGEST_EXTRACT_SEGMENT_H_
#define NEWSEVENTS_INGEST_EXTRACT_SEGMENT_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/resources/resources.h"
#include "ingest/resources/text.h"

namespace newsevents::ingest {

struct Sentence {
  std::size_t start = 0, end = 0;          // bytes, trailing blanks excluded
  std::size_t tok_begin = 0, tok_end = 0;  // token indexes [begin, end)
  int paragraph = 0;
};

struct Segmentation {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
};

Segmentation Segment(absl::string_view body, const Resources& res);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_EXTRACT_SEGMENT_H_
