#include "ingest/service/pipeline.h"

#include <utility>

#include "ingest/codec/codec.h"

namespace newsevents::ingest {

absl::StatusOr<ProcessedArticle> ProcessArticle(const v1::Article& article,
                                                absl::string_view field,
                                                const Extractor& extractor,
                                                const ReadOptions& options,
                                                bool with_annotations) {
  absl::StatusOr<Document> doc = DecodeArticle(article, field, options);
  if (!doc.ok()) return doc.status();
  ProcessedArticle out;
  out.article_id = ArticleIdFor(*doc);
  Extraction extraction = extractor.Extract(*doc, out.article_id);
  *out.append.mutable_article() = EncodeArticleInfo(
      *doc, out.article_id, static_cast<int>(extraction.events.size()),
      static_cast<int>(extraction.quotes.size()));
  for (const EventRecord& e : extraction.events) {
    EncodeEvent(e, out.article_id, *doc, out.append.add_events());
  }
  for (const QuoteRecord& q : extraction.quotes) {
    EncodeQuote(q, out.article_id, *doc, out.append.add_quotes());
  }
  if (with_annotations) {
    for (const AnnotationRecord& a : extraction.annotations) {
      EncodeAnnotation(a, out.annotations.Add());
    }
  }
  out.warnings = std::move(doc->warnings);
  out.body = std::move(doc->body);
  return out;
}

}  // namespace newsevents::ingest
