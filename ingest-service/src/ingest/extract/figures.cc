// Stage 4b: figures: numbers with their hedges as intervals, the head noun
// that says what is counted, and the figure kind.
#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "ingest/extract/analysis.h"

namespace newsevents::ingest {
namespace {

struct Num {
  std::size_t len = 0;
  double value = 0;
  std::int64_t vague_low = 0, vague_high = 0;
  bool vague = false;
  bool article = false;  // "a"/"an": one, only with an outcome verb
};

// Counts past 1e18 are nonsense in news text; keep them finite and
// non-negative instead of overflowing.
constexpr std::int64_t kMaxCount = 1000000000000000000;
std::int64_t Saturate(double x) {
  if (!(x > 0)) return 0;
  if (x >= static_cast<double>(kMaxCount)) return kMaxCount;
  return static_cast<std::int64_t>(std::llround(x));
}

const FigureHead kMentionHead{FigureKind::kUnspecified, FigureKind::kOther, ""};

class FigureFinder {
 public:
  FigureFinder(const Resources& res, Analysis& a)
      : res_(res), a_(a), toks_(a.seg.tokens), covered_(toks_.size(), false) {}

  void Run() {
    for (const TimeExpr& t : a_.times) {
      for (std::size_t k = t.tb; k < t.te; ++k) covered_[k] = true;
    }
    for (std::size_t s = 0; s < a_.seg.sentences.size(); ++s) {
      const Sentence& sent = a_.seg.sentences[s];
      for (std::size_t i = sent.tok_begin; i < sent.tok_end;) {
        const std::size_t n = TryFigure(static_cast<int>(s), sent, i);
        i = n > i ? n : i + 1;
      }
    }
  }

 private:
  template <typename T, typename Fn>
  std::size_t Longest(const Lexicon<T>& lex, std::size_t i, std::size_t end, Fn accept,
                      const T** out) const {
    std::size_t best = 0;
    lex.index.ForEachMatch(
        end - i, [&](std::size_t k) { return toks_[i + k].hash; },
        [&](std::size_t len, const std::vector<std::uint32_t>& v) {
          for (std::uint32_t x : v) {
            if (accept(lex.entries[x])) {
              best = len;
              *out = &lex.entries[x];
            }
          }
        });
    return best;
  }

  Num ParseNumber(std::size_t i, std::size_t end) const {
    Num n;
    if (i >= end || covered_[i]) return n;
    const Token& t = toks_[i];
    if (t.type == TokenType::kNumber) {
      std::string digits = absl::StrReplaceAll(t.lower, {{",", ""}});
      if (!absl::SimpleAtod(digits, &n.value)) return n;
      n.len = 1;
    } else if (t.type == TokenType::kWord) {
      const NumberWord* w = nullptr;
      std::size_t len = Longest(res_.numbers(), i, end,
                                [](const NumberWord& x) {
                                  return x.kind == NumberKind::kNumber ||
                                         x.kind == NumberKind::kVague;
                                },
                                &w);
      if (len == 0 && t.lower.find('-') != std::string::npos) {
        // "twenty-five"
        std::vector<std::string> parts = absl::StrSplit(t.lower, '-');
        double sum = 0;
        for (const std::string& p : parts) {
          const NumberWord* pw = nullptr;
          const std::uint64_t h = HashLower(p);
          res_.numbers().index.ForEachMatch(
              1, [&](std::size_t) { return h; },
              [&](std::size_t, const std::vector<std::uint32_t>& v) {
                pw = &res_.numbers().entries[v.front()];
              });
          if (pw == nullptr || pw->kind != NumberKind::kNumber) return n;
          sum += static_cast<double>(pw->low);
        }
        n.value = sum;
        n.len = 1;
        return n;
      }
      if (len == 0) return n;
      if (w->kind == NumberKind::kVague) {
        n.vague = true;
        n.vague_low = w->low;
        n.vague_high = w->high.value_or(w->low);
        n.len = len;
        return n;
      }
      n.value = static_cast<double>(w->low);
      n.len = len;
      n.article = (absl::string_view(t.lower) == "a" || absl::string_view(t.lower) == "an" || absl::string_view(t.lower) == "single" ||
                   absl::string_view(t.lower) == "lone") && len == 1;
    } else {
      return n;
    }
    // Multipliers: "1.5 million", "two hundred".
    while (i + n.len < end) {
      const NumberWord* w = nullptr;
      const std::size_t len = Longest(res_.numbers(), i + n.len, end,
                                      [](const NumberWord& x) {
                                        return x.kind == NumberKind::kMultiplier;
                                      },
                                      &w);
      if (len == 0) break;
      n.value *= static_cast<double>(w->low);
      n.len += len;
      n.article = false;
    }
    return n;
  }

