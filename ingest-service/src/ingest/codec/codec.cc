#include "ingest/codec/codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/extract/extractor.h"

namespace newsevents::ingest {
namespace {

// The range google.protobuf.Timestamp allows: years 0001..9999.
constexpr std::int64_t kMinSeconds = -62135596800;
constexpr std::int64_t kMaxSeconds = 253402300799;

void EncodeTime(absl::Time t, google::protobuf::Timestamp* out) {
  const std::int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

absl::StatusOr<absl::Time> DecodeTime(absl::string_view field,
                                      const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": timestamp out of range (seconds ", ts.seconds(),
                     ", nanos ", ts.nanos(), ")"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void EncodeSpan(const TextSpan& in, v1::Span* out) {
  out->set_start(static_cast<std::int32_t>(in.start));
  out->set_end(static_cast<std::int32_t>(in.end));
}

void EncodeEntity(const EntityRef& in, v1::Entity* out) {
  out->set_id(in.id);
  out->set_name(in.name);
  out->set_kind(static_cast<v1::EntityKind>(in.kind));
  out->set_country(in.country);
  out->set_sector(in.sector);
  out->set_text(in.text);
  // A count below zero is a number too large for int64: saturated.
  out->set_count(in.count < 0 ? std::numeric_limits<std::int64_t>::max() : in.count);
}

void EncodePlace(const PlaceRef& in, v1::Place* out) {
  out->set_id(in.id);
  out->set_name(in.name);
  out->set_kind(static_cast<v1::PlaceKind>(in.kind));
  out->set_admin1(in.admin1);
  out->set_admin1_id(in.admin1_id);
  out->set_country(in.country);
  out->set_latitude(in.latitude);
  out->set_longitude(in.longitude);
  out->set_precision_km(in.precision_km);
  out->set_text(in.text);
}

// Relative times resolved against a publication date at the edge of the
// range ("last year" in year 1, "next year" in 9999) can fall outside it;
// the query service refuses such timestamps, so they are cut to the range.
absl::Time ClampTime(absl::Time t) {
  return std::clamp(t, absl::FromUnixSeconds(kMinSeconds),
                    absl::FromUnixSeconds(kMaxSeconds));
}

void EncodeTimeSpan(const TimeRef& in, v1::TimeSpan* out) {
  if (in.start) EncodeTime(ClampTime(*in.start), out->mutable_start());
  if (in.end) EncodeTime(ClampTime(*in.end), out->mutable_end());
  out->set_granularity(static_cast<v1::Granularity>(in.granularity));
  out->set_open_start(in.open_start);
  out->set_open_end(in.open_end);
  out->set_text(in.text);
}

// A bound below zero is a number too large for int64 ("99999999999999999999
// soldiers"): it is saturated. Bounds given the wrong way round ("between 9
// and 3") are swapped. The query service refuses figures that break
// 0 <= low <= high, and with them the whole article.
void EncodeFigureBounds(const FigureRef& in, v1::Figure* out) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t low = in.low < 0 ? kMax : in.low;
  if (!in.high) {
    out->set_low(low);
    return;
  }
  std::int64_t high = *in.high < 0 ? kMax : *in.high;
  if (high < low) std::swap(low, high);
  out->set_low(low);
  out->set_high(high);
}

void EncodeFigure(const FigureRef& in, v1::Figure* out) {
  out->set_kind(static_cast<v1::FigureKind>(in.kind));
  EncodeFigureBounds(in, out);
  out->set_qualifier(static_cast<v1::Qualifier>(in.qualifier));
  if (!in.counted.id.empty() || !in.counted.text.empty()) {
    EncodeEntity(in.counted, out->mutable_counted());
  }
  if (!in.source.id.empty()) EncodeEntity(in.source, out->mutable_source());
  out->set_text(in.text);
  EncodeSpan(in.span, out->mutable_span());
}

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

// The evidence sentence is cut to this many bytes around the trigger. A
// run-on "sentence" (a megabyte with no full stop) would otherwise be copied
// into every event read from it and make responses gigabytes long.
constexpr std::size_t kMaxEvidenceBytes = 1000;

void EncodeEvidenceSentence(const EventRecord& in, v1::Evidence* out) {
  const std::string& s = in.sentence;
  if (s.size() <= kMaxEvidenceBytes) {
    out->set_sentence(s);
    EncodeSpan(in.sentence_span, out->mutable_sentence_span());
    return;
  }
  const std::size_t trigger = in.trigger.start > in.sentence_span.start
                                  ? in.trigger.start - in.sentence_span.start
                                  : 0;
  std::size_t begin =
      trigger > kMaxEvidenceBytes / 2 ? trigger - kMaxEvidenceBytes / 2 : 0;
  begin = std::min(begin, s.size() - kMaxEvidenceBytes);
  std::size_t end = begin + kMaxEvidenceBytes;
  while (begin < end && IsUtf8Continuation(s[begin])) ++begin;
  while (end > begin && end < s.size() && IsUtf8Continuation(s[end])) --end;
  out->set_sentence(s.substr(begin, end - begin));
  v1::Span* span = out->mutable_sentence_span();
  span->set_start(static_cast<std::int32_t>(in.sentence_span.start + begin));
  span->set_end(static_cast<std::int32_t>(in.sentence_span.start + end));
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
}

std::string Shorten(absl::string_view value) {
  constexpr std::size_t kShown = 40;
  if (value.size() <= kShown) return std::string(value);
  // Never split a UTF-8 sequence: the message may travel in a proto string
  // (IngestArticlesResponse.status_message), which must be valid UTF-8.
  std::size_t cut = kShown;
  while (cut > 0 && IsUtf8Continuation(value[cut])) --cut;
  return absl::StrCat(value.substr(0, cut), "...");
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  }
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", Shorten(id), "' is longer than ",
                     kMaxIdLength, " characters"));
  }
  for (char c : id) {
    if (!IsIdChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " '", Shorten(id),
          "' has a character outside [A-Za-z0-9._:-]"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Document> DecodeArticle(const v1::Article& article,
                                       absl::string_view field,
                                       const ReadOptions& options) {
  if (!article.id().empty()) {
    absl::Status id_status = ValidateId(absl::StrCat(field, ".id"), article.id());
    if (!id_status.ok()) return id_status;
  }
  absl::StatusOr<Document> doc;
  if (!article.raw().empty()) {
    if (article.content_type().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".content_type is empty; raw documents need one of "
                 "text/plain, text/html, application/json"));
    }
    doc = ReadDocument(article.raw(), article.content_type(), options);
  } else {
    if (article.body().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".body is empty and ", field,
          ".raw is not set; send the article text in one of them"));
    }
    doc = FromFields(article.title(), article.body(), options);
  }
  if (!doc.ok()) {
    return absl::Status(doc.status().code(),
                        absl::StrCat(field, ": ", doc.status().message()));
  }
  // Structured fields win over what reading found.
  if (!article.title().empty()) doc->title = article.title();
  if (article.has_published_at()) {
    absl::StatusOr<absl::Time> t =
        DecodeTime(absl::StrCat(field, ".published_at"), article.published_at());
    if (!t.ok()) return t.status();
    doc->published = *t;
    doc->published_has_time = true;
  }
  if (article.authors_size() > 0) {
    doc->authors.assign(article.authors().begin(), article.authors().end());
  }
  if (!article.outlet().empty()) doc->outlet = article.outlet();
  if (!article.url().empty()) doc->url = article.url();
  if (!article.language().empty()) doc->language = article.language();
  if (doc->language.empty()) doc->language = "en";
  if (!article.id().empty()) doc->id = article.id();
  if (!doc->id.empty()) {
    absl::Status id_status = ValidateId(absl::StrCat(field, ".id"), doc->id);
    if (!id_status.ok()) return id_status;
  }
  // Strings from a document must be valid UTF-8 before they reach protobuf.
  for (std::string* s : {&doc->title, &doc->outlet, &doc->url, &doc->language}) {
    if (RepairUtf8(*s)) {
      doc->warnings.push_back(absl::StrCat(field, ": invalid utf-8 repaired in metadata"));
    }
  }
  for (std::string& a : doc->authors) RepairUtf8(a);
  return doc;
}

