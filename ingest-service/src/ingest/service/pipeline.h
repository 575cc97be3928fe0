// The ingest pipeline as free functions, so that it is testable without a
// server: read and validate an article, extract, encode the results.
#ifndef NEWSEVENTS_INGEST_SERVICE_PIPELINE_H_
#define NEWSEVENTS_INGEST_SERVICE_PIPELINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"
#include "newsevents/v1/ingest_service.pb.h"
#include "newsevents/v1/query_service.pb.h"

namespace newsevents::ingest {

// One article, read and extracted, encoded for the wire.
struct ProcessedArticle {
  std::string article_id;
  v1::AppendArticleRequest append;  // article info, events, quotes
  std::vector<std::string> warnings;
  std::string body;                 // what offsets index
  google::protobuf::RepeatedPtrField<v1::Annotation> annotations;
};

// Validates and reads `article` (field name prefix `field`), extracts and
// encodes. INVALID_ARGUMENT names the field and value.
absl::StatusOr<ProcessedArticle> ProcessArticle(const v1::Article& article,
                                                absl::string_view field,
                                                const Extractor& extractor,
                                                const ReadOptions& options,
                                                bool with_annotations);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_SERVICE_PIPELINE_H_
