// Nothing acknowledged is lost: the query service is killed with SIGKILL
// (and stopped with SIGTERM) while articles are being ingested; a client
// retries until each article is acknowledged. Afterwards every acknowledged
// article is stored exactly once.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"
#include "tests/testing/server_process.h"

namespace newsevents {
namespace {

using testing::ServerProcess;

// A port that was free a moment ago (the restarted query service must come
// back on the same port, where the ingest service looks for it).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

v1::Article SyntheticArticle(int i) {
  static const char* kPlaces[] = {"Kharkiv", "Donetsk", "Kherson", "Sumy", "Odesa"};
  v1::Article a;
  a.set_id(absl::StrCat("crash-", i));
  a.set_title(absl::StrCat("Report ", i));
  a.set_body(absl::StrCat(
      "Russian forces shelled ", kPlaces[i % 5], " on Monday, killing ", 2 + i % 9,
      " civilians, officials said. Ukrainian troops captured ", 3 + i % 4,
      " soldiers near the town, the military said. Report number ", i, "."));
  a.mutable_published_at()->set_seconds(1708300800 + 86400 * (i % 30));
  return a;
}

class CrashTest : public ::testing::Test {
 protected:
  void StartQuery() {
    auto q = ServerProcess::Start(NEWSEVENTS_QUERY_BIN,
                                  {absl::StrCat("--data_dir=", data_dir_),
                                   absl::StrCat("--port=", query_port_)});
    ASSERT_TRUE(q.ok()) << q.status();
    query_ = std::make_unique<ServerProcess>(std::move(*q));
    // "recovered N articles" from the start-up log.
    const std::string log = query_->Log();
    const std::size_t at = log.find("recovered ");
    if (at != std::string::npos) recovered_.push_back(std::atoi(log.c_str() + at + 10));
  }

  void SetUp() override {
    data_dir_ = testing::MakeTempDir() + "/data";
    query_port_ = FreePort();
    StartQuery();
    auto i = ServerProcess::Start(
        NEWSEVENTS_INGEST_BIN,
        {absl::StrCat("--query_address=127.0.0.1:", query_port_), "--deadline_seconds=3"});
    ASSERT_TRUE(i.ok()) << i.status();
    ingest_ = std::make_unique<ServerProcess>(std::move(*i));
  }

  // Ingests articles [0, n) one by one, retrying each until acknowledged;
  // returns the events count acknowledged per article.
  std::map<std::string, int> IngestWithRetries(int n, std::atomic<bool>* stop) {
    auto stub = v1::IngestService::NewStub(
        grpc::CreateChannel(ingest_->address(), grpc::InsecureChannelCredentials()));
    std::map<std::string, int> acked;
    for (int i = 0; i < n && !*stop; ++i) {
      v1::IngestArticleRequest request;
      *request.mutable_article() = SyntheticArticle(i);
      for (int attempt = 0; attempt < 200; ++attempt) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::IngestArticleResponse response;
        grpc::Status s = stub->IngestArticle(&ctx, request, &response);
        if (s.ok()) {
          acked[response.article_id()] = response.events_size();
          ++progress_;
          break;
        }
        ++retries_;
        // Only retryable failures are acceptable here.
        EXPECT_THAT(s.error_code(), ::testing::AnyOf(grpc::StatusCode::UNAVAILABLE,
                                                     grpc::StatusCode::DEADLINE_EXCEEDED))
            << s.error_message();
        absl::SleepFor(absl::Milliseconds(50));
      }
    }
    return acked;
  }

  void ExpectStoredExactlyOnce(const std::map<std::string, int>& acked) {
    auto stub = v1::QueryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", query_port_), grpc::InsecureChannelCredentials()));
    int total_events = 0;
    for (const auto& [id, events] : acked) {
      v1::ListEventsRequest list;
      list.mutable_filter()->add_article_ids(id);
      for (int m = 1; m <= v1::Modality_MAX; ++m) {
        list.mutable_filter()->add_modalities(static_cast<v1::Modality>(m));
      }
      list.set_page_size(1000);
      grpc::ClientContext ctx;
      v1::ListEventsResponse response;
      grpc::Status s = stub->ListEvents(&ctx, list, &response);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(response.events_size(), events) << id;
      total_events += events;
    }
    grpc::ClientContext ctx;
    v1::GetStatsResponse stats;
    ASSERT_TRUE(stub->GetStats(&ctx, v1::GetStatsRequest(), &stats).ok());
    EXPECT_EQ(stats.articles(), static_cast<std::int64_t>(acked.size()));
    EXPECT_EQ(stats.events(), total_events);
  }

  std::string data_dir_;
  std::atomic<int> retries_{0};
  std::atomic<int> progress_{0};  // articles acknowledged so far
  std::vector<int> recovered_;
  int query_port_ = 0;
  std::unique_ptr<ServerProcess> query_;
  std::unique_ptr<ServerProcess> ingest_;
};

TEST_F(CrashTest, SigkillAtRandomPointsLosesNothingAcknowledged) {
  constexpr int kArticles = 150;
  constexpr int kKills = 4;
  std::atomic<bool> stop{false};
  std::map<std::string, int> acked;
  std::thread client([&] { acked = IngestWithRetries(kArticles, &stop); });
  std::mt19937 rng(12345);
  for (int k = 1; k <= kKills; ++k) {
    // Kill at spread-out points of the ingest, a random moment after each.
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (progress_ < k * kArticles / (kKills + 1) && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    absl::SleepFor(absl::Microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
    query_->Stop(SIGKILL);
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(0, 200)(rng)));
    StartQuery();
  }
  client.join();
  ASSERT_EQ(acked.size(), static_cast<std::size_t>(kArticles));
  // The kills landed while articles were being ingested: some restart
  // recovered part of them (not none, not all).
  bool mid_stream = false;
  for (int n : recovered_) mid_stream = mid_stream || (n > 0 && n < kArticles);
  EXPECT_TRUE(mid_stream) << "no kill landed in the middle of the ingest";
  // And once more from disk alone.
  query_->Stop(SIGKILL);
  StartQuery();
  ExpectStoredExactlyOnce(acked);
}

TEST_F(CrashTest, SigtermUnderLoadFinishesOrFailsRetryably) {
  std::atomic<bool> stop{false};
  std::map<std::string, int> acked;
  std::thread client([&] { acked = IngestWithRetries(30, &stop); });
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (progress_ < 10 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  const int status = query_->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << "the query service did not exit cleanly on SIGTERM";
  StartQuery();
  client.join();
  ASSERT_EQ(acked.size(), 30u);
  ExpectStoredExactlyOnce(acked);
}

}  // namespace
}  // namespace newsevents
