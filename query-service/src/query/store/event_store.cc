// Appends, point lookups, statistics and the subscription feed. Filtered
// reads are in event_store_read.cc, aggregation in aggregate.cc.
#include "query/store/event_store.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "query/store/status_macros.h"

namespace newsevents::query::store {

using internal::ArgumentRec;
using internal::ArticleRec;
using internal::EntityRec;
using internal::EventRec;
using internal::FigureRec;
using internal::kMinusInf;
using internal::kNone;
using internal::kNoTime;
using internal::kPlusInf;
using internal::MentionRec;
using internal::PlaceRec;
using internal::QuoteRec;

namespace internal {

StringPool::StringPool() {
  strings_.emplace_back();
  index_.emplace(absl::string_view(strings_.back()), 0);
}

std::uint32_t StringPool::Intern(absl::string_view s) {
  if (s.empty()) return 0;  // common (no time text, no place text)
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  index_.emplace(absl::string_view(strings_.back()), id);
  return id;
}

std::uint32_t StringPool::Find(absl::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? kNone : it->second;
}

std::string Lower(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::int64_t ToMicros(const std::optional<absl::Time>& t) {
  return t.has_value() ? absl::ToUnixMicros(*t) : kNoTime;
}

std::optional<absl::Time> FromMicros(std::int64_t micros) {
  if (micros == kNoTime) return std::nullopt;
  return absl::FromUnixMicros(micros);
}

}  // namespace internal

namespace {

using internal::FromMicros;
using internal::Lower;
using internal::ToMicros;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

template <typename E>
bool InRange(E value, int max) {
  return static_cast<int>(value) <= max;
}

absl::Status CheckEntity(const Entity& e, absl::string_view field) {
  if (!InRange(e.kind, kMaxEntityKind)) {
    return Invalid(field, absl::StrCat("unknown entity kind ",
                                       static_cast<int>(e.kind)));
  }
  return absl::OkStatus();
}

// `index` names the event in error messages ("events[3]"); the names are
// built only on error, since this runs for every stored event.
absl::Status CheckEvent(const Event& e, std::size_t index) {
  auto field = [index] { return absl::StrCat("events[", index, "]"); };
  if (e.type == EventType::kUnspecified || !InRange(e.type, kMaxEventType)) {
    return Invalid(absl::StrCat(field(), ".type"),
                   absl::StrCat("unknown event type ", static_cast<int>(e.type)));
  }
  if (!InRange(e.modality, kMaxModality)) {
    return Invalid(absl::StrCat(field(), ".modality"),
                   absl::StrCat("unknown modality ",
                                static_cast<int>(e.modality)));
  }
  if (!InRange(e.when.granularity, kMaxGranularity)) {
    return Invalid(absl::StrCat(field(), ".when.granularity"),
                   absl::StrCat("unknown granularity ",
                                static_cast<int>(e.when.granularity)));
  }
  if (!InRange(e.place.kind, kMaxPlaceKind)) {
    return Invalid(absl::StrCat(field(), ".place.kind"),
                   absl::StrCat("unknown place kind ",
                                static_cast<int>(e.place.kind)));
  }
  for (const auto* list : {&e.actors, &e.recipients, &e.patients}) {
    for (const Entity& x : *list) {
      if (x.id.empty()) {
        return Invalid(field(), "a participant has an empty entity id");
      }
      if (!InRange(x.kind, kMaxEntityKind)) return CheckEntity(x, field());
    }
  }
  if (!InRange(e.according_to.kind, kMaxEntityKind)) {
    return CheckEntity(e.according_to, field());
  }
  for (std::size_t i = 0; i < e.figures.size(); ++i) {
    const Figure& f = e.figures[i];
    auto ff = [&] { return absl::StrCat(field(), ".figures[", i, "]"); };
    if (!InRange(f.kind, kMaxFigureKind)) {
      return Invalid(ff(), absl::StrCat("unknown figure kind ",
                                      static_cast<int>(f.kind)));
    }
    if (!InRange(f.qualifier, kMaxQualifier)) {
      return Invalid(ff(), absl::StrCat("unknown qualifier ",
                                      static_cast<int>(f.qualifier)));
    }
    if (f.high.has_value() && *f.high < f.low) {
      return Invalid(ff(), absl::StrCat("low ", f.low, " is above high ", *f.high));
    }
    for (const Entity* x : {&f.counted, &f.source}) {
      if (!InRange(x->kind, kMaxEntityKind)) return CheckEntity(*x, ff());
    }
  }
  return absl::OkStatus();
}

// The length of one granularity unit after `start` (Unix micros, UTC).
std::int64_t UnitEnd(std::int64_t start, Granularity g) {
  const absl::Time t = absl::FromUnixMicros(start);
  const absl::CivilSecond cs = absl::ToCivilSecond(t, absl::UTCTimeZone());
  absl::CivilSecond next;
  switch (g) {
    case Granularity::kWeek:
      next = cs + 7 * 86400;
      break;
    case Granularity::kMonth:
      next = absl::CivilSecond(absl::CivilMonth(cs) + 1) +
             (cs - absl::CivilSecond(absl::CivilMonth(cs)));
      break;
    case Granularity::kYear:
      next = absl::CivilSecond(absl::CivilYear(cs) + 1) +
             (cs - absl::CivilSecond(absl::CivilYear(cs)));
      break;
    default:
      next = cs + 86400;
      break;
  }
  return absl::ToUnixMicros(absl::FromCivil(next, absl::UTCTimeZone())) +
         (start - absl::ToUnixMicros(absl::FromCivil(cs, absl::UTCTimeZone())));
}

}  // namespace

EventStore::EventStore(EventStoreOptions options)
    : clock_(options.clock != nullptr ? options.clock : Clock::Real()),
      subscriber_buffer_(std::max<std::size_t>(1, options.subscriber_buffer)),
      group_mentions_(options.group_mentions),
      started_at_(clock_->Now()),
      text_codec_(internal::TextCodecOptions{.train_bytes = options.text_sample_bytes}),
      aggregate_threads_(options.aggregate_threads != 0
                             ? options.aggregate_threads
                             : std::max<std::size_t>(1, std::thread::hardware_concurrency())),
      aggregate_min_range_(std::max<std::uint32_t>(1, options.aggregate_min_range)),
      grouper_(options.grouping) {}

EventStore::~EventStore() = default;

absl::StatusOr<AppendResult> EventStore::AppendArticle(
    ArticleInfo article, std::vector<Event> events, std::vector<Quote> quotes) {
  if (article.id.empty()) return Invalid("article.id", "is empty");
  absl::MutexLock write_lock(&write_mu_);
  std::int64_t before = 0;
  const absl::Time now = clock_->Now();
  std::vector<identity::Mention>& mentions = mentions_;
  {
    absl::ReaderMutexLock lock(&mu_);
    before = static_cast<std::int64_t>(events_.size());
    if (article_index_.contains(article.id)) {
      return AppendResult{article.id, /*duplicate=*/true, before};
    }
    QUERY_RETURN_IF_ERROR(Prepare(article, events, quotes));
    if (group_mentions_) {
      // The ingest time Publish will give the article.
      const std::int64_t stamp = article.ingested_at != absl::UnixEpoch()
                                     ? absl::ToUnixMicros(article.ingested_at)
                                     : absl::ToUnixMicros(now);
      const std::int64_t ingested = std::max(stamp, last_ingest_);
      if (mentions.size() < events.size()) mentions.resize(events.size());
      // Events of one sentence follow each other: fingerprint it once.
      const std::string* last = nullptr;
      std::uint64_t fingerprint = 0;
      for (std::size_t k = 0; k < events.size(); ++k) {
        const Event& e = events[k];
        if (last == nullptr || *last != e.evidence.sentence) {
          last = &e.evidence.sentence;
          fingerprint = identity::TextFingerprint(*last);
        }
        ToMention(article, e, ingested, mentions[k]);
        mentions[k].fingerprint = fingerprint;
      }
    }
  }
  // Grouping needs only the append lock: readers go on meanwhile.
  std::vector<identity::AddResult> grouped;
  std::vector<std::pair<std::string, identity::Corroboration>> corroboration;
  if (group_mentions_) {
    grouped.reserve(events.size());
    for (std::size_t k = 0; k < events.size(); ++k) grouped.push_back(grouper_.Add(mentions[k]));
    // The article's events as they stand after its last Add: every id an
    // Add answered with, less those a later Add retired (a retired id never
    // comes back: events only grow, and an id names the smallest member).
    std::vector<absl::string_view> ids, retired;
    for (const identity::AddResult& r : grouped) {
      ids.push_back(r.event_id);
      for (const std::string& id : r.retired_ids) retired.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::sort(retired.begin(), retired.end());
    for (absl::string_view id : ids) {
      if (std::binary_search(retired.begin(), retired.end(), id)) continue;
      std::optional<identity::Corroboration> c = grouper_.CorroborationOf(id);
      if (c.has_value()) corroboration.emplace_back(std::string(id), *c);
    }
  }
  // The texts are compressed here too, and the codec trained when it asks
  // (once, tens of milliseconds): readers go on meanwhile. An evidence
  // sentence is kept by the first event of the article that gives it.
  std::vector<std::string> texts(events.size());
  std::vector<std::uint32_t> sentence_from(events.size(), internal::kNone);
  bool train = false;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const Event& e = events[k];
    for (std::size_t j = 0; j < k && !e.evidence.sentence.empty(); ++j) {
      if (events[j].evidence.sentence == e.evidence.sentence) {
        sentence_from[k] = static_cast<std::uint32_t>(j);
        break;
      }
    }
    train |= internal::EncodeEventText(text_codec_, e.summary, e.evidence.sentence,
                                       sentence_from[k] == internal::kNone, &text_plain_,
                                       &texts[k]);
  }
  if (train) text_codec_.Train();
  AppendResult result{article.id, false, 0};
  {
    absl::WriterMutexLock lock(&mu_);
    Publish(now, std::move(article), std::move(events), std::move(quotes), std::move(texts),
            sentence_from, grouped, corroboration);
    result.revision = static_cast<std::int64_t>(events_.size());
  }
  if (result.revision > before) Deliver(before, result.revision);
  return result;
}

absl::Status EventStore::ExportArticles(
    const std::function<void()>& at_start,
    const std::function<absl::Status(const ArticleInfo&, const std::vector<Event>&,
                                     const std::vector<Quote>&)>& fn) const {
  std::size_t count = 0;
  {
    absl::ReaderMutexLock lock(&mu_);
    count = articles_.size();
    at_start();
  }
  // Stored records never move or change, so chunks read under short locks
  // see exactly what was there at the start.
  constexpr std::size_t kChunk = 256;
  for (std::size_t begin = 0; begin < count; begin += kChunk) {
    struct Item {
      ArticleInfo article;
      std::vector<Event> events;
      std::vector<Quote> quotes;
    };
    std::vector<Item> items;
    {
      absl::ReaderMutexLock lock(&mu_);
      const std::size_t end = std::min(count, begin + kChunk);
      for (std::size_t i = begin; i < end; ++i) {
        const ArticleRec& a = articles_[i];
        Item item;
        item.article = a.Info();
        for (std::int32_t k = 0; k < a.event_count; ++k) {
          item.events.push_back(EventOut(a.first_event + static_cast<std::uint32_t>(k)));
        }
        for (std::int32_t k = 0; k < a.quote_count; ++k) {
          item.quotes.push_back(QuoteOut(a.first_quote + static_cast<std::uint32_t>(k)));
        }
        items.push_back(std::move(item));
      }
    }
    for (const Item& item : items) {
      QUERY_RETURN_IF_ERROR(fn(item.article, item.events, item.quotes));
    }
  }
  return absl::OkStatus();
}

absl::Status EventStore::Prepare(const ArticleInfo& article,
                                 const std::vector<Event>& events,
                                 const std::vector<Quote>& quotes) const {
  // Repeated ids: a pairwise check for the usual handful of events, a set
  // beyond (no allocation per append in the common case).
  constexpr std::size_t kPairwise = 32;
  absl::flat_hash_set<absl::string_view> seen;
  auto repeated = [&seen](const auto& items, std::size_t i) {
    if (items.size() <= kPairwise) {
      for (std::size_t j = 0; j < i; ++j) {
        if (items[j].id == items[i].id) return true;
      }
      return false;
    }
    return !seen.insert(items[i].id).second;
  };
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    auto field = [i] { return absl::StrCat("events[", i, "]"); };
    if (e.id.empty()) return Invalid(absl::StrCat(field(), ".id"), "is empty");
    if (!e.article_id.empty() && e.article_id != article.id) {
      return Invalid(absl::StrCat(field(), ".article_id"),
                     absl::StrCat("'", e.article_id, "' differs from article.id '",
                                  article.id, "'"));
    }
    if (repeated(events, i)) {
      return Invalid(absl::StrCat(field(), ".id"),
                     absl::StrCat("'", e.id, "' is repeated in the append"));
    }
    if (const std::uint32_t other = event_index_.Find(e.id); other != kNone) {
      return absl::AlreadyExistsError(absl::StrCat(
          "event '", e.id, "' already exists in article '",
          articles_[events_.article(other)].id(), "'"));
    }
    QUERY_RETURN_IF_ERROR(CheckEvent(e, i));
  }
  seen.clear();
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    const Quote& q = quotes[i];
    const std::string field = absl::StrCat("quotes[", i, "]");
    if (q.id.empty()) return Invalid(absl::StrCat(field, ".id"), "is empty");
    if (!q.article_id.empty() && q.article_id != article.id) {
      return Invalid(absl::StrCat(field, ".article_id"),
                     absl::StrCat("'", q.article_id, "' differs from article.id '",
                                  article.id, "'"));
    }
    if (repeated(quotes, i)) {
      return Invalid(absl::StrCat(field, ".id"),
                     absl::StrCat("'", q.id, "' is repeated in the append"));
    }
    auto it = quote_index_.find(q.id);
    if (it != quote_index_.end()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "quote '", q.id, "' already exists in article '",
          articles_[quotes_[it->second].article].id(), "'"));
    }
    QUERY_RETURN_IF_ERROR(CheckEntity(q.speaker, field));
  }
  return absl::OkStatus();
}

