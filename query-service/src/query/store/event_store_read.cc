// Filtered reads: compiling filters, choosing a postings list to drive the
// scan, ordered pages of events and quotes, entity search.
#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/store/event_store.h"
#include "query/store/page_token.h"
#include "query/store/status_macros.h"

namespace newsevents::query::store {

using internal::EntityRec;
using internal::kMinusInf;
using internal::kNone;
using internal::kNoTime;
using internal::kPlusInf;
using internal::Lower;
using internal::Postings;
using internal::QuoteRec;
using internal::ToMicros;

namespace {

constexpr std::uint32_t kDefaultModalities =
    (1u << static_cast<int>(Modality::kAsserted)) |
    (1u << static_cast<int>(Modality::kReported)) |
    (1u << static_cast<int>(Modality::kAlleged)) |
    (1u << static_cast<int>(Modality::kEstimated));

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size: must be in 0..", kMaxPageSize, ", got ", requested));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

bool Contains(const std::optional<absl::flat_hash_set<std::uint32_t>>& set,
              std::uint32_t v) {
  return set->contains(v);
}

// ASCII case-insensitive substring test; `lower_needle` is lower-cased.
bool ContainsLower(absl::string_view haystack, absl::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(),
                        lower_needle.end(), [](char a, char b) {
                          if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
                          return a == b;
                        });
  return it != haystack.end();
}

bool Desc(OrderBy order) {
  return order == OrderBy::kEventTimeDesc || order == OrderBy::kIngestTimeDesc;
}

}  // namespace

internal::CompiledFilter EventStore::Compile(const EventFilter& filter) const {
  CompiledFilter f;
  for (EventType t : filter.types) f.type_mask |= 1u << static_cast<int>(t);
  for (Modality m : filter.modalities) {
    f.modality_mask |= 1u << static_cast<int>(m);
  }
  if (f.modality_mask == 0) f.modality_mask = kDefaultModalities;

  using Set = absl::flat_hash_set<std::uint32_t>;
  auto entities = [&](const std::vector<std::string>& ids) ABSL_SHARED_LOCKS_REQUIRED(mu_)
      -> std::optional<Set> {
    if (ids.empty()) return std::nullopt;
    Set s;
    for (const std::string& id : ids) {
      auto it = entity_index_.find(id);
      if (it != entity_index_.end()) s.insert(it->second);
    }
    return s;
  };
  auto pooled = [&](const std::vector<std::string>& values) ABSL_SHARED_LOCKS_REQUIRED(mu_)
      -> std::optional<Set> {
    if (values.empty()) return std::nullopt;
    Set s;
    for (const std::string& v : values) {
      const std::uint32_t id = pool_.Find(v);
      if (id != kNone) s.insert(id);
    }
    return s;
  };
  f.modes = pooled(filter.modes);
  f.any_entities = entities(filter.entity_ids);
  f.actors = entities(filter.actor_ids);
  f.recipients = entities(filter.recipient_ids);
  f.sources = entities(filter.source_ids);
  f.countries = pooled(filter.countries);
  f.place_keys = pooled(filter.place_ids);
  if (!filter.entity_names.empty()) {
    f.named.emplace();
    for (const std::string& name : filter.entity_names) {
      auto it = names_.find(Lower(name));
      if (it != names_.end()) f.named->insert(it->second.begin(), it->second.end());
    }
  }
  if (!filter.article_ids.empty()) {
    f.articles.emplace();
    for (const std::string& id : filter.article_ids) {
      const std::uint32_t a = article_index_.Find(id);
      if (a != kNone) f.articles->insert(a);
    }
  }
  if (!filter.event_ids.empty()) {
    f.groups.emplace();
    if (group_mentions_) {
      internal::IndexList group_members;
      for (const std::string& id : filter.event_ids) {
        const std::uint32_t g = identity_.Resolve(id);
        if (g == kNone || !f.groups->insert(g).second) continue;
        const internal::GroupRec& rec = identity_.group(g);
        const internal::IndexList& members = identity_.Members(rec);
        if (members.empty()) {
          group_members.push_back(rec.first);
        } else {
          group_members.insert(group_members.end(), members.begin(), members.end());
        }
      }
      std::sort(group_members.begin(), group_members.end());
      for (std::uint32_t idx : group_members) f.group_members.push_back(idx);
    }
  }
  f.has_time = filter.start_time.has_value() || filter.end_time.has_value();
  f.lo = filter.start_time.has_value() ? ToMicros(filter.start_time) : kMinusInf;
  f.hi = filter.end_time.has_value() ? ToMicros(filter.end_time) : kPlusInf;
  for (const auto* set : {&f.modes, &f.any_entities, &f.actors, &f.recipients,
                          &f.named, &f.countries, &f.place_keys, &f.articles,
                          &f.sources, &f.groups}) {
    if (set->has_value() && (*set)->empty()) f.never = true;
  }
  if (f.has_time && f.lo >= f.hi) f.never = true;
  return f;
}

