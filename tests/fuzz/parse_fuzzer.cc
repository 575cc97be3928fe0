// libFuzzer target for date and number parsing. The input is taken three
// ways: as a publication date for ParseDate, and as a short number or time
// phrase placed into sentences (and alone) that the extractor reads against
// a fixed publication date, with the fixture gazetteer and the real
// lexicons. Beyond crashes and sanitizer reports it aborts when
//   - ParseDate accepts a date outside 1900..2100 or says has_time without
//     a date;
//   - a span of the extraction lies outside the body;
//   - what the ingest service would send for the article (its codec's
//     encoding) is refused by the query service's validation: figures must
//     keep 0 <= low <= high, times must lie in the years 0001..9999 with
//     start <= end. A refusal there loses the whole article.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ingest/codec/codec.h"
#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"
#include "newsevents/v1/query_service.pb.h"
#include "query/codec/request_codec.h"

namespace {

using newsevents::ingest::AnnotationRecord;
using newsevents::ingest::Document;
using newsevents::ingest::Extractor;

void Check(bool condition) {
  if (!condition) std::abort();
}

const Extractor& Shared() {
  static const Extractor* x = [] {
    auto e = Extractor::Create(NEWSEVENTS_FUZZ_FIXTURE_DIR, NEWSEVENTS_FUZZ_LEXICON_DIR);
    if (!e.ok()) std::abort();
    return e->release();
  }();
  return *x;
}

void CheckDate(absl::string_view text) {
  bool has_time = false;
  const std::optional<absl::Time> t = newsevents::ingest::ParseDate(text, &has_time);
  if (!t.has_value()) {
    Check(!has_time);
    return;
  }
  // Years 1900..2100; a zone offset of up to 14 hours may cross a year.
  const absl::CivilYear year = absl::ToCivilYear(*t, absl::UTCTimeZone());
  Check(year.year() >= 1899 && year.year() <= 2101);
}

void CheckSpan(std::size_t start, std::size_t end, std::size_t size) {
  Check(start <= end && end <= size);
}

void CheckExtraction(const Document& doc) {
  const std::string article_id = "art_fuzz";
  const auto x = Shared().Extract(doc, article_id);
  const std::size_t n = doc.body.size();
  for (const auto& e : x.events) {
    CheckSpan(e.trigger.start, e.trigger.end, n);
    CheckSpan(e.sentence_span.start, e.sentence_span.end, n);
    for (const auto& f : e.figures) CheckSpan(f.span.start, f.span.end, n);
  }
  for (const auto& q : x.quotes) CheckSpan(q.span.start, q.span.end, n);
  for (const AnnotationRecord& a : x.annotations) CheckSpan(a.span.start, a.span.end, n);

  // What IngestArticle would append, through the query service's checks.
  newsevents::v1::AppendArticleRequest append;
  *append.mutable_article() =
      newsevents::ingest::EncodeArticleInfo(doc, article_id, static_cast<int>(x.events.size()),
                                            static_cast<int>(x.quotes.size()));
  for (const auto& e : x.events) {
    newsevents::ingest::EncodeEvent(e, article_id, doc, append.add_events());
  }
  for (const auto& q : x.quotes) {
    newsevents::ingest::EncodeQuote(q, article_id, doc, append.add_quotes());
  }
  const auto decoded = newsevents::query::codec::DecodeAppendArticle(append);
  if (!decoded.ok()) {
    std::fprintf(stderr, "query service refuses the append: %s\n",
                 std::string(decoded.status().message()).c_str());
    std::abort();
  }
}

Document WithBody(std::string body, absl::Time published) {
  Document doc;
  doc.published = published;
  doc.language = "en";
  doc.body = std::move(body);
  newsevents::ingest::RepairUtf8(doc.body);
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Phrases are short; longer inputs only slow the search down.
  if (size > 256) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckDate(text);

  // Publication dates: an ordinary one and the edges of what documents
  // (ParseDate) and clients (published_at) may give.
  static const absl::Time kPublished[] = {
      absl::FromCivil(absl::CivilDay(2024, 12, 27), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilSecond(2100, 12, 31, 23, 0, 0), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilDay(1900, 1, 1), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 12, 0, 0), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilDay(1, 1, 1), absl::UTCTimeZone()),
  };
  const absl::Time published = kPublished[size % 5];

  // The phrase as a count of casualties and as the time of an event.
  CheckExtraction(WithBody(
      absl::StrCat("Ukrainian officials said ", text, " soldiers were killed in Kharkiv.\n\n",
                   "Russian forces shelled Kyiv ", text, ", injuring ", text,
                   " civilians.\n\n", text, ", protesters gathered in Moscow."),
      published));
  // The phrase alone.
  Document alone = WithBody(std::string(text), published);
  if (!alone.body.empty()) CheckExtraction(alone);
  return 0;
}
