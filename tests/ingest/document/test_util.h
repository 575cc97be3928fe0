// Helpers shared by the document-reading tests.
#ifndef NEWSEVENTS_TESTS_INGEST_DOCUMENT_TEST_UTIL_H_
#define NEWSEVENTS_TESTS_INGEST_DOCUMENT_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ingest/document/document.h"

namespace newsevents::ingest::doc_test {

// A file of tests/testdata, whole.
inline std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(NEWSEVENTS_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// RFC 3339 in UTC, with as many fractional digits as needed.
inline std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

inline std::vector<std::string> Headings(const Document& doc) {
  std::vector<std::string> out;
  for (const Section& s : doc.sections) out.push_back(s.heading);
  return out;
}

}  // namespace newsevents::ingest::doc_test

#endif  // NEWSEVENTS_TESTS_INGEST_DOCUMENT_TEST_UTIL_H_