bool EventStore::Matches(const CompiledFilter& f, std::uint32_t idx,
                         std::uint32_t implied) const {
  using internal::FilterField;
  const internal::EventTable& t = events_;
  if (f.never) return false;
  auto checks = [implied](FilterField field) { return (implied & field) == 0; };
  if (f.type_mask != 0 && checks(internal::kByType) &&
      (f.type_mask & (1u << static_cast<int>(t.type(idx)))) == 0) {
    return false;
  }
  if (checks(internal::kByModality) &&
      (f.modality_mask & (1u << static_cast<int>(t.modality(idx)))) == 0) {
    return false;
  }
  if (f.modes && checks(internal::kByMode) && !Contains(f.modes, t.mode(idx))) return false;
  const bool any_entities = f.any_entities && checks(internal::kByAnyEntity);
  const bool named = f.named && checks(internal::kByName);
  const bool actors = f.actors && checks(internal::kByActor);
  const bool recipients = f.recipients && checks(internal::kByRecipient);
  if (any_entities || named || actors || recipients) {
    const std::uint32_t begin = t.mentions_begin(idx);
    const std::uint32_t end = t.mentions_end(idx);
    const std::uint32_t actors_end = begin + t.n_actors(idx);
    auto any_in = [&](const absl::flat_hash_set<std::uint32_t>& set,
                      std::uint32_t from,
                      std::uint32_t to) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      for (std::uint32_t j = from; j < to; ++j) {
        if (set.contains(t.mention_entity(j))) return true;
      }
      return false;
    };
    if (any_entities && !any_in(*f.any_entities, begin, end)) return false;
    if (named && !any_in(*f.named, begin, end)) return false;
    if (actors && !any_in(*f.actors, begin, actors_end)) return false;
    if (recipients && !any_in(*f.recipients, actors_end, end)) return false;
  }
  if (f.sources && checks(internal::kBySource) &&
      (t.source(idx) == kNone || !Contains(f.sources, t.source(idx)))) {
    return false;
  }
  if (f.articles && checks(internal::kByArticle) && !Contains(f.articles, t.article(idx))) {
    return false;
  }
  if (f.groups && checks(internal::kByGroup) && !Contains(f.groups, identity_.GroupOf(idx))) {
    return false;
  }
  const bool countries = f.countries && checks(internal::kByCountry);
  const bool place_keys = f.place_keys && checks(internal::kByPlaceKey);
  if (countries || place_keys) {
    const std::uint32_t place = t.place(idx);
    if (place == kNone) return false;
    const internal::PlaceRec& p = places_[place];
    if (countries && (p.country.empty() || !Contains(f.countries, p.country_code))) {
      return false;
    }
    if (place_keys) {
      bool found = false;
      for (std::uint32_t key : p.keys) {
        if (key != kNone && f.place_keys->contains(key)) found = true;
      }
      if (!found) return false;
    }
  }
  if (f.has_time) {
    if (!t.has_time(idx)) return false;
    if (!(t.lo(idx) < f.hi && f.lo < t.hi(idx))) return false;
  }
  return true;
}

