// Validation and decoding of QueryService requests into store queries, and
// encoding of store results into responses.
//
// Requests come from the network: every Decode* checks what it reads and
// answers INVALID_ARGUMENT with a lower-case message that names the field
// and the offending value, e.g. "filter.types[0]: unknown event type 99" or
// "filter.entity_ids[1]: malformed id 'a b' (...)". Ids are 1..128
// characters of [A-Za-z0-9._:-]. Stateless and thread-safe.
#ifndef NEWSEVENTS_QUERY_CODEC_REQUEST_CODEC_H_
#define NEWSEVENTS_QUERY_CODEC_REQUEST_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsevents/v1/query_service.pb.h"
#include "query/store/model.h"
#include "query/store/query.h"

namespace newsevents::query::codec {

inline constexpr std::size_t kMaxIdLength = 128;
// Values in one repeated filter field.
inline constexpr int kMaxFilterValues = 1000;
inline constexpr int kMaxEventsPerAppend = 10000;
inline constexpr int kMaxQuotesPerAppend = 10000;

// OK when `id` is a well-formed id; else INVALID_ARGUMENT naming `field`.
absl::Status ValidateId(absl::string_view id, absl::string_view field);

struct AppendInput {
  store::ArticleInfo article;
  std::vector<store::Event> events;
  std::vector<store::Quote> quotes;
};
absl::StatusOr<AppendInput> DecodeAppendArticle(
    const v1::AppendArticleRequest& request);

// The id to look up.
absl::StatusOr<std::string> DecodeGetEvent(const v1::GetEventRequest& request);
absl::StatusOr<std::string> DecodeGetArticle(
    const v1::GetArticleRequest& request);

// `field` prefixes error messages ("filter").
absl::StatusOr<store::EventFilter> DecodeFilter(const v1::EventFilter& filter,
                                                absl::string_view field);
absl::StatusOr<store::ListEventsQuery> DecodeListEvents(
    const v1::ListEventsRequest& request);
// The mentions of one event as a listing: ingest order, every modality.
absl::StatusOr<store::ListEventsQuery> DecodeListMentions(
    const v1::ListMentionsRequest& request);
absl::StatusOr<store::AggregateQuery> DecodeAggregateEvents(
    const v1::AggregateEventsRequest& request);
absl::StatusOr<store::FigureQuery> DecodeListFigures(
    const v1::ListFiguresRequest& request);
absl::StatusOr<store::QuoteQuery> DecodeListQuotes(
    const v1::ListQuotesRequest& request);
absl::StatusOr<store::EntityQuery> DecodeSearchEntities(
    const v1::SearchEntitiesRequest& request);

struct WatchInput {
  store::EventFilter filter;
  std::int64_t from_revision = 0;
};
absl::StatusOr<WatchInput> DecodeWatchEvents(
    const v1::WatchEventsRequest& request);

void EncodeAppendResult(const store::AppendResult& in,
                        v1::AppendArticleResponse* out);
void EncodeEventPage(const store::EventPage& in, v1::ListEventsResponse* out);
void EncodeAggregate(const store::AggregateResult& in,
                     v1::AggregateEventsResponse* out);
void EncodeFigureReport(const store::FigureReport& in, v1::ListFiguresResponse* out);
void EncodeQuotePage(const store::QuotePage& in, v1::ListQuotesResponse* out);
void EncodeEntityCounts(const std::vector<store::EntityCount>& in,
                        v1::SearchEntitiesResponse* out);
// `data_dir`: the durable storage directory, empty when memory-only.
void EncodeStats(const store::Stats& in, absl::string_view data_dir,
                 v1::GetStatsResponse* out);
void EncodeWatchEvent(const store::Event& in, const store::EventChange& change,
                      v1::WatchEventsResponse* out);
void EncodeMentionPage(const store::EventPage& in, v1::ListMentionsResponse* out);

}  // namespace newsevents::query::codec

#endif  // NEWSEVENTS_QUERY_CODEC_REQUEST_CODEC_H_
