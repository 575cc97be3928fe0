// IngestService over an in-process channel, with a fake event log.
#include "ingest/service/ingest_service_impl.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "ingest/extract/extractor.h"
#include "ingest/service/event_log.h"
#include "ingest/service/worker_pool.h"

namespace newsevents::ingest {
namespace {

using ::testing::HasSubstr;

// Records appends; answers with `status` (OK by default); can hold appends
// until released.
class FakeLog : public EventLog {
 public:
  absl::StatusOr<v1::AppendArticleResponse> Append(const v1::AppendArticleRequest& request,
                                                   absl::Time) override {
    if (hold_ != nullptr) hold_->WaitForNotification();
    absl::MutexLock lock(&mu_);
    if (!status_.ok()) return status_;
    v1::AppendArticleResponse r;
    r.set_article_id(request.article().id());
    for (const auto& a : appended_) {
      if (a.article().id() == request.article().id()) r.set_duplicate(true);
    }
    if (!r.duplicate()) appended_.push_back(request);
    return r;
  }
  void Fail(absl::Status s) {
    absl::MutexLock lock(&mu_);
    status_ = std::move(s);
  }
  std::vector<v1::AppendArticleRequest> appended() {
    absl::MutexLock lock(&mu_);
    return appended_;
  }
  absl::Notification* hold_ = nullptr;

 private:
  absl::Mutex mu_;
  absl::Status status_;
  std::vector<v1::AppendArticleRequest> appended_;
};

std::string Kursk() {
  std::ifstream in(std::string(NEWSEVENTS_TESTDATA_DIR) + "/kursk-article.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class IngestServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = Extractor::Create(NEWSEVENTS_DATA_DIR);
    ASSERT_TRUE(e.ok()) << e.status();
    extractor_ = e->release();
  }
  static void TearDownTestSuite() { delete extractor_; }

  void Start(int threads, std::size_t queue) {
    pool_ = std::make_unique<WorkerPool>(threads, queue);
    service_ = std::make_unique<IngestServiceImpl>(extractor_, &log_, pool_.get(),
                                                   IngestServiceOptions());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::IngestService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void SetUp() override { Start(2, 16); }
  void TearDown() override {
    server_->Shutdown();
    server_.reset();
    service_.reset();
    pool_.reset();
  }

  static Extractor* extractor_;
  FakeLog log_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<IngestServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

Extractor* IngestServiceTest::extractor_ = nullptr;

TEST_F(IngestServiceTest, IngestArticleStoresAndReturnsTheEvents) {
  v1::IngestArticleRequest request;
  request.mutable_article()->set_raw(Kursk());
  request.mutable_article()->set_content_type("text/plain");
  request.set_include_annotations(true);
  v1::IngestArticleResponse response;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->IngestArticle(&ctx, request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(log_.appended().size(), 1u);
  const v1::AppendArticleRequest stored = log_.appended()[0];
  EXPECT_EQ(stored.article().id(), response.article_id());
  EXPECT_EQ(stored.events_size(), response.events_size());
  EXPECT_EQ(stored.quotes_size(), response.quotes_size());
  EXPECT_GE(response.quotes_size(), 2);
  EXPECT_GT(response.annotations_size(), 0);
  EXPECT_EQ(response.article().sections_size(), 7);
  EXPECT_FALSE(response.duplicate());
}

TEST_F(IngestServiceTest, ExtractEventsStoresNothing) {
  v1::ExtractEventsRequest request;
  request.mutable_article()->set_body("Russian forces shelled Kharkiv on Monday, officials said.");
  v1::ExtractEventsResponse response;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ExtractEvents(&ctx, request, &response).ok());
  EXPECT_TRUE(log_.appended().empty());
  EXPECT_EQ(response.body(), request.article().body());
  ASSERT_GE(response.events_size(), 1);
  EXPECT_EQ(response.events(0).type(), v1::EVENT_TYPE_ASSAULT);
}

TEST_F(IngestServiceTest, UnavailableStoreIsReportedAndNothingReturned) {
  log_.Fail(absl::UnavailableError("query service unavailable; retry later"));
  v1::IngestArticleRequest request;
  request.mutable_article()->set_body("Protesters rallied in Tbilisi on Sunday.");
  v1::IngestArticleResponse response;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->IngestArticle(&ctx, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(response.events_size(), 0);
}

TEST_F(IngestServiceTest, MissingArticleIsInvalid) {
  v1::IngestArticleResponse response;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->IngestArticle(&ctx, v1::IngestArticleRequest(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("article"));
}

TEST_F(IngestServiceTest, BulkStreamKeepsOrderAndPerArticleStatus) {
  grpc::ClientContext ctx;
  auto stream = stub_->IngestArticles(&ctx);
  for (int i = 0; i < 20; ++i) {
    v1::IngestArticlesRequest r;
    r.mutable_article()->set_id(absl::StrCat("a", i));
    if (i % 7 != 3) {
      r.mutable_article()->set_body(absl::StrCat("Police arrested ", i + 2, " protesters in Minsk."));
    }
    ASSERT_TRUE(stream->Write(r));
  }
  stream->WritesDone();
  v1::IngestArticlesResponse response;
  int n = 0;
  while (stream->Read(&response)) {
    EXPECT_EQ(response.index(), n);
    if (n % 7 == 3) {
      EXPECT_EQ(response.status_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(response.status_message(), HasSubstr(absl::StrCat("article[", n, "]")));
    } else {
      EXPECT_EQ(response.status_code(), 0) << response.status_message();
      EXPECT_EQ(response.article_id(), absl::StrCat("a", n));
    }
    ++n;
  }
  EXPECT_EQ(n, 20);
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(log_.appended().size(), 17u);
}

TEST_F(IngestServiceTest, FullQueueAnswersResourceExhausted) {
  TearDown();
  Start(/*threads=*/1, /*queue=*/1);
  absl::Notification release;
  log_.hold_ = &release;
  // One article occupies the worker, one waits in the queue, the third is
  // refused at once.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::IngestArticleResponse> responses(3);
  std::vector<grpc::Status> statuses(3);
  std::vector<absl::Notification> done(3);
  v1::IngestArticleRequest request;
  for (int i = 0; i < 3; ++i) {
    request.mutable_article()->set_id(absl::StrCat("q", i));
    request.mutable_article()->set_body("Troops withdrew from the town.");
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    stub_->async()->IngestArticle(contexts.back().get(), &request, &responses[i],
                                  [&, i](grpc::Status s) {
                                    statuses[i] = s;
                                    done[i].Notify();
                                  });
    if (i < 2) absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(done[2].WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(statuses[2].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(statuses[2].error_message(), HasSubstr("retry"));
  release.Notify();
  ASSERT_TRUE(done[0].WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(done[1].WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_TRUE(statuses[1].ok());
}

}  // namespace
}  // namespace newsevents::ingest