internal::CandidateSource EventStore::PickSource(const CompiledFilter& f,
                                                std::uint32_t range) const {
  // Each filtering field offers the union of some postings lists as a
  // superset of the matches; the smallest one drives the read and Matches()
  // checks every field on its candidates.
  internal::CandidateSource src;
  std::size_t best_size = std::numeric_limits<std::size_t>::max();
  // Fields that offered a single list: the probes' candidates.
  std::vector<std::pair<const Postings*, internal::FilterField>> singles;
  auto offer = [&](std::vector<const Postings*> lists, internal::FilterField field) {
    std::size_t size = 0;
    for (const Postings* p : lists) size += p->size();
    if (lists.size() == 1 && field != internal::kByArticle) {  // article lists are temporary
      singles.emplace_back(lists[0], field);
    }
    if (size < best_size) {
      best_size = size;
      src.lists = std::move(lists);
      src.implied = field;
    }
  };
  auto bits = [&](std::uint32_t mask, const auto& by) {
    std::vector<const Postings*> lists;
    for (std::size_t i = 0; i < by.size(); ++i) {
      if (mask & (1u << i)) lists.push_back(&by[i]);
    }
    return lists;
  };
  auto keyed = [&](const absl::flat_hash_set<std::uint32_t>& keys,
                   const absl::node_hash_map<std::uint32_t, Postings>& by) {
    std::vector<const Postings*> lists;
    for (std::uint32_t k : keys) {
      auto it = by.find(k);
      if (it != by.end()) lists.push_back(&it->second);
    }
    return lists;
  };
  auto entity_lists = [&](const absl::flat_hash_set<std::uint32_t>& ids,
                          Postings EntityRec::*member) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    std::vector<const Postings*> lists;
    for (std::uint32_t e : ids) lists.push_back(&(entities_[e].*member));
    return lists;
  };
  if (f.type_mask != 0) offer(bits(f.type_mask, by_type_), internal::kByType);
  offer(bits(f.modality_mask, by_modality_), internal::kByModality);
  if (f.modes) offer(keyed(*f.modes, by_mode_), internal::kByMode);
  if (f.countries) offer(keyed(*f.countries, by_country_), internal::kByCountry);
  if (f.place_keys) offer(keyed(*f.place_keys, by_place_key_), internal::kByPlaceKey);
  if (f.any_entities) {
    offer(entity_lists(*f.any_entities, &EntityRec::any), internal::kByAnyEntity);
  }
  if (f.named) offer(entity_lists(*f.named, &EntityRec::any), internal::kByName);
  if (f.actors) offer(entity_lists(*f.actors, &EntityRec::actor), internal::kByActor);
  if (f.recipients) {
    offer(entity_lists(*f.recipients, &EntityRec::recipient), internal::kByRecipient);
  }
  if (f.sources) offer(entity_lists(*f.sources, &EntityRec::source), internal::kBySource);
  if (f.articles) {
    std::deque<Postings> owned;  // articles are index ranges
    std::vector<const Postings*> lists;
    for (std::uint32_t a : *f.articles) {
      Postings& p = owned.emplace_back();
      const internal::ArticleRec& rec = articles_[a];
      for (std::int32_t i = 0; i < rec.event_count; ++i) {
        p.push_back(rec.first_event + static_cast<std::uint32_t>(i));
      }
      lists.push_back(&p);
    }
    const std::size_t before = best_size;
    offer(std::move(lists), internal::kByArticle);
    if (best_size != before) src.owned = std::move(owned);  // deque moves keep addresses
  }
  if (f.groups) offer({&f.group_members}, internal::kByGroup);
  // Scanning the columns beats merging postings lists that cover a good
  // part of the range (the default modality filter alone covers most).
  if (best_size >= range / 4) {
    src.lists.clear();
    src.owned.clear();
    src.implied = 0;
    src.size = events_.size();
  } else {
    src.scan = false;
    src.size = best_size;
    std::sort(singles.begin(), singles.end(),
              [](const auto& a, const auto& b) { return a.first->size() < b.first->size(); });
    // A probe pays where Matches() would probe a hash set (entities, modes,
    // places, sources), not a bit mask on a column (type, modality), and
    // while its list is not so much longer than the candidates' that
    // galloping through it costs more than that lookup.
    constexpr std::uint32_t kMaskFields = internal::kByType | internal::kByModality;
    constexpr std::size_t kMaxProbeRatio = 16;
    for (const auto& [list, field] : singles) {
      if (field == src.implied || (field & kMaskFields) != 0 ||
          list->size() > kMaxProbeRatio * std::max<std::size_t>(best_size, 1)) {
        continue;
      }
      if (src.probes.size() == internal::CandidateSource::kMaxProbes) break;
      src.probes.push_back(list);
      src.probed |= field;
    }
  }
  return src;
}

namespace {
using internal::Gallop;
// Gallop over a packed list, galloping over its blocks' first indexes.
Postings::const_iterator Gallop(Postings::const_iterator first, Postings::const_iterator last,
                                std::uint32_t value) {
  return {first.list(), first.list()->LowerBound(first.index(), last.index(), value,
                                                 /*near=*/true)};
}
}  // namespace

