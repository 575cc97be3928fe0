#include "query/codec/request_codec.h"

#include <cmath>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_field.h"
#include "query/codec/model_codec.h"
#include "query/store/status_macros.h"

namespace newsevents::query::codec {
namespace {

// Timestamps the proto allows: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr std::int64_t kMinSeconds = -62135596800;
constexpr std::int64_t kMaxSeconds = 253402300799;
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxTokenBytes = 512;
constexpr std::size_t kMaxTextFilterBytes = 1000;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// A value quoted for an error message: escaped, and cut when long.
std::string Quoted(absl::string_view value) {
  constexpr std::size_t kMax = 64;
  std::string out = absl::CHexEscape(value.substr(0, kMax));
  return absl::StrCat("'", out, value.size() > kMax ? "...'" : "'");
}

std::string Indexed(absl::string_view field, int i) {
  return absl::StrCat(field, "[", i, "]");
}

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& t,
                               absl::string_view field) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds ||
      t.nanos() < 0 || t.nanos() > 999999999) {
    return Invalid(field, absl::StrCat("invalid timestamp (seconds ",
                                       t.seconds(), ", nanos ", t.nanos(), ")"));
  }
  return absl::OkStatus();
}

std::string FormatTime(const google::protobuf::Timestamp& t) {
  return absl::FormatTime(absl::RFC3339_full, *DecodeTime(true, t),
                          absl::UTCTimeZone());
}

