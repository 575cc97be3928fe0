// Stage 5: events: triggers, roles from clause structure, attribution,
// modality, time, place, figures, merging of mentions of one event, and the
// one-line summary.
#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/extract/analysis.h"

namespace newsevents::ingest {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

template <std::size_t N>
bool In(const absl::string_view (&set)[N], absl::string_view w) {
  for (absl::string_view s : set) {
    if (s == w) return true;
  }
  return false;
}

constexpr absl::string_view kBeForms[] = {
    "is", "are", "was", "were", "be", "been", "being", "get", "got", "gets", "'s", "am"};
constexpr absl::string_view kAuxSkip[] = {
    "have", "has", "had", "might", "may", "could", "would", "will", "should",
    "not", "also", "reportedly", "allegedly", "never", "later", "then"};
constexpr absl::string_view kLightVerbs[] = {
    "launched", "launching", "launch", "launches", "carried", "carrying", "conducted",
    "conducting", "staged", "staging", "mounted", "mounting", "began", "begun",
    "started", "made", "making", "held", "holding", "waged", "expressed", "voiced",
    "issued", "levelled", "leveled", "imposed", "announced", "continued", "gave",
    "give", "gives", "giving", "sent", "provided", "granted", "delivered", "pledged"};

bool IsSpeechType(EventType t) {
  return t == EventType::kAccuse || t == EventType::kRequest || t == EventType::kThreaten ||
         t == EventType::kReject || t == EventType::kAgree || t == EventType::kSupport ||
         t == EventType::kConcede;
}
bool IsMaterialType(EventType t) {
  return t == EventType::kAssault || t == EventType::kOutcome || t == EventType::kMobilize ||
         t == EventType::kCoerce || t == EventType::kProtest || t == EventType::kRetreat ||
         t == EventType::kAid;
}

int ModalityRank(Modality m) {
  switch (m) {
    case Modality::kNegated: return 8;
    case Modality::kDenied: return 7;
    case Modality::kEstimated: return 6;
    case Modality::kAlleged: return 5;
    case Modality::kHypothetical: return 4;
    case Modality::kFuture: return 3;
    case Modality::kReported: return 2;
    case Modality::kAsserted: return 1;
    default: return 0;
  }
}

struct Cand {
  EventRecord ev;
  int sentence = 0;
  std::size_t tb = 0, te = 0;  // trigger tokens
  TriggerForm form = TriggerForm::kVerb;
  std::uint32_t flags = 0;
  bool definite = false;
  bool explicit_time = false;
  bool explicit_place = false;
  bool dropped = false;
  std::size_t object_place = kNone;  // place-only direct object mention
  const Trigger* trig = nullptr;
  bool subordinate = false;  // infinitive, gerund or noun: not the main verb
  int time_sentence = -1;    // sentence the explicit time came from
};

class EventFinder {
 public:
  EventFinder(const Resources& res, const Analysis& a)
      : res_(res), a_(a), toks_(a.seg.tokens) {}

  std::vector<EventRecord> Run() {
    for (std::size_t s = 0; s < a_.seg.sentences.size(); ++s) {
      const std::size_t first = cands_.size();
      FindTriggers(static_cast<int>(s));
      for (std::size_t c = first; c < cands_.size(); ++c) Roles(cands_[c], first);
      AttachFigures(static_cast<int>(s), first);
      MergeInSentence(first);
    }
    for (Cand& c : cands_) {
      if (c.dropped) continue;
      Finalize(c);
    }
    MergeAcrossArticle();
    InheritTimes();
    Derive();
    std::vector<EventRecord> out;
    for (Cand& c : cands_) {
      if (c.dropped) continue;
      Summarize(c);
      out.push_back(std::move(c.ev));
    }
    return out;
  }

 private:
  // ---- helpers -----------------------------------------------------------
  const Mention& M(std::size_t i) const { return a_.mentions[i]; }
  int MentionAt(std::size_t tok) const { return a_.tok_mention[tok]; }
  const Sentence& Sent(int s) const { return a_.seg.sentences[static_cast<std::size_t>(s)]; }

  bool SubjectOk(const Mention& m) const {
    return !m.entity.id.empty() && m.prep.empty() && !m.possessor && !m.in_quote &&
           !m.object_of_verb;
  }

  // Nearest acceptable subject mention left of token `p` in its sentence.
  std::size_t LeftScan(std::size_t p, int s, std::size_t exclude = kNone) const {
    const Sentence& sent = Sent(s);
    const bool q = p < toks_.size() && a_.tok_in_quote[p];
    int budget = 40;
    for (std::size_t j = p; j > sent.tok_begin && budget-- > 0;) {
      --j;
      const Token& t = toks_[j];
      if (absl::string_view(t.lower) == ";" || a_.tok_in_quote[j] != q) return kNone;
      const int m = MentionAt(j);
      if (m >= 0) {
        const auto mi = static_cast<std::size_t>(m);
        if (mi != exclude && SubjectOk(M(mi))) return mi;
        j = M(mi).tb;
      }
    }
    return kNone;
  }

  // First acceptable object mention right of token `p` in its clause span.
  std::size_t RightScan(std::size_t p, int s, std::uint32_t flags, bool nominal,
                        std::size_t* place_obj) const {
    const Sentence& sent = Sent(s);
    const bool q = p < toks_.size() && a_.tok_in_quote[p];
    for (std::size_t j = p; j < sent.tok_end && j < p + 12; ++j) {
      const Token& t = toks_[j];
      if (a_.tok_in_quote[j] != q) return kNone;
      if (absl::string_view(t.lower) == ";" || absl::string_view(t.lower) == ":" || absl::string_view(t.lower) == "," || absl::string_view(t.lower) == "(" ||
          absl::string_view(t.lower) == "\u2014") {
        return kNone;
      }
      const int m = MentionAt(j);
      if (m < 0) continue;
      const auto mi = static_cast<std::size_t>(m);
      const Mention& mm = M(mi);
      j = mm.te - 1;
      const std::string& pr = mm.prep;
      bool ok = pr.empty();
      if (pr == "with" && (flags & kTrigRecipWith)) ok = true;
      if (pr == "to" && (flags & kTrigRecipTo)) ok = true;
      if ((pr == "on" || pr == "against") && (flags & kTrigRecipOn)) ok = true;
      if (pr == "against") ok = true;
      if (pr == "from" && (flags & kTrigRecipFrom)) ok = true;
      if (nominal && (pr == "of" || pr == "on" || pr == "against")) ok = true;
      if (mm.entity.id.empty()) {
        if (ok && place_obj != nullptr && *place_obj == kNone && !mm.place.id.empty()) {
          *place_obj = mi;
        }
        continue;
      }
      if (mm.possessor || mm.in_quote) continue;
      if (ok) return mi;
    }
    return kNone;
  }

