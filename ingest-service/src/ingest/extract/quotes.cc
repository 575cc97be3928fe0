// Stage 6: direct quotes with their speaker and reporting cue.
#include "ingest/extract/analysis.h"

namespace newsevents::ingest {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

class QuoteFinder {
 public:
  QuoteFinder(const Resources& res, const Analysis& a)
      : res_(res), a_(a), toks_(a.seg.tokens) {}

  std::vector<QuoteRecord> Run() {
    std::vector<QuoteRecord> out;
    for (const QuoteSpan& q : a_.quotes) {
      QuoteRecord r;
      r.span = TextSpan{q.start, q.end};
      r.text = std::string(a_.body.substr(q.start, q.end - q.start));
      std::size_t cue_b = kNone, cue_e = kNone;
      const std::size_t spk = Speaker(q, &cue_b, &cue_e);
      if (spk != kNone) r.speaker = a_.mentions[spk].entity;
      if (cue_b != kNone) {
        r.cue = std::string(a_.body.substr(toks_[cue_b].start,
                                           toks_[cue_e - 1].end - toks_[cue_b].start));
      }
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  // Length of a reporting verb starting at i (0 if none).
  std::size_t CueAt(std::size_t i, std::size_t end) const {
    std::size_t len = 0;
    if (i >= end || toks_[i].type != TokenType::kWord) return 0;
    res_.reporting().index.ForEachMatch(
        end - i, [&](std::size_t k) { return toks_[i + k].hash; },
        [&](std::size_t l, const std::vector<std::uint32_t>& v) {
          for (std::uint32_t x : v) {
            if (res_.reporting().entries[x].kind == CueKind::kVerb) len = l;
          }
        });
    return len;
  }

  bool Speakerish(std::size_t mi) const {
    const Mention& m = a_.mentions[mi];
    return !m.entity.id.empty() && !m.in_quote && m.prep.empty();
  }

  std::size_t LeftSubject(std::size_t p, std::size_t sb) const {
    int budget = 40;
    for (std::size_t j = p; j > sb && budget-- > 0;) {
      --j;
      if (a_.tok_in_quote[j] || absl::string_view(toks_[j].lower) == ";") return kNone;
      const int m = a_.tok_mention[j];
      if (m >= 0) {
        const auto mi = static_cast<std::size_t>(m);
        const Mention& mm = a_.mentions[mi];
        if (Speakerish(mi) && !mm.possessor && !mm.object_of_verb) return mi;
        j = mm.tb;
      }
    }
    return kNone;
  }

  std::size_t Speaker(const QuoteSpan& q, std::size_t* cb, std::size_t* ce) const {
    const int cs = a_.tok_sentence[q.close];
    const int os = a_.tok_sentence[q.open];
    const std::size_t close_end =
        cs >= 0 ? a_.seg.sentences[static_cast<std::size_t>(cs)].tok_end : toks_.size();
    std::size_t end = close_end;
    // The sentence after the closing mark may hold '..." he said.'
    if (cs >= 0 && q.close + 1 >= close_end &&
        static_cast<std::size_t>(cs) + 1 < a_.seg.sentences.size()) {
      end = a_.seg.sentences[static_cast<std::size_t>(cs) + 1].tok_end;
    }
    // After the quote: '"...," X said' or '"...," said X'.
    std::size_t k = q.close + 1;
    if (k < end && (absl::string_view(toks_[k].lower) == "," || absl::string_view(toks_[k].lower) == ".")) ++k;
    if (k < end) {
      const int m = a_.tok_mention[k];
      if (m >= 0 && Speakerish(static_cast<std::size_t>(m))) {
        const std::size_t after = a_.mentions[static_cast<std::size_t>(m)].te;
        std::size_t a2 = after;
        // "X has said", "X told reporters"
        while (a2 < end && a2 < after + 2 &&
               (absl::string_view(toks_[a2].lower) == "has" || absl::string_view(toks_[a2].lower) == "had" ||
                absl::string_view(toks_[a2].lower) == "later")) {
          ++a2;
        }
        if (const std::size_t len = CueAt(a2, end); len > 0) {
          *cb = a2;
          *ce = a2 + len;
          return static_cast<std::size_t>(m);
        }
      }
      if (const std::size_t len = CueAt(k, end); len > 0) {
        for (std::size_t j = k + len; j < end && j < k + len + 4; ++j) {
          const int m2 = a_.tok_mention[j];
          if (m2 >= 0 && Speakerish(static_cast<std::size_t>(m2))) {
            *cb = k;
            *ce = k + len;
            return static_cast<std::size_t>(m2);
          }
        }
      }
    }
    // Before the quote: 'X said: "..."', 'X ..., claiming, "..."'.
    const std::size_t sb =
        os >= 0 ? a_.seg.sentences[static_cast<std::size_t>(os)].tok_begin : 0;
    std::size_t j = q.open;
    while (j > sb && (absl::string_view(toks_[j - 1].lower) == "," || absl::string_view(toks_[j - 1].lower) == ":")) --j;
    for (std::size_t back = 1; back <= 3 && j >= sb + back; ++back) {
      const std::size_t start = j - back;
      if (CueAt(start, j) == back) {
        const std::size_t spk = LeftSubject(start, sb);
        if (spk != kNone) {
          *cb = start;
          *ce = j;
          return spk;
        }
      }
    }
    // Otherwise a reporting verb with a subject elsewhere in the sentence.
    for (std::size_t i = q.close + 1; i < close_end && i < q.close + 30; ++i) {
      if (const std::size_t len = CueAt(i, close_end); len > 0 && !a_.tok_in_quote[i]) {
        const std::size_t spk = LeftSubject(i, q.close + 1);
        if (spk != kNone) {
          *cb = i;
          *ce = i + len;
          return spk;
        }
      }
    }
    return kNone;
  }

  const Resources& res_;
  const Analysis& a_;
  const std::vector<Token>& toks_;
};

}  // namespace

std::vector<QuoteRecord> FindQuotes(const Resources& res, const Analysis& a) {
  return QuoteFinder(res, a).Run();
}

}  // namespace newsevents::ingest