bool EventStore::ForEachCandidate(const internal::CandidateSource& source,
                                  std::uint32_t begin, std::uint32_t end,
                                  absl::FunctionRef<bool(std::uint32_t)> fn,
                                  std::size_t* rejected) const {
  if (begin >= end) return false;
  if (source.scan) {
    for (std::uint32_t idx = begin; idx < end; ++idx) {
      if (fn(idx)) return true;
    }
    return false;
  }
  std::size_t ignored = 0;
  std::size_t& turned_away = rejected != nullptr ? *rejected : ignored;
  // Each probe's part in [begin, end), consumed as the ascending candidates
  // pass.
  std::array<std::pair<Postings::const_iterator, Postings::const_iterator>,
             internal::CandidateSource::kMaxProbes>
      probes;
  const std::size_t n_probes = source.probes.size();
  for (std::size_t i = 0; i < n_probes; ++i) {
    const Postings& p = *source.probes[i];
    auto first = internal::LowerBound(p.begin(), p.end(), begin);
    probes[i] = {first, Gallop(first, p.end(), end)};
    if (first == probes[i].second) {  // every candidate is turned away
      for (const Postings* l : source.lists) {
        turned_away += static_cast<std::size_t>(internal::LowerBound(l->begin(), l->end(), end) -
                                                internal::LowerBound(l->begin(), l->end(), begin));
      }
      return false;
    }
  }
  auto pass = [&](std::uint32_t idx) {
    for (std::size_t i = 0; i < n_probes; ++i) {
      auto& [at, last] = probes[i];
      at = Gallop(at, last, idx);
      if (at == last || *at != idx) {
        ++turned_away;
        return false;
      }
    }
    return true;
  };
  if (source.lists.size() == 1) {
    const Postings& p = *source.lists[0];
    auto first = internal::LowerBound(p.begin(), p.end(), begin);
    auto last = Gallop(first, p.end(), end);
    for (auto it = first; it != last; ++it) {
      if (pass(*it) && fn(*it)) return true;
    }
    return false;
  }
  // The union of several lists, in order and lazily (the caller may stop
  // early): a k-way merge over the lists' parts in [begin, end).
  using Cursor = std::pair<Postings::const_iterator, Postings::const_iterator>;
  std::vector<Cursor> cursors;
  for (const Postings* p : source.lists) {
    auto first = internal::LowerBound(p->begin(), p->end(), begin);
    auto last = Gallop(first, p->end(), end);
    if (first != last) cursors.emplace_back(first, last);
  }
  auto later = [](const Cursor& a, const Cursor& b) { return *a.first > *b.first; };
  std::make_heap(cursors.begin(), cursors.end(), later);
  std::uint32_t previous = kNone;
  while (!cursors.empty()) {
    std::pop_heap(cursors.begin(), cursors.end(), later);
    Cursor& c = cursors.back();
    const std::uint32_t idx = *c.first++;
    if (c.first == c.second) {
      cursors.pop_back();
    } else {
      std::push_heap(cursors.begin(), cursors.end(), later);
    }
    if (idx == previous) continue;
    previous = idx;
    if (pass(idx) && fn(idx)) return true;
  }
  return false;
}

std::vector<std::uint32_t> EventStore::MatchingIndexes(
    const CompiledFilter& f, std::uint32_t begin, std::uint32_t end,
    std::size_t limit, std::uint32_t* scanned_to) const {
  std::vector<std::uint32_t> out;
  *scanned_to = std::max(begin, end);
  if (f.never || begin >= end || limit == 0) return out;
  const internal::CandidateSource source = PickSource(f, end - begin);
  ForEachCandidate(source, begin, end, [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    if (!Matches(f, idx, source.implied | source.probed)) return false;
    out.push_back(idx);
    if (out.size() >= limit) {
      *scanned_to = idx + 1;
      return true;
    }
    return false;
  });
  return out;
}

bool EventStore::IsLead(const CompiledFilter& f, std::uint32_t idx,
                        absl::flat_hash_map<std::uint32_t, std::uint32_t>& leads,
                        const internal::CandidateSource* source) const {
  if (!group_mentions_ || identity_.IsFirstOfGroup(idx)) return true;
  const std::uint32_t group = identity_.GroupOf(idx);
  auto [it, inserted] = leads.try_emplace(group, idx);
  if (inserted) {
    // The first member that matches, whichever member asked first.
    const internal::IndexList& members = identity_.Members(identity_.group(group));
    it->second = source != nullptr && !source->scan ? LeadFromLists(f, members, idx, *source)
                                                    : LeadByScan(f, members, idx);
  }
  return it->second == idx;
}