  std::size_t ByAgent(std::size_t p, int s, std::size_t window = 6) const {
    const Sentence& sent = Sent(s);
    for (std::size_t j = p; j < sent.tok_end && j < p + window; ++j) {
      if (IsClauseBoundary(toks_[j])) return kNone;
      if (absl::string_view(toks_[j].lower) == "by" && j + 1 < sent.tok_end) {
        for (std::size_t k = j + 1; k < sent.tok_end && k < j + 4; ++k) {
          const int m = MentionAt(k);
          if (m >= 0 && !M(static_cast<std::size_t>(m)).entity.id.empty()) {
            return static_cast<std::size_t>(m);
          }
        }
        return kNone;
      }
    }
    return kNone;
  }

  EntityRef Ent(std::size_t mi) const { return M(mi).entity; }

  // ---- triggers ----------------------------------------------------------
  void FindTriggers(int s) {
    const Sentence& sent = Sent(s);
    for (std::size_t i = sent.tok_begin; i < sent.tok_end;) {
      if (a_.tok_in_quote[i] || toks_[i].type != TokenType::kWord) {
        ++i;
        continue;
      }
      const int m = MentionAt(i);
      if (m >= 0 && !M(static_cast<std::size_t>(m)).generic) {
        i = M(static_cast<std::size_t>(m)).te;
        continue;
      }
      // Capitalised words inside a sentence are names, not triggers.
      if (toks_[i].cap && !toks_[i].allcaps && i > sent.tok_begin &&
          !(i == sent.tok_begin + 1 && toks_[i - 1].type == TokenType::kPunct)) {
        ++i;
        continue;
      }
      std::size_t best_len = 0;
      std::vector<const Trigger*> best;
      res_.triggers().index.ForEachMatch(
          sent.tok_end - i, [&](std::size_t k) { return toks_[i + k].hash; },
          [&](std::size_t len, const std::vector<std::uint32_t>& v) {
            best_len = len;
            best.clear();
            for (std::uint32_t x : v) best.push_back(&res_.triggers().entries[x]);
          });
      if (best_len == 0) {
        ++i;
        continue;
      }
      // Noun or verb reading.
      const absl::string_view prev = i > sent.tok_begin ? absl::string_view(toks_[i - 1].lower) : "";
      const bool after_det = IsDeterminer(prev) || (i > sent.tok_begin &&
                              toks_[i - 1].type == TokenType::kPossessive) ||
                             (i > sent.tok_begin && MentionAt(i - 1) >= 0 &&
                              M(static_cast<std::size_t>(MentionAt(i - 1))).demonym_adj) ||
                             (i > sent.tok_begin && toks_[i - 1].type == TokenType::kNumber);
      const Trigger* tr = nullptr;
      for (const Trigger* t : best) {
        if (after_det && t->form == TriggerForm::kNoun) tr = t;
      }
      if (tr == nullptr) {
        for (const Trigger* t : best) {
          if (t->form != TriggerForm::kNoun && prev != "to" ) {
            tr = t;
            break;
          }
          if (t->form != TriggerForm::kNoun && prev == "to") tr = t;  // infinitive
        }
      }
      if (tr == nullptr) tr = best.front();
      Cand c;
      c.sentence = s;
      c.tb = i;
      c.te = i + best_len;
      c.form = tr->form;
      c.flags = tr->flags;
      c.trig = tr;
      c.subordinate = c.form == TriggerForm::kNoun || prev == "to" ||
                      (toks_[i].lower.size() > 4 &&
                       toks_[i].lower.compare(toks_[i].lower.size() - 3, 3, "ing") == 0 &&
                       !BeAuxBefore(i, sent.tok_begin));
      c.definite = c.form == TriggerForm::kNoun &&
                   (prev == "the" || prev == "this" || prev == "that");
      c.ev.type = tr->type;
      c.ev.mode = tr->mode;
      c.ev.summary = tr->past;  // replaced by the summary later
      c.ev.trigger = TextSpan{toks_[i].start, toks_[c.te - 1].end};
      cands_.push_back(std::move(c));
      i += best_len;
    }
  }

  bool BeAuxBefore(std::size_t i, std::size_t sb) const {
    for (std::size_t j = i, n = 0; j > sb && n < 5; ++n) {
      --j;
      const absl::string_view w = toks_[j].lower;
      if (In(kBeForms, w)) return true;
      if (In(kAuxSkip, w) || (w.size() > 3 && w.substr(w.size() - 2) == "ly")) continue;
      return false;
    }
    return false;
  }

  void AddArg(Cand& c, absl::string_view role, const TextSpan& span) {
    if (!span.empty()) c.ev.arguments.push_back(ArgumentRef{std::string(role), span});
  }