// start < end when both are set.
absl::Status ValidateRange(bool has_start, const google::protobuf::Timestamp& start,
                           bool has_end, const google::protobuf::Timestamp& end,
                           absl::string_view field, absl::string_view start_name,
                           absl::string_view end_name, bool allow_equal) {
  if (has_start) {
    QUERY_RETURN_IF_ERROR(ValidateTimestamp(start, absl::StrCat(field, start_name)));
  }
  if (has_end) {
    QUERY_RETURN_IF_ERROR(ValidateTimestamp(end, absl::StrCat(field, end_name)));
  }
  if (has_start && has_end) {
    const absl::Time s = *DecodeTime(true, start);
    const absl::Time e = *DecodeTime(true, end);
    if (s > e || (s == e && !allow_equal)) {
      return Invalid(absl::StrCat(field, start_name),
                     absl::StrCat(FormatTime(start), " is not before ",
                                  absl::StrCat(field, end_name), " ",
                                  FormatTime(end)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateIds(const google::protobuf::RepeatedPtrField<std::string>& ids,
                         absl::string_view field) {
  if (ids.size() > kMaxFilterValues) {
    return Invalid(field, absl::StrCat("at most ", kMaxFilterValues,
                                       " values, got ", ids.size()));
  }
  for (int i = 0; i < ids.size(); ++i) {
    QUERY_RETURN_IF_ERROR(ValidateId(ids[i], Indexed(field, i)));
  }
  return absl::OkStatus();
}

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

absl::Status ValidateCountry(absl::string_view country, absl::string_view field) {
  bool ok = country.size() == 3;
  for (char c : country) ok = ok && c >= 'A' && c <= 'Z';
  if (!ok) {
    return Invalid(field, absl::StrCat("malformed country ", Quoted(country),
                                       " (ISO 3166-1 alpha-3 such as 'RUS')"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePageSize(int page_size) {
  if (page_size < 0 || page_size > store::kMaxPageSize) {
    return Invalid("page_size", absl::StrCat("must be in 0..", store::kMaxPageSize,
                                             ", got ", page_size));
  }
  return absl::OkStatus();
}

absl::Status ValidatePageToken(absl::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  return absl::OkStatus();
}

// `required`: an empty id is an error rather than "no entity".
absl::Status ValidateEntity(const v1::Entity& e, absl::string_view field,
                            bool required) {
  if (required || !e.id().empty()) {
    QUERY_RETURN_IF_ERROR(ValidateId(e.id(), absl::StrCat(field, ".id")));
  }
  if (!v1::EntityKind_IsValid(e.kind())) {
    return Invalid(absl::StrCat(field, ".kind"),
                   absl::StrCat("unknown entity kind ", e.kind()));
  }
  if (!e.country().empty()) {
    QUERY_RETURN_IF_ERROR(ValidateCountry(e.country(), absl::StrCat(field, ".country")));
  }
  if (e.count() < 0) {
    return Invalid(absl::StrCat(field, ".count"),
                   absl::StrCat("must not be negative, got ", e.count()));
  }
  return absl::OkStatus();
}

absl::Status ValidateSpan(const v1::Span& s, absl::string_view field) {
  if (s.start() < 0 || s.end() < s.start()) {
    return Invalid(field, absl::StrCat("invalid span [", s.start(), ", ", s.end(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEvent(const v1::Event& e, absl::string_view article_id,
                           absl::string_view field) {
  QUERY_RETURN_IF_ERROR(ValidateId(e.id(), absl::StrCat(field, ".id")));
  if (!e.article_id().empty() && e.article_id() != article_id) {
    return Invalid(absl::StrCat(field, ".article_id"),
                   absl::StrCat(Quoted(e.article_id()), " differs from article.id ",
                                Quoted(article_id)));
  }
  if (e.type() == v1::EVENT_TYPE_UNSPECIFIED) {
    return Invalid(absl::StrCat(field, ".type"), "unspecified");
  }
  if (!v1::EventType_IsValid(e.type())) {
    return Invalid(absl::StrCat(field, ".type"),
                   absl::StrCat("unknown event type ", e.type()));
  }
  if (!v1::Modality_IsValid(e.modality())) {
    return Invalid(absl::StrCat(field, ".modality"),
                   absl::StrCat("unknown modality ", e.modality()));
  }
  if (e.mode().size() > kMaxNameBytes) {
    return Invalid(absl::StrCat(field, ".mode"), "longer than 256 bytes");
  }
  struct Role {
    const char* name;
    const google::protobuf::RepeatedPtrField<v1::Entity>* list;
  };
  for (const Role& role : {Role{"actors", &e.actors()},
                           Role{"recipients", &e.recipients()},
                           Role{"patients", &e.patients()}}) {
    for (int i = 0; i < role.list->size(); ++i) {
      QUERY_RETURN_IF_ERROR(ValidateEntity(
          (*role.list)[i], Indexed(absl::StrCat(field, ".", role.name), i), true));
    }
  }
  QUERY_RETURN_IF_ERROR(
      ValidateEntity(e.according_to(), absl::StrCat(field, ".according_to"), false));
  const v1::Place& p = e.place();
  if (!p.id().empty()) {
    QUERY_RETURN_IF_ERROR(ValidateId(p.id(), absl::StrCat(field, ".place.id")));
  }
  if (!p.admin1_id().empty()) {
    QUERY_RETURN_IF_ERROR(
        ValidateId(p.admin1_id(), absl::StrCat(field, ".place.admin1_id")));
  }
  if (!p.country().empty()) {
    QUERY_RETURN_IF_ERROR(
        ValidateCountry(p.country(), absl::StrCat(field, ".place.country")));
  }
  if (!v1::PlaceKind_IsValid(p.kind())) {
    return Invalid(absl::StrCat(field, ".place.kind"),
                   absl::StrCat("unknown place kind ", p.kind()));
  }
  if (!(p.latitude() >= -90 && p.latitude() <= 90) ||
      !(p.longitude() >= -180 && p.longitude() <= 180)) {
    return Invalid(absl::StrCat(field, ".place"),
                   absl::StrCat("coordinates out of range (", p.latitude(), ", ",
                                p.longitude(), ")"));
  }
  const v1::TimeSpan& w = e.when();
  QUERY_RETURN_IF_ERROR(ValidateRange(w.has_start(), w.start(), w.has_end(),
                                      w.end(), absl::StrCat(field, ".when"),
                                      ".start", ".end", /*allow_equal=*/true));
  if (!v1::Granularity_IsValid(w.granularity())) {
    return Invalid(absl::StrCat(field, ".when.granularity"),
                   absl::StrCat("unknown granularity ", w.granularity()));
  }
  for (int i = 0; i < e.figures_size(); ++i) {
    const v1::Figure& f = e.figures(i);
    const std::string ff = Indexed(absl::StrCat(field, ".figures"), i);
    if (!v1::FigureKind_IsValid(f.kind())) {
      return Invalid(absl::StrCat(ff, ".kind"),
                     absl::StrCat("unknown figure kind ", f.kind()));
    }
    if (!v1::Qualifier_IsValid(f.qualifier())) {
      return Invalid(absl::StrCat(ff, ".qualifier"),
                     absl::StrCat("unknown qualifier ", f.qualifier()));
    }
    if (f.low() < 0) {
      return Invalid(absl::StrCat(ff, ".low"),
                     absl::StrCat("must not be negative, got ", f.low()));
    }
    if (f.has_high() && f.high() < f.low()) {
      return Invalid(ff, absl::StrCat("low ", f.low(), " is above high ", f.high()));
    }
    QUERY_RETURN_IF_ERROR(ValidateEntity(f.counted(), absl::StrCat(ff, ".counted"), false));
    QUERY_RETURN_IF_ERROR(ValidateEntity(f.source(), absl::StrCat(ff, ".source"), false));
  }
  for (int i = 0; i < e.quote_ids_size(); ++i) {
    QUERY_RETURN_IF_ERROR(
        ValidateId(e.quote_ids(i), Indexed(absl::StrCat(field, ".quote_ids"), i)));
  }
  QUERY_RETURN_IF_ERROR(ValidateSpan(e.evidence().sentence_span(),
                                     absl::StrCat(field, ".evidence.sentence_span")));
  QUERY_RETURN_IF_ERROR(
      ValidateSpan(e.evidence().trigger(), absl::StrCat(field, ".evidence.trigger")));
  if (!(e.confidence() >= 0 && e.confidence() <= 1)) {
    return Invalid(absl::StrCat(field, ".confidence"),
                   absl::StrCat("must be in 0..1, got ", e.confidence()));
  }
  return absl::OkStatus();
}

absl::Status ValidateQuote(const v1::Quote& q, absl::string_view article_id,
                           absl::string_view field) {
  QUERY_RETURN_IF_ERROR(ValidateId(q.id(), absl::StrCat(field, ".id")));
  if (!q.article_id().empty() && q.article_id() != article_id) {
    return Invalid(absl::StrCat(field, ".article_id"),
                   absl::StrCat(Quoted(q.article_id()), " differs from article.id ",
                                Quoted(article_id)));
  }
  QUERY_RETURN_IF_ERROR(ValidateEntity(q.speaker(), absl::StrCat(field, ".speaker"), false));
  for (int i = 0; i < q.event_ids_size(); ++i) {
    QUERY_RETURN_IF_ERROR(
        ValidateId(q.event_ids(i), Indexed(absl::StrCat(field, ".event_ids"), i)));
  }
  return ValidateSpan(q.span(), absl::StrCat(field, ".span"));
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return Invalid(field, "missing");
  bool ok = id.size() <= kMaxIdLength;
  for (char c : id) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
                c == '-');
  }
  if (!ok) {
    return Invalid(field, absl::StrCat("malformed id ", Quoted(id),
                                       " (1..128 characters of A-Z a-z 0-9 . _ : -)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<AppendInput> DecodeAppendArticle(
    const v1::AppendArticleRequest& request) {
  if (!request.has_article()) return Invalid("article", "missing");
  const v1::ArticleInfo& a = request.article();
  QUERY_RETURN_IF_ERROR(ValidateId(a.id(), "article.id"));
  if (a.has_published_at()) {
    QUERY_RETURN_IF_ERROR(ValidateTimestamp(a.published_at(), "article.published_at"));
  }
  if (a.body_bytes() < 0) {
    return Invalid("article.body_bytes",
                   absl::StrCat("must not be negative, got ", a.body_bytes()));
  }
  if (request.events_size() > kMaxEventsPerAppend) {
    return Invalid("events", absl::StrCat("at most ", kMaxEventsPerAppend,
                                          " per article, got ", request.events_size()));
  }
  if (request.quotes_size() > kMaxQuotesPerAppend) {
    return Invalid("quotes", absl::StrCat("at most ", kMaxQuotesPerAppend,
                                          " per article, got ", request.quotes_size()));
  }
  AppendInput in;
  in.article = DecodeArticle(a);
  in.events.reserve(static_cast<std::size_t>(request.events_size()));
  for (int i = 0; i < request.events_size(); ++i) {
    QUERY_RETURN_IF_ERROR(ValidateEvent(request.events(i), a.id(), Indexed("events", i)));
    in.events.push_back(DecodeEvent(request.events(i)));
  }
  for (int i = 0; i < request.quotes_size(); ++i) {
    QUERY_RETURN_IF_ERROR(ValidateQuote(request.quotes(i), a.id(), Indexed("quotes", i)));
    in.quotes.push_back(DecodeQuote(request.quotes(i)));
  }
  return in;
}

absl::StatusOr<std::string> DecodeGetEvent(const v1::GetEventRequest& request) {
  QUERY_RETURN_IF_ERROR(ValidateId(request.id(), "id"));
  return request.id();
}

absl::StatusOr<std::string> DecodeGetArticle(const v1::GetArticleRequest& request) {
  QUERY_RETURN_IF_ERROR(ValidateId(request.id(), "id"));
  return request.id();
}

absl::StatusOr<store::EventFilter> DecodeFilter(const v1::EventFilter& filter,
                                                absl::string_view field) {
  store::EventFilter out;
  const std::string f(field);
  bool any_type = false;
  if (filter.types_size() > kMaxFilterValues) {
    return Invalid(absl::StrCat(f, ".types"), "too many values");
  }
  for (int i = 0; i < filter.types_size(); ++i) {
    const int t = filter.types(i);
    if (!v1::EventType_IsValid(t)) {
      return Invalid(Indexed(absl::StrCat(f, ".types"), i),
                     absl::StrCat("unknown event type ", t));
    }
    if (t == v1::EVENT_TYPE_UNSPECIFIED) any_type = true;
    out.types.push_back(static_cast<store::EventType>(t));
  }
  if (any_type) out.types.clear();  // "unspecified" = any type

  bool any_modality = false;
  if (filter.modalities_size() > kMaxFilterValues) {
    return Invalid(absl::StrCat(f, ".modalities"), "too many values");
  }
  for (int i = 0; i < filter.modalities_size(); ++i) {
    const int m = filter.modalities(i);
    if (!v1::Modality_IsValid(m)) {
      return Invalid(Indexed(absl::StrCat(f, ".modalities"), i),
                     absl::StrCat("unknown modality ", m));
    }
    if (m == v1::MODALITY_UNSPECIFIED) any_modality = true;
    out.modalities.push_back(static_cast<store::Modality>(m));
  }
  if (any_modality) {  // "unspecified" = any modality, not the default set
    out.modalities.clear();
    for (int m = 1; m <= store::kMaxModality; ++m) {
      out.modalities.push_back(static_cast<store::Modality>(m));
    }
  }

  QUERY_RETURN_IF_ERROR(ValidateIds(filter.modes(), absl::StrCat(f, ".modes")));
  QUERY_RETURN_IF_ERROR(ValidateIds(filter.entity_ids(), absl::StrCat(f, ".entity_ids")));
  QUERY_RETURN_IF_ERROR(ValidateIds(filter.actor_ids(), absl::StrCat(f, ".actor_ids")));
  QUERY_RETURN_IF_ERROR(
      ValidateIds(filter.recipient_ids(), absl::StrCat(f, ".recipient_ids")));
  QUERY_RETURN_IF_ERROR(ValidateIds(filter.place_ids(), absl::StrCat(f, ".place_ids")));
  QUERY_RETURN_IF_ERROR(
      ValidateIds(filter.article_ids(), absl::StrCat(f, ".article_ids")));
  QUERY_RETURN_IF_ERROR(ValidateIds(filter.source_ids(), absl::StrCat(f, ".source_ids")));
  QUERY_RETURN_IF_ERROR(ValidateIds(filter.event_ids(), absl::StrCat(f, ".event_ids")));
  if (filter.entity_names_size() > kMaxFilterValues) {
    return Invalid(absl::StrCat(f, ".entity_names"), "too many values");
  }
  for (int i = 0; i < filter.entity_names_size(); ++i) {
    const std::string& name = filter.entity_names(i);
    if (name.empty() || name.size() > kMaxNameBytes) {
      return Invalid(Indexed(absl::StrCat(f, ".entity_names"), i),
                     absl::StrCat("must be 1..", kMaxNameBytes, " bytes, got ",
                                  Quoted(name)));
    }
  }
  if (filter.countries_size() > kMaxFilterValues) {
    return Invalid(absl::StrCat(f, ".countries"), "too many values");
  }
  for (int i = 0; i < filter.countries_size(); ++i) {
    QUERY_RETURN_IF_ERROR(
        ValidateCountry(filter.countries(i), Indexed(absl::StrCat(f, ".countries"), i)));
  }
  QUERY_RETURN_IF_ERROR(ValidateRange(filter.has_start_time(), filter.start_time(),
                                      filter.has_end_time(), filter.end_time(), f,
                                      ".start_time", ".end_time",
                                      /*allow_equal=*/false));

  out.modes = Strings(filter.modes());
  out.entity_ids = Strings(filter.entity_ids());
  out.actor_ids = Strings(filter.actor_ids());
  out.recipient_ids = Strings(filter.recipient_ids());
  out.entity_names = Strings(filter.entity_names());
  out.countries = Strings(filter.countries());
  out.place_ids = Strings(filter.place_ids());
  out.start_time = DecodeTime(filter.has_start_time(), filter.start_time());
  out.end_time = DecodeTime(filter.has_end_time(), filter.end_time());
  out.article_ids = Strings(filter.article_ids());
  out.source_ids = Strings(filter.source_ids());
  out.event_ids = Strings(filter.event_ids());
  return out;
}

absl::StatusOr<store::ListEventsQuery> DecodeListEvents(
    const v1::ListEventsRequest& request) {
  store::ListEventsQuery q;
  QUERY_ASSIGN_OR_RETURN(q.filter, DecodeFilter(request.filter(), "filter"));
  QUERY_RETURN_IF_ERROR(ValidatePageSize(request.page_size()));
  QUERY_RETURN_IF_ERROR(ValidatePageToken(request.page_token()));
  q.page_size = request.page_size();
  q.page_token = request.page_token();
  switch (request.order_by()) {
    case v1::ORDER_BY_UNSPECIFIED:
    case v1::ORDER_BY_EVENT_TIME_DESC:
      q.order_by = store::OrderBy::kEventTimeDesc;
      break;
    case v1::ORDER_BY_EVENT_TIME_ASC:
      q.order_by = store::OrderBy::kEventTimeAsc;
      break;
    case v1::ORDER_BY_INGEST_TIME_DESC:
      q.order_by = store::OrderBy::kIngestTimeDesc;
      break;
    case v1::ORDER_BY_INGEST_TIME_ASC:
      q.order_by = store::OrderBy::kIngestTimeAsc;
      break;
    default:
      return Invalid("order_by", absl::StrCat("unknown order ", request.order_by()));
  }
  q.mentions = request.mentions();
  if (request.min_articles() < 0) {
    return Invalid("min_articles",
                   absl::StrCat("must not be negative, got ", request.min_articles()));
  }
  if (request.min_independent_outlets() < 0) {
    return Invalid("min_independent_outlets",
                   absl::StrCat("must not be negative, got ",
                                request.min_independent_outlets()));
  }
  q.min_articles = request.min_articles();
  q.min_independent_outlets = request.min_independent_outlets();
  return q;
}

absl::StatusOr<store::ListEventsQuery> DecodeListMentions(
    const v1::ListMentionsRequest& request) {
  QUERY_RETURN_IF_ERROR(ValidateId(request.event_id(), "event_id"));
  QUERY_RETURN_IF_ERROR(ValidatePageSize(request.page_size()));
  QUERY_RETURN_IF_ERROR(ValidatePageToken(request.page_token()));
  store::ListEventsQuery q;
  q.filter.event_ids.push_back(request.event_id());
  // Every modality: a denied report of the event is still one of its mentions.
  for (int m = 1; m <= store::kMaxModality; ++m) {
    q.filter.modalities.push_back(static_cast<store::Modality>(m));
  }
  q.page_size = request.page_size();
  q.page_token = request.page_token();
  q.order_by = store::OrderBy::kIngestTimeAsc;
  q.mentions = true;
  return q;
}

absl::StatusOr<store::AggregateQuery> DecodeAggregateEvents(
    const v1::AggregateEventsRequest& request) {
  store::AggregateQuery q;
  QUERY_ASSIGN_OR_RETURN(q.filter, DecodeFilter(request.filter(), "filter"));
  const int n = request.group_by_size();
  if (n < 1 || n > 2) {
    return Invalid("group_by",
                   absl::StrCat("must name one or two dimensions, got ", n));
  }
  for (int i = 0; i < n; ++i) {
    const int g = request.group_by(i);
    if (!v1::GroupBy_IsValid(g)) {
      return Invalid(Indexed("group_by", i), absl::StrCat("unknown dimension ", g));
    }
    if (g == v1::GROUP_BY_UNSPECIFIED) return Invalid(Indexed("group_by", i), "unspecified");
    if (i == 1 && g == request.group_by(0)) {
      return Invalid(Indexed("group_by", i),
                     absl::StrCat(v1::GroupBy_Name(static_cast<v1::GroupBy>(g)),
                                  " is repeated"));
    }
    q.group_by.push_back(static_cast<store::GroupBy>(g));
  }
  if (request.top_n() < 0 || request.top_n() > store::kMaxTopN) {
    return Invalid("top_n", absl::StrCat("must be in 0..", store::kMaxTopN, ", got ",
                                         request.top_n()));
  }
  q.top_n = request.top_n();
  q.count_mentions = request.count_mentions();
  return q;
}

absl::StatusOr<store::FigureQuery> DecodeListFigures(const v1::ListFiguresRequest& request) {
  store::FigureQuery q;
  QUERY_ASSIGN_OR_RETURN(q.filter, DecodeFilter(request.filter(), "filter"));
  if (request.kinds_size() > kMaxFilterValues) {
    return Invalid("kinds", absl::StrCat("more than ", kMaxFilterValues, " values"));
  }
  for (int i = 0; i < request.kinds_size(); ++i) {
    const int k = request.kinds(i);
    if (!v1::FigureKind_IsValid(k)) {
      return Invalid(Indexed("kinds", i), absl::StrCat("unknown figure kind ", k));
    }
    if (k == v1::FIGURE_KIND_UNSPECIFIED) return Invalid(Indexed("kinds", i), "unspecified");
    q.kinds.push_back(static_cast<store::FigureKind>(k));
  }
  if (request.counted_ids_size() > kMaxFilterValues) {
    return Invalid("counted_ids", absl::StrCat("more than ", kMaxFilterValues, " values"));
  }
  QUERY_RETURN_IF_ERROR(ValidateIds(request.counted_ids(), "counted_ids"));
  q.counted_ids.assign(request.counted_ids().begin(), request.counted_ids().end());
  if (request.max_figures() < 0 || request.max_figures() > store::kMaxFigures) {
    return Invalid("max_figures", absl::StrCat("must be in 0..", store::kMaxFigures, ", got ",
                                               request.max_figures()));
  }
  q.max_figures = request.max_figures();
  return q;
}

absl::StatusOr<store::QuoteQuery> DecodeListQuotes(const v1::ListQuotesRequest& request) {
  store::QuoteQuery q;
  QUERY_RETURN_IF_ERROR(ValidateIds(request.speaker_ids(), "speaker_ids"));
  if (!request.article_id().empty()) {
    QUERY_RETURN_IF_ERROR(ValidateId(request.article_id(), "article_id"));
  }
  if (request.text_contains().size() > kMaxTextFilterBytes) {
    return Invalid("text_contains",
                   absl::StrCat("longer than ", kMaxTextFilterBytes, " bytes"));
  }
  QUERY_RETURN_IF_ERROR(ValidateRange(request.has_start_time(), request.start_time(),
                                      request.has_end_time(), request.end_time(), "",
                                      "start_time", "end_time", /*allow_equal=*/false));
  QUERY_RETURN_IF_ERROR(ValidatePageSize(request.page_size()));
  QUERY_RETURN_IF_ERROR(ValidatePageToken(request.page_token()));
  q.speaker_ids = Strings(request.speaker_ids());
  q.article_id = request.article_id();
  q.text_contains = request.text_contains();
  q.start_time = DecodeTime(request.has_start_time(), request.start_time());
  q.end_time = DecodeTime(request.has_end_time(), request.end_time());
  q.page_size = request.page_size();
  q.page_token = request.page_token();
  return q;
}

absl::StatusOr<store::EntityQuery> DecodeSearchEntities(
    const v1::SearchEntitiesRequest& request) {
  store::EntityQuery q;
  if (request.prefix().size() > kMaxNameBytes) {
    return Invalid("prefix", absl::StrCat("longer than ", kMaxNameBytes, " bytes"));
  }
  if (!v1::EntityKind_IsValid(request.kind())) {
    return Invalid("kind", absl::StrCat("unknown entity kind ", request.kind()));
  }
  if (!request.country().empty()) {
    QUERY_RETURN_IF_ERROR(ValidateCountry(request.country(), "country"));
  }
  QUERY_RETURN_IF_ERROR(ValidatePageSize(request.page_size()));
  q.prefix = request.prefix();
  q.kind = static_cast<store::EntityKind>(request.kind());
  q.country = request.country();
  q.page_size = request.page_size();
  return q;
}

absl::StatusOr<WatchInput> DecodeWatchEvents(const v1::WatchEventsRequest& request) {
  WatchInput in;
  QUERY_ASSIGN_OR_RETURN(in.filter, DecodeFilter(request.filter(), "filter"));
  if (request.from_revision() < 0) {
    return Invalid("from_revision", absl::StrCat("must not be negative, got ",
                                                 request.from_revision()));
  }
  in.from_revision = request.from_revision();
  return in;
}

void EncodeAppendResult(const store::AppendResult& in, v1::AppendArticleResponse* out) {
  out->Clear();
  out->set_article_id(in.article_id);
  out->set_duplicate(in.duplicate);
  out->set_revision(in.revision);
}

void EncodeEventPage(const store::EventPage& in, v1::ListEventsResponse* out) {
  out->Clear();
  out->mutable_events()->Reserve(static_cast<int>(in.events.size()));
  for (const store::Event& e : in.events) EncodeEvent(e, out->add_events());
  out->set_next_page_token(in.next_page_token);
  out->set_total_size(in.total_size);
}

void EncodeAggregate(const store::AggregateResult& in,
                     v1::AggregateEventsResponse* out) {
  out->Clear();
  for (const store::Bucket& b : in.buckets) {
    v1::Bucket* bucket = out->add_buckets();
    for (const std::string& k : b.keys) bucket->add_keys(k);
    for (const std::string& l : b.labels) bucket->add_labels(l);
    bucket->set_event_count(b.event_count);
    bucket->set_article_count(b.article_count);
    for (const store::FigureStats& f : b.figures) {
      v1::FigureStats* fs = bucket->add_figures();
      fs->set_kind(static_cast<v1::FigureKind>(f.kind));
      fs->set_count(f.count);
      fs->set_sum_low(f.sum_low);
      fs->set_sum_high(f.sum_high);
      fs->set_min_low(f.min_low);
      fs->set_max_high(f.max_high);
    }
  }
  out->set_total_events(in.total_events);
}

namespace {
void EncodeSourcedFigure(const store::SourcedFigure& in, v1::SourcedFigure* out) {
  EncodeFigure(in.figure, out->mutable_figure());
  out->set_event_id(in.event_id);
  out->set_article_id(in.article_id);
  out->set_sentence(in.sentence);
  EncodeTimeSpan(in.when, out->mutable_when());
  if (!in.place.id.empty()) EncodePlace(in.place, out->mutable_place());
  if (in.published_at) EncodeTime(*in.published_at, out->mutable_published_at());
}
}  // namespace

void EncodeFigureReport(const store::FigureReport& in, v1::ListFiguresResponse* out) {
  out->Clear();
  for (const store::SourceFigures& s : in.sources) {
    v1::SourceFigures* g = out->add_sources();
    if (!s.source.id.empty()) EncodeEntity(s.source, g->mutable_source());
    for (const store::SourcedFigure& f : s.figures) EncodeSourcedFigure(f, g->add_figures());
  }
  for (const store::FigureConflict& c : in.conflicts) {
    v1::FigureConflict* x = out->add_conflicts();
    x->set_kind(static_cast<v1::FigureKind>(c.kind));
    x->set_source_a(c.source_a);
    x->set_source_b(c.source_b);
    EncodeSourcedFigure(c.figure_a, x->mutable_figure_a());
    EncodeSourcedFigure(c.figure_b, x->mutable_figure_b());
  }
  out->set_total_figures(in.total_figures);
  out->set_truncated(in.truncated);
}

void EncodeQuotePage(const store::QuotePage& in, v1::ListQuotesResponse* out) {
  out->Clear();
  for (const store::Quote& q : in.quotes) EncodeQuote(q, out->add_quotes());
  out->set_next_page_token(in.next_page_token);
}

void EncodeEntityCounts(const std::vector<store::EntityCount>& in,
                        v1::SearchEntitiesResponse* out) {
  out->Clear();
  for (const store::EntityCount& c : in) {
    v1::EntityCount* ec = out->add_entities();
    EncodeEntity(c.entity, ec->mutable_entity());
    ec->set_event_count(c.event_count);
  }
}

void EncodeStats(const store::Stats& in, absl::string_view data_dir,
                 v1::GetStatsResponse* out) {
  out->Clear();
  out->set_articles(in.articles);
  out->set_events(in.events);
  out->set_quotes(in.quotes);
  out->set_entities(in.entities);
  out->set_places(in.places);
  out->set_revision(in.revision);
  EncodeTime(in.started_at, out->mutable_started_at());
  out->set_data_dir(std::string(data_dir));
  out->set_grouped_events(in.grouped_events);
}

void EncodeWatchEvent(const store::Event& in, const store::EventChange& change,
                      v1::WatchEventsResponse* out) {
  out->Clear();
  EncodeEvent(in, out->mutable_event());
  out->set_revision(in.revision);
  out->set_change(static_cast<v1::EventChange>(change.change));
  for (const std::string& id : change.retired_event_ids) out->add_retired_event_ids(id);
}

void EncodeMentionPage(const store::EventPage& in, v1::ListMentionsResponse* out) {
  out->Clear();
  for (const store::Event& e : in.events) EncodeEvent(e, out->add_mentions());
  out->set_next_page_token(in.next_page_token);
  out->set_total_size(in.total_size);
}

}  // namespace newsevents::query::codec
