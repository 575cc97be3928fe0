// ParseDate: a small hand-written recogniser for the date shapes that news
// metadata uses. Each accepted shape is spelled out below; anything with an
// extra word or number is rejected, so that a sentence that mentions a date
// is not mistaken for a date line.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"

namespace newsevents::ingest {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;
// Longer strings are not dates; the bound keeps rejection cheap.
constexpr std::size_t kMaxDateLength = 96;

struct Parsed {
  int year = 0;
  int month = 0;
  int day = 0;
  bool has_time = false;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t nanos = 0;
  int offset_minutes = 0;  // local time minus UTC
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Cursor {
 public:
  explicit Cursor(absl::string_view s) : s_(s) {}

  bool Done() const { return i_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[i_]; }
  std::size_t pos() const { return i_; }
  void Reset(std::size_t pos) { i_ = pos; }

  bool Consume(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  // Consumes one or more spaces.
  bool Spaces() {
    const std::size_t start = i_;
    while (!Done() && s_[i_] == ' ') ++i_;
    return i_ > start;
  }
  // Consumes between `min` and `max` digits; consumes nothing on failure.
  bool Digits(int min, int max, int* value) {
    const std::size_t start = i_;
    int count = 0;
    int v = 0;
    while (count < max && IsDigit(Peek())) {
      v = v * 10 + (s_[i_] - '0');
      ++i_;
      ++count;
    }
    // A longer digit run is not this field.
    if (count < min || IsDigit(Peek())) {
      i_ = start;
      return false;
    }
    *value = v;
    return true;
  }
  // Consumes a run of ASCII letters.
  absl::string_view Word() {
    const std::size_t start = i_;
    while (absl::ascii_isalpha(static_cast<unsigned char>(Peek()))) ++i_;
    return s_.substr(start, i_ - start);
  }

 private:
  absl::string_view s_;
  std::size_t i_ = 0;
};

int MonthFromName(absl::string_view word) {
  static constexpr absl::string_view kMonths[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    const absl::string_view full = kMonths[m];
    if (absl::EqualsIgnoreCase(word, full)) return m + 1;
    if (word.size() == 3 && absl::EqualsIgnoreCase(word, full.substr(0, 3))) {
      return m + 1;
    }
  }
  if (absl::EqualsIgnoreCase(word, "sept")) return 9;
  return 0;
}

bool IsWeekday(absl::string_view word) {
  static constexpr absl::string_view kDays[] = {
      "monday", "tuesday", "wednesday", "thursday",
      "friday", "saturday", "sunday"};
  for (absl::string_view day : kDays) {
    if (absl::EqualsIgnoreCase(word, day)) return true;
    if (word.size() == 3 && absl::EqualsIgnoreCase(word, day.substr(0, 3))) {
      return true;
    }
  }
  return absl::EqualsIgnoreCase(word, "tues") ||
         absl::EqualsIgnoreCase(word, "thur") ||
         absl::EqualsIgnoreCase(word, "thurs");
}

bool ZoneOffset(absl::string_view word, int* minutes) {
  struct Zone {
    absl::string_view name;
    int hours;
  };
  static constexpr Zone kZones[] = {
      {"z", 0},    {"ut", 0},   {"utc", 0},  {"gmt", 0},  {"est", -5},
      {"edt", -4}, {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6},
      {"pst", -8}, {"pdt", -7}, {"bst", 1},  {"cet", 1},  {"cest", 2},
      {"eet", 2},  {"eest", 3}, {"msk", 3},  {"jst", 9},
  };
  for (const Zone& zone : kZones) {
    if (absl::EqualsIgnoreCase(word, zone.name)) {
      *minutes = zone.hours * 60;
      return true;
    }
  }
  return false;
}

// [+-]HH[[:]MM]
bool NumericOffset(Cursor& c, int* minutes) {
  const char sign = c.Peek();
  if (sign != '+' && sign != '-') return false;
  c.Consume(sign);
  int hours = 0;
  int mins = 0;
  if (!c.Digits(2, 2, &hours)) {
    // "+HHMM" is four digits in one run.
    int hhmm = 0;
    if (!c.Digits(4, 4, &hhmm)) return false;
    hours = hhmm / 100;
    mins = hhmm % 100;
  } else if (c.Consume(':')) {
    if (!c.Digits(2, 2, &mins)) return false;
  }
  if (hours > 14 || mins > 59) return false;
  *minutes = (hours * 60 + mins) * (sign == '-' ? -1 : 1);
  return true;
}

// Optional zone after a time: " Z", "Z", "+02:00", " GMT", " UTC+2".
bool Zone(Cursor& c, Parsed* out) {
  const std::size_t start = c.pos();
  c.Spaces();
  if (c.Done()) {
    c.Reset(start);
    return true;
  }
  if (NumericOffset(c, &out->offset_minutes)) return true;
  absl::string_view word = c.Word();
  if (word.empty() || !ZoneOffset(word, &out->offset_minutes)) return false;
  // "GMT+2", "UTC-05:00"
  int extra = 0;
  if (c.Peek() == '+' || c.Peek() == '-') {
    const char sign = c.Peek();
    c.Consume(sign);
    int hours = 0;
    if (!c.Digits(1, 2, &hours) || hours > 14) return false;
    int mins = 0;
    if (c.Consume(':') && !c.Digits(2, 2, &mins)) return false;
    extra = (hours * 60 + mins) * (sign == '-' ? -1 : 1);
  }
  out->offset_minutes += extra;
  return true;
}

// H[H]:MM[:SS[.fraction]] [am|pm|a.m.|p.m.] [zone]
bool Time(Cursor& c, Parsed* out) {
  if (!c.Digits(1, 2, &out->hour)) return false;
  if (!c.Consume(':')) return false;
  if (!c.Digits(2, 2, &out->minute)) return false;
  if (c.Consume(':')) {
    if (!c.Digits(2, 2, &out->second)) return false;
    if (c.Peek() == '.' || c.Peek() == ',') {
      c.Consume(c.Peek());
      int digits = 0;
      int64_t nanos = 0;
      while (IsDigit(c.Peek())) {
        if (digits < 9) nanos = nanos * 10 + (c.Peek() - '0');
        ++digits;
        c.Consume(c.Peek());
      }
      if (digits == 0) return false;
      for (int k = digits; k < 9; ++k) nanos *= 10;
      out->nanos = nanos;
    }
  }
  // 12-hour clock.
  const std::size_t before = c.pos();
  c.Spaces();
  absl::string_view word = c.Word();
  bool pm = false;
  bool meridiem = false;
  if (absl::EqualsIgnoreCase(word, "am") || absl::EqualsIgnoreCase(word, "pm")) {
    meridiem = true;
    pm = absl::EqualsIgnoreCase(word, "pm");
  } else if ((absl::EqualsIgnoreCase(word, "a") ||
              absl::EqualsIgnoreCase(word, "p")) &&
             c.Consume('.')) {
    pm = absl::EqualsIgnoreCase(word, "p");
    const std::size_t m = c.pos();
    if (!absl::EqualsIgnoreCase(c.Word(), "m") || !c.Consume('.')) {
      c.Reset(m);
      return false;
    }
    meridiem = true;
  } else {
    c.Reset(before);
  }
  if (meridiem) {
    if (out->hour < 1 || out->hour > 12) return false;
    out->hour = out->hour % 12 + (pm ? 12 : 0);
  }
  if (out->hour > 23 || out->minute > 59 || out->second > 59) return false;
  out->has_time = true;
  return Zone(c, out);
}

// YYYY-MM-DD or YYYY/MM/DD, then optional [T| ]time.
bool IsoDate(Cursor& c, Parsed* out) {
  if (!c.Digits(4, 4, &out->year)) return false;
  const char sep = c.Peek();
  if (sep != '-' && sep != '/') return false;
  c.Consume(sep);
  if (!c.Digits(1, 2, &out->month)) return false;
  if (!c.Consume(sep)) return false;
  if (!c.Digits(1, 2, &out->day)) return false;
  if (c.Done()) return true;
  if (c.Consume('T') || c.Consume('t') || c.Spaces()) return Time(c, out);
  return false;
}

// M/D/YYYY (D/M/YYYY when the first number exceeds 12) or D.M.YYYY, then an
// optional time.
bool NumericDate(Cursor& c, Parsed* out) {
  int a = 0;
  int b = 0;
  if (!c.Digits(1, 2, &a)) return false;
  const char sep = c.Peek();
  if (sep != '/' && sep != '.' && sep != '-') return false;
  c.Consume(sep);
  if (!c.Digits(1, 2, &b)) return false;
  if (!c.Consume(sep)) return false;
  if (!c.Digits(4, 4, &out->year)) return false;
  if (sep == '/' && a <= 12) {
    out->month = a;
    out->day = b;
  } else {
    out->day = a;
    out->month = b;
  }
  if (c.Done()) return true;
  c.Consume(',');
  if (!c.Spaces()) return false;
  return Time(c, out);
}

// [Weekday[,]] Month[.] D[st|nd|rd|th][,] YYYY | [Weekday[,]] D Month[.][,]
// YYYY, then an optional "[,] [at] time".
bool TextDate(Cursor& c, Parsed* out) {
  absl::string_view word = c.Word();
  if (!word.empty() && IsWeekday(word)) {
    c.Consume('.');
    c.Consume(',');
    c.Spaces();
    word = c.Word();
  }
  auto day_number = [&](int* day) {
    if (!c.Digits(1, 2, day)) return false;
    const std::size_t m = c.pos();
    absl::string_view suffix = c.Word();
    if (!suffix.empty() && !absl::EqualsIgnoreCase(suffix, "st") &&
        !absl::EqualsIgnoreCase(suffix, "nd") &&
        !absl::EqualsIgnoreCase(suffix, "rd") &&
        !absl::EqualsIgnoreCase(suffix, "th")) {
      c.Reset(m);
      return false;
    }
    return true;
  };
  if (!word.empty()) {
    out->month = MonthFromName(word);
    if (out->month == 0) return false;
    c.Consume('.');
    if (!c.Spaces()) return false;
    if (!day_number(&out->day)) return false;
    c.Consume(',');
    if (!c.Spaces()) return false;
  } else {
    if (!day_number(&out->day)) return false;
    if (!c.Spaces()) return false;
    out->month = MonthFromName(c.Word());
    if (out->month == 0) return false;
    c.Consume('.');
    c.Consume(',');
    if (!c.Spaces()) return false;
  }
  if (!c.Digits(4, 4, &out->year)) return false;
  if (c.Done()) return true;
  c.Consume(',');
  if (!c.Spaces()) return false;
  const std::size_t m = c.pos();
  if (absl::EqualsIgnoreCase(c.Word(), "at")) {
    if (!c.Spaces()) return false;
  } else {
    c.Reset(m);
  }
  return Time(c, out);
}

bool ValidDay(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

}  // namespace

std::optional<absl::Time> ParseDate(absl::string_view text,
                                    bool* has_time) {
  if (has_time != nullptr) *has_time = false;
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text.size() > kMaxDateLength) return std::nullopt;

  Parsed parsed;
  bool ok = false;
  {
    Cursor c(text);
    ok = IsoDate(c, &parsed) && c.Done();
  }
  if (!ok) {
    parsed = Parsed();
    Cursor c(text);
    ok = NumericDate(c, &parsed) && c.Done();
  }
  if (!ok) {
    parsed = Parsed();
    Cursor c(text);
    ok = TextDate(c, &parsed) && c.Done();
  }
  if (!ok) return std::nullopt;
  if (parsed.year < kMinYear || parsed.year > kMaxYear) return std::nullopt;
  if (!ValidDay(parsed.year, parsed.month, parsed.day)) return std::nullopt;

  const absl::CivilSecond civil(parsed.year, parsed.month, parsed.day,
                                parsed.hour, parsed.minute, parsed.second);
  const absl::Time t = absl::FromCivil(civil, absl::UTCTimeZone()) +
                       absl::Nanoseconds(parsed.nanos) -
                       absl::Minutes(parsed.offset_minutes);
  if (has_time != nullptr) *has_time = parsed.has_time;
  return t;
}

}  // namespace newsevents::ingest