  void Roles(Cand& c, std::size_t first_in_sentence) {
    const Sentence& sent = Sent(c.sentence);
    const std::size_t i = c.tb;
    EventRecord& ev = c.ev;
    std::size_t actor = kNone, recip = kNone;
    bool passive = false;
    if (c.form == TriggerForm::kParticiple) {
      const bool reduced = i > sent.tok_begin && MentionAt(i - 1) >= 0 &&
                           ByAgent(c.te, c.sentence, 2) != kNone;
      passive = BeAuxBefore(i, sent.tok_begin) || reduced;
      // Headline passive: "Civilian killed in shelling" (no auxiliary, no
      // object; a number or a name after the verb would make it active).
      if (!passive && (c.flags & kTrigAgentive) && c.te < sent.tok_end &&
          toks_[c.te].type != TokenType::kNumber && MentionAt(c.te) < 0 &&
          RightScan(c.te, c.sentence, 0, false, nullptr) == kNone) {
        bool object_number = false;
        for (std::size_t j = c.te; j < sent.tok_end && j < c.te + 3; ++j) {
          object_number |= toks_[j].type == TokenType::kNumber;
        }
        passive = !object_number;
      }
    }
    const bool outcome = ev.type == EventType::kOutcome;
    if (c.form == TriggerForm::kNoun) {
      actor = ByAgent(c.te, c.sentence);
      if (actor == kNone) {
        // Possessor or demonym right before: "Zelenskyy's accusations".
        std::size_t j = i;
        while (j > sent.tok_begin &&
               (toks_[j - 1].type == TokenType::kPossessive ||
                (toks_[j - 1].type == TokenType::kWord && !toks_[j - 1].cap &&
                 MentionAt(j - 1) < 0 && !IsDeterminer(toks_[j - 1].lower) &&
                 !IsPreposition(toks_[j - 1].lower) && j + 2 > i))) {
          --j;
        }
        if (j > sent.tok_begin && MentionAt(j - 1) >= 0) {
          const auto mi = static_cast<std::size_t>(MentionAt(j - 1));
          if ((M(mi).possessor || M(mi).demonym_adj || M(mi).te == i) &&
              !M(mi).entity.id.empty() && !M(mi).generic) {
            actor = mi;
          }
        }
      }
      if (actor == kNone) {
        // Light verb: "launching an offensive" takes the clause's subject.
        for (std::size_t j = i, n = 0; j > sent.tok_begin && n < 4; ++n) {
          --j;
          if (In(kLightVerbs, toks_[j].lower)) {
            actor = LeftScan(j, c.sentence);
            break;
          }
          if (!IsDeterminer(toks_[j].lower) && toks_[j].cap) break;
        }
      }
      recip = RightScan(c.te, c.sentence, c.flags, true, &c.object_place);
      if (outcome) recip = kNone;
    } else if (passive) {
      actor = ByAgent(c.te, c.sentence);
      recip = LeftScan(i, c.sentence, actor);
    } else {
      actor = LeftScan(i, c.sentence);
      // Coordinated verbs share the subject: "X shelled Y and killed Z".
      const Cand* o = nullptr;
      for (std::size_t k = cands_.size(); k-- > first_in_sentence;) {
        if (&cands_[k] != &c && cands_[k].tb < c.tb) {
          o = &cands_[k];
          break;
        }
      }
      if (actor != kNone && o != nullptr && c.tb - o->te <= 12 && !o->ev.actors.empty()) {
        bool joined = false;
        for (std::size_t k2 = o->te; k2 < c.tb; ++k2) {
          joined |= absl::string_view(toks_[k2].lower) == "and" || absl::string_view(toks_[k2].lower) == ",";
        }
        for (const EntityRef& r : o->ev.recipients) {
          if (joined && r.span.start == M(actor).entity.span.start &&
              r.span.start > o->ev.trigger.start) {
            actor = kNone;
            ev.actors = o->ev.actors;
            break;
          }
        }
        // "X raided Y, Z province, and abducted ...": nothing between "and"
        // and the verb, so whatever stands after the first verb is its
        // object, not this verb's subject.
        const absl::string_view before = toks_[c.tb - 1].lower;
        if (actor != kNone && (before == "and" || before == "then") && M(actor).tb >= o->te) {
          actor = kNone;
          ev.actors = o->ev.actors;
        }
      }
      if (!(c.flags & kTrigIntransitive)) {
        recip = RightScan(c.te, c.sentence, c.flags, false, &c.object_place);
      }
      if (c.flags & kTrigPatientSubject) {
        recip = actor;
        actor = kNone;
      }
    }
    // Deontic "must": the subject is asked, the reporting source asks.
    if (c.trig != nullptr && c.trig->lemma == "must") {
      recip = actor;
      actor = kNone;
      for (std::size_t j = i; j > sent.tok_begin; --j) {
        const int m = MentionAt(j - 1);
        if (m >= 0 && static_cast<std::size_t>(m) != recip &&
            SubjectOk(M(static_cast<std::size_t>(m))) && M(static_cast<std::size_t>(m)).te < i) {
          if (recip == kNone || M(static_cast<std::size_t>(m)).te <= M(recip).tb) {
            actor = static_cast<std::size_t>(m);
            break;
          }
        }
      }
    }
    if (actor != kNone && actor == recip) recip = kNone;
    if (actor != kNone) {
      // Compound subjects: "France and Germany", "Israel, Egypt and Jordan".
      std::vector<EntityRef> more;
      std::size_t cur = actor;
      for (int n = 0; n < 4; ++n) {
        const std::size_t b = M(cur).tb;
        if (b < sent.tok_begin + 2) break;
        const absl::string_view w = toks_[b - 1].lower;
        if (w != "and" && w != ",") break;
        const int pm = MentionAt(b - 2);
        if (pm < 0) break;
        const auto pmi = static_cast<std::size_t>(pm);
        const Mention& pmm = M(pmi);
        if (pmm.entity.id.empty() || !pmm.prep.empty() || pmm.in_quote || pmm.possessor) break;
        more.push_back(pmm.entity);
        cur = pmi;
      }
      for (auto it = more.rbegin(); it != more.rend(); ++it) ev.actors.push_back(*it);
      ev.actors.push_back(Ent(actor));
    }
    if (recip != kNone) {
      if (outcome) {
        ev.patients.push_back(Ent(recip));
      } else {
        ev.recipients.push_back(Ent(recip));
      }
    }
    // OUTCOME verbs with an agent also make an ASSAULT ("X killed five").
    if (outcome && !ev.actors.empty() && (c.flags & kTrigAgentive)) {
      Cand as = c;
      as.ev.type = EventType::kAssault;
      as.ev.mode = "";
      as.ev.recipients = ev.patients;
      as.ev.patients.clear();
      as.flags = 0;
      assaults_.push_back(std::move(as));
    }
    if (outcome) ev.actors.clear();
    // "among them": patients of casualty nouns.
    if (outcome && ev.patients.empty()) {
      for (std::size_t j = c.te; j < sent.tok_end && j < c.te + 12; ++j) {
        const int m = MentionAt(j);
        if (m >= 0 && M(static_cast<std::size_t>(m)).prep == "among" &&
            !M(static_cast<std::size_t>(m)).entity.id.empty()) {
          ev.patients.push_back(Ent(static_cast<std::size_t>(m)));
          break;
        }
      }
    }
    // A captured place is a territory gain.
    bool place_object = c.object_place != kNone;
    for (std::size_t j = c.te; j < sent.tok_end && j < c.te + 7 && !place_object; ++j) {
      static constexpr absl::string_view kTerrain[] = {
          "town", "city", "village", "villages", "stronghold", "base", "airport", "territory",
          "positions", "position", "area", "hill", "settlement", "bridge", "port", "district"};
      place_object = In(kTerrain, toks_[j].lower);
      if (IsClauseBoundary(toks_[j])) break;
    }
    if (ev.type == EventType::kCoerce && ev.mode == "capture" && ev.recipients.empty() &&
        place_object) {
      ev.type = EventType::kAssault;
      ev.mode = "territory-gain";
    }
  }

