// Stage 4a: time expressions, resolved against the publication date.
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "ingest/extract/analysis.h"

namespace newsevents::ingest {
namespace {

struct MonthName {
  absl::string_view name;
  int month;
  bool abbrev;
};
constexpr std::array<MonthName, 24> kMonthNames = {{
    {"january", 1, false}, {"february", 2, false}, {"march", 3, false},
    {"april", 4, false}, {"may", 5, false}, {"june", 6, false},
    {"july", 7, false}, {"august", 8, false}, {"september", 9, false},
    {"october", 10, false}, {"november", 11, false}, {"december", 12, false},
    {"jan", 1, true}, {"feb", 2, true}, {"mar", 3, true}, {"apr", 4, true},
    {"jun", 6, true}, {"jul", 7, true}, {"aug", 8, true}, {"sep", 9, true},
    {"sept", 9, true}, {"oct", 10, true}, {"nov", 11, true}, {"dec", 12, true},
}};
constexpr absl::string_view kWeekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr absl::string_view kNumberWords[] = {
    "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

class TimeFinder {
 public:
  TimeFinder(Analysis& a) : a_(a), toks_(a.seg.tokens) {}

  void Run() {
    for (std::size_t s = 0; s < a_.seg.sentences.size(); ++s) {
      const Sentence& sent = a_.seg.sentences[s];
      future_ = false;
      for (std::size_t i = sent.tok_begin; i < sent.tok_end;) {
        const absl::string_view w = toks_[i].lower;
        if (w == "will" || w == "next" || w == "upcoming" || w == "scheduled") future_ = true;
        TimeExpr te;
        const std::size_t len = Parse(i, sent.tok_end, &te.ref);
        if (len == 0) {
          ++i;
          continue;
        }
        te.tb = i;
        te.te = i + len;
        te.sentence = static_cast<int>(s);
        // Range openers before the expression.
        std::size_t b = i;
        if (b > sent.tok_begin) {
          const absl::string_view p = toks_[b - 1].lower;
          if (p == "since" || p == "starting" || p == "beginning") {
            te.ref.open_end = true;
            te.tb = b - 1;
          } else if (p == "as" && b >= sent.tok_begin + 3 && absl::string_view(toks_[b - 2].lower) == "early" &&
                     absl::string_view(toks_[b - 3].lower) == "as") {
            te.ref.open_end = true;
            te.tb = b - 3;
          } else if (p == "until" || p == "till") {
            te.ref.open_start = true;
            te.tb = b - 1;
          }
        }
        if (te.ref.open_end) te.ref.end.reset();
        if (te.ref.open_start) te.ref.start.reset();
        te.ref.span = TextSpan{toks_[te.tb].start, toks_[te.te - 1].end};
        te.ref.text = std::string(a_.body.substr(te.ref.span.start,
                                                 te.ref.span.end - te.ref.span.start));
        a_.times.push_back(std::move(te));
        i += len;
      }
    }
  }

 private:
  int Month(std::size_t i, std::size_t end, std::size_t* len) const {
    const Token& t = toks_[i];
    if (t.type != TokenType::kWord || !t.cap) return 0;
    for (const MonthName& m : kMonthNames) {
      if (t.lower != m.name) continue;
      *len = 1;
      if (m.abbrev && i + 1 < end && absl::string_view(toks_[i + 1].lower) == "." &&
          toks_[i + 1].start == t.end) {
        *len = 2;
      }
      if (m.name == "may" || m.name == "march") {
        // Modal "May" / verb "March": only next to a number or a time preposition.
        const bool num_next = i + 1 < end && Day(i + 1) > 0;
        const bool year_next = i + 1 < end && Year(i + 1) > 0;
        const absl::string_view p = i > 0 ? absl::string_view(toks_[i - 1].lower) : "";
        const bool prep = p == "in" || p == "since" || p == "of" || p == "until" ||
                          p == "early" || p == "late" || p == "mid" || p == "by" ||
                          p == "from" || p == "last" || p == "this" || p == "next";
        if (!num_next && !year_next && !prep) return 0;
      }
      return m.month;
    }
    return 0;
  }

  int Day(std::size_t i) const {
    const Token& t = toks_[i];
    absl::string_view w = t.lower;
    if (t.type == TokenType::kWord &&
        (absl::EndsWith(w, "st") || absl::EndsWith(w, "nd") || absl::EndsWith(w, "rd") ||
         absl::EndsWith(w, "th"))) {
      w.remove_suffix(2);
    } else if (t.type != TokenType::kNumber) {
      return 0;
    }
    int d = 0;
    if (w.size() > 2 || !absl::SimpleAtoi(w, &d)) return 0;
    return d >= 1 && d <= 31 ? d : 0;
  }

  int Year(std::size_t i) const {
    const Token& t = toks_[i];
    if (t.type != TokenType::kNumber || t.lower.size() != 4) return 0;
    int y = 0;
    if (!absl::SimpleAtoi(t.lower, &y)) return 0;
    return y >= 1900 && y <= 2100 ? y : 0;
  }

  static void SetDay(absl::CivilDay d, TimeRef* r) {
    r->start = DayStart(d);
    r->end = DayStart(d + 1);
    r->granularity = Granularity::kDay;
  }
  static void SetMonth(absl::CivilMonth m, TimeRef* r) {
    r->start = absl::FromCivil(m, absl::UTCTimeZone());
    r->end = absl::FromCivil(m + 1, absl::UTCTimeZone());
    r->granularity = Granularity::kMonth;
  }
  static void SetYear(absl::CivilYear y, TimeRef* r) {
    r->start = absl::FromCivil(y, absl::UTCTimeZone());
    r->end = absl::FromCivil(y + 1, absl::UTCTimeZone());
    r->granularity = Granularity::kYear;
  }
  static void SetWeek(absl::CivilDay monday, TimeRef* r) {
    r->start = DayStart(monday);
    r->end = DayStart(monday + 7);
    r->granularity = Granularity::kWeek;
  }

  // Resolves a month (and day) without a year against the publication date.
  bool ResolveMonthDay(int month, int day, TimeRef* r) const {
    if (!a_.published) {
      r->granularity = day ? Granularity::kDay : Granularity::kMonth;
      return true;  // text kept, value unknown
    }
    const absl::CivilDay p = *a_.published;
    absl::civil_year_t y = p.year();
    if (day) {
      absl::CivilDay d(y, month, day);
      if (d.month() != month) return false;
      if (d > p && !future_) d = absl::CivilDay(y - 1, month, day);
      if (d < p - 300 && future_) d = absl::CivilDay(y + 1, month, day);
      SetDay(d, r);
    } else {
      absl::CivilMonth m(y, month);
      if (m > absl::CivilMonth(p) && !future_) m = absl::CivilMonth(y - 1, month);
      SetMonth(m, r);
    }
    return true;
  }

  std::size_t Parse(std::size_t i, std::size_t end, TimeRef* r) {
    const Token& t = toks_[i];
    // Fast rejection: time expressions start with a digit, a capital, or one
    // of a few lower-case words.
    if (t.type == TokenType::kPunct || t.type == TokenType::kPossessive) return 0;
    if (t.type == TokenType::kWord && !t.cap && !(t.lower[0] >= '0' && t.lower[0] <= '9')) {
      const absl::string_view w = t.lower;
      if (w != "yesterday" && w != "today" && w != "tonight" && w != "tomorrow" &&
          w != "last" && w != "this" && w != "next" && w != "past" && w != "earlier" &&
          !(i + 2 < end && absl::string_view(toks_[i + 2].lower) == "ago")) {
        return 0;
      }
    }
    std::size_t mlen = 0;
    // ISO date "2024-12-26".
    if (t.type == TokenType::kWord && t.lower.size() == 10 && t.lower[4] == '-' &&
        t.lower[7] == '-') {
      int y, m, d;
      std::vector<absl::string_view> parts = absl::StrSplit(t.lower, '-');
      if (parts.size() == 3 && absl::SimpleAtoi(parts[0], &y) &&
          absl::SimpleAtoi(parts[1], &m) && absl::SimpleAtoi(parts[2], &d) && m >= 1 &&
          m <= 12 && d >= 1 && d <= 31) {
        SetDay(absl::CivilDay(y, m, d), r);
        return 1;
      }
    }
    // DAY MONTH [YEAR]
    if (int d = Day(i); d > 0 && i + 1 < end) {
      if (int m = Month(i + 1, end, &mlen); m > 0) {
        std::size_t len = 1 + mlen;
        if (i + len < end) {
          if (int y = Year(i + len); y > 0) {
            SetDay(absl::CivilDay(y, m, d), r);
            return len + 1;
          }
        }
        return ResolveMonthDay(m, d, r) ? len : 0;
      }
    }
    // MONTH [DAY[,] [YEAR]] | MONTH YEAR | MONTH
    if (int m = Month(i, end, &mlen); m > 0) {
      std::size_t k = i + mlen;
      if (k < end) {
        if (int d = Day(k); d > 0) {
          std::size_t len = k + 1 - i;
          std::size_t y_at = k + 1;
          if (y_at < end && absl::string_view(toks_[y_at].lower) == ",") ++y_at;
          if (y_at < end) {
            if (int y = Year(y_at); y > 0) {
              SetDay(absl::CivilDay(y, m, d), r);
              return y_at + 1 - i;
            }
          }
          return ResolveMonthDay(m, d, r) ? len : 0;
        }
        if (int y = Year(k); y > 0) {
          SetMonth(absl::CivilMonth(y, m), r);
          return k + 1 - i;
        }
      }
      return ResolveMonthDay(m, 0, r) ? mlen : 0;
    }
    // Bare year after a time preposition.
    if (int y = Year(i); y > 0 && i > 0) {
      const absl::string_view p = toks_[i - 1].lower;
      if (p == "in" || p == "since" || p == "from" || p == "until" || p == "during" ||
          p == "early" || p == "late" || p == "mid" || p == "of" || p == "by") {
        SetYear(absl::CivilYear(y), r);
        return 1;
      }
    }
    if (!a_.published) return 0;
    const absl::CivilDay p = *a_.published;
    const int pwd = static_cast<int>(absl::GetWeekday(p));  // monday = 0
    const absl::CivilDay monday = p - pwd;
    const absl::string_view w = t.lower;
    // Weekdays.
    for (int wd = 0; wd < 7; ++wd) {
      if (w != kWeekdays[wd] || !t.cap) continue;
      const bool last = i > 0 && absl::string_view(toks_[i - 1].lower) == "last";
      const bool next = i > 0 && absl::string_view(toks_[i - 1].lower) == "next";
      absl::CivilDay d;
      if (next || (future_ && !last)) {
        int diff = (wd - pwd + 7) % 7;
        if (diff == 0 && next) diff = 7;
        d = p + diff;
      } else {
        int diff = (pwd - wd + 7) % 7;
        if (last && diff == 0) diff = 7;
        d = p - diff;
      }
      SetDay(d, r);
      std::size_t len = 1;
      if (i + 1 < end) {
        const absl::string_view n = toks_[i + 1].lower;
        if (n == "morning" || n == "afternoon" || n == "evening" || n == "night") ++len;
      }
      return len;
    }
    if (w == "yesterday") {
      SetDay(p - 1, r);
      return 1;
    }
    if (w == "today" || w == "tonight") {
      SetDay(p, r);
      return 1;
    }
    if (w == "tomorrow") {
      SetDay(p + 1, r);
      return 1;
    }
    // last/this/next/earlier this + week/month/year/night/weekend
    if ((w == "last" || w == "this" || w == "next" || w == "past" || w == "earlier") &&
        i + 1 < end) {
      std::size_t k = i + 1;
      int shift = (w == "last" || w == "past") ? -1 : (w == "next" ? 1 : 0);
      if (w == "earlier") {
        if (absl::string_view(toks_[k].lower) != "this" || k + 1 >= end) return 0;
        ++k;
      }
      const absl::string_view unit = toks_[k].lower;
      if (unit == "week") {
        SetWeek(monday + 7 * shift, r);
        return k + 1 - i;
      }
      if (unit == "weekend") {
        SetDay(monday + 5 + 7 * (shift < 0 ? -1 : shift), r);
        r->end = DayStart(monday + 7 + 7 * (shift < 0 ? -1 : shift));
        r->granularity = Granularity::kWeek;
        return k + 1 - i;
      }
      if (unit == "month") {
        SetMonth(absl::CivilMonth(p) + shift, r);
        return k + 1 - i;
      }
      if (unit == "year") {
        SetYear(absl::CivilYear(p) + shift, r);
        return k + 1 - i;
      }
      if ((unit == "night" || unit == "morning" || unit == "evening") && w != "next") {
        SetDay(w == "last" ? p - 1 : p, r);
        if (unit != "night" && w == "last") SetDay(p - 1, r);
        return k + 1 - i;
      }
      return 0;
    }
    // N days/weeks ago
    if (i + 2 < end && absl::string_view(toks_[i + 2].lower) == "ago") {
      int n = 0;
      if (t.type == TokenType::kNumber) {
        if (!absl::SimpleAtoi(w, &n)) return 0;
      } else {
        for (std::size_t k = 0; k < std::size(kNumberWords); ++k) {
          if (w == kNumberWords[k]) n = k == 0 ? 1 : static_cast<int>(k);
        }
      }
      if (n <= 0 || n > 1000) return 0;
      const absl::string_view unit = toks_[i + 1].lower;
      if (unit == "day" || unit == "days") {
        SetDay(p - n, r);
      } else if (unit == "week" || unit == "weeks") {
        SetWeek(monday - 7 * n, r);
      } else if (unit == "month" || unit == "months") {
        SetMonth(absl::CivilMonth(p) - n, r);
      } else if (unit == "year" || unit == "years") {
        SetYear(absl::CivilYear(p) - n, r);
      } else {
        return 0;
      }
      return 3;
    }
    return 0;
  }

  Analysis& a_;
  const std::vector<Token>& toks_;
  bool future_ = false;
};

}  // namespace

void FindTimes(const Resources& /*res*/, Analysis& a) { TimeFinder(a).Run(); }

}  // namespace newsevents::ingest
