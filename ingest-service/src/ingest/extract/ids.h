// Stable ids for articles, events and quotes (XXH3 over content and
// offsets): the same input gives the same ids on every run and machine.
#ifndef NEWSEVENTS_INGEST_EXTRACT_IDS_H_
#define NEWSEVENTS_INGEST_EXTRACT_IDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ingest/extract/model.h"

namespace newsevents::ingest {

// "ev_" + 16 hex digits over article id, type, mode and trigger offsets.
std::string EventId(absl::string_view article_id, const EventRecord& ev);
// "q_" + 16 hex digits over article id and the quote's offsets.
std::string QuoteId(absl::string_view article_id, const QuoteRecord& q);
// Fills event and quote ids in place.
void AssignIds(absl::string_view article_id, Extraction& x);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_EXTRACT_IDS_H_