  // ---- figures -----------------------------------------------------------
  void AttachFigures(int s, std::size_t first) {
    // Agentive ASSAULTs spawned by OUTCOME verbs join the sentence's events.
    for (Cand& a : assaults_) cands_.push_back(std::move(a));
    assaults_.clear();
    for (const Figure& f : a_.figures) {
      if (f.sentence != s) continue;
      const FigureKind k = f.ref.kind;
      auto find = [&](EventType t, absl::string_view mode) -> Cand* {
        Cand* best = nullptr;
        // Candidates are in text order: look at those near the figure only.
        std::size_t lo = first;
        while (lo + 32 < cands_.size() && cands_[lo + 32].tb < f.head) lo += 32;
        for (std::size_t i = lo; i < cands_.size() && i < lo + 96; ++i) {
          Cand& c = cands_[i];
          if (c.dropped || c.ev.type != t) continue;
          if (!mode.empty() && c.ev.mode != mode) continue;
          if (best == nullptr ||
              std::abs(static_cast<long>(c.tb) - static_cast<long>(f.head)) <
                  std::abs(static_cast<long>(best->tb) - static_cast<long>(f.head))) {
            best = &c;
          }
        }
        return best;
      };
      Cand* target = nullptr;
      switch (k) {
        case FigureKind::kKilled: case FigureKind::kInjured:
        case FigureKind::kKilledOrInjured: case FigureKind::kDisplaced:
          target = find(EventType::kOutcome, "");
          if (target == nullptr) {
            Cand c;
            c.sentence = s;
            c.tb = f.head;
            c.te = f.head + 1;
            c.form = TriggerForm::kNoun;
            c.ev.type = EventType::kOutcome;
            c.ev.mode = k == FigureKind::kDisplaced ? "displacement" : "casualties";
            c.ev.trigger = TextSpan{toks_[f.head].start, toks_[f.head].end};
            cands_.push_back(std::move(c));
            target = &cands_.back();
          }
          break;
        case FigureKind::kPersonnel:
          target = find(EventType::kMobilize, "");
          if (target == nullptr) target = find(EventType::kAssault, "");
          break;
        case FigureKind::kCaptured:
          target = find(EventType::kCoerce, "capture");
          if (target == nullptr) target = find(EventType::kCoerce, "");
          break;
        case FigureKind::kArrested:
          target = find(EventType::kCoerce, "");
          break;
        case FigureKind::kParticipants:
          target = find(EventType::kProtest, "");
          break;
        default:
          break;
      }
      if (target == nullptr) continue;
      target->ev.figures.push_back(f.ref);
      if (target->ev.type == EventType::kOutcome && target->ev.patients.empty() &&
          !f.ref.counted.id.empty()) {
        target->ev.patients.push_back(f.ref.counted);
      }
    }
    // Casualty nouns and weak triggers need substance.
    for (std::size_t i = first; i < cands_.size(); ++i) {
      Cand& c = cands_[i];
      const bool has_entity = !c.ev.actors.empty() || !c.ev.recipients.empty() ||
                              !c.ev.patients.empty();
      if ((c.flags & kTrigWeak) && !has_entity) c.dropped = true;
      if (c.ev.type == EventType::kOutcome && c.form == TriggerForm::kNoun &&
          c.ev.figures.empty()) {
        bool counted = false;
        for (const EntityRef& p : c.ev.patients) counted |= p.count > 0;
        if (!counted) c.dropped = true;
      }
      if ((c.flags & kTrigNeedsFigure) && c.ev.figures.empty()) c.dropped = true;
    }
  }

  static bool Compatible(const std::vector<EntityRef>& a, const std::vector<EntityRef>& b) {
    if (a.empty() || b.empty()) return true;
    for (const EntityRef& x : a) {
      for (const EntityRef& y : b) {
        if (x.id == y.id) return true;
      }
    }
    return false;
  }

  static void Absorb(Cand& into, Cand& from) {
    EventRecord& a = into.ev;
    EventRecord& b = from.ev;
    if (a.actors.empty()) a.actors = b.actors;
    if (a.recipients.empty()) a.recipients = b.recipients;
    for (const EntityRef& p : b.patients) {
      bool dup = false;
      for (const EntityRef& q : a.patients) dup |= q.id == p.id;
      if (!dup) a.patients.push_back(p);
    }
    for (const FigureRef& f : b.figures) {
      bool dup = false;
      for (const FigureRef& g : a.figures) {
        dup |= g.span.start == f.span.start ||
               (g.kind == f.kind && g.low == f.low && g.high == f.high);
      }
      if (!dup) a.figures.push_back(f);
    }
    if (a.mode.empty()) a.mode = b.mode;
    if (from.explicit_place && (!into.explicit_place || a.place.kind == PlaceKind::kCountry)) {
      a.place = b.place;
      into.explicit_place = true;
    } else if (a.place.id.empty()) {
      a.place = b.place;
    }
    if (from.explicit_time &&
        (!into.explicit_time || b.when.granularity < a.when.granularity)) {
      a.when = b.when;
      into.explicit_time = true;
      into.time_sentence = from.time_sentence;
    }
    if (a.according_to.id.empty() && !b.according_to.id.empty()) a.according_to = b.according_to;
    if (ModalityRank(b.modality) > ModalityRank(a.modality) &&
        b.modality != Modality::kNegated && b.modality != Modality::kHypothetical) {
      a.modality = b.modality;
    }
    for (const ArgumentRef& r : b.arguments) a.arguments.push_back(r);
    a.confidence = std::min(0.99f, std::max(a.confidence, b.confidence) + 0.05f);
    from.dropped = true;
  }

  void MergeInSentence(std::size_t first) {
    for (std::size_t i = first; i < cands_.size(); ++i) {
      if (cands_[i].dropped) continue;
      for (std::size_t j = i + 1; j < cands_.size() && j < i + 16; ++j) {
        Cand& a = cands_[i];
        Cand& b = cands_[j];
        if (b.dropped || a.ev.type != b.ev.type) continue;
        if (!a.ev.mode.empty() && !b.ev.mode.empty() && a.ev.mode != b.ev.mode &&
            a.ev.type != EventType::kOutcome && a.ev.type != EventType::kAssault) {
          continue;
        }
        if (!Compatible(a.ev.actors, b.ev.actors)) continue;
        if (a.ev.type != EventType::kOutcome && !Compatible(a.ev.recipients, b.ev.recipients)) {
          continue;
        }
        const bool specific = a.ev.type == EventType::kAssault && a.ev.mode == "armed-clash" &&
                              !b.ev.mode.empty() && b.ev.mode != "armed-clash";
        if (specific) {
          std::swap(a.ev.trigger, b.ev.trigger);
          std::swap(a.ev.mode, b.ev.mode);
          std::swap(a.ev.summary, b.ev.summary);
          std::swap(a.tb, b.tb);
          std::swap(a.te, b.te);
          std::swap(a.form, b.form);
        } else if (a.form == TriggerForm::kNoun && b.form != TriggerForm::kNoun &&
            a.ev.type != EventType::kOutcome) {
          // Keep the verb as the main trigger.
          std::swap(a.ev.trigger, b.ev.trigger);
          std::swap(a.tb, b.tb);
          std::swap(a.te, b.te);
          std::swap(a.form, b.form);
        }
        Absorb(a, b);
      }
    }
  }

  // ---- attribution, modality, time, place -------------------------------
  struct Attribution {
    EntityRef source;
    Modality modality = Modality::kAsserted;
  };