void EventStore::AddName(absl::string_view name, std::uint32_t entity) {
  if (name.empty()) return;
  std::vector<std::uint32_t>& ids = names_[Lower(name)];
  if (std::find(ids.begin(), ids.end(), entity) == ids.end()) {
    ids.push_back(entity);
  }
}

std::uint32_t EventStore::InternEntity(const Entity& e) {
  auto it = entity_index_.find(e.id);
  if (it == entity_index_.end()) {
    const auto idx = static_cast<std::uint32_t>(entities_.size());
    EntityRec& rec = entities_.emplace_back();
    rec.id = e.id;
    rec.name = e.name;
    rec.kind = e.kind;
    rec.country = e.country;
    rec.sector = e.sector;
    entity_index_.emplace(absl::string_view(rec.id), idx);
    AddName(rec.name, idx);
    for (const std::string& alias : e.aliases) {
      if (!alias.empty() && !absl::EqualsIgnoreCase(alias, rec.name) &&
          std::find(rec.aliases.begin(), rec.aliases.end(), alias) ==
              rec.aliases.end()) {
        rec.aliases.push_back(alias);
        AddName(alias, idx);
      }
    }
    return idx;
  }
  const std::uint32_t idx = it->second;
  EntityRec& rec = entities_[idx];
  bool changed = false;  // in what events naming it read out
  if (rec.name.empty() && !e.name.empty()) {
    rec.name = e.name;
    AddName(rec.name, idx);
    changed = true;
  }
  if (rec.kind == EntityKind::kUnspecified && e.kind != EntityKind::kUnspecified) {
    rec.kind = e.kind;
    changed = true;
  }
  if (rec.country.empty() && !e.country.empty()) {
    rec.country = e.country;
    changed = true;
  }
  if (rec.sector.empty() && !e.sector.empty()) {
    rec.sector = e.sector;
    changed = true;
  }
  if (changed) ++output_epoch_;
  auto add_alias = [&](const std::string& alias) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    // Without allocating: this runs for every mention of a known entity.
    if (alias.empty() || absl::EqualsIgnoreCase(alias, rec.name)) return;
    for (const std::string& a : rec.aliases) {
      if (absl::EqualsIgnoreCase(a, alias)) return;
    }
    rec.aliases.push_back(alias);
    AddName(alias, idx);
  };
  add_alias(e.name);
  for (const std::string& alias : e.aliases) add_alias(alias);
  return idx;
}

