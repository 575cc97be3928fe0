// Proto <-> ingest core: request validation and encoding of extraction
// results into newsevents.v1 messages. This is where untrusted input is
// checked; the core below assumes valid input.
#ifndef NEWSEVENTS_INGEST_CODEC_CODEC_H_
#define NEWSEVENTS_INGEST_CODEC_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "ingest/document/document.h"
#include "ingest/extract/model.h"
#include "newsevents/v1/events.pb.h"

namespace newsevents::ingest {

// Longest accepted id, and the accepted characters: [A-Za-z0-9._:-].
inline constexpr std::size_t kMaxIdLength = 128;

// OK when `id` is a well-formed id; INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateId(absl::string_view field, absl::string_view id);

// Validates `article` and reads it into a Document: `raw` + `content_type`
// through ReadDocument, else the structured fields. Structured fields set
// alongside `raw` override what reading found. `field` prefixes messages
// ("article"). Errors are INVALID_ARGUMENT naming the field and value.
absl::StatusOr<Document> DecodeArticle(const v1::Article& article,
                                       absl::string_view field,
                                       const ReadOptions& options);

// The article id to use: the client's, else DeriveArticleId(doc).
std::string ArticleIdFor(const Document& doc);

// What the query service keeps of the article.
v1::ArticleInfo EncodeArticleInfo(const Document& doc,
                                  absl::string_view article_id,
                                  int event_count, int quote_count);

// Encodes one extraction result. `published` is copied into every event and
// quote as the report time. The evidence sentence is cut to 1000 bytes
// around the trigger (its span with it); values the query service would
// refuse are brought into range: figures and counts too large for int64
// saturate, reversed figure bounds are swapped, and times are cut to the
// Timestamp range (years 0001..9999).
void EncodeEvent(const EventRecord& in, absl::string_view article_id,
                 const Document& doc, v1::Event* out);
void EncodeQuote(const QuoteRecord& in, absl::string_view article_id,
                 const Document& doc, v1::Quote* out);
void EncodeAnnotation(const AnnotationRecord& in, v1::Annotation* out);

// absl::Status -> grpc::Status (the codes are the same numbers).
grpc::Status ToGrpcStatus(const absl::Status& status);
// grpc::Status -> absl::Status.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_CODEC_CODEC_H_