std::string ArticleIdFor(const Document& doc) {
  return doc.id.empty() ? DeriveArticleId(doc) : doc.id;
}

v1::ArticleInfo EncodeArticleInfo(const Document& doc,
                                  absl::string_view article_id,
                                  int event_count, int quote_count) {
  v1::ArticleInfo info;
  info.set_id(std::string(article_id));
  info.set_title(doc.title);
  if (doc.published) EncodeTime(*doc.published, info.mutable_published_at());
  for (const std::string& a : doc.authors) info.add_authors(a);
  info.set_outlet(doc.outlet);
  info.set_url(doc.url);
  info.set_language(doc.language);
  for (const Section& s : doc.sections) {
    v1::Section* out = info.add_sections();
    out->set_heading(s.heading);
    out->set_offset(static_cast<std::int32_t>(s.offset));
  }
  info.set_event_count(event_count);
  info.set_quote_count(quote_count);
  info.set_body_bytes(static_cast<std::int32_t>(doc.body.size()));
  return info;
}

void EncodeEvent(const EventRecord& in, absl::string_view article_id,
                 const Document& doc, v1::Event* out) {
  out->set_id(in.id);
  out->set_article_id(std::string(article_id));
  out->set_type(static_cast<v1::EventType>(in.type));
  out->set_mode(in.mode);
  for (const EntityRef& e : in.actors) EncodeEntity(e, out->add_actors());
  for (const EntityRef& e : in.recipients) EncodeEntity(e, out->add_recipients());
  for (const EntityRef& e : in.patients) EncodeEntity(e, out->add_patients());
  if (!in.place.id.empty()) EncodePlace(in.place, out->mutable_place());
  if (in.when.start || in.when.end) EncodeTimeSpan(in.when, out->mutable_when());
  for (const FigureRef& f : in.figures) EncodeFigure(f, out->add_figures());
  if (!in.according_to.id.empty()) {
    EncodeEntity(in.according_to, out->mutable_according_to());
  }
  out->set_modality(static_cast<v1::Modality>(in.modality));
  for (const std::string& q : in.quote_ids) out->add_quote_ids(q);
  v1::Evidence* ev = out->mutable_evidence();
  EncodeEvidenceSentence(in, ev);
  EncodeSpan(in.trigger, ev->mutable_trigger());
  for (const ArgumentRef& a : in.arguments) {
    v1::ArgumentSpan* arg = ev->add_arguments();
    arg->set_role(a.role);
    EncodeSpan(a.span, arg->mutable_span());
  }
  out->set_confidence(in.confidence);
  out->set_summary(in.summary);
  if (doc.published) EncodeTime(*doc.published, out->mutable_published_at());
}

