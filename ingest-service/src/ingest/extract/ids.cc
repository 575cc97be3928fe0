#include "ingest/extract/ids.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "xxhash.h"

namespace newsevents::ingest {
namespace {

std::string Hex64(absl::string_view prefix, const std::string& key) {
  return absl::StrCat(prefix,
                      absl::StrFormat("%016x", XXH3_64bits(key.data(), key.size())));
}

}  // namespace

std::string EventId(absl::string_view article_id, const EventRecord& ev) {
  return Hex64("ev_", absl::StrCat(article_id, "\x1f", static_cast<int>(ev.type), "\x1f",
                                   ev.mode, "\x1f", ev.trigger.start, ":", ev.trigger.end));
}

std::string QuoteId(absl::string_view article_id, const QuoteRecord& q) {
  return Hex64("q_", absl::StrCat(article_id, "\x1f", q.span.start, ":", q.span.end));
}

void AssignIds(absl::string_view article_id, Extraction& x) {
  for (EventRecord& e : x.events) e.id = EventId(article_id, e);
  for (QuoteRecord& q : x.quotes) q.id = QuoteId(article_id, q);
}

}  // namespace newsevents::ingest
