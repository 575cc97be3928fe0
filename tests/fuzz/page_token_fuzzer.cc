// Fuzzes page-token decoding: any string is a valid cursor or a clean
// INVALID_ARGUMENT, never a crash.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "query/store/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace s = newsevents::query::store;
  const absl::string_view token(reinterpret_cast<const char*>(data), size);
  auto cursor = s::DecodeCursor(token, 0);
  if (cursor.ok()) (void)s::EncodeCursor(*cursor);
  return 0;
}
