// Packing of events into EventTable columns and blobs, and of articles into
// ArticleRec (the fields reads use in place, the rest as bytes).
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

#include "query/store/store_internal.h"

namespace newsevents::query::store::internal {
namespace {

constexpr absl::string_view kEventIdPrefix = "ev_";
constexpr int kEventIdDigits = 16;

// Ids the ingest service gives events: "ev_" and 16 lowercase hex digits
// (64 bits), kept as those 64 bits.
bool PackedEventId(absl::string_view id, std::uint64_t* v) {
  if (id.size() != kEventIdPrefix.size() + kEventIdDigits ||
      id.substr(0, kEventIdPrefix.size()) != kEventIdPrefix) {
    return false;
  }
  std::uint64_t x = 0;
  for (char c : id.substr(kEventIdPrefix.size())) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;  // upper case would not read back as written
    }
    x = (x << 4) | static_cast<std::uint64_t>(d);
  }
  *v = x;
  return true;
}

std::string UnpackEventId(std::uint64_t v) {
  return absl::StrCat(kEventIdPrefix, absl::Hex(v, absl::kZeroPad16));
}

class Writer {
 public:
  // Writes into `out` (cleared), a buffer the caller reuses.
  explicit Writer(std::string& out) : out_(out) { out_.clear(); }
  void Reserve(std::size_t n) { out_.reserve(n); }
  void U8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Signed(std::int64_t v) {  // zigzag
    Varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Bytes(absl::string_view s) {
    Varint(s.size());
    Raw(s);
  }
  void Raw(absl::string_view s) { out_.append(s.data(), s.size()); }
  void Float(float f) {
    char b[sizeof(f)];
    std::memcpy(b, &f, sizeof(f));
    out_.append(b, sizeof(f));
  }
  void SpanOf(const Span& s) {
    Signed(s.start);
    Signed(s.end);
  }
  // An event id: 0 for an id of the ingest service's shape (its key is the
  // id), else its size + 1 and its bytes.
  void Id(const EventTable::IdKey& id) {
    if (id.packed) {
      Varint(0);
    } else {
      Varint(std::uint64_t{id.id.size()} + 1);
      Raw(id.id);
    }
  }
  // Mention text and count; the entity is written by the caller if needed.
  void MentionTail(const MentionRec& m) {
    Varint(m.text);
    Signed(m.count);
  }
  const std::string& str() const { return out_; }

 private:
  std::string& out_;
};

// Reads what Writer wrote. The input is trusted (written by this file).
class Reader {
 public:
  // Reads from `p` on: a blob's end is never needed (the fields say where
  // they end), so the table keeps no blob sizes.
  explicit Reader(const char* p) : p_(p) {}
  explicit Reader(absl::string_view in) : p_(in.data()) {}
  std::uint8_t U8() { return static_cast<std::uint8_t>(*p_++); }
  std::uint64_t Varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  std::int64_t Signed() {
    const std::uint64_t v = Varint();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Varint()); }
  absl::string_view Bytes() {
    const std::size_t n = Varint();
    absl::string_view s(p_, n);
    p_ += n;
    return s;
  }
  float Float() {
    float f;
    std::memcpy(&f, p_, sizeof(f));
    p_ += sizeof(f);
    return f;
  }
  Span SpanOf() {
    Span s;
    s.start = static_cast<std::int32_t>(Signed());
    s.end = static_cast<std::int32_t>(Signed());
    return s;
  }
  // What Writer::Id wrote: the id's bytes, or *packed set (the id is the
  // event's key).
  absl::string_view Id(bool* packed) {
    const std::uint64_t n = Varint();
    *packed = n == 0;
    if (n == 0) return {};
    absl::string_view s(p_, n - 1);
    p_ += n - 1;
    return s;
  }
  void SkipId() {
    bool packed;
    Id(&packed);
  }
  std::string IdString(std::uint64_t key) {
    bool packed = false;
    const absl::string_view raw = Id(&packed);
    return packed ? UnpackEventId(key) : std::string(raw);
  }
  void MentionTail(MentionRec& m) {
    m.text = U32();
    m.count = Signed();
  }
  const char* position() const { return p_; }
  // An event's text as EncodeEventText wrote it, decoded into *out.
  void Text(const TextCodec& codec, std::string* out) {
    const std::uint64_t v = Varint();
    const auto size = static_cast<std::size_t>(v >> 1);
    codec.Decode(absl::string_view(p_, size), (v & 1) != 0, out);
    p_ += size;
  }