MentionRec EventStore::Mention(const Entity& e) {
  MentionRec m;
  if (e.id.empty()) return m;
  m.entity = InternEntity(e);
  m.text = pool_.Intern(e.text);
  m.count = e.count;
  return m;
}

std::uint32_t EventStore::InternPlace(const Place& p) {
  auto it = place_index_.find(p.id);
  if (it != place_index_.end()) return it->second;
  const auto idx = static_cast<std::uint32_t>(places_.size());
  PlaceRec& rec = places_.emplace_back();
  rec.id = p.id;
  rec.name = p.name;
  rec.kind = p.kind;
  rec.admin1 = p.admin1;
  rec.admin1_id = p.admin1_id;
  rec.country = p.country;
  rec.latitude = p.latitude;
  rec.longitude = p.longitude;
  rec.precision_km = p.precision_km;
  rec.country_code = pool_.Intern(p.country);
  rec.keys[0] = pool_.Intern(p.id);
  if (!p.admin1_id.empty() && p.admin1_id != p.id) {
    rec.keys[1] = pool_.Intern(p.admin1_id);
  }
  if (!p.country.empty()) {
    const std::string country_id = absl::StrCat("iso:", p.country);
    if (country_id != p.id) rec.keys[2] = pool_.Intern(country_id);
  }
  place_index_.emplace(absl::string_view(rec.id), idx);
  for (std::size_t i = 0; i < rec.keys.size(); ++i) {
    if (rec.keys[i] != kNone) rec.key_postings[i] = &by_place_key_[rec.keys[i]];
  }
  if (!rec.country.empty()) rec.country_postings = &by_country_[rec.country_code];
  return idx;
}

