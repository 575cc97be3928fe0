// The event store: an in-memory, append-only store of articles, their
// events and quotes, with the indexes that answer the query service's
// questions (filtered and ordered listings, aggregates, quotes, entity
// search) and a subscription feed of new events.
//
// Pure: Abseil only, no gRPC, no generated protos.
//
// Model. Stored things never change. AppendArticle() adds one article with
// its events and quotes atomically (all or nothing) and idempotently (by
// article id). Each stored event gets the next store-wide revision (1, 2,
// ...), so revisions increase in append order, and the article's ingest
// time from the injected Clock (kept non-decreasing, so ingest order and
// revision order agree). Entities and places are kept once per id.
//
// Identity. Each stored event record is a MENTION of a happening. The store
// groups mentions into events (identity::EventGrouper decides; see
// query/identity/grouping.h): every mention read out carries its event's id
// and corroboration (Event::identity); listings and aggregates count events
// unless asked for mentions; GetEvent also takes event ids, retired ones
// included. Grouping runs under the append lock only; readers wait just for
// the short step that records its outcome.
//
// Thread-safety: all methods may be called concurrently. Appends are
// serialised; readers run in parallel with each other and with an append's
// validation, and wait only for the step that publishes it: interning and
// index updates for that one article, plus, now and then, the growth of a
// hash index (proportional to the store's size; columns grow in chunks and
// never copy).
#ifndef NEWSEVENTS_QUERY_STORE_EVENT_STORE_H_
#define NEWSEVENTS_QUERY_STORE_EVENT_STORE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "query/identity/grouping.h"
#include "query/store/clock.h"
#include "query/store/identity_index.h"
#include "query/store/model.h"
#include "query/store/query.h"
#include "query/store/store_internal.h"
#include "query/store/subscription.h"

namespace newsevents::query::store {

struct EventStoreOptions {
  // Source of ingest times; null = Clock::Real(). Not owned; must outlive
  // the store.
  Clock* clock = nullptr;
  // Events a subscriber may have pending before its subscription ends with
  // RESOURCE_EXHAUSTED.
  std::size_t subscriber_buffer = 1024;
  // Group mentions into events (cross-article identity). Off, every
  // mention is an event of its own and has no identity on output.
  bool group_mentions = true;
  identity::GroupingOptions grouping;
  // Threads one AggregateEvents may scan a large store with, in ranges of
  // at least `aggregate_min_range` events; 0 = one per hardware thread.
  std::size_t aggregate_threads = 0;
  std::uint32_t aggregate_min_range = 1 << 18;
  // Evidence sentences and summaries are stored compressed with a zstd
  // dictionary trained on the first `text_sample_bytes` of them (texts
  // before that stay as given); 0 = never compress.
  std::size_t text_sample_bytes = 256 << 10;
};

// The figure report of `figures` (the matching figures, each with its
// source filled in): grouped by source, each group in event time order,
// the groups by size, and the pairs of sources that disagree. Shared by
// ListFigures and by a router merging the figures of several stores.
FigureReport AssembleFigureReport(std::vector<SourcedFigure> figures, bool truncated);

class EventStore {
 public:
  explicit EventStore(EventStoreOptions options = {});
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  // REQUIRES: every Subscription from this store has been destroyed.
  ~EventStore();

  // Stores `article` with its events and quotes, all or nothing.
  //
  // A second append of an article id answers duplicate = true and changes
  // nothing, whatever it carries. The ingest time is the clock's, unless
  // `article.ingested_at` is set (a replay of a logged append keeps its
  // original time); either way ingest times never go backwards. Event and quote article ids may be empty
  // (they then take the article's). The store fills in revisions, ingest
  // and publication times and the article's counts; an unspecified
  // modality is stored as asserted. Errors:
  //  - INVALID_ARGUMENT: empty article or event or quote id; an event or
  //    quote whose article_id differs from the article's; an id repeated
  //    within the append; an out-of-range enum value; a figure whose low is
  //    above its high.
  //  - ALREADY_EXISTS: an event or quote id stored with another article.
  // After an append returns, every reader and subscriber sees all of it.
  absl::StatusOr<AppendResult> AppendArticle(ArticleInfo article,
                                             std::vector<Event> events,
                                             std::vector<Quote> quotes)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, subs_mu_);