  struct CueHit {
    std::size_t pos, len;
    const ReportingCue* cue;
  };
  // Reporting cues of one sentence, found once and shared by its events.
  const std::vector<CueHit>& CuesOf(int s) {
    if (cue_sentence_ == s) return cue_hits_;
    cue_sentence_ = s;
    cue_hits_.clear();
    const Sentence& sent = Sent(s);
    for (std::size_t i = sent.tok_begin; i < sent.tok_end;) {
      std::size_t len = 0;
      const ReportingCue* cue = nullptr;
      if (!a_.tok_in_quote[i] && toks_[i].type == TokenType::kWord) {
        res_.reporting().index.ForEachMatch(
            sent.tok_end - i, [&](std::size_t k) { return toks_[i + k].hash; },
            [&](std::size_t l, const std::vector<std::uint32_t>& v) {
              len = l;
              cue = &res_.reporting().entries[v.front()];
            });
      }
      if (len == 0) {
        ++i;
        continue;
      }
      cue_hits_.push_back(CueHit{i, len, cue});
      i += len;
    }
    return cue_hits_;
  }

  Attribution Attribute(const Cand& c) {
    Attribution out;
    const Sentence& sent = Sent(c.sentence);
    const std::vector<CueHit>& hits = CuesOf(c.sentence);
    std::size_t verb_before = kNone, verb_after = kNone;
    EntityRef verb_before_src, verb_after_src;
    Modality verb_before_mod = Modality::kReported, verb_after_mod = Modality::kReported;
    bool unattributed = false;
    Modality unattributed_mod = Modality::kReported;
    const std::size_t lo = c.tb > sent.tok_begin + 60 ? c.tb - 60 : sent.tok_begin;
    const std::size_t hi = std::min(sent.tok_end, c.te + 40);
    auto first = std::lower_bound(hits.begin(), hits.end(), lo,
                                  [](const CueHit& h, std::size_t v) { return h.pos < v; });
    for (auto it = first; it != hits.end() && it->pos < hi; ++it) {
      const std::size_t i = it->pos;
      const std::size_t len = it->len;
      const ReportingCue* cue = it->cue;
      // Cues overlapping the trigger ("warned" as THREATEN) or inside a name.
      if ((i + len > c.tb && i < c.te) ||
          (MentionAt(i) >= 0 && !M(static_cast<std::size_t>(MentionAt(i))).generic)) {
        continue;
      }
      switch (cue->kind) {
        case CueKind::kPrep:
          for (std::size_t k = i + len; k < sent.tok_end && k < i + len + 8; ++k) {
            const int m = MentionAt(k);
            if (m >= 0 && !M(static_cast<std::size_t>(m)).entity.id.empty() &&
                !M(static_cast<std::size_t>(m)).possessor) {
              if (out.source.id.empty()) out.source = M(static_cast<std::size_t>(m)).entity;
              out.modality = cue->modality;
              break;
            }
          }
          break;
        case CueKind::kVerb: {
          std::size_t src = LeftScan(i, c.sentence);
          if (src == kNone || (i > c.tb && src != kNone && M(src).tb < c.te)) {
            // "..., said the ministry" / "..., officials said"
            src = kNone;
            for (std::size_t k = i + len; k < sent.tok_end && k < i + len + 4; ++k) {
              const int m = MentionAt(k);
              if (m >= 0 && !M(static_cast<std::size_t>(m)).entity.id.empty()) {
                src = static_cast<std::size_t>(m);
                break;
              }
            }
            if (src == kNone && i > c.tb) {
              // Subject between the event and the verb.
              for (std::size_t k = i; k > c.te; --k) {
                const int m = MentionAt(k - 1);
                if (m >= 0 && SubjectOk(M(static_cast<std::size_t>(m)))) {
                  src = static_cast<std::size_t>(m);
                  break;
                }
              }
            }
          }
          if (src != kNone) {
            if (i < c.tb) {
              verb_before = i;
              verb_before_src = M(src).entity;
              verb_before_mod = cue->modality;
            } else if (verb_after == kNone) {
              verb_after = i;
              verb_after_src = M(src).entity;
              verb_after_mod = cue->modality;
            }
          }
          break;
        }
        case CueKind::kNoun:
          if (i < c.tb) {
            unattributed = true;
            unattributed_mod = cue->modality;
          }
          break;
        case CueKind::kAdverb:
          if (a_.tok_clause[i] == a_.tok_clause[c.tb] || (i > c.tb && i < c.tb + 4)) {
            unattributed = true;
            unattributed_mod = cue->modality;
          }
          break;
      }
    }
    if (!out.source.id.empty()) return out;
    if (verb_before != kNone) {
      out.source = verb_before_src;
      out.modality = verb_before_mod;
    } else if (verb_after != kNone) {
      out.source = verb_after_src;
      out.modality = verb_after_mod;
    } else if (unattributed) {
      out.modality = unattributed_mod;
    }
    return out;
  }

  struct ModHit {
    std::size_t pos, len;
    const ModalityCue* cue;
  };
  // Modality cues of one sentence, found once and shared by its events.
  const std::vector<ModHit>& ModCuesOf(int s) {
    if (mod_sentence_ == s) return mod_hits_;
    mod_sentence_ = s;
    mod_hits_.clear();
    const Sentence& sent = Sent(s);
    for (std::size_t i = sent.tok_begin; i < sent.tok_end;) {
      std::size_t len = 0;
      const ModalityCue* cue = nullptr;
      if (!a_.tok_in_quote[i] && toks_[i].type == TokenType::kWord) {
        res_.modality().index.ForEachMatch(
            sent.tok_end - i, [&](std::size_t k) { return toks_[i + k].hash; },
            [&](std::size_t l, const std::vector<std::uint32_t>& v) {
              len = l;
              cue = &res_.modality().entries[v.front()];
            });
      }
      if (len == 0) {
        ++i;
        continue;
      }
      mod_hits_.push_back(ModHit{i, len, cue});
      i += len;
    }
    return mod_hits_;
  }

  Modality CueModality(const Cand& c) {
    const Sentence& sent = Sent(c.sentence);
    const std::vector<ModHit>& hits = ModCuesOf(c.sentence);
    Modality best = Modality::kUnspecified;
    const std::size_t lo = c.tb > sent.tok_begin + 60 ? c.tb - 60 : sent.tok_begin;
    auto first = std::lower_bound(hits.begin(), hits.end(), lo,
                                  [](const ModHit& h, std::size_t v) { return h.pos < v; });
    for (auto it = first; it != hits.end() && it->pos + it->len <= c.tb; ++it) {
      const bool near = it->pos + it->len + 4 >= c.tb &&
                        a_.tok_clause[it->pos] == a_.tok_clause[c.tb];
      if ((it->cue->sentence_scope || near) &&
          ModalityRank(it->cue->modality) > ModalityRank(best)) {
        best = it->cue->modality;
      }
    }
    return best;
  }