namespace {
// Assigns ids to out, reusing its strings (a mention's participants).
void AssignIds(const std::vector<Entity>& from, std::vector<std::string>& out, std::size_t at) {
  if (out.size() < at + from.size()) out.resize(at + from.size());
  for (std::size_t i = 0; i < from.size(); ++i) out[at + i] = from[i].id;
}
}  // namespace

void EventStore::ToMention(const ArticleInfo& article, const Event& e, std::int64_t ingested,
                           identity::Mention& m) const {
  m.mention_id = e.id;
  m.article_id = article.id;
  m.outlet = article.outlet;
  m.event_type = static_cast<int>(e.type);
  m.mode = e.mode;
  m.modality = identity::ModalityClass::kUnspecified;
  switch (e.modality) {
    case Modality::kUnspecified:  // stored as asserted
    case Modality::kAsserted:
    case Modality::kReported:
    case Modality::kAlleged:
    case Modality::kEstimated: m.modality = identity::ModalityClass::kFactual; break;
    case Modality::kDenied:
    case Modality::kNegated: m.modality = identity::ModalityClass::kDenied; break;
    case Modality::kFuture:
    case Modality::kHypothetical: m.modality = identity::ModalityClass::kUnreal; break;
  }
  AssignIds(e.actors, m.actors, 0);
  m.actors.resize(e.actors.size());
  AssignIds(e.recipients, m.recipients, 0);
  AssignIds(e.patients, m.recipients, e.recipients.size());
  m.recipients.resize(e.recipients.size() + e.patients.size());
  m.place.id.clear();
  m.place.level = identity::PlaceLevel::kUnspecified;
  m.place.admin1_id.clear();
  m.place.country.clear();
  m.place.has_coordinates = false;
  m.place.latitude = m.place.longitude = m.place.precision_km = 0;
  m.when = identity::MentionTime{};
  if (!e.place.id.empty()) {
    // The canonical record, when the place is known: first values win.
    const Place& p = e.place;
    PlaceKind kind = p.kind;
    m.place.id = p.id;
    m.place.admin1_id = p.admin1_id;
    m.place.country = p.country;
    double latitude = p.latitude, longitude = p.longitude, precision_km = p.precision_km;
    if (auto it = place_index_.find(p.id); it != place_index_.end()) {
      const PlaceRec& rec = places_[it->second];
      if (rec.kind != PlaceKind::kUnspecified) kind = rec.kind;
      if (!rec.admin1_id.empty()) m.place.admin1_id = rec.admin1_id;
      if (!rec.country.empty()) m.place.country = rec.country;
      if (rec.latitude != 0 || rec.longitude != 0) {
        latitude = rec.latitude;
        longitude = rec.longitude;
        precision_km = rec.precision_km;
      }
    }
    switch (kind) {
      case PlaceKind::kCountry: m.place.level = identity::PlaceLevel::kCountry; break;
      case PlaceKind::kAdmin1: m.place.level = identity::PlaceLevel::kAdmin1; break;
      case PlaceKind::kCity:
      case PlaceKind::kOther: m.place.level = identity::PlaceLevel::kLocal; break;
      case PlaceKind::kUnspecified: break;
    }
    m.place.has_coordinates = latitude != 0 || longitude != 0;
    m.place.latitude = latitude;
    m.place.longitude = longitude;
    m.place.precision_km = precision_km;
  }
  if (e.when.start.has_value() || e.when.end.has_value()) {
    if (e.when.start.has_value() && !e.when.open_start) {
      m.when.start_micros = absl::ToUnixMicros(*e.when.start);
    }
    if (e.when.end.has_value() && !e.when.open_end) {
      m.when.end_micros = absl::ToUnixMicros(*e.when.end);
    }
    if (!m.when.start_micros.has_value() && !m.when.end_micros.has_value()) {
      // Both bounds open: keep the known ones as an interval.
      if (e.when.start.has_value()) m.when.start_micros = absl::ToUnixMicros(*e.when.start);
      if (e.when.end.has_value()) m.when.end_micros = absl::ToUnixMicros(*e.when.end);
    }
    m.when.granularity = static_cast<identity::Granularity>(e.when.granularity);
  } else if (article.published_at.has_value()) {
    // Undated: recent news as of publication (three days back, a day on).
    m.when.start_micros = absl::ToUnixMicros(*article.published_at - absl::Hours(72));
    m.when.end_micros = absl::ToUnixMicros(*article.published_at + absl::Hours(24));
  }
  m.seen_micros = ingested;
  m.fingerprint = 0;
}

