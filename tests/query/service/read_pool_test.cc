#include "query/service/read_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace newsevents::query {
namespace {

TEST(ReadPoolTest, RunsEveryQueuedTaskBeforeJoining) {
  std::atomic<int> ran{0};
  {
    ReadPool pool(3, 1000);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(pool.TrySchedule([&] { ++ran; }));
    }
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(ReadPoolTest, RefusesWhenTheQueueIsFull) {
  absl::Notification started, release;
  std::atomic<int> ran{0};
  {
    ReadPool pool(1, 1);
    ASSERT_TRUE(pool.TrySchedule([&] {
      started.Notify();
      release.WaitForNotification();
      ++ran;
    }));
    started.WaitForNotification();  // the only thread is busy
    EXPECT_TRUE(pool.TrySchedule([&] { ++ran; }));   // waits in the queue
    EXPECT_FALSE(pool.TrySchedule([&] { ++ran; }));  // queue full
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace newsevents::query