void EncodeQuote(const QuoteRecord& in, absl::string_view article_id,
                 const Document& doc, v1::Quote* out) {
  out->set_id(in.id);
  out->set_article_id(std::string(article_id));
  if (!in.speaker.id.empty()) EncodeEntity(in.speaker, out->mutable_speaker());
  out->set_cue(in.cue);
  out->set_text(in.text);
  EncodeSpan(in.span, out->mutable_span());
  for (const std::string& e : in.event_ids) out->add_event_ids(e);
  if (doc.published) EncodeTime(*doc.published, out->mutable_published_at());
}

void EncodeAnnotation(const AnnotationRecord& in, v1::Annotation* out) {
  out->set_kind(static_cast<v1::Annotation::Kind>(in.kind));
  EncodeSpan(in.span, out->mutable_span());
  out->set_text(in.text);
  switch (in.kind) {
    case AnnotationRecord::Kind::kEntity:
      EncodeEntity(in.entity, out->mutable_entity());
      break;
    case AnnotationRecord::Kind::kPlace:
      EncodePlace(in.place, out->mutable_place());
      break;
    case AnnotationRecord::Kind::kTime:
      EncodeTimeSpan(in.time, out->mutable_time());
      break;
    case AnnotationRecord::Kind::kFigure:
      EncodeFigure(in.figure, out->mutable_figure());
      break;
    case AnnotationRecord::Kind::kUnspecified:
      break;
  }
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace newsevents::ingest
