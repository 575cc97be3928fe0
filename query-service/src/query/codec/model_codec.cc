#include "query/codec/model_codec.h"

#include <string>

namespace newsevents::query::codec {

std::optional<absl::Time> DecodeTime(bool present,
                                     const google::protobuf::Timestamp& t) {
  if (!present) return std::nullopt;
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void EncodeTime(absl::Time t, google::protobuf::Timestamp* out) {
  const std::int64_t seconds = absl::ToUnixSeconds(t);  // floors
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

namespace {

store::Span DecodeSpan(const v1::Span& in) { return {in.start(), in.end()}; }

void EncodeSpan(const store::Span& in, v1::Span* out) {
  out->set_start(in.start);
  out->set_end(in.end);
}

}  // namespace

store::Entity DecodeEntity(const v1::Entity& in) {
  store::Entity e;
  e.id = in.id();
  e.name = in.name();
  e.kind = static_cast<store::EntityKind>(in.kind());
  e.country = in.country();
  e.sector = in.sector();
  e.text = in.text();
  e.count = in.count();
  e.aliases.assign(in.aliases().begin(), in.aliases().end());
  return e;
}

store::Place DecodePlace(const v1::Place& in) {
  store::Place p;
  p.id = in.id();
  p.name = in.name();
  p.kind = static_cast<store::PlaceKind>(in.kind());
  p.admin1 = in.admin1();
  p.admin1_id = in.admin1_id();
  p.country = in.country();
  p.latitude = in.latitude();
  p.longitude = in.longitude();
  p.precision_km = in.precision_km();
  p.text = in.text();
  return p;
}

store::TimeSpan DecodeTimeSpan(const v1::TimeSpan& in) {
  store::TimeSpan t;
  t.start = DecodeTime(in.has_start(), in.start());
  t.end = DecodeTime(in.has_end(), in.end());
  t.granularity = static_cast<store::Granularity>(in.granularity());
  t.open_start = in.open_start();
  t.open_end = in.open_end();
  t.text = in.text();
  return t;
}

store::Figure DecodeFigure(const v1::Figure& in) {
  store::Figure f;
  f.kind = static_cast<store::FigureKind>(in.kind());
  f.low = in.low();
  if (in.has_high()) f.high = in.high();
  f.qualifier = static_cast<store::Qualifier>(in.qualifier());
  f.counted = DecodeEntity(in.counted());
  f.source = DecodeEntity(in.source());
  f.text = in.text();
  f.span = DecodeSpan(in.span());
  return f;
}

store::Event DecodeEvent(const v1::Event& in) {
  store::Event e;
  e.id = in.id();
  e.article_id = in.article_id();
  e.type = static_cast<store::EventType>(in.type());
  e.mode = in.mode();
  for (const auto& x : in.actors()) e.actors.push_back(DecodeEntity(x));
  for (const auto& x : in.recipients()) e.recipients.push_back(DecodeEntity(x));
  for (const auto& x : in.patients()) e.patients.push_back(DecodeEntity(x));
  e.place = DecodePlace(in.place());
  e.when = DecodeTimeSpan(in.when());
  for (const auto& f : in.figures()) e.figures.push_back(DecodeFigure(f));
  e.according_to = DecodeEntity(in.according_to());
  e.modality = static_cast<store::Modality>(in.modality());
  e.quote_ids.assign(in.quote_ids().begin(), in.quote_ids().end());
  e.evidence.sentence = in.evidence().sentence();
  e.evidence.sentence_span = DecodeSpan(in.evidence().sentence_span());
  e.evidence.trigger = DecodeSpan(in.evidence().trigger());
  for (const auto& a : in.evidence().arguments()) {
    e.evidence.arguments.push_back({a.role(), DecodeSpan(a.span())});
  }
  e.confidence = in.confidence();
  e.summary = in.summary();
  // ingested_at, revision and published_at are the store's to set.
  return e;
}

store::Quote DecodeQuote(const v1::Quote& in) {
  store::Quote q;
  q.id = in.id();
  q.article_id = in.article_id();
  q.speaker = DecodeEntity(in.speaker());
  q.cue = in.cue();
  q.text = in.text();
  q.span = DecodeSpan(in.span());
  q.event_ids.assign(in.event_ids().begin(), in.event_ids().end());
  return q;
}

store::ArticleInfo DecodeArticle(const v1::ArticleInfo& in) {
  store::ArticleInfo a;
  a.id = in.id();
  a.title = in.title();
  a.published_at = DecodeTime(in.has_published_at(), in.published_at());
  a.authors.assign(in.authors().begin(), in.authors().end());
  a.outlet = in.outlet();
  a.url = in.url();
  a.language = in.language();
  for (const auto& s : in.sections()) a.sections.push_back({s.heading(), s.offset()});
  a.body_bytes = in.body_bytes();
  return a;
}

void EncodeEntity(const store::Entity& in, v1::Entity* out) {
  out->Clear();
  out->set_id(in.id);
  out->set_name(in.name);
  out->set_kind(static_cast<v1::EntityKind>(in.kind));
  out->set_country(in.country);
  out->set_sector(in.sector);
  out->set_text(in.text);
  out->set_count(in.count);
  for (const std::string& a : in.aliases) out->add_aliases(a);
}

void EncodePlace(const store::Place& in, v1::Place* out) {
  out->Clear();
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

void EncodeTimeSpan(const store::TimeSpan& in, v1::TimeSpan* out) {
  out->Clear();
  if (in.start.has_value()) EncodeTime(*in.start, out->mutable_start());
  if (in.end.has_value()) EncodeTime(*in.end, out->mutable_end());
  out->set_granularity(static_cast<v1::Granularity>(in.granularity));
  out->set_open_start(in.open_start);
  out->set_open_end(in.open_end);
  out->set_text(in.text);
}

void EncodeFigure(const store::Figure& in, v1::Figure* out) {
  out->Clear();
  out->set_kind(static_cast<v1::FigureKind>(in.kind));
  out->set_low(in.low);
  if (in.high.has_value()) out->set_high(*in.high);
  out->set_qualifier(static_cast<v1::Qualifier>(in.qualifier));
  if (!in.counted.id.empty()) EncodeEntity(in.counted, out->mutable_counted());
  if (!in.source.id.empty()) EncodeEntity(in.source, out->mutable_source());
  out->set_text(in.text);
  EncodeSpan(in.span, out->mutable_span());
}

void EncodeEvent(const store::Event& in, v1::Event* out) {
  out->Clear();
  out->set_id(in.id);
  out->set_article_id(in.article_id);
  out->set_type(static_cast<v1::EventType>(in.type));
  out->set_mode(in.mode);
  for (const auto& x : in.actors) EncodeEntity(x, out->add_actors());
  for (const auto& x : in.recipients) EncodeEntity(x, out->add_recipients());
  for (const auto& x : in.patients) EncodeEntity(x, out->add_patients());
  if (!in.place.id.empty() || !in.place.text.empty()) {
    EncodePlace(in.place, out->mutable_place());
  }
  EncodeTimeSpan(in.when, out->mutable_when());
  for (const auto& f : in.figures) EncodeFigure(f, out->add_figures());
  if (!in.according_to.id.empty()) {
    EncodeEntity(in.according_to, out->mutable_according_to());
  }
  out->set_modality(static_cast<v1::Modality>(in.modality));
  for (const std::string& q : in.quote_ids) out->add_quote_ids(q);
  v1::Evidence* ev = out->mutable_evidence();
  ev->set_sentence(in.evidence.sentence);
  EncodeSpan(in.evidence.sentence_span, ev->mutable_sentence_span());
  EncodeSpan(in.evidence.trigger, ev->mutable_trigger());
  for (const auto& a : in.evidence.arguments) {
    v1::ArgumentSpan* arg = ev->add_arguments();
    arg->set_role(a.role);
    EncodeSpan(a.span, arg->mutable_span());
  }
  out->set_confidence(in.confidence);
  out->set_summary(in.summary);
  if (in.revision > 0) {
    EncodeTime(in.ingested_at, out->mutable_ingested_at());
    out->set_revision(in.revision);
  }
  if (in.published_at.has_value()) {
    EncodeTime(*in.published_at, out->mutable_published_at());
  }
  if (!in.identity.event_id.empty()) EncodeIdentity(in.identity, out->mutable_identity());
}

void EncodeIdentity(const store::EventIdentity& in, v1::EventIdentity* out) {
  out->set_event_id(in.event_id);
  v1::Corroboration* c = out->mutable_corroboration();
  c->set_mentions(in.corroboration.mentions);
  c->set_articles(in.corroboration.articles);
  c->set_outlets(in.corroboration.outlets);
  c->set_independent_outlets(in.corroboration.independent_outlets);
  EncodeTime(in.corroboration.first_seen, c->mutable_first_seen());
  EncodeTime(in.corroboration.last_seen, c->mutable_last_seen());
}

void EncodeQuote(const store::Quote& in, v1::Quote* out) {
  out->Clear();
  out->set_id(in.id);
  out->set_article_id(in.article_id);
  if (!in.speaker.id.empty()) EncodeEntity(in.speaker, out->mutable_speaker());
  out->set_cue(in.cue);
  out->set_text(in.text);
  EncodeSpan(in.span, out->mutable_span());
  for (const std::string& id : in.event_ids) out->add_event_ids(id);
  if (in.published_at.has_value()) {
    EncodeTime(*in.published_at, out->mutable_published_at());
  }
}

void EncodeArticle(const store::ArticleInfo& in, v1::ArticleInfo* out) {
  out->Clear();
  out->set_id(in.id);
  out->set_title(in.title);
  if (in.published_at.has_value()) {
    EncodeTime(*in.published_at, out->mutable_published_at());
  }
  for (const std::string& a : in.authors) out->add_authors(a);
  out->set_outlet(in.outlet);
  out->set_url(in.url);
  out->set_language(in.language);
  for (const auto& s : in.sections) {
    v1::Section* section = out->add_sections();
    section->set_heading(s.heading);
    section->set_offset(s.offset);
  }
  out->set_event_count(in.event_count);
  out->set_quote_count(in.quote_count);
  out->set_body_bytes(in.body_bytes);
  if (in.ingested_at != absl::UnixEpoch()) {
    EncodeTime(in.ingested_at, out->mutable_ingested_at());
  }
}

}  // namespace newsevents::query::codec