  // Calls `fn` for every stored article with its events and quotes, in
  // append order, as they were stored (revisions and ingest times
  // included). `at_start` runs once while the store is held still, at the
  // moment the export's content is fixed: later appends are not exported.
  // Readers and appends run between chunks of articles, so an export of a
  // large store does not stall them. Stops at the first error from `fn`.
  absl::Status ExportArticles(
      const std::function<void()>& at_start,
      const std::function<absl::Status(const ArticleInfo&, const std::vector<Event>&,
                                       const std::vector<Quote>&)>& fn) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // A mention by its id, or an event by its id ("evt_..."): the event's
  // first stored mention. An event id retired by a merge answers with the
  // event that absorbed it (identity.event_id says which).
  // NOT_FOUND "event '<id>' not found".
  absl::StatusOr<Event> GetEvent(absl::string_view id) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // NOT_FOUND "article '<id>' not found".
  absl::StatusOr<ArticleInfo> GetArticle(absl::string_view id) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Events matching the filter, in the requested order; ties (equal times)
  // by revision in the same direction. INVALID_ARGUMENT "page_token ..."
  // for a token that is malformed or was issued for another filter/order,
  // or for a page size outside 0..kMaxPageSize.
  absl::StatusOr<EventPage> ListEvents(const ListEventsQuery& query) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The same page as ListEvents, as revisions; read the events with
  // GetEventByRevision (stored events never move or go away). With
  // max_examined > 0 the read gives up once it has checked that many
  // candidates against the filter without finishing the page, and returns
  // an empty page with over_budget set: a caller can try a read on a
  // thread that must not block long, and move it elsewhere when it is not
  // cheap.
  absl::StatusOr<RevisionPage> ListEventRevisions(const ListEventsQuery& query,
                                                  std::size_t max_examined = 0) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // NOT_FOUND "revision <n> not found" outside 1..revision().
  absl::StatusOr<Event> GetEventByRevision(std::int64_t revision) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // How a stored event reads out depends on its own record and on the
  // canonical records of its entities, which a later append can fill in
  // (a name, kind, country or sector first given later). This counter goes
  // up whenever that happens: an encoding of an event made under a smaller
  // value may be stale, one made under the current value is not.
  std::int64_t output_epoch() const ABSL_LOCKS_EXCLUDED(mu_);
  // The current identity of the mentions with these revisions (which,
  // unlike the rest of a mention's output, changes as reports arrive), with
  // each event id as the key it spells (identity::WriteEventId): a page
  // needs no string per event.
  // REQUIRES: every revision is in 1..revision().
  std::vector<KeyedIdentity> IdentitiesOf(const std::vector<std::int64_t>& revisions) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // What storing the mention with this revision did to the events.
  // REQUIRES: revision in 1..revision().
  EventChange ChangeAt(std::int64_t revision) const ABSL_LOCKS_EXCLUDED(mu_);
  // Whether `event_id` names an event, current or retired.
  bool HasEvent(absl::string_view event_id) const ABSL_LOCKS_EXCLUDED(mu_);

  // INVALID_ARGUMENT when group_by is empty, longer than two, repeats a
  // dimension or names kUnspecified, or top_n is outside 0..kMaxTopN.
  absl::StatusOr<AggregateResult> AggregateEvents(
      const AggregateQuery& query) const ABSL_LOCKS_EXCLUDED(mu_);

  // Figures of the matching events, grouped by source, with conflicts.
  absl::StatusOr<FigureReport> ListFigures(const FigureQuery& query) const
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<QuotePage> ListQuotes(const QuoteQuery& query) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // By event count descending, then name.
  absl::StatusOr<std::vector<EntityCount>> SearchEntities(
      const EntityQuery& query) const ABSL_LOCKS_EXCLUDED(mu_);

  Stats GetStats() const ABSL_LOCKS_EXCLUDED(mu_);

  // Bytes held, by part, for statistics and benchmarks; waits for a
  // running append (it reads the grouper's tables).
  MemoryUsage GetMemoryUsage() const ABSL_LOCKS_EXCLUDED(write_mu_, mu_);

  // Block postings the grouper has read so far (EventGrouper::PostingsRead),
  // for benchmarks; 0 without grouping. Waits for a running append.
  std::uint64_t GrouperPostingsRead() const ABSL_LOCKS_EXCLUDED(write_mu_);

  // The revision of the last stored event (0 when empty).
  std::int64_t revision() const ABSL_LOCKS_EXCLUDED(mu_);

