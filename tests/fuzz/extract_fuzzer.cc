// libFuzzer target: arbitrary bytes as an article body (and the first line
// as a publication date) must never crash the extractor, and every span it
// returns must lie inside the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "ingest/document/document.h"
#include "ingest/extract/extractor.h"

namespace {

const newsevents::ingest::Extractor& Shared() {
  static const newsevents::ingest::Extractor* x = [] {
    const char* dir = std::getenv("NEWSEVENTS_RESOURCES_DIR");
    auto e = newsevents::ingest::Extractor::Create(dir != nullptr ? dir
                                                                  : NEWSEVENTS_FUZZ_DATA_DIR);
    if (!e.ok()) std::abort();
    return e->release();
  }();
  return *x;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  newsevents::ingest::Document doc;
  const std::size_t nl = raw.find('\n');
  if (nl != std::string::npos && nl < 40) {
    doc.published = newsevents::ingest::ParseDate(raw.substr(0, nl));
  }
  doc.body = raw;
  newsevents::ingest::RepairUtf8(doc.body);
  const auto x = Shared().Extract(doc, "art_fuzz");
  const std::size_t n = doc.body.size();
  for (const auto& e : x.events) {
    Check(e.trigger.start <= e.trigger.end && e.trigger.end <= n);
    Check(e.sentence_span.end <= n);
    for (const auto& a : e.arguments) Check(a.span.start <= a.span.end && a.span.end <= n);
    for (const auto& f : e.figures) Check(!f.high || *f.high >= 0);
  }
  for (const auto& q : x.quotes) Check(q.span.start <= q.span.end && q.span.end <= n);
  for (const auto& a : x.annotations) Check(a.span.start <= a.span.end && a.span.end <= n);
  return 0;
}