namespace {
// Whether a zone may hold an event in the filter's time range (any zone
// may when the filter has none).
bool ZoneInRange(const internal::CompiledFilter& f, const internal::Zone& zone) {
  return !f.has_time || (zone.min_lo < f.hi && f.lo < zone.max_hi);
}

// The first index of the zone after idx's.
std::uint32_t NextZoneStart(std::uint32_t idx) {
  const std::uint64_t next = ((static_cast<std::uint64_t>(idx) >> internal::kZoneShift) + 1)
                             << internal::kZoneShift;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(next, kNone));
}
}  // namespace

std::uint32_t EventStore::LeadFromLists(const CompiledFilter& f,
                                        const internal::IndexList& members, std::uint32_t idx,
                                        const internal::CandidateSource& source) const {
  // Every match is in one of the source's lists, so the lead is the
  // earliest element common to the members before idx and a list that
  // matches. Each list is intersected with the members by galloping in
  // whichever is behind: the cost follows the number of alternations
  // between the two, not the longer one's length, and Matches() reads only
  // common elements. Under a time range, a zone with no event in the range
  // is skipped whole.
  const auto before = std::lower_bound(members.begin(), members.end(), idx);
  std::uint32_t lead = idx;  // idx itself matches
  if (before == members.begin()) return lead;
  for (const internal::Postings* l : source.lists) {
    auto a = members.begin();
    // Bisected, not galloped, to the event's first report: that one may lie
    // anywhere in a long list.
    auto b = internal::LowerBound(l->begin(), l->end(), *a);
    while (a != before && b != l->end() && *a < lead) {
      if (!ZoneInRange(f, zones_[*a >> internal::kZoneShift])) {
        a = Gallop(a, before, NextZoneStart(*a));
        continue;
      }
      if (*a < *b) {
        a = Gallop(a, before, *b);
      } else if (*b < *a) {
        b = Gallop(b, l->end(), *a);
      } else {
        if (Matches(f, *a, source.implied)) {  // *a is in one of the lists
          lead = *a;
          break;
        }
        ++a;
        ++b;
      }
    }
  }
  return lead;
}

std::uint32_t EventStore::LeadByScan(const CompiledFilter& f, const internal::IndexList& members,
                                     std::uint32_t idx) const {
  // Members ascending; under a time range, a zone with no event in the
  // range is skipped whole (idx's own zone never is, so idx ends the scan
  // at the latest).
  for (auto a = members.begin(); a != members.end();) {
    if (!ZoneInRange(f, zones_[*a >> internal::kZoneShift])) {
      a = Gallop(a, members.end(), NextZoneStart(*a));
      continue;
    }
    if (Matches(f, *a)) return *a;
    ++a;
  }
  return idx;
}

std::int64_t EventStore::SortKey(std::uint32_t idx, OrderBy order) const {
  if (order == OrderBy::kIngestTimeAsc || order == OrderBy::kIngestTimeDesc) {
    return articles_[events_.article(idx)].ingested;
  }
  if (events_.has_time(idx)) return events_.time_key(idx);
  return articles_[events_.article(idx)].TimeKey();
}

absl::StatusOr<EventPage> EventStore::ListEvents(const ListEventsQuery& query) const {
  QUERY_ASSIGN_OR_RETURN(RevisionPage revisions, ListEventRevisions(query));
  EventPage page;
  page.next_page_token = std::move(revisions.next_page_token);
  page.total_size = revisions.total_size;
  page.events.reserve(revisions.revisions.size());
  absl::ReaderMutexLock lock(&mu_);
  for (std::int64_t revision : revisions.revisions) {
    page.events.push_back(EventOut(static_cast<std::uint32_t>(revision - 1)));
  }
  return page;
}

