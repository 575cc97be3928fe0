// The extractor: Document -> events, quotes and annotations.
//
// Pure: Abseil, ICU and the data files; no gRPC, no generated protos.
// Thread-safety: an Extractor is immutable after Create(); Extract() may be
// called from many threads at once.
#ifndef NEWSEVENTS_INGEST_EXTRACT_EXTRACTOR_H_
#define NEWSEVENTS_INGEST_EXTRACT_EXTRACTOR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest/document/document.h"
#include "ingest/extract/model.h"

namespace newsevents::ingest {

class Resources;  // ingest/resources/resources.h

class Extractor {
 public:
  // Loads the data files (gazetteer, actors, lexicons) from `resources_dir`.
  // NOT_FOUND / INVALID_ARGUMENT name the file and line that failed.
  static absl::StatusOr<std::unique_ptr<Extractor>> Create(
      const std::string& resources_dir);
  // As above, with the lexicons taken from `lexicon_dir` instead of
  // `resources_dir`/lexicon (tests pair small gazetteers with real lexicons).
  static absl::StatusOr<std::unique_ptr<Extractor>> Create(
      const std::string& resources_dir, const std::string& lexicon_dir);
  ~Extractor();

  // Extracts events, quotes and annotations from `doc`, with ids derived from
  // `article_id` and the content (stable across runs and machines).
  // Never fails: a document with nothing to find gives an empty Extraction.
  Extraction Extract(const Document& doc, absl::string_view article_id) const;

  const Resources& resources() const { return *resources_; }

 private:
  explicit Extractor(std::unique_ptr<Resources> resources);
  std::unique_ptr<Resources> resources_;
};

// "art_" + 32 lower-case hex digits of a 128-bit hash of title and body.
std::string DeriveArticleId(const Document& doc);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_EXTRACT_EXTRACTOR_H_