  // Head noun within a few tokens after `p`; returns its token or npos.
  std::size_t FindHead(std::size_t p, std::size_t end, const FigureHead** head,
                       std::size_t* head_len) const {
    for (std::size_t j = p; j < end && j < p + 5; ++j) {
      const Token& t = toks_[j];
      if (IsClauseBoundary(t) || t.type == TokenType::kNumber) break;
      const std::size_t len = Longest(res_.figure_heads(), j, end,
                                      [](const FigureHead&) { return true; }, head);
      if (len > 0) {
        *head_len = len;
        return j;
      }
      // A group mention as head: "13 Ukrainians", "5 Ukrainian servicemen".
      if (const int m = a_.tok_mention[j]; m >= 0) {
        const Mention& mm = a_.mentions[static_cast<std::size_t>(m)];
        const EntityKind k = mm.entity.kind;
        if (!mm.entity.id.empty() && mm.tb == j &&
            (k == EntityKind::kGroup || k == EntityKind::kArmedForce ||
             (k == EntityKind::kCountry && !mm.entity.sector.empty()))) {
          *head = &kMentionHead;
          *head_len = mm.te - j;
          return j;
        }
      }
      if (t.type == TokenType::kWord && (IsPreposition(t.lower) && absl::string_view(t.lower) != "of")) break;
    }
    return std::string::npos;
  }

  // Figure kind from an outcome verb after the head or before the number.
  FigureKind VerbKind(std::size_t num_start, std::size_t after_head, std::size_t sb,
                      std::size_t end) const {
    auto trig_at = [&](std::size_t j, FigureKind* k) {
      const Trigger* tr = nullptr;
      const std::size_t len = Longest(res_.triggers(), j, end,
                                      [](const Trigger& x) {
                                        return x.figure != FigureKind::kUnspecified &&
                                               (x.type == EventType::kOutcome ||
                                                x.type == EventType::kCoerce) &&
                                               x.form != TriggerForm::kNoun;
                                      },
                                      &tr);
      if (len > 0) *k = tr->figure;
      return len > 0;
    };
    FigureKind k = FigureKind::kUnspecified;
    for (std::size_t j = after_head; j < end && j < after_head + 8; ++j) {
      if (IsClauseBoundary(toks_[j]) && absl::string_view(toks_[j].lower) != "-") break;
      if (trig_at(j, &k)) return k;
    }
    for (std::size_t j = num_start; j > sb && j + 4 > num_start; --j) {
      if (IsClauseBoundary(toks_[j - 1])) break;
      if (trig_at(j - 1, &k)) return k;
    }
    return k;
  }