void EventStore::Publish(absl::Time now, ArticleInfo article,
                         std::vector<Event> events, std::vector<Quote> quotes,
                         std::vector<std::string> texts,
                         const std::vector<std::uint32_t>& sentence_from,
                         const std::vector<identity::AddResult>& grouped,
                         const std::vector<std::pair<std::string, identity::Corroboration>>&
                             corroboration) {
  const auto article_idx = static_cast<std::uint32_t>(articles_.size());
  const std::int64_t stamp = article.ingested_at != absl::UnixEpoch()
                                 ? absl::ToUnixMicros(article.ingested_at)
                                 : absl::ToUnixMicros(now);
  const std::int64_t ingested = std::max(stamp, last_ingest_);
  last_ingest_ = ingested;
  {
    ArticleRec& a = articles_.emplace_back();
    internal::PackArticle(article, article_scratch_);
    const absl::string_view bytes = article_arena_.Append(article_scratch_);
    a.bytes = bytes.data();
    a.id_size = static_cast<std::uint32_t>(article.id.size());
    a.packed_size = static_cast<std::uint32_t>(bytes.size() - article.id.size());
    a.event_count = static_cast<std::int32_t>(events.size());
    a.quote_count = static_cast<std::int32_t>(quotes.size());
    a.first_event = static_cast<std::uint32_t>(events_.size());
    a.first_quote = static_cast<std::uint32_t>(quotes_.size());
    a.published = ToMicros(article.published_at);
    a.ingested = ingested;
    article_index_.Insert(article_idx);
  }
  const std::int64_t article_time = articles_.back().TimeKey();  // for events without a time

  EventRec r;  // reused: its vectors keep their capacity
  const auto first_event = static_cast<std::uint32_t>(events_.size());
  for (std::size_t k = 0; k < events.size(); ++k) {
    Event& e = events[k];
    const auto idx = static_cast<std::uint32_t>(events_.size());
    r.sentence_from = sentence_from[k] == kNone ? kNone : first_event + sentence_from[k];
    r.mentions.clear();
    r.figures.clear();
    r.quote_ids.clear();
    r.arguments.clear();
    r.place = kNone;
    r.id = std::move(e.id);
    r.text = std::move(texts[k]);
    for (const Entity& x : e.actors) r.mentions.push_back(Mention(x));
    for (const Entity& x : e.recipients) r.mentions.push_back(Mention(x));
    for (const Entity& x : e.patients) r.mentions.push_back(Mention(x));
    r.n_actors = static_cast<std::uint16_t>(e.actors.size());
    r.n_recipients = static_cast<std::uint16_t>(e.recipients.size());
    for (const Figure& f : e.figures) {
      FigureRec& fr = r.figures.emplace_back();
      fr.kind = f.kind;
      fr.qualifier = f.qualifier;
      fr.has_high = f.high.has_value();
      fr.low = f.low;
      fr.high = f.high.value_or(0);
      fr.counted = Mention(f.counted);
      fr.source = Mention(f.source);
      fr.text = pool_.Intern(f.text);
      fr.span = f.span;
    }
    for (const std::string& q : e.quote_ids) r.quote_ids.push_back(pool_.Intern(q));
    for (const ArgumentSpan& a : e.evidence.arguments) {
      r.arguments.push_back(ArgumentRec{pool_.Intern(a.role), a.span});
    }
    r.according_to = Mention(e.according_to);
    r.article = article_idx;
    r.mode = pool_.Intern(e.mode);
    if (!e.place.id.empty()) r.place = InternPlace(e.place);
    r.place_text = pool_.Intern(e.place.text);
    r.time_text = pool_.Intern(e.when.text);
    r.type = e.type;
    r.modality =
        e.modality == Modality::kUnspecified ? Modality::kAsserted : e.modality;
    r.granularity = e.when.granularity;
    r.open_start = e.when.open_start;
    r.open_end = e.when.open_end;
    r.confidence = e.confidence;
    r.sentence_span = e.evidence.sentence_span;
    r.trigger = e.evidence.trigger;
    r.start = ToMicros(e.when.start);
    r.end = ToMicros(e.when.end);
    if (r.start == kNoTime && r.end == kNoTime) {
      r.lo = r.hi = kNoTime;
    } else {
      r.lo = (r.open_start || r.start == kNoTime) ? kMinusInf : r.start;
      if (r.open_end) {
        r.hi = kPlusInf;
      } else if (r.end != kNoTime) {
        r.hi = r.end;
      } else {
        r.hi = UnitEnd(r.start, r.granularity);
      }
      if (r.hi <= r.lo) r.hi = r.lo + 1;  // a point in time
    }
    if (r.start != kNoTime) {
      r.time_key = r.start;
    } else if (r.end != kNoTime) {
      r.time_key = r.end - 1;
    } else {
      r.time_key = article_time;
    }

    events_.Append(r);
    event_index_.Insert(idx);
    const std::size_t z = idx >> internal::kZoneShift;
    if (z == zones_.size()) zones_.emplace_back();
    internal::Zone& zone = zones_[z];
    zone.min_time = std::min(zone.min_time, r.time_key);
    zone.max_time = std::max(zone.max_time, r.time_key);
    zone.min_ingest = std::min(zone.min_ingest, ingested);
    zone.max_ingest = std::max(zone.max_ingest, ingested);
    if (r.hi != kNoTime) {
      zone.min_lo = std::min(zone.min_lo, r.lo);
      zone.max_hi = std::max(zone.max_hi, r.hi);
    }
    by_type_[static_cast<int>(r.type)].push_back(idx);
    by_modality_[static_cast<int>(r.modality)].push_back(idx);
    by_mode_[r.mode].push_back(idx);
    for (std::size_t i = 0; i < r.mentions.size(); ++i) {
      EntityRec& ent = entities_[r.mentions[i].entity];
      internal::Post(ent.any, idx);
      internal::Post(i < r.n_actors ? ent.actor : ent.recipient, idx);
    }
    if (r.according_to.entity != kNone) {
      internal::Post(entities_[r.according_to.entity].source, idx);
    }
    if (r.place != kNone) {
      const PlaceRec& p = places_[r.place];
      if (p.country_postings != nullptr) p.country_postings->push_back(idx);
      for (internal::Postings* postings : p.key_postings) {
        if (postings != nullptr) internal::Post(*postings, idx);
      }
    }
  }

  for (std::size_t k = 0; k < grouped.size(); ++k) {
    const std::uint32_t idx = first_event + static_cast<std::uint32_t>(k);
    std::uint32_t kinds = 0;
    for (std::uint32_t j = events_.figures_begin(idx); j < events_.figures_end(idx); ++j) {
      kinds |= 1u << static_cast<int>(events_.figure(j).kind);
    }
    identity_.Add(idx, grouped[k], kinds);
  }
  for (const auto& [id, c] : corroboration) identity_.SetCorroboration(id, c);

  for (Quote& q : quotes) {
    const auto idx = static_cast<std::uint32_t>(quotes_.size());
    QuoteRec& r = quotes_.emplace_back();
    r.id = std::move(q.id);
    r.text = std::move(q.text);
    for (const std::string& id : q.event_ids) r.event_ids.push_back(pool_.Intern(id));
    r.speaker = Mention(q.speaker);
    r.article = article_idx;
    r.cue = pool_.Intern(q.cue);
    r.span = q.span;
    quote_index_.emplace(absl::string_view(r.id), idx);
    if (r.speaker.entity != kNone) {
      internal::Post(entities_[r.speaker.entity].quotes, idx);
    }
  }
}