 private:
  const char* p_;
};

// An event's plain text is the summary's size (a varint), the summary, then
// the sentence when the event holds it. Sets *summary; returns the rest.
absl::string_view SplitSummary(absl::string_view plain, std::string* summary) {
  Reader in(plain);
  const std::size_t n = in.Varint();
  const std::size_t header = static_cast<std::size_t>(in.position() - plain.data());
  summary->assign(plain.data() + header, n);
  return plain.substr(header + n);
}

enum Flags : std::uint8_t {
  kOpenStart = 1,
  kOpenEnd = 2,
  kHasStart = 4,
  kHasEnd = 8,
  // The start equals the lo column, the end the hi column (the usual case):
  // not written again.
  kStartIsLo = 16,
  kEndIsHi = 32,
};

}  // namespace

bool EncodeEventText(TextCodec& codec, absl::string_view summary, absl::string_view sentence,
                     bool held, std::string* plain, std::string* out) {
  Writer w(*plain);
  w.Bytes(summary);
  if (held) w.Raw(sentence);
  // Stored as (size << 1 | compressed), then the bytes.
  bool compressed = false;
  const absl::string_view stored = codec.Encode(*plain, &compressed);
  Writer o(*out);
  o.Varint((static_cast<std::uint64_t>(stored.size()) << 1) | (compressed ? 1 : 0));
  o.Raw(stored);
  return codec.Sample(*plain);
}

std::uint32_t EventTable::Append(const EventRec& r) {
  const auto idx = static_cast<std::uint32_t>(size());
  Writer w(scratch_);
  w.Reserve(r.id.size() + r.text.size() + 64 +
            16 * (r.mentions.size() + r.arguments.size()) + 32 * r.figures.size());
  const IdKey key(r.id);
  w.Id(key);
  // 0 when the text holds the sentence, else the distance back to the event
  // whose text does.
  w.Varint(r.sentence_from != kNone && r.sentence_from < idx ? idx - r.sentence_from : 0);
  w.Raw(r.text);
  text_bytes_ += r.text.size();
  w.U8(static_cast<std::uint8_t>(r.granularity));
  const bool start_is_lo = r.start != kNoTime && r.start == r.lo;
  const bool end_is_hi = r.end != kNoTime && r.end == r.hi;
  w.U8((r.open_start ? kOpenStart : 0) | (r.open_end ? kOpenEnd : 0) |
       (r.start != kNoTime ? kHasStart : 0) | (r.end != kNoTime ? kHasEnd : 0) |
       (start_is_lo ? kStartIsLo : 0) | (end_is_hi ? kEndIsHi : 0));
  if (r.start != kNoTime && !start_is_lo) w.Signed(r.start);
  if (r.end != kNoTime && !end_is_hi) w.Signed(r.end);
  w.Varint(r.time_text);
  w.Varint(r.place_text);
  for (const MentionRec& m : r.mentions) w.MentionTail(m);
  w.MentionTail(r.according_to);
  for (const FigureRec& f : r.figures) {
    w.U8(static_cast<std::uint8_t>(f.qualifier));
    for (const MentionRec* m : {&f.counted, &f.source}) {
      w.Varint(m->entity == kNone ? 0 : std::uint64_t{m->entity} + 1);
      if (m->entity != kNone) w.MentionTail(*m);
    }
    w.Varint(f.text);
    w.SpanOf(f.span);
  }
  w.Varint(r.quote_ids.size());
  for (std::uint32_t q : r.quote_ids) w.Varint(q);
  w.Varint(r.arguments.size());
  for (const ArgumentRec& a : r.arguments) {
    w.Varint(a.role);
    w.SpanOf(a.span);
  }
  w.SpanOf(r.sentence_span);
  w.SpanOf(r.trigger);
  w.Float(r.confidence);
  const absl::string_view blob = arena_.Append(w.str());

  type_.push_back(r.type);
  const bool apart = r.hi != kNoTime && KeyOfInterval(r.lo, r.hi) != r.time_key;
  if (apart) time_key_apart_.emplace(idx, r.time_key);
  modality_.push_back(static_cast<std::uint8_t>(r.modality) | (apart ? kTimeKeyApart : 0));
  article_.push_back(r.article);
  place_.push_back(r.place);
  mode_.push_back(r.mode);
  source_.push_back(r.according_to.entity);
  if (r.n_actors < 15 && r.n_recipients < 15) {
    roles_.push_back(static_cast<std::uint8_t>(r.n_actors | (r.n_recipients << 4)));
  } else {
    roles_.push_back(kRolesApart);
    roles_apart_.emplace(idx, std::uint32_t{r.n_actors} | (std::uint32_t{r.n_recipients} << 16));
  }
  lo_.push_back(r.lo);
  hi_.push_back(r.hi);
  mention_begin_.push_back(static_cast<std::uint32_t>(mention_entity_.size()));
  for (const MentionRec& m : r.mentions) mention_entity_.push_back(m.entity);
  figure_begin_.push_back(static_cast<std::uint32_t>(figure_.size()));
  for (const FigureRec& f : r.figures) {
    const bool narrow = f.low == static_cast<std::int32_t>(f.low) &&
                        f.high == static_cast<std::int32_t>(f.high);
    if (!narrow) {
      figure_apart_.emplace(static_cast<std::uint32_t>(figure_.size()),
                            FigureNumbers{f.low, f.high, f.kind, f.has_high});
    }
    figure_.push_back(NarrowFigure{narrow ? static_cast<std::int32_t>(f.low) : 0,
                                   narrow ? static_cast<std::int32_t>(f.high) : 0, f.kind,
                                   f.has_high, !narrow});
  }
  blob_.push_back(reinterpret_cast<std::uintptr_t>(blob.data()));
  id_key_.push_back(key.key);
  return idx;
}