  std::size_t TryFigure(int s, const Sentence& sent, std::size_t i) {
    if (a_.tok_in_quote[i] || covered_[i]) return i + 1;
    const std::size_t end = sent.tok_end;
    std::size_t k = i;
    Qualifier q = Qualifier::kExact;
    bool exclusive = false;
    const NumberWord* qw = nullptr;
    if (std::size_t len = Longest(res_.numbers(), k, end,
                                  [](const NumberWord& x) {
                                    return x.kind == NumberKind::kQualifier;
                                  },
                                  &qw);
        len > 0) {
      q = qw->qualifier;
      exclusive = qw->low == -1;
      k += len;
    }
    bool between = false;
    if (k < end && absl::string_view(toks_[k].lower) == "between") {
      between = true;
      ++k;
    }
    Num n = ParseNumber(k, end);
    if (n.len == 0) return k > i ? k : i + 1;
    // Skip money, percentages and plain years.
    if (k > sent.tok_begin && (absl::string_view(toks_[k - 1].lower) == "$" || absl::string_view(toks_[k - 1].lower) == "\u20ac" ||
                               absl::string_view(toks_[k - 1].lower) == "\u00a3")) {
      return k + n.len;
    }
    std::size_t p = k + n.len;
    if (p < end && (absl::string_view(toks_[p].lower) == "%" || absl::string_view(toks_[p].lower) == "percent" ||
                    absl::string_view(toks_[p].lower) == "per")) {
      return p + 1;
    }
    double high_value = n.value;
    bool range = false;
    if (p + 1 < end && (absl::string_view(toks_[p].lower) == "to" || absl::string_view(toks_[p].lower) == "-" ||
                        absl::string_view(toks_[p].lower) == "\u2013" || (between && absl::string_view(toks_[p].lower) == "and") ||
                        absl::string_view(toks_[p].lower) == "or")) {
      Num m = ParseNumber(p + 1, end);
      if (m.len > 0 && !m.vague && !n.vague && m.value >= n.value) {
        // "1.5 to 2 million": the multiplier of the second applies to the first.
        high_value = m.value;
        range = true;
        p += 1 + m.len;
      }
    }
    const FigureHead* head = nullptr;
    std::size_t head_len = 0;
    std::size_t h = FindHead(p, end, &head, &head_len);
    if (h != std::string::npos && head->not_counted) return h + head_len;
    FigureKind kind = FigureKind::kUnspecified;
    bool from_verb = false;
    if (h == std::string::npos) {
      // No head noun: "clashes kill four", "death toll rises to 28".
      if (n.article) return p;
      FigureKind vk = VerbKind(k, k, sent.tok_begin, end);
      for (std::size_t j = k; vk == FigureKind::kUnspecified && j > sent.tok_begin && j + 5 > k;
           --j) {
        if (absl::string_view(toks_[j - 1].lower) == "toll") vk = FigureKind::kKilled;
      }
      if (vk == FigureKind::kUnspecified) return p;
      h = p - 1;
      head_len = 1;
      head = &kMentionHead;
      kind = vk;
      from_verb = true;
    } else {
      kind = head->kind;
    }
    if (kind == FigureKind::kUnspecified && h + head_len < end) {
      // "Five civilians dead", "two soldiers wounded": a predicate head.
      const FigureHead* pred = nullptr;
      if (Longest(res_.figure_heads(), h + head_len, end,
                  [](const FigureHead& x) {
                    return !x.not_counted && x.kind != FigureKind::kUnspecified;
                  },
                  &pred) > 0) {
        kind = pred->kind;
        from_verb = true;
      }
    }
    if (kind == FigureKind::kUnspecified) {
      kind = VerbKind(k, h + head_len, sent.tok_begin, end);
      if (kind == FigureKind::kUnspecified && h + head_len < end &&
          a_.tok_mention[h] >= 0) {
        // "5 Ukrainian servicemen" without a verb: what the mention is.
      }
      from_verb = kind != FigureKind::kUnspecified;
      if (!from_verb) kind = head->fallback;
    }
    if (n.article && !from_verb) return p;
    Figure f;
    f.sentence = s;
    f.tb = i;
    f.te = h + head_len;
    f.head = h;
    f.from_verb = from_verb;
    FigureRef& r = f.ref;
    r.kind = kind;
    const std::int64_t v = Saturate(n.value);
    if (n.vague) {
      r.low = n.vague_low;
      r.high = n.vague_high;
      r.qualifier = Qualifier::kVague;
    } else if (range) {
      r.low = v;
      r.high = Saturate(high_value);
      r.qualifier = Qualifier::kRange;
    } else {
      r.qualifier = q;
      switch (q) {
        case Qualifier::kMoreThan: r.low = v < kMaxCount ? v + 1 : v; break;
        case Qualifier::kAtLeast: r.low = v; break;
        case Qualifier::kAtMost:
          r.low = 0;
          r.high = exclusive ? v - 1 : v;
          break;
        default:
          r.low = v;
          r.high = v;
          break;
      }
    }
    // What is counted.
    int mi = -1;
    for (std::size_t j = k + n.len; j < f.te && mi < 0; ++j) mi = a_.tok_mention[j];
    if (mi >= 0 && !a_.mentions[static_cast<std::size_t>(mi)].entity.id.empty()) {
      r.counted = a_.mentions[static_cast<std::size_t>(mi)].entity;
      if (r.counted.sector.empty()) r.counted.sector = head->sector;
    } else if (!head->sector.empty()) {
      r.counted.id = "group:" + head->sector;
      r.counted.sector = head->sector;
      r.counted.kind = head->sector == "military" ? EntityKind::kArmedForce : EntityKind::kGroup;
      r.counted.name = toks_[h].lower;
      r.counted.span = TextSpan{toks_[h].start, toks_[h + head_len - 1].end};
      r.counted.text = std::string(a_.body.substr(r.counted.span.start,
                                                  r.counted.span.end - r.counted.span.start));
    }
    if (!r.counted.id.empty() && r.qualifier == Qualifier::kExact) r.counted.count = r.low;
    r.span = TextSpan{toks_[f.tb].start, toks_[f.te - 1].end};
    r.text = std::string(a_.body.substr(r.span.start, r.span.end - r.span.start));
    a_.figures.push_back(std::move(f));
    return h + head_len;
  }

  const Resources& res_;
  Analysis& a_;
  const std::vector<Token>& toks_;
  std::vector<bool> covered_;
};

}  // namespace

void FindFigures(const Resources& res, Analysis& a) { FigureFinder(res, a).Run(); }

}  // namespace newsevents::ingest