Entity EventStore::EntityOut(const MentionRec& m) const {
  Entity e;
  if (m.entity == kNone) return e;
  const EntityRec& rec = entities_[m.entity];
  e.id = rec.id;
  e.name = rec.name;
  e.kind = rec.kind;
  e.country = rec.country;
  e.sector = rec.sector;
  e.text = std::string(pool_.Get(m.text));
  e.count = m.count;
  return e;
}

Event EventStore::EventOut(std::uint32_t idx) const {
  EventRec r = events_.Get(idx);
  const ArticleRec& a = articles_[r.article];
  Event e;
  e.id = r.id;
  e.article_id = std::string(a.id());
  e.type = r.type;
  e.mode = std::string(pool_.Get(r.mode));
  for (std::size_t i = 0; i < r.mentions.size(); ++i) {
    Entity x = EntityOut(r.mentions[i]);
    if (i < r.n_actors) {
      e.actors.push_back(std::move(x));
    } else if (i < r.n_actors + r.n_recipients) {
      e.recipients.push_back(std::move(x));
    } else {
      e.patients.push_back(std::move(x));
    }
  }
  if (r.place != kNone) {
    const PlaceRec& p = places_[r.place];
    e.place.id = p.id;
    e.place.name = p.name;
    e.place.kind = p.kind;
    e.place.admin1 = p.admin1;
    e.place.admin1_id = p.admin1_id;
    e.place.country = p.country;
    e.place.latitude = p.latitude;
    e.place.longitude = p.longitude;
    e.place.precision_km = p.precision_km;
  }
  e.place.text = std::string(pool_.Get(r.place_text));
  e.when.start = FromMicros(r.start);
  e.when.end = FromMicros(r.end);
  e.when.granularity = r.granularity;
  e.when.open_start = r.open_start;
  e.when.open_end = r.open_end;
  e.when.text = std::string(pool_.Get(r.time_text));
  for (const FigureRec& fr : r.figures) {
    Figure& f = e.figures.emplace_back();
    f.kind = fr.kind;
    f.low = fr.low;
    if (fr.has_high) f.high = fr.high;
    f.qualifier = fr.qualifier;
    f.counted = EntityOut(fr.counted);
    f.source = EntityOut(fr.source);
    f.text = std::string(pool_.Get(fr.text));
    f.span = fr.span;
  }
  e.according_to = EntityOut(r.according_to);
  e.modality = r.modality;
  for (std::uint32_t q : r.quote_ids) e.quote_ids.emplace_back(pool_.Get(q));
  e.evidence.sentence = std::move(r.sentence);
  e.evidence.sentence_span = r.sentence_span;
  e.evidence.trigger = r.trigger;
  for (const ArgumentRec& arg : r.arguments) {
    e.evidence.arguments.push_back(
        ArgumentSpan{std::string(pool_.Get(arg.role)), arg.span});
  }
  e.confidence = r.confidence;
  e.summary = std::move(r.summary);
  e.ingested_at = absl::FromUnixMicros(a.ingested);
  e.revision = static_cast<std::int64_t>(idx) + 1;
  e.published_at = a.published_at();
  e.identity = IdentityOut(idx);
  return e;
}

