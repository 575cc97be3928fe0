// A realistic-sized synthetic article for the benchmarks that store or
// log whole articles.
#ifndef NEWSEVENTS_TESTS_BENCH_BENCH_ARTICLES_H_
#define NEWSEVENTS_TESTS_BENCH_BENCH_ARTICLES_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "newsevents/v1/query_service.pb.h"

namespace newsevents::bench {

namespace v1 = ::newsevents::v1;

// A realistic-sized article: 10 events with actors, a place, a time, a
// figure, a 160-byte evidence sentence and a summary.
inline v1::AppendArticleRequest Article(int n) {
  static const char* kCountries[] = {"UKR", "RUS", "SYR", "SDN", "MMR", "ISR", "PSE", "MLI"};
  v1::AppendArticleRequest r;
  const std::string aid = absl::StrCat("art_bench_", n);
  r.mutable_article()->set_id(aid);
  r.mutable_article()->set_title(absl::StrCat("Benchmark article number ", n));
  r.mutable_article()->set_outlet("example news");
  r.mutable_article()->mutable_published_at()->set_seconds(1700000000 + n * 60);
  for (int e = 0; e < 10; ++e) {
    v1::Event* ev = r.add_events();
    ev->set_id(absl::StrCat("ev_bench_", n, "_", e));
    ev->set_article_id(aid);
    ev->set_type(static_cast<v1::EventType>(1 + (n + e) % 16));
    ev->set_mode("armed-clash");
    for (int role = 0; role < 2; ++role) {
      v1::Entity* a = role == 0 ? ev->add_actors() : ev->add_recipients();
      const char* c = kCountries[(n * 7 + e * 3 + role) % 8];
      a->set_id(absl::StrCat("country:", c));
      a->set_name(c);
      a->set_kind(v1::ENTITY_KIND_COUNTRY);
      a->set_country(c);
      a->set_text(c);
    }
    v1::Place* p = ev->mutable_place();
    p->set_id(absl::StrCat("gn:", 700000 + (n * 13 + e) % 5000));
    p->set_name(absl::StrCat("Town ", (n * 13 + e) % 5000));
    p->set_kind(v1::PLACE_KIND_CITY);
    p->set_country("UKR");
    p->set_admin1_id("iso:UA-14");
    ev->mutable_when()->mutable_start()->set_seconds(1700000000 + n * 60 - 86400);
    ev->mutable_when()->mutable_end()->set_seconds(1700000000 + n * 60);
    ev->mutable_when()->set_granularity(v1::GRANULARITY_DAY);
    v1::Figure* f = ev->add_figures();
    f->set_kind(v1::FIGURE_KIND_KILLED);
    f->set_low(n % 20);
    f->set_high(n % 20);
    f->set_qualifier(v1::QUALIFIER_EXACT);
    ev->mutable_evidence()->set_sentence(absl::StrCat(
        "Regional officials said on Monday that forces shelled the town overnight, killing ",
        n % 20, " people and damaging a school and several houses, report ", n, "."));
    ev->set_summary(absl::StrCat("Forces shelled Town ", (n * 13 + e) % 5000));
    ev->set_confidence(0.8f);
  }
  return r;
}

}  // namespace newsevents::bench

#endif  // NEWSEVENTS_TESTS_BENCH_BENCH_ARTICLES_H_