EventTable::IdKey::IdKey(absl::string_view id) : id(id) {
  packed = PackedEventId(id, &key);
  if (!packed) key = absl::Hash<absl::string_view>{}(id);
}

std::string EventTable::id(std::uint32_t i) const {
  return Reader(Blob(i)).IdString(id_key_[i]);
}

bool EventTable::IdIs(std::uint32_t i, const IdKey& id) const {
  if (id_key_[i] != id.key) return false;
  Reader in(Blob(i));
  bool packed = false;
  const absl::string_view raw = in.Id(&packed);
  // Equal keys: two packed ids are equal; a packed and a raw one never are.
  return packed ? id.packed : !id.packed && raw == id.id;
}

EventRec EventTable::Get(std::uint32_t i) const {
  EventRec r;
  Reader in(Blob(i));
  r.id = in.IdString(id_key_[i]);
  const std::uint64_t back = in.Varint();
  std::string plain;
  in.Text(*codec_, &plain);
  absl::string_view rest = SplitSummary(plain, &r.summary);
  if (back == 0) {
    r.sentence = std::string(rest);
  } else {
    r.sentence_from = i - static_cast<std::uint32_t>(back);
    Reader held(Blob(r.sentence_from));
    held.SkipId();
    held.Varint();  // 0: its text holds the sentence
    held.Text(*codec_, &plain);
    std::string ignored;
    r.sentence = std::string(SplitSummary(plain, &ignored));
  }
  r.granularity = static_cast<Granularity>(in.U8());
  const std::uint8_t flags = in.U8();
  r.open_start = (flags & kOpenStart) != 0;
  r.open_end = (flags & kOpenEnd) != 0;
  if (flags & kHasStart) r.start = (flags & kStartIsLo) ? lo(i) : in.Signed();
  if (flags & kHasEnd) r.end = (flags & kEndIsHi) ? hi(i) : in.Signed();
  r.time_text = in.U32();
  r.place_text = in.U32();
  for (std::uint32_t j = mentions_begin(i); j < mentions_end(i); ++j) {
    MentionRec& m = r.mentions.emplace_back();
    m.entity = mention_entity_[j];
    in.MentionTail(m);
  }
  r.according_to.entity = source_[i];
  in.MentionTail(r.according_to);
  for (std::uint32_t j = figures_begin(i); j < figures_end(i); ++j) {
    FigureRec& f = r.figures.emplace_back();
    const FigureNumbers n = figure(j);
    f.kind = n.kind;
    f.low = n.low;
    f.high = n.high;
    f.has_high = n.has_high;
    f.qualifier = static_cast<Qualifier>(in.U8());
    for (MentionRec* m : {&f.counted, &f.source}) {
      const std::uint64_t e = in.Varint();
      if (e != 0) {
        m->entity = static_cast<std::uint32_t>(e - 1);
        in.MentionTail(*m);
      }
    }
    f.text = in.U32();
    f.span = in.SpanOf();
  }
  r.quote_ids.resize(in.Varint());
  for (std::uint32_t& q : r.quote_ids) q = in.U32();
  r.arguments.resize(in.Varint());
  for (ArgumentRec& a : r.arguments) {
    a.role = in.U32();
    a.span = in.SpanOf();
  }
  r.sentence_span = in.SpanOf();
  r.trigger = in.SpanOf();
  r.confidence = in.Float();
  r.article = article(i);
  r.mode = mode(i);
  r.place = place(i);
  r.n_actors = static_cast<std::uint16_t>(n_actors(i));
  r.n_recipients = static_cast<std::uint16_t>(n_recipients(i));
  r.type = type_[i];
  r.modality = modality(i);
  r.lo = lo(i);
  r.hi = hi(i);
  r.time_key = has_time(i) ? time_key(i) : kNoTime;
  return r;
}

