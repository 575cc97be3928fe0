// ListFigures: the figures of the matching events, side by side by the
// source that asserts them, and the sources whose figures cannot both hold.
#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/store/event_store.h"

namespace newsevents::query::store {

namespace {

constexpr std::size_t kMaxConflicts = 100;

// Whether a figure counts one of `counted_ids` ("country:XXX" also stands
// for anyone of that country).
bool CountsOneOf(const Figure& f, const std::vector<std::string>& counted_ids) {
  if (counted_ids.empty()) return true;
  for (const std::string& want : counted_ids) {
    if (!f.counted.id.empty() && f.counted.id == want) return true;
    if (absl::StartsWith(want, "country:") && !f.counted.country.empty() &&
        want.substr(8) == f.counted.country) {
      return true;
    }
  }
  return false;
}

std::int64_t High(const Figure& f) {
  return f.high.value_or(std::numeric_limits<std::int64_t>::max());
}

// Per source and kind: the figure with the largest lower bound and the one
// with the smallest upper bound. Two sources disagree when one's smallest
// upper bound lies below the other's largest lower bound.
struct Extremes {
  const SourcedFigure* max_low = nullptr;
  const SourcedFigure* min_high = nullptr;
};

}  // namespace

absl::StatusOr<FigureReport> EventStore::ListFigures(const FigureQuery& query) const {
  if (query.max_figures < 0 || query.max_figures > kMaxFigures) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_figures: must be in 0..", kMaxFigures, ", got ", query.max_figures));
  }
  const std::size_t cap =
      static_cast<std::size_t>(query.max_figures == 0 ? kDefaultMaxFigures : query.max_figures);
  auto wanted_kind = [&](FigureKind k) {
    return query.kinds.empty() ||
           std::find(query.kinds.begin(), query.kinds.end(), k) != query.kinds.end();
  };

  std::vector<SourcedFigure> figures;
  bool truncated = false;
  {
    absl::ReaderMutexLock lock(&mu_);
    const CompiledFilter f = Compile(query.filter);
    std::uint32_t scanned_to = 0;
    const std::vector<std::uint32_t> matches =
        MatchingIndexes(f, 0, static_cast<std::uint32_t>(events_.size()),
                        std::numeric_limits<std::size_t>::max(), &scanned_to);
    std::size_t taken = 0;
    for (std::uint32_t idx : matches) {
      if (events_.figures_begin(idx) == events_.figures_end(idx)) continue;
      const Event e = EventOut(idx);
      for (const Figure& fig : e.figures) {
        if (!wanted_kind(fig.kind) || !CountsOneOf(fig, query.counted_ids)) continue;
        if (taken == cap) {
          truncated = true;
          break;
        }
        ++taken;
        SourcedFigure sf;
        sf.figure = fig;
        if (sf.figure.source.id.empty()) sf.figure.source = e.according_to;
        sf.event_id = e.id;
        sf.article_id = e.article_id;
        sf.sentence = e.evidence.sentence;
        sf.when = e.when;
        sf.place = e.place;
        sf.published_at = e.published_at;
        figures.push_back(std::move(sf));
      }
      if (truncated) break;
    }
  }
  return AssembleFigureReport(std::move(figures), truncated);
}

FigureReport AssembleFigureReport(std::vector<SourcedFigure> figures, bool truncated) {
  FigureReport report;
  report.truncated = truncated;
  report.total_figures = static_cast<std::int64_t>(figures.size());
  // Source id -> its group; std::map keeps ids ordered for the tie-break.
  std::map<std::string, SourceFigures> by_source;
  for (SourcedFigure& sf : figures) {
    SourceFigures& group = by_source[sf.figure.source.id];
    if (group.figures.empty()) {
      group.source = sf.figure.source;
      group.source.text.clear();
      group.source.count = 0;
    }
    group.figures.push_back(std::move(sf));
  }

  // Each source's figures in event time order (undated last), then by id.
  for (auto& [id, group] : by_source) {
    std::stable_sort(group.figures.begin(), group.figures.end(),
                     [](const SourcedFigure& a, const SourcedFigure& b) {
                       const absl::Time ta = a.when.start.value_or(
                           a.when.end.value_or(absl::InfiniteFuture()));
                       const absl::Time tb = b.when.start.value_or(
                           b.when.end.value_or(absl::InfiniteFuture()));
                       if (ta != tb) return ta < tb;
                       return a.event_id < b.event_id;
                     });
    report.sources.push_back(std::move(group));
  }
  std::stable_sort(report.sources.begin(), report.sources.end(),
                   [](const SourceFigures& a, const SourceFigures& b) {
                     return a.figures.size() > b.figures.size();
                   });

  // Conflicts between sources, per kind.
  std::vector<absl::flat_hash_map<int, Extremes>> extremes(report.sources.size());
  for (std::size_t s = 0; s < report.sources.size(); ++s) {
    for (const SourcedFigure& sf : report.sources[s].figures) {
      Extremes& x = extremes[s][static_cast<int>(sf.figure.kind)];
      if (x.max_low == nullptr || sf.figure.low > x.max_low->figure.low) x.max_low = &sf;
      if (x.min_high == nullptr || High(sf.figure) < High(x.min_high->figure)) x.min_high = &sf;
    }
  }
  for (std::size_t a = 0; a < report.sources.size(); ++a) {
    for (std::size_t b = a + 1; b < report.sources.size(); ++b) {
      for (const auto& [kind, xa] : extremes[a]) {
        const auto it = extremes[b].find(kind);
        if (it == extremes[b].end()) continue;
        const Extremes& xb = it->second;
        // Both directions may disagree ("1 died" and "more than 100" against
        // "ten"): report the wider gap, by ratio.
        const SourcedFigure* lo = nullptr;  // the figure whose interval lies below
        const SourcedFigure* hi = nullptr;
        double best = 0;
        auto consider = [&](const SourcedFigure* l, const SourcedFigure* h) {
          if (High(l->figure) >= h->figure.low) return;
          const double ratio = static_cast<double>(h->figure.low) /
                               static_cast<double>(std::max<std::int64_t>(1, High(l->figure)));
          if (lo == nullptr || ratio > best) {
            lo = l;
            hi = h;
            best = ratio;
          }
        };
        consider(xa.min_high, xb.max_low);
        consider(xb.min_high, xa.max_low);
        if (lo == nullptr) continue;
        if (report.conflicts.size() == kMaxConflicts) break;
        FigureConflict c;
        c.kind = static_cast<FigureKind>(kind);
        c.source_a = report.sources[a].source.id;
        c.source_b = report.sources[b].source.id;
        const bool a_low = lo->figure.source.id == c.source_a;
        c.figure_a = a_low ? *lo : *hi;
        c.figure_b = a_low ? *hi : *lo;
        report.conflicts.push_back(std::move(c));
      }
    }
  }
  std::sort(report.conflicts.begin(), report.conflicts.end(),
            [](const FigureConflict& x, const FigureConflict& y) {
              return std::tie(x.kind, x.source_a, x.source_b) <
                     std::tie(y.kind, y.source_a, y.source_b);
            });
  return report;
}

}  // namespace newsevents::query::store
