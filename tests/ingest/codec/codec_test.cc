#include "ingest/codec/codec.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newsevents::ingest {
namespace {

using ::testing::HasSubstr;

struct BadArticleCase {
  std::string name;
  v1::Article article;
  std::string message;  // expected substring
};

v1::Article WithBody(std::string body) {
  v1::Article a;
  a.set_body(std::move(body));
  return a;
}

TEST(DecodeArticleTest, RejectsBadArticlesNamingTheField) {
  std::vector<BadArticleCase> cases;
  cases.push_back({"empty", v1::Article(), "article.body is empty"});
  {
    v1::Article a;
    a.set_title("only a title");
    cases.push_back({"title only", a, "article.body"});
  }
  {
    v1::Article a;
    a.set_raw("text");
    cases.push_back({"raw without type", a, "article.content_type is empty"});
  }
  {
    v1::Article a;
    a.set_raw("%PDF-1.4");
    a.set_content_type("application/pdf");
    cases.push_back({"unknown type", a, "application/pdf"});
  }
  {
    v1::Article a = WithBody("Text.");
    a.set_id("bad id");
    cases.push_back({"id with a space", a, "article.id 'bad id'"});
  }
  {
    v1::Article a = WithBody("Text.");
    a.set_id(std::string(129, 'a'));
    cases.push_back({"id too long", a, "longer than 128"});
  }
  {
    v1::Article a = WithBody("Text.");
    a.mutable_published_at()->set_seconds(400000000000);
    cases.push_back({"date past year 9999", a, "article.published_at"});
  }
  {
    v1::Article a = WithBody("Text.");
    a.mutable_published_at()->set_nanos(-1);
    cases.push_back({"negative nanos", a, "article.published_at"});
  }
  {
    v1::Article a;
    a.set_raw("{\"title\": 5");
    a.set_content_type("application/json");
    cases.push_back({"malformed json", a, "article:"});
  }
  cases.push_back({"over the size limit", WithBody(std::string(2000, 'x')), "limit"});
  for (const BadArticleCase& c : cases) {
    ReadOptions options;
    options.max_bytes = 1000;
    absl::StatusOr<Document> doc = DecodeArticle(c.article, "article", options);
    ASSERT_FALSE(doc.ok()) << c.name;
    EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(doc.status().message()), HasSubstr(c.message)) << c.name;
  }
}

TEST(DecodeArticleTest, StructuredFieldsOverrideWhatReadingFound) {
  v1::Article a;
  a.set_raw("Headline From Text\n2024-12-27\nAuthor: Jia\n\nRussian forces shelled Kharkiv.");
  a.set_content_type("text/plain");
  a.set_title("Given Title");
  a.set_outlet("Example Wire");
  a.set_id("client-7");
  a.mutable_published_at()->set_seconds(1735300000);
  absl::StatusOr<Document> doc = DecodeArticle(a, "article", ReadOptions());
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "Given Title");
  EXPECT_EQ(doc->outlet, "Example Wire");
  EXPECT_EQ(doc->id, "client-7");
  EXPECT_EQ(doc->language, "en");
  ASSERT_TRUE(doc->published.has_value());
  EXPECT_EQ(absl::ToUnixSeconds(*doc->published), 1735300000);
  EXPECT_THAT(doc->body, HasSubstr("Russian forces shelled Kharkiv."));
  EXPECT_EQ(ArticleIdFor(*doc), "client-7");
}

TEST(DecodeArticleTest, DerivesAStableIdWhenNoneIsGiven) {
  absl::StatusOr<Document> a = DecodeArticle(WithBody("Same text."), "article", ReadOptions());
  absl::StatusOr<Document> b = DecodeArticle(WithBody("Same text."), "article", ReadOptions());
  absl::StatusOr<Document> c = DecodeArticle(WithBody("Other text."), "article", ReadOptions());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_THAT(ArticleIdFor(*a), ::testing::MatchesRegex("art_[0-9a-f]{32}"));
  EXPECT_EQ(ArticleIdFor(*a), ArticleIdFor(*b));
  EXPECT_NE(ArticleIdFor(*a), ArticleIdFor(*c));
}

TEST(EncodeTest, EventKeepsIntervalsSourcesAndOffsets) {
  Document doc;
  doc.body = "Officials said more than 100 were killed.";
  doc.published = absl::FromUnixSeconds(1735257600);
  EventRecord e;
  e.id = "ev_0123456789abcdef";
  e.type = EventType::kOutcome;
  e.mode = "casualties";
  e.modality = Modality::kReported;
  FigureRef f;
  f.kind = FigureKind::kKilled;
  f.low = 101;  // "more than 100": no upper bound
  f.qualifier = Qualifier::kMoreThan;
  f.source.id = "org:kor-nis";
  f.text = "more than 100";
  f.span = {15, 28};
  e.figures.push_back(f);
  e.trigger = {34, 40};
  e.place.id = "iso:RU-KRS";
  e.place.kind = PlaceKind::kAdmin1;
  e.when.start = absl::FromUnixSeconds(1735171200);
  e.when.end = absl::FromUnixSeconds(1735257600);
  e.when.granularity = Granularity::kDay;
  v1::Event out;
  EncodeEvent(e, "art_1", doc, &out);
  EXPECT_EQ(out.type(), v1::EVENT_TYPE_OUTCOME);
  EXPECT_EQ(out.modality(), v1::MODALITY_REPORTED);
  EXPECT_EQ(out.article_id(), "art_1");
  ASSERT_EQ(out.figures_size(), 1);
  EXPECT_EQ(out.figures(0).low(), 101);
  EXPECT_FALSE(out.figures(0).has_high());
  EXPECT_EQ(out.figures(0).qualifier(), v1::QUALIFIER_MORE_THAN);
  EXPECT_EQ(out.figures(0).source().id(), "org:kor-nis");
  EXPECT_EQ(doc.body.substr(out.evidence().trigger().start(),
                            out.evidence().trigger().end() - out.evidence().trigger().start()),
            "killed");
  EXPECT_EQ(out.place().kind(), v1::PLACE_KIND_ADMIN1);
  EXPECT_EQ(out.when().granularity(), v1::GRANULARITY_DAY);
  EXPECT_EQ(out.when().start().seconds(), 1735171200);
  EXPECT_EQ(out.published_at().seconds(), 1735257600);
}

TEST(ToGrpcStatusTest, KeepsCodeAndMessage) {
  grpc::Status s = ToGrpcStatus(absl::NotFoundError("event 'x' not found"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "event 'x' not found");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace newsevents::ingest