  // A place missing from the gazetteer, named with its region or country
  // ("Kanan village, Sagaing region", "Djibo, Burkina Faso"): it lies there.
  void LocateUnknownPlace(const Mention& unknown, PlaceRef& out) const {
    const auto& toks = a_.seg.tokens;
    for (std::size_t mi = 0; mi < a_.mentions.size(); ++mi) {
      const Mention& pm = a_.mentions[mi];
      if (pm.sentence != unknown.sentence || pm.tb < unknown.te) continue;
      if (pm.tb > unknown.te + 4) break;
      if (pm.place.id.empty() || pm.metonym || pm.place.kind == PlaceKind::kOther) continue;
      // Only an apposition: a comma, "in" or a place noun between the two.
      bool joined = true;
      for (std::size_t k = unknown.te; k < pm.tb; ++k) {
        const absl::string_view w = toks[k].lower;
        if (w != "," && w != "in" && w != "(" && w != "village" && w != "town" &&
            w != "city" && w != "district" && w != "of" && w != "the" && w != "area") {
          joined = false;
        }
      }
      if (!joined) continue;
      const PlaceRef& r = pm.place;
      if (r.kind == PlaceKind::kAdmin1) {
        out.admin1 = r.name;
        out.admin1_id = r.id;
      } else {
        out.admin1 = r.admin1;
        out.admin1_id = r.admin1_id;
      }
      out.country = r.country;
      out.latitude = r.latitude;
      out.longitude = r.longitude;
      out.precision_km = std::max(r.precision_km, 25.0);
      return;
    }
  }

  void SetDefaultTime(EventRecord& ev) const {
    if (!a_.published) return;
    ev.when = TimeRef();
    ev.when.end = DayStart(*a_.published_latest + 1);
    ev.when.open_start = true;
    ev.when.granularity = Granularity::kDay;
  }