absl::StatusOr<RevisionPage> EventStore::ListEventRevisions(
    const ListEventsQuery& query, std::size_t max_examined) const {
  QUERY_ASSIGN_OR_RETURN(const int page_size, PageSize(query.page_size));
  // The query's fingerprint ties a page token to it; most pages need none
  // (a first page that holds every match), so it is computed on demand.
  std::optional<std::uint64_t> fingerprint;
  auto fingerprint_of_query = [&]() {
    if (!fingerprint.has_value()) fingerprint = Fingerprint(query);
    return *fingerprint;
  };
  std::optional<Cursor> cursor;
  if (!query.page_token.empty()) {
    QUERY_ASSIGN_OR_RETURN(cursor, DecodeCursor(query.page_token, fingerprint_of_query()));
  }
  const bool desc = Desc(query.order_by);

  const bool by_ingest = query.order_by == OrderBy::kIngestTimeAsc ||
                        query.order_by == OrderBy::kIngestTimeDesc;

  absl::ReaderMutexLock lock(&mu_);
  const CompiledFilter f = Compile(query.filter);
  RevisionPage page;
  const auto n = static_cast<std::uint32_t>(events_.size());
  if (f.never || n == 0) return page;
  const internal::CandidateSource source = PickSource(f, n);
  // A candidate is listed when it matches and, unless every mention is
  // asked for, is its event's first matching mention of an event
  // corroborated enough.
  const bool events_only = !query.mentions && group_mentions_;
  const bool corroborated = (query.min_articles > 1 || query.min_independent_outlets > 0) &&
                            group_mentions_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> leads;
  // Every candidate comes from `source`; `implied`: the fields it
  // satisfies already.
  auto accept = [&](std::uint32_t idx, std::uint32_t implied) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    if (!Matches(f, idx, implied)) return false;
    if (corroborated) {
      const internal::GroupRec& g = identity_.group(identity_.GroupOf(idx));
      if (g.articles < query.min_articles ||
          g.independent_outlets < query.min_independent_outlets) {
        return false;
      }
    }
    return !events_only || IsLead(f, idx, leads, &source);
  };

  // (sort key, revision); revision = index + 1 keeps the order total. The
  // page is selected with a bounded heap: O(candidates * log(page_size))
  // time, O(page_size) memory.
  using Key = std::pair<std::int64_t, std::int64_t>;
  auto before = [desc](const Key& a, const Key& b) { return desc ? b < a : a < b; };
  std::vector<Key> heap;  // the best page_size + 1 so far; worst on top
  const std::size_t keep = static_cast<std::size_t>(page_size) + 1;
  const std::optional<Key> after =
      cursor.has_value() ? std::optional<Key>(Key{cursor->key, cursor->seq})
                         : std::nullopt;

  // Zones are visited best first, by the best key they may hold (their
  // best sort key with their best revision); once the heap is full, a zone
  // whose best key cannot enter it ends the read, since every later zone is
  // no better. Zones with no event in the filter's time range are skipped.
  constexpr std::uint32_t kZoneSize = std::uint32_t{1} << internal::kZoneShift;
  struct ZoneRef {
    Key best;
    std::int64_t worst;  // the worst sort key in the zone
    std::uint32_t zone;
  };
  std::vector<ZoneRef> zones;
  zones.reserve(zones_.size());
  for (std::uint32_t z = 0; z < zones_.size(); ++z) {
    const internal::Zone& zone = zones_[z];
    if (!ZoneInRange(f, zone)) continue;
    const std::uint32_t begin = z << internal::kZoneShift;
    const std::uint32_t end = std::min(n, begin + kZoneSize);
    const std::int64_t lo = by_ingest ? zone.min_ingest : zone.min_time;
    const std::int64_t hi = by_ingest ? zone.max_ingest : zone.max_time;
    zones.push_back(desc ? ZoneRef{Key{hi, end}, lo, z} : ZoneRef{Key{lo, begin + 1}, hi, z});
  }
  auto worse_zone = [&before](const ZoneRef& a, const ZoneRef& b) {
    return before(b.best, a.best);
  };
  std::make_heap(zones.begin(), zones.end(), worse_zone);

  std::size_t examined = 0;  // candidates checked against the filter
  std::size_t rejected = 0;  // candidates the source's probes turned away
  std::size_t matched = 0;
  auto over_budget = [&](std::size_t more) {
    return max_examined != 0 && examined + rejected + more > max_examined;
  };
  std::vector<std::uint32_t> unread;  // zones left out by the page token
  while (!zones.empty()) {
    if (heap.size() == keep && !before(zones.front().best, heap.front())) break;
    std::pop_heap(zones.begin(), zones.end(), worse_zone);
    const ZoneRef z = zones.back();
    zones.pop_back();
    // A zone wholly on the far side of the page token holds nothing for
    // this page.
    if (after.has_value() && (desc ? z.worst > after->first : z.worst < after->first)) {
      unread.push_back(z.zone);
      continue;
    }
    const std::uint32_t begin = z.zone << internal::kZoneShift;
    const std::uint32_t end = std::min(n, begin + kZoneSize);
    const bool stopped = ForEachCandidate(
        source, begin, end, [&](std::uint32_t idx) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (over_budget(1)) return true;
      ++examined;
      if (!accept(idx, source.implied | source.probed)) return false;
      ++matched;
      const Key k{SortKey(idx, query.order_by), static_cast<std::int64_t>(idx) + 1};
      if (after.has_value() && !before(*after, k)) return false;
      if (heap.size() < keep) {
        heap.push_back(k);
        std::push_heap(heap.begin(), heap.end(), before);
      } else if (before(k, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), before);
        heap.back() = k;
        std::push_heap(heap.begin(), heap.end(), before);
      }
      return false;
    }, &rejected);
    // The probes may turn away up to a zone's candidates past the budget.
    if (stopped || over_budget(0)) {
      page.over_budget = true;
      return page;
    }
  }
  // Exact when every candidate was examined. Otherwise the candidates left
  // are assumed to match at the rate of those examined; with a time range,
  // whose matches crowd into few zones, each zone left that overlaps it is
  // estimated from a sample of its own candidates instead.
  for (const ZoneRef& z : zones) unread.push_back(z.zone);
  page.total_size = static_cast<std::int64_t>(matched);
  if (!unread.empty() && !f.has_time) {
    const std::size_t seen = examined + rejected;
    const double rate =
        seen == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(seen);
    const std::size_t rest = source.size > seen ? source.size - seen : 0;
    page.total_size += std::llround(rate * static_cast<double>(rest));
  } else if (!unread.empty()) {
    // Samples by position (a union of lists is sampled list by list, so an
    // event in two lists may count twice: this is an estimate).
    constexpr std::size_t kBudget = 2048;
    const std::size_t per_zone = std::max<std::size_t>(8, kBudget / unread.size());
    double estimate = 0;
    auto sample = [&](std::size_t count, auto at) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (count == 0) return;
      const std::size_t step = std::max<std::size_t>(1, count / per_zone);
      std::size_t sampled = 0, hits = 0;
      for (std::size_t i = 0; i < count; i += step) {
        ++sampled;
        if (accept(at(i), source.implied)) ++hits;
      }
      estimate += static_cast<double>(count) * static_cast<double>(hits) /
                  static_cast<double>(sampled);
    };
    for (std::uint32_t z : unread) {
      const std::uint32_t begin = z << internal::kZoneShift;
      const std::uint32_t end = std::min(n, begin + kZoneSize);
      if (source.scan) {
        sample(end - begin, [begin](std::size_t i) {
          return begin + static_cast<std::uint32_t>(i);
        });
        continue;
      }
      for (const Postings* p : source.lists) {
        auto first = internal::LowerBound(p->begin(), p->end(), begin);
        auto last = Gallop(first, p->end(), end);
        sample(static_cast<std::size_t>(last - first),
               [first](std::size_t i) { return first[static_cast<std::ptrdiff_t>(i)]; });
      }
    }
    page.total_size += std::llround(estimate);
  }

  std::sort(heap.begin(), heap.end(), before);  // faster than sort_heap at page sizes
  const bool more = heap.size() > static_cast<std::size_t>(page_size);
  if (more) heap.resize(static_cast<std::size_t>(page_size));
  const std::vector<Key>& keys = heap;
  page.revisions.reserve(keys.size());
  for (const Key& k : keys) page.revisions.push_back(k.second);
  if (more) {
    page.next_page_token =
        EncodeCursor(Cursor{fingerprint_of_query(), keys.back().first, keys.back().second});
  }
  return page;
}

