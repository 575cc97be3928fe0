// Time bounds for the tests that guard against quadratic behaviour. They are
// generous: a quadratic stage on these inputs takes minutes, while a slow or
// busy machine only costs a small factor. Sanitizer and debug builds get more.
#ifndef NEWSEVENTS_TESTS_INGEST_DOCUMENT_TIMING_H_
#define NEWSEVENTS_TESTS_INGEST_DOCUMENT_TIMING_H_

#include <chrono>

namespace newsevents::ingest {

#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
inline constexpr int kSlowBuildFactor = 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr int kSlowBuildFactor = 10;
#else
inline constexpr int kSlowBuildFactor = 1;
#endif
#else
inline constexpr int kSlowBuildFactor = 1;
#endif

inline constexpr std::chrono::seconds TimeBound(int seconds) {
  return std::chrono::seconds(seconds * kSlowBuildFactor);
}

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_TESTS_INGEST_DOCUMENT_TIMING_H_