  void Finalize(Cand& c) {
    EventRecord& ev = c.ev;
    const Sentence& sent = Sent(c.sentence);
    ev.sentence_span = TextSpan{sent.start, sent.end};
    ev.sentence = std::string(a_.body.substr(sent.start, sent.end - sent.start));
    // Attribution and modality.
    const Attribution at = Attribute(c);
    ev.according_to = at.source;
    Modality m = Modality::kAsserted;
    if (!at.source.id.empty() || at.modality != Modality::kAsserted) m = at.modality;
    if (IsSpeechType(ev.type) && !ev.actors.empty()) {
      if (ev.according_to.id.empty()) ev.according_to = ev.actors.front();
      if (ev.according_to.id == ev.actors.front().id) m = Modality::kAsserted;
    }
    const Modality cm = CueModality(c);
    if (ModalityRank(cm) > ModalityRank(m)) m = cm;
    ev.modality = m;
    // Time: same clause first, then nearest in the sentence.
    const TimeExpr* best = nullptr;
    long best_d = 1 << 30;
    const std::size_t win_lo = c.tb > sent.tok_begin + 80 ? c.tb - 80 : sent.tok_begin;
    const std::size_t win_hi = std::min(sent.tok_end, c.te + 80);
    auto t_begin = std::lower_bound(a_.times.begin(), a_.times.end(), win_lo,
                                    [](const TimeExpr& t, std::size_t v) { return t.tb < v; });
    for (auto it = t_begin; it != a_.times.end() && it->tb < win_hi; ++it) {
      const TimeExpr& t = *it;
      if (t.sentence != c.sentence || a_.tok_in_quote[t.tb]) continue;
      if (!t.ref.start && !t.ref.end) continue;
      // "Tuesday's election": the time dates the noun it modifies.
      if (t.te < sent.tok_end && a_.seg.tokens[t.te].type == TokenType::kPossessive) continue;
      long d = std::abs(static_cast<long>(t.tb) - static_cast<long>(c.tb));
      if (a_.tok_clause[t.tb] != a_.tok_clause[c.tb]) d += 1000;
      if (d < best_d) {
        best_d = d;
        best = &t;
      }
    }
    // What is said may carry its own time: "said the FBI had not changed its
    // conclusions from July" dates the conclusions, not the saying, which
    // keeps times before its verb or right after it ("said on Sunday").
    if (best != nullptr && IsSpeechType(ev.type) && best->tb > c.te + 4) best = nullptr;
    if (best != nullptr) {
      ev.when = best->ref;
      c.explicit_time = true;
      c.time_sentence = best->sentence;
      AddArg(c, "time", best->ref.span);
    } else {
      SetDefaultTime(ev);
    }
    // Place.
    const Mention* place = nullptr;
    int place_tier = 99;
    long place_d = 1 << 30;
    auto used_as_participant = [&](const Mention& pm) {
      for (const auto* v : {&ev.actors, &ev.recipients, &ev.patients}) {
        for (const EntityRef& e : *v) {
          if (e.span.start == pm.entity.span.start && !pm.entity.id.empty()) return true;
        }
      }
      return false;
    };
    const std::size_t m_begin = static_cast<std::size_t>(
        std::lower_bound(a_.mentions.begin(), a_.mentions.end(), win_lo,
                         [](const Mention& m, std::size_t v) { return m.tb < v; }) -
        a_.mentions.begin());
    for (std::size_t mi = m_begin; mi < a_.mentions.size() && a_.mentions[mi].tb < win_hi;
         ++mi) {
      const Mention& pm = a_.mentions[mi];
      if (pm.sentence != c.sentence) continue;
      if (pm.place.id.empty() || pm.metonym || pm.in_quote || pm.possessor) continue;
      const bool loc = IsLocativePreposition(pm.prep);
      const bool sub = pm.place.kind == PlaceKind::kAdmin1 || pm.place.kind == PlaceKind::kCity ||
                       pm.place.kind == PlaceKind::kOther;
      int tier;
      if (sub && pm.te == c.tb) {
        tier = -1;  // "Gorlovka shelling", "Kiev protest": the noun's own place
      } else if (loc && a_.tok_clause[pm.tb] == a_.tok_clause[c.tb]) {
        tier = sub ? 0 : 1;
      } else if (loc) {
        tier = sub ? 2 : 4;
      } else if (sub && pm.prep != "from" && !used_as_participant(pm)) {
        tier = 3;
      } else if (c.object_place == mi) {
        tier = 3;
      } else {
        continue;
      }
      const long d = std::abs(static_cast<long>(pm.tb) - static_cast<long>(c.tb));
      if (tier < place_tier || (tier == place_tier && d < place_d)) {
        place = &pm;
        place_tier = tier;
        place_d = d;
      }
    }
    // A region named with one of its towns: keep the town ("the village of X
    // in Sumy region").
    if (place != nullptr && place->place.kind == PlaceKind::kAdmin1) {
      for (std::size_t mi = m_begin; mi < a_.mentions.size() && a_.mentions[mi].tb < win_hi;
           ++mi) {
        const Mention& pm = a_.mentions[mi];
        if (pm.sentence == c.sentence && !pm.metonym && !pm.in_quote &&
            pm.place.kind == PlaceKind::kCity && pm.place.admin1_id == place->place.id) {
          place = &pm;
          break;
        }
      }
    }
    // A country named where the article's focus is one of its regions or
    // towns: the more precise place ("fighting in Ukraine ... Donetsk").
    if (place != nullptr && place->place.kind == PlaceKind::kCountry && a_.focus_place >= 0) {
      const PlaceRef& f = a_.mentions[static_cast<std::size_t>(a_.focus_place)].place;
      if (f.country == place->place.country) {
        ev.place = f;
        ev.place.span = TextSpan{};
        ev.place.text.clear();
        AddArg(c, "place", place->place.span);
        place = nullptr;
        c.explicit_place = true;
      }
    }
    if (c.explicit_place) {
      // Refined above.
    } else if (place != nullptr) {
      ev.place = place->place;
      c.explicit_place = true;
      AddArg(c, "place", place->place.span);
      if (ev.place.kind == PlaceKind::kOther) LocateUnknownPlace(*place, ev.place);
      // A name the gazetteer does not know and the text does not locate
      // ("in Donbas"), in an article about a known town: that town.
      if (ev.place.kind == PlaceKind::kOther && ev.place.admin1_id.empty() &&
          ev.place.country.empty() && a_.focus_place >= 0 && IsMaterialType(ev.type)) {
        ev.place = a_.mentions[static_cast<std::size_t>(a_.focus_place)].place;
        ev.place.span = TextSpan{};
        ev.place.text.clear();
      }
    } else if (a_.focus_place >= 0 && IsMaterialType(ev.type)) {
      ev.place = a_.mentions[static_cast<std::size_t>(a_.focus_place)].place;
      ev.place.span = TextSpan{};
      ev.place.text.clear();
    }
    // Recipient of an assault on foreign ground: the host country.
    if (ev.type == EventType::kAssault && ev.recipients.empty() && !ev.actors.empty() &&
        !ev.place.country.empty() && !ev.actors.front().country.empty() &&
        ev.place.country != ev.actors.front().country) {
      if (const Country* co = res_.CountryByIso3(ev.place.country)) {
        EntityRef r;
        r.id = "country:" + co->iso3;
        r.name = co->name;
        r.kind = EntityKind::kCountry;
        r.country = co->iso3;
        ev.recipients.push_back(r);
      }
    }
    // Implied figures: "a soldier was captured" counts one.
    auto implied = [&](FigureKind k, const std::vector<EntityRef>& who) {
      for (const FigureRef& f : ev.figures) {
        if (f.kind == k) return;
      }
      for (const EntityRef& e : who) {
        if (e.count > 0) {
          FigureRef f;
          f.kind = k;
          f.low = e.count;
          f.high = e.count;
          f.qualifier = Qualifier::kExact;
          f.counted = e;
          f.text = e.text;
          f.span = e.span;
          ev.figures.push_back(f);
          return;
        }
      }
    };
    if (ev.type == EventType::kCoerce && ev.mode == "capture") implied(FigureKind::kCaptured, ev.recipients);
    if (ev.type == EventType::kCoerce && ev.mode == "arrest") implied(FigureKind::kArrested, ev.recipients);
    if (ev.type == EventType::kOutcome && ev.mode == "death") implied(FigureKind::kKilled, ev.patients);
    for (FigureRef& f : ev.figures) {
      if (f.source.id.empty()) f.source = ev.according_to;
      // "More than 100 fatalities" among North Korean troops: whom a
      // casualty figure counts is the event's patients (or recipients); a
      // generic "up to 11,000 soldiers" deployed by a country are its own.
      const std::vector<EntityRef>& who = !ev.patients.empty() ? ev.patients : ev.recipients;
      if (f.counted.id.empty() && !who.empty() && f.kind != FigureKind::kPersonnel &&
          f.kind != FigureKind::kParticipants) {
        f.counted = who.front();
        f.counted.count = 0;
        f.counted.text.clear();
        f.counted.span = TextSpan{};
      }
      if (f.kind == FigureKind::kPersonnel && f.counted.country.empty() && !ev.actors.empty() &&
          (ev.type == EventType::kMobilize || ev.type == EventType::kAssault)) {
        f.counted.country = ev.actors.front().country;
      }
    }
    // Evidence.
    for (const EntityRef& e : ev.actors) AddArg(c, "actor", e.span);
    for (const EntityRef& e : ev.recipients) AddArg(c, "recipient", e.span);
    for (const EntityRef& e : ev.patients) AddArg(c, "patient", e.span);
    for (const FigureRef& f : ev.figures) AddArg(c, "figure", f.span);
    if (!ev.according_to.id.empty()) AddArg(c, "source", ev.according_to.span);
    float conf = 0.3f;
    if (!ev.actors.empty()) conf += 0.2f;
    if (!ev.recipients.empty() || !ev.patients.empty()) conf += 0.15f;
    if (c.explicit_place) conf += 0.1f;
    if (c.explicit_time) conf += 0.1f;
    if (!c.subordinate) conf += 0.1f;
    if (!ev.according_to.id.empty()) conf += 0.05f;
    if (ev.modality == Modality::kHypothetical || ev.modality == Modality::kNegated) conf -= 0.1f;
    ev.confidence = std::clamp(conf, 0.05f, 0.99f);
  }

  static bool SameIndividual(const std::vector<EntityRef>& a, const std::vector<EntityRef>& b) {
    for (const EntityRef& x : a) {
      for (const EntityRef& y : b) {
        if (x.id == y.id && x.count == 1 && y.count == 1) return true;
      }
    }
    return false;
  }

  void MergeAcrossArticle() {
    for (std::size_t j = 0; j < cands_.size(); ++j) {
      Cand& b = cands_[j];
      if (b.dropped) continue;
      for (std::size_t k = j; k-- > 0 && k + 64 > j;) {
        Cand& a = cands_[k];
        if (a.dropped || a.ev.type != b.ev.type || a.ev.mode != b.ev.mode) continue;
        if (!Compatible(a.ev.actors, b.ev.actors)) continue;
        const bool anaphoric = b.definite && b.ev.type != EventType::kOutcome;
        const bool same = SameIndividual(a.ev.recipients, b.ev.recipients) ||
                          SameIndividual(a.ev.patients, b.ev.patients);
        if (!anaphoric && !same) continue;
        Absorb(a, b);
        break;
      }
    }
  }