absl::StatusOr<QuotePage> EventStore::ListQuotes(const QuoteQuery& query) const {
  QUERY_ASSIGN_OR_RETURN(const int page_size, PageSize(query.page_size));
  const std::uint64_t fingerprint = Fingerprint(query);
  std::optional<Cursor> cursor;
  if (!query.page_token.empty()) {
    QUERY_ASSIGN_OR_RETURN(cursor, DecodeCursor(query.page_token, fingerprint));
  }
  const std::string needle = Lower(query.text_contains);
  const std::int64_t lo = query.start_time.has_value()
                              ? ToMicros(query.start_time)
                              : kMinusInf;
  const std::int64_t hi =
      query.end_time.has_value() ? ToMicros(query.end_time) : kPlusInf;
  const bool has_time = query.start_time.has_value() || query.end_time.has_value();

  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::uint32_t> candidates;
  bool scan_all = true;
  if (!query.speaker_ids.empty()) {
    scan_all = false;
    for (const std::string& id : query.speaker_ids) {
      auto it = entity_index_.find(id);
      if (it == entity_index_.end()) continue;
      const Postings& p = entities_[it->second].quotes;
      candidates.insert(candidates.end(), p.begin(), p.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
  }
  std::uint32_t article = kNone;
  if (!query.article_id.empty()) {
    article = article_index_.Find(query.article_id);
    if (article == kNone) return QuotePage{};
    if (scan_all) {
      scan_all = false;
      const internal::ArticleRec& a = articles_[article];
      for (std::int32_t i = 0; i < a.quote_count; ++i) {
        candidates.push_back(a.first_quote + static_cast<std::uint32_t>(i));
      }
    }
  }
  if (scan_all) {
    candidates.resize(quotes_.size());
    for (std::uint32_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
  }

  using Key = std::pair<std::int64_t, std::int64_t>;  // (published, seq)
  std::vector<Key> keys;
  for (std::uint32_t idx : candidates) {
    const QuoteRec& q = quotes_[idx];
    if (article != kNone && q.article != article) continue;
    const std::int64_t published = articles_[q.article].published;
    if (has_time && (published == kNoTime || published < lo || published >= hi)) {
      continue;
    }
    if (!ContainsLower(q.text, needle)) continue;
    Key k{published, static_cast<std::int64_t>(idx) + 1};
    if (cursor.has_value() && !(k < Key{cursor->key, cursor->seq})) continue;
    keys.push_back(k);
  }
  auto before = [](const Key& a, const Key& b) { return b < a; };
  const bool more = keys.size() > static_cast<std::size_t>(page_size);
  if (more) {
    std::partial_sort(keys.begin(), keys.begin() + page_size, keys.end(), before);
    keys.resize(static_cast<std::size_t>(page_size));
  } else {
    std::sort(keys.begin(), keys.end(), before);
  }
  QuotePage page;
  for (const Key& k : keys) {
    page.quotes.push_back(QuoteOut(static_cast<std::uint32_t>(k.second - 1)));
  }
  if (more) {
    page.next_page_token =
        EncodeCursor(Cursor{fingerprint, keys.back().first, keys.back().second});
  }
  return page;
}

absl::StatusOr<std::vector<EntityCount>> EventStore::SearchEntities(
    const EntityQuery& query) const {
  QUERY_ASSIGN_OR_RETURN(const int page_size, PageSize(query.page_size));
  const std::string prefix = Lower(query.prefix);
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::uint32_t> found;
  if (prefix.empty()) {
    found.resize(entities_.size());
    for (std::uint32_t i = 0; i < found.size(); ++i) found[i] = i;
  } else {
    for (auto it = names_.lower_bound(prefix);
         it != names_.end() && absl::StartsWith(it->first, prefix); ++it) {
      found.insert(found.end(), it->second.begin(), it->second.end());
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
  }
  std::erase_if(found, [&](std::uint32_t i) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const EntityRec& e = entities_[i];
    return (query.kind != EntityKind::kUnspecified && e.kind != query.kind) ||
           (!query.country.empty() && e.country != query.country);
  });
  auto before = [&](std::uint32_t a, std::uint32_t b) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const EntityRec& x = entities_[a];
    const EntityRec& y = entities_[b];
    if (x.any.size() != y.any.size()) return x.any.size() > y.any.size();
    if (x.name != y.name) return x.name < y.name;
    return x.id < y.id;
  };
  if (found.size() > static_cast<std::size_t>(page_size)) {
    std::partial_sort(found.begin(), found.begin() + page_size, found.end(), before);
    found.resize(static_cast<std::size_t>(page_size));
  } else {
    std::sort(found.begin(), found.end(), before);
  }
  std::vector<EntityCount> out;
  out.reserve(found.size());
  for (std::uint32_t i : found) {
    const EntityRec& e = entities_[i];
    EntityCount& c = out.emplace_back();
    c.entity.id = e.id;
    c.entity.name = e.name;
    c.entity.kind = e.kind;
    c.entity.country = e.country;
    c.entity.sector = e.sector;
    c.entity.aliases = e.aliases;
    c.event_count = static_cast<std::int64_t>(e.any.size());
  }
  return out;
}

}  // namespace newsevents::query::store
