#include "ingest/extract/extractor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "ingest/extract/analysis.h"
#include "ingest/extract/ids.h"
#include "ingest/resources/resources.h"
#include "xxhash.h"

namespace newsevents::ingest {
namespace {

bool QuoteLinkable(EventType t) {
  return t == EventType::kAccuse || t == EventType::kRequest || t == EventType::kThreaten ||
         t == EventType::kReject || t == EventType::kAgree || t == EventType::kSupport ||
         t == EventType::kConcede || t == EventType::kSanction;
}

int SentenceOf(const Analysis& a, std::size_t offset) {
  const auto& s = a.seg.sentences;
  auto it = std::upper_bound(s.begin(), s.end(), offset,
                             [](std::size_t off, const Sentence& x) { return off < x.start; });
  if (it == s.begin()) return -1;
  return static_cast<int>(std::distance(s.begin(), it) - 1);
}

void LinkQuotes(const Analysis& a, Extraction& x) {
  for (QuoteRecord& q : x.quotes) {
    if (q.speaker.id.empty()) continue;
    const int qs = SentenceOf(a, q.span.start);
    if (qs < 0) continue;
    const int para = a.seg.sentences[static_cast<std::size_t>(qs)].paragraph;
    EventRecord* best = nullptr;
    int best_d = 1 << 30;
    // Events are sorted by offset: only those within a few sentences matter.
    const std::size_t lo_off =
        a.seg.sentences[static_cast<std::size_t>(std::max(0, qs - 4))].start;
    auto first = std::lower_bound(x.events.begin(), x.events.end(), lo_off,
                                  [](const EventRecord& e, std::size_t v) {
                                    return e.trigger.start < v;
                                  });
    const std::size_t hi_off =
        a.seg.sentences[std::min(a.seg.sentences.size() - 1, static_cast<std::size_t>(qs) + 5)]
            .end;
    for (auto it = first; it != x.events.end() && it->trigger.start <= hi_off; ++it) {
      EventRecord& ev = *it;
      if (!QuoteLinkable(ev.type)) continue;
      bool by_speaker = false;
      for (const EntityRef& e : ev.actors) by_speaker |= e.id == q.speaker.id;
      if (!by_speaker) continue;
      const int es = SentenceOf(a, ev.sentence_span.start);
      if (es < 0 || a.seg.sentences[static_cast<std::size_t>(es)].paragraph != para) continue;
      const int d = std::abs(es - qs);
      if (d < best_d) {
        best_d = d;
        best = &ev;
      }
    }
    if (best != nullptr) {
      best->quote_ids.push_back(q.id);
      q.event_ids.push_back(best->id);
    }
  }
}

// Moves the mentions' texts out of `a`, which is not used afterwards.
void Annotate(Analysis& a, Extraction& x) {
  // Order by offset first (small keys), then build the records in place.
  struct Key {
    std::size_t start;
    int kind;  // 0 entity, 1 place, 2 time, 3 figure
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(a.mentions.size() * 2 + a.times.size() + a.figures.size());
  for (std::size_t i = 0; i < a.mentions.size(); ++i) {
    const Mention& m = a.mentions[i];
    const std::size_t start = a.seg.tokens[m.tb].start;
    if (!m.entity.id.empty()) keys.push_back({start, 0, i});
    // A capital standing for its government is not a place mention.
    if (!m.place.id.empty() && !m.metonym) keys.push_back({start, 1, i});
  }
  for (std::size_t i = 0; i < a.times.size(); ++i) keys.push_back({a.times[i].ref.span.start, 2, i});
  for (std::size_t i = 0; i < a.figures.size(); ++i) {
    keys.push_back({a.figures[i].ref.span.start, 3, i});
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [](const Key& l, const Key& r) { return l.start < r.start; });
  x.annotations.resize(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    AnnotationRecord& r = x.annotations[k];
    const Key& key = keys[k];
    if (key.kind <= 1) {
      Mention& m = a.mentions[key.index];
      r.span = TextSpan{a.seg.tokens[m.tb].start, a.seg.tokens[m.te - 1].end};
      r.text = std::string(a.body.substr(r.span.start, r.span.end - r.span.start));
      if (key.kind == 0) {
        r.kind = AnnotationRecord::Kind::kEntity;
        r.entity = std::move(m.entity);
      } else {
        r.kind = AnnotationRecord::Kind::kPlace;
        r.place = std::move(m.place);
      }
    } else if (key.kind == 2) {
      TimeExpr& t = a.times[key.index];
      r.kind = AnnotationRecord::Kind::kTime;
      r.span = t.ref.span;
      r.text = t.ref.text;
      r.time = std::move(t.ref);
    } else {
      Figure& f = a.figures[key.index];
      r.kind = AnnotationRecord::Kind::kFigure;
      r.span = f.ref.span;
      r.text = f.ref.text;
      r.figure = std::move(f.ref);
    }
  }
}

}  // namespace

Extractor::Extractor(std::unique_ptr<Resources> resources)
    : resources_(std::move(resources)) {}
Extractor::~Extractor() = default;

absl::StatusOr<std::unique_ptr<Extractor>> Extractor::Create(
    const std::string& resources_dir) {
  return Create(resources_dir, "");
}

absl::StatusOr<std::unique_ptr<Extractor>> Extractor::Create(
    const std::string& resources_dir, const std::string& lexicon_dir) {
  auto res = Resources::Load(resources_dir, lexicon_dir);
  if (!res.ok()) return res.status();
  return std::unique_ptr<Extractor>(new Extractor(std::move(*res)));
}

Extraction Extractor::Extract(const Document& doc, absl::string_view article_id) const {
  Analysis a;
  a.body = doc.body;
  if (doc.published) {
    a.published = absl::ToCivilDay(*doc.published, absl::UTCTimeZone());
    a.published_latest = absl::ToCivilDay(*doc.published + absl::Hours(14), absl::UTCTimeZone());
  }
  a.seg = Segment(a.body, *resources_);
  MarkQuotesAndClauses(a);
  FindMentions(*resources_, a);
  FindTimes(*resources_, a);
  FindFigures(*resources_, a);
  Extraction x;
  x.events = FindEvents(*resources_, a);
  std::stable_sort(x.events.begin(), x.events.end(),
                   [](const EventRecord& l, const EventRecord& r) {
                     return l.trigger.start < r.trigger.start;
                   });
  x.quotes = FindQuotes(*resources_, a);
  AssignIds(article_id, x);
  LinkQuotes(a, x);
  Annotate(a, x);
  return x;
}

std::string DeriveArticleId(const Document& doc) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  XXH3_128bits_update(st, doc.title.data(), doc.title.size());
  XXH3_128bits_update(st, "\n", 1);
  XXH3_128bits_update(st, doc.body.data(), doc.body.size());
  const XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  return absl::StrFormat("art_%016x%016x", h.high64, h.low64);
}

}  // namespace newsevents::ingest