  // Casualties reported right after an event ("On 16 February, X shelled Y.
  // Two civilians were killed.") share its date when they have none.
  void InheritTimes() {
    const Cand* last = nullptr;
    for (Cand& c : cands_) {
      if (c.dropped) continue;
      if (c.ev.type == EventType::kOutcome && !c.explicit_time && last != nullptr &&
          last->explicit_time && last->time_sentence == last->sentence &&
          Sent(last->sentence).paragraph == Sent(c.sentence).paragraph &&
          c.sentence > last->sentence && c.sentence - last->sentence <= 2) {
        c.ev.when = last->ev.when;
        c.ev.when.span = TextSpan{};
        c.explicit_time = true;
      }
      if (c.ev.type != EventType::kOutcome) last = &c;
    }
  }

  // Announced intentions and refusals are events of their own: a promised
  // withdrawal is an AGREE, a promised sanction a THREATEN, a cooperative act
  // that will not happen a REJECT (ontology: AGREE signals willingness,
  // THREATEN warns of harm, REJECT refuses).
  void Derive() {
    const std::size_t n = cands_.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (cands_[i].dropped || cands_[i].ev.actors.empty()) continue;
      const EventType t = cands_[i].ev.type;
      const Modality m = cands_[i].ev.modality;
      EventType derived = EventType::kUnspecified;
      if (m == Modality::kFuture || m == Modality::kHypothetical) {
        // A condition ("unless", "if") turns any announced act into a threat.
        bool conditional = false;
        const Sentence& sent = Sent(cands_[i].sentence);
        for (std::size_t k = cands_[i].te; k < sent.tok_end && k < cands_[i].te + 30; ++k) {
          conditional |= absl::string_view(toks_[k].lower) == "unless" || absl::string_view(toks_[k].lower) == "if";
        }
        if (conditional || t == EventType::kSanction || t == EventType::kCoerce ||
            t == EventType::kAssault || t == EventType::kProtest) {
          derived = EventType::kThreaten;
        } else if (m == Modality::kFuture &&
                   (t == EventType::kRetreat || t == EventType::kAid ||
                    t == EventType::kConcede || t == EventType::kCooperate ||
                    t == EventType::kSupport || t == EventType::kConsult)) {
          derived = EventType::kAgree;
        }
      } else if (m == Modality::kNegated) {
        if (t == EventType::kAgree || t == EventType::kConsult || t == EventType::kConcede ||
            t == EventType::kCooperate || t == EventType::kSupport) {
          derived = EventType::kReject;
        }
      }
      if (derived == EventType::kUnspecified) continue;
      Cand d = cands_[i];
      d.ev.type = derived;
      d.ev.mode.clear();
      d.ev.modality = d.ev.according_to.id.empty() ||
                              d.ev.according_to.id == d.ev.actors.front().id
                          ? Modality::kAsserted
                          : Modality::kReported;
      const std::string verb = d.trig != nullptr ? d.trig->lemma : d.ev.summary;
      d.ev.summary = derived == EventType::kAgree     ? "promised to " + verb
                     : derived == EventType::kThreaten ? "threatened to " + verb
                                                       : "refused to " + verb;
      d.ev.figures.clear();
      cands_.push_back(std::move(d));
    }
  }

  // ---- summary -------------------------------------------------------------
  std::string Desc(const EntityRef& e) const {
    if (e.id.empty()) return "";
    if (e.id.rfind("group:", 0) == 0) return e.text.empty() ? e.name : e.text;
    std::string s = e.name;
    if (e.count == 1 && e.kind != EntityKind::kPerson && !e.text.empty() &&
        e.text.size() < 60) {
      // "a North Korean soldier": the words say it best.
      std::string t = e.text;
      if (t.size() > 4 && (t.compare(0, 4, "The ") == 0 || t.compare(0, 4, "the ") == 0)) {
        t = "a " + t.substr(4);
      }
      return t;
    }
    if (!e.sector.empty() && e.kind != EntityKind::kPerson &&
        e.kind != EntityKind::kOrganization) {
      absl::StrAppend(&s, " (", e.sector, ")");
    }
    return s;
  }
  std::string DescList(const std::vector<EntityRef>& v) const {
    std::vector<std::string> parts;
    for (const EntityRef& e : v) parts.push_back(Desc(e));
    return absl::StrJoin(parts, " and ");
  }

  void Summarize(Cand& c) {
    EventRecord& ev = c.ev;
    std::string past = ev.summary;
    std::string s;
    if (ev.type == EventType::kOutcome) {
      std::vector<std::string> figs;
      for (const FigureRef& f : ev.figures) {
        std::string range = f.high ? (*f.high == f.low ? absl::StrCat(f.low)
                                                        : absl::StrCat(f.low, "-", *f.high))
                                   : absl::StrCat(f.low, "+");
        if (f.qualifier == Qualifier::kApproximate) range = "about " + range;
        figs.push_back(absl::StrCat(FigureKindName(f.kind), " ", range));
      }
      s = absl::StrCat("Casualties", ev.patients.empty() ? "" : " among ",
                       DescList(ev.patients));
      if (!figs.empty()) absl::StrAppend(&s, " (", absl::StrJoin(figs, ", "), ")");
    } else {
      s = DescList(ev.actors);
      if (s.empty()) s = "Someone";
      absl::StrAppend(&s, " ", past);
      if (!ev.recipients.empty()) absl::StrAppend(&s, " ", DescList(ev.recipients));
    }
    if (!ev.place.id.empty()) {
      absl::StrAppend(&s, " in ", ev.place.name);
      if (ev.place.kind != PlaceKind::kCountry && !ev.place.country.empty()) {
        const Country* co = res_.CountryByIso3(ev.place.country);
        absl::StrAppend(&s, ", ", co != nullptr ? co->name : ev.place.country);
      }
    }
    const std::string when = FormatTime(ev.when);
    if (!when.empty()) absl::StrAppend(&s, " ", when);
    if (!ev.according_to.id.empty() &&
        (ev.actors.empty() || ev.according_to.id != ev.actors.front().id)) {
      absl::StrAppend(&s, ", according to ", ev.according_to.name);
    }
    if (ev.modality != Modality::kAsserted && ev.modality != Modality::kReported) {
      absl::StrAppend(&s, " (", ModalityName(ev.modality), ")");
    }
    ev.summary = s;
  }

  const Resources& res_;
  const Analysis& a_;
  const std::vector<Token>& toks_;
  std::vector<Cand> cands_;
  std::vector<Cand> assaults_;
  std::vector<CueHit> cue_hits_;
  int cue_sentence_ = -1;
  std::vector<ModHit> mod_hits_;
  int mod_sentence_ = -1;
};

}  // namespace

std::vector<EventRecord> FindEvents(const Resources& res, const Analysis& a) {
  return EventFinder(res, a).Run();
}

}  // namespace newsevents::ingest