void PackArticle(const ArticleInfo& info, std::string& out) {
  Writer w(out);
  w.Raw(info.id);
  // The publication time's nanoseconds past its microsecond (the record
  // keeps the microseconds).
  std::uint64_t nanos = 0;
  if (info.published_at.has_value()) {
    const absl::Time t = *info.published_at;
    nanos = static_cast<std::uint64_t>(
        absl::ToInt64Nanoseconds(t - absl::FromUnixMicros(absl::ToUnixMicros(t))));
  }
  w.Varint(nanos);
  w.Bytes(info.title);
  w.Varint(info.authors.size());
  for (const std::string& a : info.authors) w.Bytes(a);
  w.Bytes(info.outlet);
  w.Bytes(info.url);
  w.Bytes(info.language);
  w.Varint(info.sections.size());
  for (const Section& sec : info.sections) {
    w.Bytes(sec.heading);
    w.Signed(sec.offset);
  }
  w.Signed(info.body_bytes);
}

std::optional<absl::Time> ArticleRec::published_at() const {
  if (published == kNoTime) return std::nullopt;
  Reader in(packed());
  return absl::FromUnixMicros(published) + absl::Nanoseconds(static_cast<std::int64_t>(in.Varint()));
}

ArticleInfo ArticleRec::Info() const {
  ArticleInfo info;
  info.id = std::string(id());
  Reader in(packed());
  in.Varint();  // published_at's nanoseconds, read by published_at()
  info.title = std::string(in.Bytes());
  info.authors.resize(in.Varint());
  for (std::string& a : info.authors) a = std::string(in.Bytes());
  info.outlet = std::string(in.Bytes());
  info.url = std::string(in.Bytes());
  info.language = std::string(in.Bytes());
  info.sections.resize(in.Varint());
  for (Section& sec : info.sections) {
    sec.heading = std::string(in.Bytes());
    sec.offset = static_cast<std::int32_t>(in.Signed());
  }
  info.body_bytes = static_cast<std::int32_t>(in.Signed());
  info.published_at = published_at();
  info.event_count = event_count;
  info.quote_count = quote_count;
  info.ingested_at = absl::FromUnixMicros(ingested);
  return info;
}

std::size_t EventTable::bytes() const {
  return type_.bytes() + modality_.bytes() + article_.bytes() + place_.bytes() +
         mode_.bytes() + source_.bytes() + roles_.bytes() + lo_.bytes() +
         hi_.bytes() + mention_begin_.bytes() +
         mention_entity_.bytes() + figure_begin_.bytes() + figure_.bytes() +
         blob_.bytes() + id_key_.bytes() + arena_.bytes() +
         HashMapBytes<std::pair<const std::uint32_t, std::int64_t>>(
             time_key_apart_.capacity()) +
         HashMapBytes<std::pair<const std::uint32_t, std::uint32_t>>(
             roles_apart_.capacity()) +
         HashMapBytes<std::pair<const std::uint32_t, FigureNumbers>>(figure_apart_.capacity());
}

}  // namespace newsevents::query::store::internal