EventIdentity EventStore::IdentityOut(std::uint32_t idx) const {
  const KeyedIdentity keyed = KeyedIdentityOut(idx);
  EventIdentity out;
  if (keyed.grouped) out.event_id = identity::EventIdOfKey(keyed.key);
  out.corroboration = keyed.corroboration;
  return out;
}

KeyedIdentity EventStore::KeyedIdentityOut(std::uint32_t idx) const {
  KeyedIdentity out;
  if (!group_mentions_ || idx >= identity_.size()) return out;
  const internal::GroupRec& g = identity_.group(identity_.GroupOf(idx));
  out.grouped = true;
  out.key = g.key;
  Corroboration& c = out.corroboration;
  c.mentions = static_cast<std::int64_t>(identity_.SizeOf(g));
  c.articles = g.articles;
  c.outlets = g.outlets;
  c.independent_outlets = g.independent_outlets;
  c.first_seen = absl::FromUnixMicros(articles_[events_.article(g.first)].ingested);
  c.last_seen = absl::FromUnixMicros(articles_[events_.article(g.last)].ingested);
  return out;
}

std::vector<KeyedIdentity> EventStore::IdentitiesOf(
    const std::vector<std::int64_t>& revisions) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<KeyedIdentity> out;
  out.reserve(revisions.size());
  for (std::int64_t r : revisions) {
    out.push_back(KeyedIdentityOut(static_cast<std::uint32_t>(r - 1)));
  }
  return out;
}

EventChange EventStore::ChangeAt(std::int64_t revision) const {
  absl::ReaderMutexLock lock(&mu_);
  EventChange out;
  const auto idx = static_cast<std::uint32_t>(revision - 1);
  if (!group_mentions_ || idx >= identity_.size()) return out;
  out.retired_event_ids = identity_.RetiredAt(idx);
  switch (identity_.ChangeAt(idx)) {
    case identity::Change::kCreated: out.change = Change::kCreated; break;
    case identity::Change::kUpdated:
      out.change = out.retired_event_ids.empty() ? Change::kUpdated : Change::kMerged;
      break;
    case identity::Change::kMerged: out.change = Change::kMerged; break;
    case identity::Change::kUnchanged: break;
  }
  return out;
}

bool EventStore::HasEvent(absl::string_view event_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return group_mentions_ && identity_.Resolve(event_id) != kNone;
}

Quote EventStore::QuoteOut(std::uint32_t idx) const {
  const QuoteRec& r = quotes_[idx];
  const ArticleRec& a = articles_[r.article];
  Quote q;
  q.id = r.id;
  q.article_id = std::string(a.id());
  q.speaker = EntityOut(r.speaker);
  q.cue = std::string(pool_.Get(r.cue));
  q.text = r.text;
  q.span = r.span;
  for (std::uint32_t id : r.event_ids) q.event_ids.emplace_back(pool_.Get(id));
  q.published_at = a.published_at();
  return q;
}

absl::StatusOr<Event> EventStore::GetEvent(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  std::uint32_t idx = event_index_.Find(id);
  if (idx == kNone && group_mentions_) {
    const std::uint32_t g = identity_.Resolve(id);
    if (g != kNone) idx = identity_.group(g).first;
  }
  if (idx == kNone) {
    return absl::NotFoundError(absl::StrCat("event '", id, "' not found"));
  }
  return EventOut(idx);
}

absl::StatusOr<ArticleInfo> EventStore::GetArticle(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  const std::uint32_t idx = article_index_.Find(id);
  if (idx == kNone) {
    return absl::NotFoundError(absl::StrCat("article '", id, "' not found"));
  }
  return articles_[idx].Info();
}

Stats EventStore::GetStats() const {
  absl::ReaderMutexLock lock(&mu_);
  Stats s;
  s.articles = static_cast<std::int64_t>(articles_.size());
  s.events = static_cast<std::int64_t>(events_.size());
  s.quotes = static_cast<std::int64_t>(quotes_.size());
  s.entities = static_cast<std::int64_t>(entities_.size());
  s.places = static_cast<std::int64_t>(places_.size());
  s.revision = s.events;
  s.started_at = started_at_;
  s.grouped_events =
      group_mentions_ ? static_cast<std::int64_t>(identity_.live_groups()) : s.events;
  return s;
}