  // Subscribes to events matching `filter` that are stored after this call;
  // with from_revision > 0, first replays the stored matching events with
  // a larger revision. No event is missed or repeated between replay and
  // live delivery. `on_ready` is called, from an appending thread or from
  // Cancel(), whenever Subscription::Next() may have something new; it must
  // not block, and may call Next() and Cancel(). INVALID_ARGUMENT for a
  // negative from_revision.
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      EventFilter filter, std::int64_t from_revision,
      std::function<void()> on_ready)
      ABSL_LOCKS_EXCLUDED(subs_mu_, mu_);

 private:
  friend class Subscription;
  using CompiledFilter = internal::CompiledFilter;

  absl::Status Prepare(const ArticleInfo& article,
                       const std::vector<Event>& events,
                       const std::vector<Quote>& quotes) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // texts[k]: event k's text as EncodeEventText wrote it; sentence_from[k]:
  // the earlier event of the article holding its sentence, or kNone.
  void Publish(absl::Time now, ArticleInfo article, std::vector<Event> events,
               std::vector<Quote> quotes, std::vector<std::string> texts,
               const std::vector<std::uint32_t>& sentence_from,
               const std::vector<identity::AddResult>& grouped,
               const std::vector<std::pair<std::string, identity::Corroboration>>& corroboration)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets every field of `m` to the mention of stored event `e`, all but its
  // fingerprint (the caller's: it is computed once per evidence sentence).
  // `m` is a reused buffer: its strings keep their capacity.
  void ToMention(const ArticleInfo& article, const Event& e, std::int64_t ingested,
                 identity::Mention& m) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Whether event idx is the first stored mention of its event that
  // matches `f` (always true without grouping). REQUIRES: idx matches `f`.
  // `leads` remembers, per event of two or more mentions, its first
  // matching mention, so that one read scans a large event's members once.
  // `source`, when given, is where the read takes its candidates from
  // (every match is in it), which can find the lead of a large event
  // without scanning its members.
  bool IsLead(const CompiledFilter& f, std::uint32_t idx,
              absl::flat_hash_map<std::uint32_t, std::uint32_t>& leads,
              const internal::CandidateSource* source = nullptr) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The lead of an event (its ascending `members`) of which idx is a
  // matching member: the first member that matches the filter, or idx.
  // LeadFromLists walks the members together with the read's postings
  // lists (REQUIRES: the source is not a scan); LeadByScan checks every
  // member in turn.
  std::uint32_t LeadFromLists(const CompiledFilter& f, const internal::IndexList& members,
                              std::uint32_t idx,
                              const internal::CandidateSource& source) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::uint32_t LeadByScan(const CompiledFilter& f, const internal::IndexList& members,
                           std::uint32_t idx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  EventIdentity IdentityOut(std::uint32_t idx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  KeyedIdentity KeyedIdentityOut(std::uint32_t idx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::uint32_t InternEntity(const Entity& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  internal::MentionRec Mention(const Entity& e)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::uint32_t InternPlace(const Place& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddName(absl::string_view name, std::uint32_t entity)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Delivers the events with revisions in (from, to] to the subscribers.
  void Deliver(std::int64_t from, std::int64_t to)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_)
      ABSL_LOCKS_EXCLUDED(mu_, subs_mu_);

  CompiledFilter Compile(const EventFilter& filter) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Whether event idx passes `f`, leaving out the fields in `implied`
  // (FilterField bits) that the caller knows it satisfies: pass
  // CandidateSource::implied for a candidate taken from that source.
  bool Matches(const CompiledFilter& f, std::uint32_t idx, std::uint32_t implied = 0) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Ascending indexes in [begin, end) matching `f`, at most `limit` of them;
  // *scanned_to = the index after the last one examined.
  std::vector<std::uint32_t> MatchingIndexes(const CompiledFilter& f,
                                             std::uint32_t begin,
                                             std::uint32_t end,
                                             std::size_t limit,
                                             std::uint32_t* scanned_to) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The cheapest candidate source for `f` over a range of `range` events:
  // the smallest union of postings lists a filtering field offers, or a
  // scan when that union is not much smaller than the range.
  internal::CandidateSource PickSource(const CompiledFilter& f,
                                       std::uint32_t range) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Calls fn(idx) for the candidates of `source` in [begin, end) that are
  // in all of its probes, ascending and each once, until fn returns true;
  // returns whether it did. Adds the candidates the probes turned away to
  // *rejected when given.
  bool ForEachCandidate(const internal::CandidateSource& source,
                        std::uint32_t begin, std::uint32_t end,
                        absl::FunctionRef<bool(std::uint32_t)> fn,
                        std::size_t* rejected = nullptr) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  Entity EntityOut(const internal::MentionRec& m) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  Event EventOut(std::uint32_t idx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  Quote QuoteOut(std::uint32_t idx) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::int64_t SortKey(std::uint32_t idx, OrderBy order) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // For Subscription::Next(): matching stored events with revisions in
  // [from, to], at most `limit`; *next = the revision to scan from next.
  std::vector<Event> Replay(const EventFilter& filter, std::int64_t from,
                            std::int64_t to, std::size_t limit,
                            std::int64_t* next) const ABSL_LOCKS_EXCLUDED(mu_);
  Event EventAt(std::int64_t revision) const ABSL_LOCKS_EXCLUDED(mu_);

  Clock* const clock_;
  const std::size_t subscriber_buffer_;
  const bool group_mentions_;
  const absl::Time started_at_;

  // Serialises appends, from preparation through subscriber delivery.
  mutable absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_, subs_mu_);
  mutable absl::Mutex mu_;

  internal::StringPool pool_ ABSL_GUARDED_BY(mu_);
  // Encodes (and is trained) under write_mu_ only; decodes under mu_.
  internal::TextCodec text_codec_;
  std::string text_plain_ ABSL_GUARDED_BY(write_mu_);  // AppendArticle's buffer
  internal::EventTable events_ ABSL_GUARDED_BY(mu_){&text_codec_};
  std::deque<internal::QuoteRec> quotes_ ABSL_GUARDED_BY(mu_);
  std::deque<internal::ArticleRec> articles_ ABSL_GUARDED_BY(mu_);
  // Article ids and packed fields (ArticleRec), and Append's buffer.
  internal::ByteArena article_arena_ ABSL_GUARDED_BY(mu_);
  std::string article_scratch_ ABSL_GUARDED_BY(mu_);
  std::deque<internal::EntityRec> entities_ ABSL_GUARDED_BY(mu_);
  std::deque<internal::PlaceRec> places_ ABSL_GUARDED_BY(mu_);
  // Keys point into the records above, which never move.
  internal::EventIdIndex event_index_ ABSL_GUARDED_BY(mu_){&events_};
  absl::flat_hash_map<absl::string_view, std::uint32_t> quote_index_
      ABSL_GUARDED_BY(mu_);
  internal::ArticleIdIndex article_index_ ABSL_GUARDED_BY(mu_){&articles_};
  absl::flat_hash_map<absl::string_view, std::uint32_t> entity_index_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<absl::string_view, std::uint32_t> place_index_
      ABSL_GUARDED_BY(mu_);
  // Lower-cased names and aliases -> entity indexes (ordered for prefixes).
  absl::btree_map<std::string, std::vector<std::uint32_t>> names_
      ABSL_GUARDED_BY(mu_);
  std::array<internal::Postings, kMaxEventType + 1> by_type_
      ABSL_GUARDED_BY(mu_);
  std::array<internal::Postings, kMaxModality + 1> by_modality_
      ABSL_GUARDED_BY(mu_);
  // Keyed by pool id.
  absl::node_hash_map<std::uint32_t, internal::Postings> by_mode_
      ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<std::uint32_t, internal::Postings> by_country_
      ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<std::uint32_t, internal::Postings> by_place_key_
      ABSL_GUARDED_BY(mu_);
  std::int64_t last_ingest_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<internal::Zone> zones_ ABSL_GUARDED_BY(mu_);
  std::int64_t output_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  // Decides the grouping; used by appends only.
  const std::size_t aggregate_threads_;
  const std::uint32_t aggregate_min_range_;
  identity::EventGrouper grouper_ ABSL_GUARDED_BY(write_mu_);
  // The mentions of the article being appended; kept between appends so
  // that their strings and vectors are reused rather than reallocated.
  std::vector<identity::Mention> mentions_ ABSL_GUARDED_BY(write_mu_);
  // Records it for readers.
  internal::IdentityIndex identity_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex subs_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::vector<std::weak_ptr<internal::SubscriptionState>> subs_
      ABSL_GUARDED_BY(subs_mu_);
};

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_EVENT_STORE_H_
