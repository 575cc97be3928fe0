// Bad input, everywhere: one table per RPC of both real binaries, each row a
// malformed, hostile or absurd request with the exact status it must get and
// the words its message must contain (the field, and the value where it
// helps). After every table both servers must still be SERVING.
//
// The servers run with --max_message_bytes=1 MiB (gRPC answers
// RESOURCE_EXHAUSTED above it) and, for ingest, --max_article_bytes=1000 KiB
// (INVALID_ARGUMENT above it), so that both limits can be crossed cheaply.
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "tests/testing/server_process.h"

namespace newsevents {
namespace {

using ::testing::HasSubstr;
using testing::ServerProcess;

constexpr int kMaxMessageBytes = 1 << 20;
constexpr int kMaxArticleBytes = 1000 * 1024;
// gRPC's words for a request over --max_message_bytes.
constexpr char kTooLarge[] = "Received message larger than max";
// google.protobuf.Timestamp bounds: 0001-01-01T00:00:00Z, 9999-12-31T23:59:59Z.
constexpr std::int64_t kYear1 = -62135596800;
constexpr std::int64_t kYear9999End = 253402300799;

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(NEWSEVENTS_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

// Deterministic bytes of every value, NUL included.
std::string Garbage(std::size_t size) {
  std::string out(size, '\0');
  std::uint32_t x = 2463534242u;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

// `piece` repeated up to exactly `size` bytes.
std::string Repeat(absl::string_view piece, std::size_t size) {
  std::string out;
  out.reserve(size + piece.size());
  while (out.size() < size) out.append(piece.data(), piece.size());
  out.resize(size);
  return out;
}

google::protobuf::Timestamp Ts(std::int64_t seconds, std::int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

v1::Article Raw(std::string raw, std::string content_type) {
  v1::Article a;
  a.set_raw(std::move(raw));
  a.set_content_type(std::move(content_type));
  return a;
}

v1::Article Json(std::string json) { return Raw(std::move(json), "application/json"); }

v1::Article Body(std::string body) {
  v1::Article a;
  a.set_body(std::move(body));
  return a;
}

v1::Article Published(v1::Article a, std::int64_t seconds, std::int32_t nanos = 0) {
  *a.mutable_published_at() = Ts(seconds, nanos);
  return a;
}

std::string Describe(const grpc::Status& s) {
  return absl::StrCat("code ", s.error_code(), ": ", s.error_message());
}

// Checks the code and that every part is in the message.
void ExpectStatus(const grpc::Status& got, grpc::StatusCode code,
                  const std::vector<std::string>& parts) {
  EXPECT_EQ(got.error_code(), code) << Describe(got);
  for (const std::string& part : parts) {
    EXPECT_THAT(got.error_message(), HasSubstr(part)) << "code " << got.error_code();
  }
}

void ExpectWarning(const google::protobuf::RepeatedPtrField<std::string>& warnings,
                   const std::string& part) {
  if (part.empty()) return;
  bool found = false;
  for (const std::string& w : warnings) found = found || w.find(part) != std::string::npos;
  EXPECT_TRUE(found) << "no warning with '" << part << "' among "
                     << ::testing::PrintToString(warnings);
}

// What the query service would refuse (and with it the whole article)
// must not come out of extraction, however odd the text: figures with
// 0 <= low <= high, times inside the Timestamp range, and evidence that is
// the body at its span and at most 1000 bytes long.
void ExpectStorable(const v1::ExtractEventsResponse& response) {
  const std::string& body = response.body();
  for (const v1::Event& e : response.events()) {
    SCOPED_TRACE(e.summary());
    const v1::Span& span = e.evidence().sentence_span();
    ASSERT_TRUE(span.start() >= 0 && span.start() <= span.end() &&
                static_cast<std::size_t>(span.end()) <= body.size());
    EXPECT_EQ(body.substr(span.start(), span.end() - span.start()), e.evidence().sentence());
    EXPECT_LE(e.evidence().sentence().size(), 1000u);
    for (const v1::Figure& f : e.figures()) {
      EXPECT_GE(f.low(), 0) << f.text();
      if (f.has_high()) EXPECT_GE(f.high(), f.low()) << f.text();
      EXPECT_GE(f.counted().count(), 0) << f.text();
    }
    for (const google::protobuf::Timestamp* t : {&e.when().start(), &e.when().end()}) {
      EXPECT_GE(t->seconds(), kYear1) << e.when().text();
      EXPECT_LE(t->seconds(), kYear9999End) << e.when().text();
    }
  }
}

// One bad article. `{a}` in `parts` and `stream_parts` stands for the field
// name the service uses: "article" in unary calls, "article[<index>]" in
// the IngestArticles stream.
struct ArticleRow {
  std::string name;
  std::optional<v1::Article> article;  // nullopt: the request has none
  grpc::StatusCode code;
  std::vector<std::string> parts;
  std::string warning;  // for OK rows: a warning that must be reported
  // When the stream answers differently (a stream request always carries
  // an article, possibly empty).
  std::optional<std::vector<std::string>> stream_parts;
  bool in_stream = true;  // false: the row breaks the whole stream
  // How such a stream ends.
  grpc::StatusCode stream_code = grpc::StatusCode::OK;
};

std::vector<std::string> Fill(const std::vector<std::string>& parts,
                              const std::string& field) {
  std::vector<std::string> out;
  for (const std::string& p : parts) out.push_back(absl::StrReplaceAll(p, {{"{a}", field}}));
  return out;
}

std::vector<ArticleRow> ArticleRows() {
  using C = grpc::StatusCode;
  const std::string sentence = "Russian forces shelled Kharkiv on Monday, killing 5 civilians.";
  std::vector<ArticleRow> rows;
  rows.push_back({"missing article", std::nullopt, C::INVALID_ARGUMENT,
                  {"article is required"}, "",
                  std::vector<std::string>{"{a}.body is empty", "{a}.raw is not set"}});
  rows.push_back({"empty article", v1::Article(), C::INVALID_ARGUMENT,
                  {"{a}.body is empty", "{a}.raw is not set"}});
  rows.push_back({"white space only body", Body(" \n\t \r\n "), C::INVALID_ARGUMENT,
                  {"{a}: article is empty after reading"}});
  {
    v1::Article a;
    a.set_raw(sentence);
    rows.push_back({"raw without content_type", a, C::INVALID_ARGUMENT,
                    {"{a}.content_type is empty"}});
  }
  rows.push_back({"unknown content_type", Raw(sentence, "application/pdf"),
                  C::INVALID_ARGUMENT, {"{a}: unknown content_type 'application/pdf'"}});
  {
    v1::Article a = Body(sentence);
    a.set_id("a b");
    rows.push_back({"id with a space", a, C::INVALID_ARGUMENT,
                    {"{a}.id 'a b' has a character outside [A-Za-z0-9._:-]"}});
    a.set_id(std::string(129, 'x'));
    rows.push_back({"id of 129 characters", a, C::INVALID_ARGUMENT,
                    {"{a}.id 'xxxx", "is longer than 128 characters"}});
    // Cut after 40 bytes for the message: the cut must not split a character.
    a.set_id("a" + Repeat("\xc3\xa9", 60));
    rows.push_back({"id of 61 non-ASCII characters", a, C::INVALID_ARGUMENT,
                    {"{a}.id 'a\xc3\xa9", "has a character outside"}});
  }
  rows.push_back({"json title is a number", Json(R"({"title": 5, "text": "Some text."})"),
                  C::INVALID_ARGUMENT, {"{a}: field 'title' must be a string, got number"}});
  rows.push_back({"json text is an object", Json(R"({"title": "T", "text": {"a": 1}})"),
                  C::INVALID_ARGUMENT,
                  {"{a}: field 'text' must be a string or an array of strings, got object"}});
  rows.push_back({"json text array holds a number", Json(R"({"text": ["Some text.", 3]})"),
                  C::INVALID_ARGUMENT, {"{a}: field 'text[1]' must be a string, got number"}});
  rows.push_back({"json date is a boolean", Json(R"({"text": "Some text.", "date_publish": true})"),
                  C::INVALID_ARGUMENT,
                  {"{a}: field 'date_publish' must be a string or a number, got boolean"}});
  rows.push_back({"json authors is a number", Json(R"({"text": "Some text.", "authors": 7})"),
                  C::INVALID_ARGUMENT,
                  {"{a}: field 'authors' must be a string, an object or an array, got number"}});
  rows.push_back({"json id is a fraction", Json(R"({"text": "Some text.", "id": 1.5})"),
                  C::INVALID_ARGUMENT,
                  {"{a}: field 'id' must be a string or an integer, got number"}});
  rows.push_back({"json cut off", Json(R"({"title": "T", "text": )"), C::INVALID_ARGUMENT,
                  {"{a}: malformed json at byte 23"}});
  rows.push_back({"json array, not an object", Json("[1, 2]"), C::INVALID_ARGUMENT,
                  {"{a}: json document must be an object, got array"}});
  rows.push_back({"binary garbage as json", Json(Garbage(4096)), C::INVALID_ARGUMENT,
                  {"{a}: malformed json at byte 0"}});
  rows.push_back({"binary garbage as text", Raw(Garbage(65536), "text/plain"), C::OK, {},
                  "invalid utf-8 repaired at byte"});
  rows.push_back({"binary garbage as html", Raw(Garbage(65536), "text/html"), C::OK, {},
                  "invalid utf-8 repaired at byte"});
  rows.push_back({"only NUL bytes", Raw(std::string(1000, '\0'), "text/plain"),
                  C::INVALID_ARGUMENT, {"{a}: article is empty after reading"}});
  rows.push_back({"invalid utf-8 in raw text",
                  Raw("Shelling in Kharkiv\n\nRussian forces \xff\xfe shelled Kharkiv.",
                      "text/plain"),
                  C::OK, {}, "invalid utf-8 repaired at byte 36"});
  // A proto string that is not UTF-8 fails to parse before the service sees
  // it: gRPC 1.51 answers UNIMPLEMENTED with no message. In the stream the
  // server cannot tell a request that does not parse from the end of the
  // requests: the stream ends OK without a response for it.
  rows.push_back({"invalid utf-8 in the body field (a proto string)",
                  Body("Russian forces \xff\xfe shelled Kharkiv."), C::UNIMPLEMENTED, {}, "",
                  std::nullopt, /*in_stream=*/false, C::OK});
  rows.push_back({"raw over --max_article_bytes",
                  Raw(Repeat("Kharkiv ", kMaxArticleBytes + 6000), "text/plain"),
                  C::INVALID_ARGUMENT,
                  {absl::StrCat("{a}: article is ", kMaxArticleBytes + 6000,
                                " bytes, over the limit of ", kMaxArticleBytes, " bytes")}});
  rows.push_back({"body over --max_article_bytes", Body(Repeat("Kharkiv ", kMaxArticleBytes + 1)),
                  C::INVALID_ARGUMENT,
                  {absl::StrCat("{a}: article is ", kMaxArticleBytes + 1,
                                " bytes, over the limit of ", kMaxArticleBytes, " bytes")}});
  rows.push_back({"message over --max_message_bytes",
                  Raw(Repeat("Kharkiv ", kMaxMessageBytes + 1000), "text/plain"),
                  C::RESOURCE_EXHAUSTED, {kTooLarge}, "", std::nullopt, /*in_stream=*/false,
                  C::RESOURCE_EXHAUSTED});
  // One sentence of a megabyte: every event read from it must not carry
  // all of it as evidence.
  {
    const std::string head = "Russian forces shelled Kharkiv on Monday, ";
    const std::string tail = " killing 5 civilians and injuring 12.";
    rows.push_back(
        {"one line of 1,000,000 characters",
         Raw(absl::StrCat(head, Repeat("and the line goes on ", 1000000 - head.size() - tail.size()),
                          tail),
             "text/plain"),
         C::OK, {}});
  }
  rows.push_back({"100,000 nested divs",
                  Raw(Repeat("<div>", 500000) + "<p>" + sentence + "</p>", "text/html"),
                  C::INVALID_ARGUMENT, {"{a}: html nesting deeper than 512"}});
  rows.push_back({"malformed date in json",
                  Json(absl::StrCat(R"({"text": ")", sentence, R"(", "date_publish": "2024-13-45"})")),
                  C::OK, {}, "field 'date_publish' is not a recognised date: '2024-13-45'"});
  rows.push_back({"year 9999 date in json",
                  Json(absl::StrCat(R"({"text": ")", sentence, R"(", "published": "9999-12-31"})")),
                  C::OK, {}, "field 'published' is not a recognised date: '9999-12-31'"});
  rows.push_back({"year 1 date in json",
                  Json(absl::StrCat(R"({"text": ")", sentence, R"(", "date": "0001-01-01"})")),
                  C::OK, {}, "field 'date' is not a recognised date: '0001-01-01'"});
  rows.push_back({"absurd unix time in json",
                  Json(absl::StrCat(R"({"text": ")", sentence, R"(", "date_publish": 1e300})")),
                  C::OK, {}, "field 'date_publish' is out of range as a unix time"});
  rows.push_back({"negative unix time in json",
                  Json(absl::StrCat(R"({"text": ")", sentence, R"(", "date_publish": -1e15})")),
                  C::OK, {}, "field 'date_publish' is out of range as a unix time"});
  rows.push_back({"published_at after year 9999", Published(Body(sentence), kYear9999End + 1),
                  C::INVALID_ARGUMENT,
                  {absl::StrCat("{a}.published_at: timestamp out of range (seconds ",
                                kYear9999End + 1, ", nanos 0)")}});
  rows.push_back({"published_at before year 1", Published(Body(sentence), kYear1 - 1),
                  C::INVALID_ARGUMENT,
                  {absl::StrCat("{a}.published_at: timestamp out of range (seconds ", kYear1 - 1,
                                ", nanos 0)")}});
  rows.push_back({"published_at with negative nanos", Published(Body(sentence), 0, -1),
                  C::INVALID_ARGUMENT,
                  {"{a}.published_at: timestamp out of range (seconds 0, nanos -1)"}});
  // Relative times resolved against the last and the first possible day.
  rows.push_back({"published_at in year 9999",
                  Published(Body("Russian forces shelled Kharkiv last week and will attack "
                                 "Sumy next year, in 2 years and in December."),
                            kYear9999End - 86399),
                  C::OK, {}});
  rows.push_back({"published_at in year 1",
                  Published(Body("Russian forces shelled Kharkiv last year, 3 years ago and "
                                 "on December 26, killing 5 civilians."),
                            kYear1),
                  C::OK, {}});
  rows.push_back({"absurd figures",
                  Body("Officials said 99999999999999999999999 soldiers were killed in "
                       "Kharkiv, -5 civilians were injured and between 9 and 3 were "
                       "captured, more than 9223372036854775807 in all."),
                  C::OK, {}});
  return rows;
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& address) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(Context(5).get(), request, &response);
  if (!status.ok()) return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  return response.status();
}

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string max_message = absl::StrCat("--max_message_bytes=", kMaxMessageBytes);
    auto query = ServerProcess::Start(
        NEWSEVENTS_QUERY_BIN,
        {absl::StrCat("--data_dir=", testing::MakeTempDir()), max_message});
    ASSERT_TRUE(query.ok()) << query.status();
    query_ = new ServerProcess(std::move(*query));
    auto ingest = ServerProcess::Start(
        NEWSEVENTS_INGEST_BIN,
        {absl::StrCat("--query_address=", query_->address()), max_message,
         absl::StrCat("--max_article_bytes=", kMaxArticleBytes), "--workers=2"});
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = new ServerProcess(std::move(*ingest));

    // Something to page through: the Kursk article's events and quotes.
    auto stub = v1::IngestService::NewStub(
        grpc::CreateChannel(ingest_->address(), grpc::InsecureChannelCredentials()));
    v1::IngestArticleRequest request;
    *request.mutable_article() = Raw(ReadTestFile("kursk-article.txt"), "text/plain");
    v1::IngestArticleResponse response;
    const grpc::Status status = stub->IngestArticle(Context(30).get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    ASSERT_GE(response.events_size(), 2);
    ASSERT_GE(response.quotes_size(), 2);
    kursk_id_ = new std::string(response.article_id());
    event_id_ = new std::string(response.events(0).id());
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete query_;
    delete kursk_id_;
    delete event_id_;
    ingest_ = query_ = nullptr;
    kursk_id_ = event_id_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(query_, nullptr);
    ASSERT_NE(ingest_, nullptr);
    grpc::ChannelArguments args;
    // The client sends more than the servers take: the servers must refuse.
    args.SetMaxSendMessageSize(4 * kMaxMessageBytes);
    args.SetMaxReceiveMessageSize(4 * kMaxMessageBytes);
    ingest_stub_ = v1::IngestService::NewStub(grpc::CreateCustomChannel(
        ingest_->address(), grpc::InsecureChannelCredentials(), args));
    query_stub_ = v1::QueryService::NewStub(grpc::CreateCustomChannel(
        query_->address(), grpc::InsecureChannelCredentials(), args));
  }

  // Both processes alive, SERVING, and answering a good call.
  void ExpectServersUp() {
    for (ServerProcess* server : {query_, ingest_}) {
      int status = 0;
      ASSERT_EQ(waitpid(server->pid(), &status, WNOHANG), 0)
          << "server exited; log:\n" << server->Log();
      EXPECT_EQ(Health(server->address()), grpc::health::v1::HealthCheckResponse::SERVING)
          << server->Log();
    }
    v1::GetArticleRequest get;
    get.set_id(*kursk_id_);
    v1::ArticleInfo info;
    const grpc::Status s = query_stub_->GetArticle(Context().get(), get, &info);
    EXPECT_TRUE(s.ok()) << Describe(s);
    v1::ExtractEventsRequest extract;
    extract.mutable_article()->set_body("Russian forces shelled Kharkiv on Monday.");
    v1::ExtractEventsResponse extracted;
    const grpc::Status e = ingest_stub_->ExtractEvents(Context().get(), extract, &extracted);
    EXPECT_TRUE(e.ok()) << Describe(e);
  }

  // A real page token of ListEvents (page size 1) for `request`.
  std::string EventToken(v1::ListEventsRequest request) {
    request.set_page_size(1);
    v1::ListEventsResponse response;
    const grpc::Status s = query_stub_->ListEvents(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_FALSE(response.next_page_token().empty());
    return response.next_page_token();
  }

  static ServerProcess* query_;
  static ServerProcess* ingest_;
  static std::string* kursk_id_;
  static std::string* event_id_;
  std::unique_ptr<v1::IngestService::Stub> ingest_stub_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
};

ServerProcess* BadInputTest::query_ = nullptr;
ServerProcess* BadInputTest::ingest_ = nullptr;
std::string* BadInputTest::kursk_id_ = nullptr;
std::string* BadInputTest::event_id_ = nullptr;

// A byte of `token`, after base64, flipped.
std::string Tampered(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 13) {
    ADD_FAILURE() << "page tokens are no longer web-safe base64: " << token;
    return token;
  }
  raw[12] = static_cast<char>(raw[12] ^ 0x01);
  return absl::WebSafeBase64Escape(raw);
}

// A table of one unary RPC: every row is `base` changed by `edit`.
template <typename Request>
struct Row {
  std::string name;
  std::function<void(Request&)> edit;
  grpc::StatusCode code;
  std::vector<std::string> parts;
};

template <typename Request, typename Response, typename Call>
void RunTable(const Request& base, const std::vector<Row<Request>>& rows, Call call) {
  for (const Row<Request>& row : rows) {
    SCOPED_TRACE(row.name);
    Request request = base;
    row.edit(request);
    Response response;
    ExpectStatus(call(request, &response), row.code, row.parts);
  }
}

// --- IngestService ------------------------------------------------------

TEST_F(BadInputTest, IngestArticle) {
  for (const ArticleRow& row : ArticleRows()) {
    SCOPED_TRACE(row.name);
    v1::IngestArticleRequest request;
    if (row.article) *request.mutable_article() = *row.article;
    v1::IngestArticleResponse response;
    const grpc::Status s = ingest_stub_->IngestArticle(Context().get(), request, &response);
    ExpectStatus(s, row.code, Fill(row.parts, "article"));
    if (s.ok()) ExpectWarning(response.warnings(), row.warning);
  }
  ExpectServersUp();
}

TEST_F(BadInputTest, ExtractEvents) {
  for (const ArticleRow& row : ArticleRows()) {
    SCOPED_TRACE(row.name);
    v1::ExtractEventsRequest request;
    if (row.article) *request.mutable_article() = *row.article;
    v1::ExtractEventsResponse response;
    const grpc::Status s = ingest_stub_->ExtractEvents(Context().get(), request, &response);
    ExpectStatus(s, row.code, Fill(row.parts, "article"));
    if (s.ok()) {
      ExpectWarning(response.warnings(), row.warning);
      EXPECT_FALSE(response.body().empty());
      ExpectStorable(response);
    }
  }
  ExpectServersUp();
}

TEST_F(BadInputTest, IngestArticles) {
  const std::vector<ArticleRow> all = ArticleRows();
  std::vector<const ArticleRow*> rows;
  {
    auto ctx = Context(20);
    auto stream = ingest_stub_->IngestArticles(ctx.get());
    for (const ArticleRow& row : all) {
      if (!row.in_stream) continue;
      v1::IngestArticlesRequest request;
      if (row.article) *request.mutable_article() = *row.article;
      ASSERT_TRUE(stream->Write(request)) << row.name;
      rows.push_back(&row);
    }
    ASSERT_TRUE(stream->WritesDone());
    v1::IngestArticlesResponse response;
    std::size_t count = 0;
    while (stream->Read(&response)) {
      ASSERT_EQ(response.index(), static_cast<std::int64_t>(count));
      ASSERT_LT(count, rows.size());
      const ArticleRow& row = *rows[count++];
      SCOPED_TRACE(row.name);
      const std::string field = absl::StrCat("article[", response.index(), "]");
      ExpectStatus(grpc::Status(static_cast<grpc::StatusCode>(response.status_code()),
                                response.status_message()),
                   row.code, Fill(row.stream_parts.value_or(row.parts), field));
    }
    const grpc::Status s = stream->Finish();
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(count, rows.size());
  }
  // A message over --max_message_bytes, or one that does not parse, breaks
  // the stream itself: no response for it.
  for (const ArticleRow& row : all) {
    if (row.in_stream) continue;
    SCOPED_TRACE(row.name);
    auto ctx = Context(20);
    auto stream = ingest_stub_->IngestArticles(ctx.get());
    v1::IngestArticlesRequest request;
    *request.mutable_article() = *row.article;
    stream->Write(request);
    stream->WritesDone();
    v1::IngestArticlesResponse response;
    EXPECT_FALSE(stream->Read(&response));
    ExpectStatus(stream->Finish(), row.stream_code, row.parts);
  }
  ExpectServersUp();
}

// --- QueryService -------------------------------------------------------

v1::AppendArticleRequest GoodAppend() {
  v1::AppendArticleRequest r;
  v1::ArticleInfo* a = r.mutable_article();
  a->set_id("bad-input-append");
  a->set_title("Shelling in Kharkiv");
  *a->mutable_published_at() = Ts(1735171200);
  a->set_body_bytes(100);
  v1::Event* e = r.add_events();
  e->set_id("bad-input-event");
  e->set_article_id(a->id());
  e->set_type(v1::EVENT_TYPE_ASSAULT);
  e->set_modality(v1::MODALITY_ASSERTED);
  v1::Entity* actor = e->add_actors();
  actor->set_id("country:RUS");
  actor->set_kind(v1::ENTITY_KIND_COUNTRY);
  actor->set_country("RUS");
  e->mutable_place()->set_id("gn:706483");
  e->mutable_place()->set_country("UKR");
  e->mutable_place()->set_latitude(49.98);
  e->mutable_place()->set_longitude(36.25);
  *e->mutable_when()->mutable_start() = Ts(1735171200);
  *e->mutable_when()->mutable_end() = Ts(1735257600);
  e->mutable_when()->set_granularity(v1::GRANULARITY_DAY);
  v1::Figure* f = e->add_figures();
  f->set_kind(v1::FIGURE_KIND_KILLED);
  f->set_low(5);
  f->set_high(5);
  f->set_qualifier(v1::QUALIFIER_EXACT);
  e->mutable_evidence()->mutable_trigger()->set_start(0);
  e->mutable_evidence()->mutable_trigger()->set_end(7);
  e->set_confidence(0.5f);
  v1::Quote* q = r.add_quotes();
  q->set_id("bad-input-quote");
  q->set_article_id(a->id());
  q->mutable_span()->set_start(10);
  q->mutable_span()->set_end(20);
  return r;
}

TEST_F(BadInputTest, AppendArticle) {
  using C = grpc::StatusCode;
  using R = v1::AppendArticleRequest;
  const std::vector<Row<R>> rows = {
      {"missing article", [](R& r) { r.clear_article(); }, C::INVALID_ARGUMENT,
       {"article: missing"}},
      {"empty request", [](R& r) { r.Clear(); }, C::INVALID_ARGUMENT, {"article: missing"}},
      {"empty article id", [](R& r) { r.mutable_article()->clear_id(); }, C::INVALID_ARGUMENT,
       {"article.id: missing"}},
      {"article id with a slash", [](R& r) { r.mutable_article()->set_id("../etc"); },
       C::INVALID_ARGUMENT, {"article.id: malformed id '../etc'"}},
      {"article id of binary garbage",
       [](R& r) { r.mutable_article()->set_id(std::string("a\0b\x01", 4)); },
       C::INVALID_ARGUMENT, {"article.id: malformed id 'a\\x00\\x62\\x01'"}},
      {"published_at after year 9999",
       [](R& r) { *r.mutable_article()->mutable_published_at() = Ts(kYear9999End + 1); },
       C::INVALID_ARGUMENT,
       {absl::StrCat("article.published_at: invalid timestamp (seconds ", kYear9999End + 1)}},
      {"published_at nanos of a second and more",
       [](R& r) { *r.mutable_article()->mutable_published_at() = Ts(0, 1000000000); },
       C::INVALID_ARGUMENT, {"article.published_at: invalid timestamp (seconds 0, nanos 1000000000)"}},
      {"negative body_bytes", [](R& r) { r.mutable_article()->set_body_bytes(-1); },
       C::INVALID_ARGUMENT, {"article.body_bytes: must not be negative, got -1"}},
      {"event without id", [](R& r) { r.mutable_events(0)->clear_id(); }, C::INVALID_ARGUMENT,
       {"events[0].id: missing"}},
      {"event of another article", [](R& r) { r.mutable_events(0)->set_article_id("other"); },
       C::INVALID_ARGUMENT, {"events[0].article_id: 'other' differs from article.id"}},
      {"event type unspecified",
       [](R& r) { r.mutable_events(0)->set_type(v1::EVENT_TYPE_UNSPECIFIED); },
       C::INVALID_ARGUMENT, {"events[0].type: unspecified"}},
      {"event type 99", [](R& r) { r.mutable_events(0)->set_type(static_cast<v1::EventType>(99)); },
       C::INVALID_ARGUMENT, {"events[0].type: unknown event type 99"}},
      {"modality -3",
       [](R& r) { r.mutable_events(0)->set_modality(static_cast<v1::Modality>(-3)); },
       C::INVALID_ARGUMENT, {"events[0].modality: unknown modality -3"}},
      {"mode of 257 bytes", [](R& r) { r.mutable_events(0)->set_mode(std::string(257, 'm')); },
       C::INVALID_ARGUMENT, {"events[0].mode: longer than 256 bytes"}},
      {"actor without id", [](R& r) { r.mutable_events(0)->mutable_actors(0)->clear_id(); },
       C::INVALID_ARGUMENT, {"events[0].actors[0].id: missing"}},
      {"actor country in lower case",
       [](R& r) { r.mutable_events(0)->mutable_actors(0)->set_country("rus"); },
       C::INVALID_ARGUMENT, {"events[0].actors[0].country: malformed country 'rus'"}},
      {"negative actor count",
       [](R& r) { r.mutable_events(0)->mutable_actors(0)->set_count(-7); },
       C::INVALID_ARGUMENT, {"events[0].actors[0].count: must not be negative, got -7"}},
      {"latitude 91", [](R& r) { r.mutable_events(0)->mutable_place()->set_latitude(91); },
       C::INVALID_ARGUMENT, {"events[0].place: coordinates out of range (91, 36.25)"}},
      {"longitude NaN",
       [](R& r) {
         r.mutable_events(0)->mutable_place()->set_longitude(
             std::numeric_limits<double>::quiet_NaN());
       },
       C::INVALID_ARGUMENT, {"events[0].place: coordinates out of range (49.98, nan)"}},
      {"place kind 12",
       [](R& r) { r.mutable_events(0)->mutable_place()->set_kind(static_cast<v1::PlaceKind>(12)); },
       C::INVALID_ARGUMENT, {"events[0].place.kind: unknown place kind 12"}},
      {"event ends before it starts",
       [](R& r) { *r.mutable_events(0)->mutable_when()->mutable_end() = Ts(1735084800); },
       C::INVALID_ARGUMENT,
       {"events[0].when.start: 2024-12-26T00:00:00+00:00 is not before events[0].when.end "
        "2024-12-25T00:00:00+00:00"}},
      {"event time in year 0",
       [](R& r) { *r.mutable_events(0)->mutable_when()->mutable_start() = Ts(kYear1 - 86400); },
       C::INVALID_ARGUMENT,
       {absl::StrCat("events[0].when.start: invalid timestamp (seconds ", kYear1 - 86400)}},
      {"granularity 40",
       [](R& r) {
         r.mutable_events(0)->mutable_when()->set_granularity(static_cast<v1::Granularity>(40));
       },
       C::INVALID_ARGUMENT, {"events[0].when.granularity: unknown granularity 40"}},
      {"negative figure",
       [](R& r) { r.mutable_events(0)->mutable_figures(0)->set_low(-5); }, C::INVALID_ARGUMENT,
       {"events[0].figures[0].low: must not be negative, got -5"}},
      {"figure low above high",
       [](R& r) {
         r.mutable_events(0)->mutable_figures(0)->set_low(std::numeric_limits<std::int64_t>::max());
       },
       C::INVALID_ARGUMENT, {"events[0].figures[0]: low 9223372036854775807 is above high 5"}},
      {"figure kind 1000",
       [](R& r) {
         r.mutable_events(0)->mutable_figures(0)->set_kind(static_cast<v1::FigureKind>(1000));
       },
       C::INVALID_ARGUMENT, {"events[0].figures[0].kind: unknown figure kind 1000"}},
      {"confidence 1.5", [](R& r) { r.mutable_events(0)->set_confidence(1.5f); },
       C::INVALID_ARGUMENT, {"events[0].confidence: must be in 0..1, got 1.5"}},
      {"confidence NaN",
       [](R& r) { r.mutable_events(0)->set_confidence(std::numeric_limits<float>::quiet_NaN()); },
       C::INVALID_ARGUMENT, {"events[0].confidence: must be in 0..1, got nan"}},
      {"trigger span backwards",
       [](R& r) { r.mutable_events(0)->mutable_evidence()->mutable_trigger()->set_start(9); },
       C::INVALID_ARGUMENT, {"events[0].evidence.trigger: invalid span [9, 7)"}},
      {"negative sentence span",
       [](R& r) {
         r.mutable_events(0)->mutable_evidence()->mutable_sentence_span()->set_start(-1);
       },
       C::INVALID_ARGUMENT, {"events[0].evidence.sentence_span: invalid span [-1, 0)"}},
      {"quote id with a space", [](R& r) { r.mutable_quotes(0)->set_id("a quote"); },
       C::INVALID_ARGUMENT, {"quotes[0].id: malformed id 'a quote'"}},
      {"quote span backwards",
       [](R& r) { r.mutable_quotes(0)->mutable_span()->set_end(-20); }, C::INVALID_ARGUMENT,
       {"quotes[0].span: invalid span [10, -20)"}},
      {"10,001 events",
       [](R& r) {
         for (int i = 0; i < 10000; ++i) r.add_events()->set_id("e");
       },
       C::INVALID_ARGUMENT, {"events: at most 10000 per article, got 10001"}},
      {"message over --max_message_bytes",
       [](R& r) { r.mutable_article()->set_title(std::string(kMaxMessageBytes + 10, 't')); },
       C::RESOURCE_EXHAUSTED, {kTooLarge}},
  };
  RunTable<R, v1::AppendArticleResponse>(
      GoodAppend(), rows, [this](const R& r, v1::AppendArticleResponse* out) {
        return query_stub_->AppendArticle(Context().get(), r, out);
      });
  // The good request itself is stored (once).
  v1::AppendArticleResponse out;
  const grpc::Status s = query_stub_->AppendArticle(Context().get(), GoodAppend(), &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  ExpectServersUp();
}

TEST_F(BadInputTest, GetEvent) {
  using C = grpc::StatusCode;
  using R = v1::GetEventRequest;
  const std::vector<Row<R>> rows = {
      {"missing id", [](R& r) { r.clear_id(); }, C::INVALID_ARGUMENT, {"id: missing"}},
      {"id with a space", [](R& r) { r.set_id("ev 1"); }, C::INVALID_ARGUMENT,
       {"id: malformed id 'ev 1'"}},
      {"id of 129 characters", [](R& r) { r.set_id(std::string(129, 'e')); },
       C::INVALID_ARGUMENT, {"id: malformed id 'eeee", "(1..128 characters"}},
      {"id of 1,000,000 characters", [](R& r) { r.set_id(std::string(1000000, 'e')); },
       C::INVALID_ARGUMENT, {"id: malformed id 'eeee", "...'"}},
      {"id of binary garbage", [](R& r) { r.set_id(std::string("\x7f\x01\x02", 3)); },
       C::INVALID_ARGUMENT, {"id: malformed id '\\x7f\\x01\\x02'"}},
      {"unknown id", [](R& r) { r.set_id("ev-unknown"); }, C::NOT_FOUND,
       {"event 'ev-unknown' not found"}},
      {"message over --max_message_bytes",
       [](R& r) { r.set_id(std::string(kMaxMessageBytes + 10, 'e')); }, C::RESOURCE_EXHAUSTED,
       {kTooLarge}},
      {"good id", [](R& r) { r.set_id(*event_id_); }, C::OK, {}},
  };
  RunTable<R, v1::Event>(R(), rows, [this](const R& r, v1::Event* out) {
    return query_stub_->GetEvent(Context().get(), r, out);
  });
  ExpectServersUp();
}

TEST_F(BadInputTest, GetArticle) {
  using C = grpc::StatusCode;
  using R = v1::GetArticleRequest;
  const std::vector<Row<R>> rows = {
      {"missing id", [](R& r) { r.clear_id(); }, C::INVALID_ARGUMENT, {"id: missing"}},
      {"id with a newline", [](R& r) { r.set_id("art\n1"); }, C::INVALID_ARGUMENT,
       {"id: malformed id 'art\\n1'"}},
      {"id of 129 characters", [](R& r) { r.set_id(std::string(129, 'a')); },
       C::INVALID_ARGUMENT, {"id: malformed id 'aaaa"}},
      {"unknown id", [](R& r) { r.set_id("art_0"); }, C::NOT_FOUND,
       {"article 'art_0' not found"}},
      {"good id", [](R& r) { r.set_id(*kursk_id_); }, C::OK, {}},
  };
  RunTable<R, v1::ArticleInfo>(R(), rows, [this](const R& r, v1::ArticleInfo* out) {
    return query_stub_->GetArticle(Context().get(), r, out);
  });
  ExpectServersUp();
}

// Rows on EventFilter shared by ListEvents, AggregateEvents and WatchEvents.
std::vector<std::pair<std::string, std::function<void(v1::EventFilter&)>>> BadFilters() {
  return {
      {"event type 99", [](v1::EventFilter& f) { f.add_types(static_cast<v1::EventType>(99)); }},
      {"modality -1",
       [](v1::EventFilter& f) {
         f.clear_modalities();
         f.add_modalities(static_cast<v1::Modality>(-1));
       }},
      {"empty entity id", [](v1::EventFilter& f) { f.add_entity_ids(""); }},
      {"malformed actor id", [](v1::EventFilter& f) { f.add_actor_ids("country RUS"); }},
      {"1,001 place ids",
       [](v1::EventFilter& f) {
         for (int i = 0; i < 1001; ++i) f.add_place_ids("iso:UKR");
       }},
      {"empty entity name", [](v1::EventFilter& f) { f.add_entity_names(""); }},
      {"country in lower case", [](v1::EventFilter& f) { f.add_countries("ukr"); }},
      {"start_time after end_time",
       [](v1::EventFilter& f) {
         *f.mutable_start_time() = Ts(1735171200);
         *f.mutable_end_time() = Ts(1735084800);
       }},
      {"start_time after year 9999",
       [](v1::EventFilter& f) { *f.mutable_start_time() = Ts(kYear9999End + 1); }},
      {"end_time with negative nanos",
       [](v1::EventFilter& f) { *f.mutable_end_time() = Ts(0, -5); }},
      {"event id with a space", [](v1::EventFilter& f) { f.add_event_ids("evt 1"); }},
  };
}

// What each of BadFilters() must say, with `field` the filter's name.
std::vector<std::string> BadFilterMessages() {
  return {
      "filter.types[0]: unknown event type 99",
      "filter.modalities[0]: unknown modality -1",
      "filter.entity_ids[0]: missing",
      "filter.actor_ids[0]: malformed id 'country RUS'",
      "filter.place_ids: at most 1000 values, got 1001",
      "filter.entity_names[0]: must be 1..256 bytes, got ''",
      "filter.countries[0]: malformed country 'ukr'",
      "filter.start_time: 2024-12-26T00:00:00+00:00 is not before filter.end_time "
      "2024-12-25T00:00:00+00:00",
      absl::StrCat("filter.start_time: invalid timestamp (seconds ", kYear9999End + 1),
      "filter.end_time: invalid timestamp (seconds 0, nanos -5)",
      "filter.event_ids[0]: malformed id 'evt 1'",
  };
}

template <typename R>
void AddFilterRows(std::vector<Row<R>>& rows) {
  const auto filters = BadFilters();
  const auto messages = BadFilterMessages();
  for (std::size_t i = 0; i < filters.size(); ++i) {
    auto edit = filters[i].second;
    rows.push_back({absl::StrCat("filter: ", filters[i].first),
                    [edit](R& r) { edit(*r.mutable_filter()); },
                    grpc::StatusCode::INVALID_ARGUMENT,
                    {messages[i]}});
  }
}

TEST_F(BadInputTest, ListEvents) {
  using C = grpc::StatusCode;
  using R = v1::ListEventsRequest;
  R base;
  base.mutable_filter()->add_article_ids(*kursk_id_);
  base.mutable_filter()->add_modalities(v1::MODALITY_UNSPECIFIED);
  const std::string token = EventToken(base);
  R other = base;
  other.set_order_by(v1::ORDER_BY_EVENT_TIME_ASC);
  const std::string other_token = EventToken(other);
  std::vector<Row<R>> rows = {
      {"page_size -1", [](R& r) { r.set_page_size(-1); }, C::INVALID_ARGUMENT,
       {"page_size: must be in 0..1000, got -1"}},
      {"page_size 1001", [](R& r) { r.set_page_size(1001); }, C::INVALID_ARGUMENT,
       {"page_size: must be in 0..1000, got 1001"}},
      {"page_size INT32_MAX",
       [](R& r) { r.set_page_size(std::numeric_limits<std::int32_t>::max()); },
       C::INVALID_ARGUMENT, {"page_size: must be in 0..1000, got 2147483647"}},
      {"order_by 99", [](R& r) { r.set_order_by(static_cast<v1::OrderBy>(99)); },
       C::INVALID_ARGUMENT, {"order_by: unknown order 99"}},
      {"page token of garbage", [](R& r) { r.set_page_token("not a token!"); },
       C::INVALID_ARGUMENT, {"page_token is malformed"}},
      {"page token of control characters",
       [](R& r) { r.set_page_token(std::string("\0\x01\x02\x7f~", 5)); }, C::INVALID_ARGUMENT,
       {"page_token is malformed"}},
      // A proto string that is not UTF-8 does not parse. ListEvents parses
      // its own request (a raw-bytes method) and says so; the other RPCs'
      // requests are parsed by gRPC 1.51, which answers UNIMPLEMENTED.
      {"page token of invalid utf-8", [](R& r) { r.set_page_token(Garbage(40)); },
       C::INVALID_ARGUMENT, {"request: not a newsevents.v1.ListEventsRequest"}},
      {"page token of 513 bytes", [](R& r) { r.set_page_token(std::string(513, 'A')); },
       C::INVALID_ARGUMENT, {"page_token is malformed"}},
      {"page token cut short",
       [token](R& r) { r.set_page_token(token.substr(0, token.size() - 4)); },
       C::INVALID_ARGUMENT, {"page_token is malformed"}},
      {"page token with a flipped byte", [token](R& r) { r.set_page_token(Tampered(token)); },
       C::INVALID_ARGUMENT, {"page_token is corrupt"}},
      {"page token of another order",
       [other_token](R& r) { r.set_page_token(other_token); }, C::INVALID_ARGUMENT,
       {"page_token was issued for a different filter or order"}},
      {"page token of another filter",
       [token](R& r) {
         r.mutable_filter()->add_types(v1::EVENT_TYPE_COERCE);
         r.set_page_token(token);
       },
       C::INVALID_ARGUMENT, {"page_token was issued for a different filter or order"}},
      {"page token of the mentions view",
       [token](R& r) {
         r.set_mentions(true);
         r.set_page_token(token);
       },
       C::INVALID_ARGUMENT, {"page_token was issued for a different"}},
      {"min_articles -1", [](R& r) { r.set_min_articles(-1); }, C::INVALID_ARGUMENT,
       {"min_articles: must not be negative, got -1"}},
      {"min_independent_outlets INT32_MIN",
       [](R& r) { r.set_min_independent_outlets(std::numeric_limits<std::int32_t>::min()); },
       C::INVALID_ARGUMENT, {"min_independent_outlets: must not be negative, got -2147483648"}},
      {"min_articles INT32_MAX (nothing matches)",
       [](R& r) { r.set_min_articles(std::numeric_limits<std::int32_t>::max()); }, C::OK, {}},
      {"good page token", [token](R& r) { r.set_page_token(token); }, C::OK, {}},
  };
  AddFilterRows(rows);
  RunTable<R, v1::ListEventsResponse>(base, rows, [this](const R& r, v1::ListEventsResponse* out) {
    return query_stub_->ListEvents(Context().get(), r, out);
  });
  ExpectServersUp();
}

TEST_F(BadInputTest, ListMentions) {
  using C = grpc::StatusCode;
  using R = v1::ListMentionsRequest;
  std::string event_id;
  {
    v1::GetEventRequest get;
    get.set_id(*event_id_);
    v1::Event event;
    const grpc::Status s = query_stub_->GetEvent(Context().get(), get, &event);
    ASSERT_TRUE(s.ok()) << Describe(s);
    event_id = event.identity().event_id();
    ASSERT_FALSE(event_id.empty());
  }
  const std::vector<Row<R>> rows = {
      {"missing event_id", [](R& r) { r.clear_event_id(); }, C::INVALID_ARGUMENT,
       {"event_id: missing"}},
      {"event_id with a space", [](R& r) { r.set_event_id("evt 1"); }, C::INVALID_ARGUMENT,
       {"event_id: malformed id 'evt 1'"}},
      {"event_id of binary garbage",
       [](R& r) { r.set_event_id(std::string("\x7f\x01\x02", 3)); }, C::INVALID_ARGUMENT,
       {"event_id: malformed id '\\x7f\\x01\\x02'"}},
      {"unknown event_id", [](R& r) { r.set_event_id("evt_ffffffffffffffff"); }, C::NOT_FOUND,
       {"event_id: no event 'evt_ffffffffffffffff'"}},
      {"a mention id, not an event id", [](R& r) { r.set_event_id(*event_id_); },
       C::NOT_FOUND, {"event_id: no event '"}},
      {"page_size -1", [](R& r) { r.set_page_size(-1); }, C::INVALID_ARGUMENT,
       {"page_size: must be in 0..1000, got -1"}},
      {"page token of garbage", [](R& r) { r.set_page_token("%%%"); }, C::INVALID_ARGUMENT,
       {"page_token is malformed"}},
      {"good event id", [](R&) {}, C::OK, {}},
  };
  R base;
  base.set_event_id(event_id);
  RunTable<R, v1::ListMentionsResponse>(base, rows,
                                        [this](const R& r, v1::ListMentionsResponse* out) {
                                          return query_stub_->ListMentions(Context().get(), r,
                                                                           out);
                                        });
  ExpectServersUp();
}

TEST_F(BadInputTest, AggregateEvents) {
  using C = grpc::StatusCode;
  using R = v1::AggregateEventsRequest;
  R base;
  base.add_group_by(v1::GROUP_BY_TYPE);
  std::vector<Row<R>> rows = {
      {"no dimension", [](R& r) { r.clear_group_by(); }, C::INVALID_ARGUMENT,
       {"group_by: must name one or two dimensions, got 0"}},
      {"three dimensions",
       [](R& r) {
         r.add_group_by(v1::GROUP_BY_DAY);
         r.add_group_by(v1::GROUP_BY_ACTOR);
       },
       C::INVALID_ARGUMENT, {"group_by: must name one or two dimensions, got 3"}},
      {"dimension 99", [](R& r) { r.add_group_by(static_cast<v1::GroupBy>(99)); },
       C::INVALID_ARGUMENT, {"group_by[1]: unknown dimension 99"}},
      {"dimension unspecified", [](R& r) { r.set_group_by(0, v1::GROUP_BY_UNSPECIFIED); },
       C::INVALID_ARGUMENT, {"group_by[0]: unspecified"}},
      {"dimension repeated", [](R& r) { r.add_group_by(v1::GROUP_BY_TYPE); },
       C::INVALID_ARGUMENT, {"group_by[1]: GROUP_BY_TYPE is repeated"}},
      {"top_n -1", [](R& r) { r.set_top_n(-1); }, C::INVALID_ARGUMENT,
       {"top_n: must be in 0..10000, got -1"}},
      {"top_n 10001", [](R& r) { r.set_top_n(10001); }, C::INVALID_ARGUMENT,
       {"top_n: must be in 0..10000, got 10001"}},
      {"good request", [](R&) {}, C::OK, {}},
  };
  AddFilterRows(rows);
  RunTable<R, v1::AggregateEventsResponse>(
      base, rows, [this](const R& r, v1::AggregateEventsResponse* out) {
        return query_stub_->AggregateEvents(Context().get(), r, out);
      });
  ExpectServersUp();
}

TEST_F(BadInputTest, ListFigures) {
  using C = grpc::StatusCode;
  using R = v1::ListFiguresRequest;
  std::vector<Row<R>> rows = {
      {"kind 99", [](R& r) { r.add_kinds(static_cast<v1::FigureKind>(99)); }, C::INVALID_ARGUMENT,
       {"kinds[0]: unknown figure kind 99"}},
      {"kind unspecified", [](R& r) { r.add_kinds(v1::FIGURE_KIND_UNSPECIFIED); },
       C::INVALID_ARGUMENT, {"kinds[0]: unspecified"}},
      {"1,001 kinds",
       [](R& r) {
         for (int i = 0; i < 1001; ++i) r.add_kinds(v1::FIGURE_KIND_KILLED);
       },
       C::INVALID_ARGUMENT, {"kinds: more than 1000 values"}},
      {"malformed counted id", [](R& r) { r.add_counted_ids("country: PRK"); },
       C::INVALID_ARGUMENT, {"counted_ids[0]: malformed id 'country: PRK'"}},
      {"1,001 counted ids",
       [](R& r) {
         for (int i = 0; i < 1001; ++i) r.add_counted_ids("country:PRK");
       },
       C::INVALID_ARGUMENT, {"counted_ids: more than 1000 values"}},
      {"max_figures -1", [](R& r) { r.set_max_figures(-1); }, C::INVALID_ARGUMENT,
       {"max_figures: must be in 0..10000, got -1"}},
      {"max_figures INT32_MAX",
       [](R& r) { r.set_max_figures(std::numeric_limits<std::int32_t>::max()); },
       C::INVALID_ARGUMENT, {"max_figures: must be in 0..10000, got 2147483647"}},
      {"good request", [](R& r) { r.add_counted_ids("country:PRK"); }, C::OK, {}},
  };
  AddFilterRows(rows);
  RunTable<R, v1::ListFiguresResponse>(R(), rows,
                                       [this](const R& r, v1::ListFiguresResponse* out) {
                                         return query_stub_->ListFigures(Context().get(), r, out);
                                       });
  ExpectServersUp();
}

TEST_F(BadInputTest, ListQuotes) {
  using C = grpc::StatusCode;
  using R = v1::ListQuotesRequest;
  R base;
  base.set_article_id(*kursk_id_);
  std::string token;
  {
    R first = base;
    first.set_page_size(1);
    v1::ListQuotesResponse response;
    const grpc::Status s = query_stub_->ListQuotes(Context().get(), first, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    token = response.next_page_token();
    ASSERT_FALSE(token.empty());
  }
  const std::vector<Row<R>> rows = {
      {"malformed speaker id", [](R& r) { r.add_speaker_ids("person:jane doe"); },
       C::INVALID_ARGUMENT, {"speaker_ids[0]: malformed id 'person:jane doe'"}},
      {"1,001 speaker ids",
       [](R& r) {
         for (int i = 0; i < 1001; ++i) r.add_speaker_ids("person:x");
       },
       C::INVALID_ARGUMENT, {"speaker_ids: at most 1000 values, got 1001"}},
      {"malformed article id", [](R& r) { r.set_article_id("art 1"); }, C::INVALID_ARGUMENT,
       {"article_id: malformed id 'art 1'"}},
      {"text_contains of 1,001 bytes", [](R& r) { r.set_text_contains(std::string(1001, 'q')); },
       C::INVALID_ARGUMENT, {"text_contains: longer than 1000 bytes"}},
      {"start_time equals end_time",
       [](R& r) {
         *r.mutable_start_time() = Ts(1735171200);
         *r.mutable_end_time() = Ts(1735171200);
       },
       C::INVALID_ARGUMENT,
       {"start_time: 2024-12-26T00:00:00+00:00 is not before end_time 2024-12-26T00:00:00+00:00"}},
      {"end_time before year 1", [](R& r) { *r.mutable_end_time() = Ts(kYear1 - 1); },
       C::INVALID_ARGUMENT, {absl::StrCat("end_time: invalid timestamp (seconds ", kYear1 - 1)}},
      {"page_size -50", [](R& r) { r.set_page_size(-50); }, C::INVALID_ARGUMENT,
       {"page_size: must be in 0..1000, got -50"}},
      {"page token of garbage", [](R& r) { r.set_page_token("%%%"); }, C::INVALID_ARGUMENT,
       {"page_token is malformed"}},
      {"page token with a flipped byte", [token](R& r) { r.set_page_token(Tampered(token)); },
       C::INVALID_ARGUMENT, {"page_token is corrupt"}},
      {"page token of another query",
       [token](R& r) {
         r.set_text_contains("soldier");
         r.set_page_token(token);
       },
       C::INVALID_ARGUMENT, {"page_token was issued for a different"}},
      {"good page token", [token](R& r) { r.set_page_token(token); }, C::OK, {}},
  };
  RunTable<R, v1::ListQuotesResponse>(base, rows, [this](const R& r, v1::ListQuotesResponse* out) {
    return query_stub_->ListQuotes(Context().get(), r, out);
  });
  ExpectServersUp();
}

TEST_F(BadInputTest, SearchEntities) {
  using C = grpc::StatusCode;
  using R = v1::SearchEntitiesRequest;
  const std::vector<Row<R>> rows = {
      {"prefix of 257 bytes", [](R& r) { r.set_prefix(std::string(257, 'p')); },
       C::INVALID_ARGUMENT, {"prefix: longer than 256 bytes"}},
      {"kind 77", [](R& r) { r.set_kind(static_cast<v1::EntityKind>(77)); }, C::INVALID_ARGUMENT,
       {"kind: unknown entity kind 77"}},
      {"country spelled out", [](R& r) { r.set_country("Russia"); }, C::INVALID_ARGUMENT,
       {"country: malformed country 'Russia'"}},
      {"page_size 5000", [](R& r) { r.set_page_size(5000); }, C::INVALID_ARGUMENT,
       {"page_size: must be in 0..1000, got 5000"}},
      {"page_size INT32_MIN",
       [](R& r) { r.set_page_size(std::numeric_limits<std::int32_t>::min()); },
       C::INVALID_ARGUMENT, {"page_size: must be in 0..1000, got -2147483648"}},
      {"prefix of binary garbage", [](R& r) { r.set_prefix(std::string("\x01\x02\x7f", 3)); },
       C::OK, {}},
      {"good request", [](R& r) { r.set_prefix("Ukr"); }, C::OK, {}},
  };
  RunTable<R, v1::SearchEntitiesResponse>(
      R(), rows, [this](const R& r, v1::SearchEntitiesResponse* out) {
        return query_stub_->SearchEntities(Context().get(), r, out);
      });
  ExpectServersUp();
}

TEST_F(BadInputTest, WatchEvents) {
  using C = grpc::StatusCode;
  using R = v1::WatchEventsRequest;
  std::vector<Row<R>> rows = {
      {"negative from_revision", [](R& r) { r.set_from_revision(-1); }, C::INVALID_ARGUMENT,
       {"from_revision: must not be negative, got -1"}},
      {"INT64_MIN from_revision",
       [](R& r) { r.set_from_revision(std::numeric_limits<std::int64_t>::min()); },
       C::INVALID_ARGUMENT, {"from_revision: must not be negative, got -9223372036854775808"}},
  };
  AddFilterRows(rows);
  for (const Row<R>& row : rows) {
    SCOPED_TRACE(row.name);
    R request;
    row.edit(request);
    auto ctx = Context(5);
    auto reader = query_stub_->WatchEvents(ctx.get(), request);
    v1::WatchEventsResponse response;
    EXPECT_FALSE(reader->Read(&response));
    ExpectStatus(reader->Finish(), row.code, row.parts);
  }
  // A good watch replays the stored events.
  {
    R request;
    request.set_from_revision(1);
    auto ctx = Context(5);
    auto reader = query_stub_->WatchEvents(ctx.get(), request);
    v1::WatchEventsResponse response;
    EXPECT_TRUE(reader->Read(&response));
    ctx->TryCancel();
    while (reader->Read(&response)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), C::CANCELLED);
  }
  ExpectServersUp();
}

}  // namespace
}  // namespace newsevents