MemoryUsage EventStore::GetMemoryUsage() const {
  MemoryUsage m;
  {
    absl::MutexLock write_lock(&write_mu_);
    m.grouper = static_cast<std::int64_t>(grouper_.MemoryBytes());
    m.other += static_cast<std::int64_t>(text_codec_.bytes());
  }
  absl::ReaderMutexLock lock(&mu_);
  m.event_columns = static_cast<std::int64_t>(events_.bytes());
  m.event_text = static_cast<std::int64_t>(events_.text_bytes());
  auto postings = [](const internal::Postings& p) {
    return static_cast<std::int64_t>(p.bytes());
  };
  for (const auto& p : by_type_) m.postings += postings(p);
  for (const auto& p : by_modality_) m.postings += postings(p);
  for (const auto* by : {&by_mode_, &by_country_, &by_place_key_}) {
    for (const auto& [key, p] : *by) m.postings += postings(p);
  }
  for (const EntityRec& e : entities_) {
    m.postings += postings(e.any) + postings(e.actor) + postings(e.recipient) +
                  postings(e.source) + postings(e.quotes);
    m.other += static_cast<std::int64_t>(sizeof(EntityRec) + e.id.capacity() +
                                         e.name.capacity());
  }
  m.identity = static_cast<std::int64_t>(identity_.MemoryBytes());
  m.other += static_cast<std::int64_t>(
      articles_.size() * sizeof(ArticleRec) + article_arena_.bytes() + article_index_.bytes() +
      quotes_.size() * sizeof(QuoteRec) +
      places_.size() * sizeof(PlaceRec));
  return m;
}

std::uint64_t EventStore::GrouperPostingsRead() const {
  absl::MutexLock write_lock(&write_mu_);
  return grouper_.PostingsRead();
}

std::int64_t EventStore::revision() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<std::int64_t>(events_.size());
}

absl::StatusOr<std::unique_ptr<Subscription>> EventStore::Subscribe(
    EventFilter filter, std::int64_t from_revision,
    std::function<void()> on_ready) {
  if (from_revision < 0) {
    return Invalid("from_revision",
                   absl::StrCat("must not be negative, got ", from_revision));
  }
  auto state = std::make_shared<internal::SubscriptionState>(
      this, std::move(filter), subscriber_buffer_, std::move(on_ready));
  absl::MutexLock subs_lock(&subs_mu_);
  std::int64_t now = 0;
  {
    absl::ReaderMutexLock lock(&mu_);
    now = static_cast<std::int64_t>(events_.size());
  }
  {
    absl::MutexLock lock(&state->mu);
    state->replay_end = now;
    state->live_after = std::max(now, from_revision);
    state->replay_next = from_revision > 0 ? from_revision + 1 : now + 1;
  }
  subs_.push_back(state);
  return std::unique_ptr<Subscription>(new Subscription(std::move(state)));
}

void EventStore::Deliver(std::int64_t from, std::int64_t to) {
  std::vector<std::shared_ptr<internal::SubscriptionState>> subs;
  {
    absl::MutexLock lock(&subs_mu_);
    std::erase_if(subs_, [](const auto& w) { return w.expired(); });
    for (const auto& w : subs_) {
      if (auto s = w.lock()) subs.push_back(std::move(s));
    }
  }
  if (subs.empty()) return;
  std::vector<std::vector<std::int64_t>> matched(subs.size());
  {
    absl::ReaderMutexLock lock(&mu_);
    for (std::size_t k = 0; k < subs.size(); ++k) {
      const CompiledFilter f = Compile(subs[k]->filter);
      for (std::int64_t rev = from + 1; rev <= to; ++rev) {
        if (Matches(f, static_cast<std::uint32_t>(rev - 1))) {
          matched[k].push_back(rev);
        }
      }
    }
  }
  for (std::size_t k = 0; k < subs.size(); ++k) {
    internal::SubscriptionState& s = *subs[k];
    bool notify = false;
    {
      absl::MutexLock lock(&s.mu);
      if (s.detached || !s.cancelled.ok() || s.overflowed) continue;
      for (std::int64_t rev : matched[k]) {
        if (rev <= s.live_after) continue;
        if (s.live.size() >= s.capacity) {
          s.overflowed = true;
          s.resume_revision = rev - 1;
          notify = true;
          break;
        }
        s.live.push_back(rev);
        notify = true;
      }
    }
    if (notify) s.Notify();
  }
}

std::vector<Event> EventStore::Replay(const EventFilter& filter,
                                      std::int64_t from, std::int64_t to,
                                      std::size_t limit,
                                      std::int64_t* next) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Event> out;
  const CompiledFilter f = Compile(filter);
  std::uint32_t scanned_to = 0;
  const auto begin = static_cast<std::uint32_t>(from - 1);
  const auto end = static_cast<std::uint32_t>(
      std::min<std::int64_t>(to, static_cast<std::int64_t>(events_.size())));
  for (std::uint32_t idx : MatchingIndexes(f, begin, end, limit, &scanned_to)) {
    out.push_back(EventOut(idx));
  }
  *next = static_cast<std::int64_t>(scanned_to) + 1;
  return out;
}

absl::StatusOr<Event> EventStore::GetEventByRevision(std::int64_t revision) const {
  absl::ReaderMutexLock lock(&mu_);
  if (revision < 1 || revision > static_cast<std::int64_t>(events_.size())) {
    return absl::NotFoundError(absl::StrCat("revision ", revision, " not found"));
  }
  return EventOut(static_cast<std::uint32_t>(revision - 1));
}

std::int64_t EventStore::output_epoch() const {
  absl::ReaderMutexLock lock(&mu_);
  return output_epoch_;
}

Event EventStore::EventAt(std::int64_t revision) const {
  absl::ReaderMutexLock lock(&mu_);
  return EventOut(static_cast<std::uint32_t>(revision - 1));
}

}  // namespace newsevents::query::store
