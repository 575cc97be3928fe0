// Page tokens: an opaque, URL-safe encoding of where a listing stopped.
//
// A token carries a fingerprint of the request it continues (the filter and
// the order, not the page size), the sort key and the sequence number of the
// last item returned. Because stored items never change, "the items after
// (key, seq) in this order" names the same continuation however many items
// are appended meanwhile: pages neither repeat nor skip an item that existed
// when the first page was read. A checksum catches edited or truncated
// tokens; tokens are not secret and are not signed.
#ifndef NEWSEVENTS_QUERY_STORE_PAGE_TOKEN_H_
#define NEWSEVENTS_QUERY_STORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/store/query.h"

namespace newsevents::query::store {

struct Cursor {
  std::uint64_t fingerprint = 0;
  std::int64_t key = 0;  // sort key of the last item returned
  std::int64_t seq = 0;  // its revision or sequence number
};

std::string EncodeCursor(const Cursor& cursor);

// INVALID_ARGUMENT "page_token ..." when `token` is malformed, tampered with,
// or was issued for a request with another fingerprint.
absl::StatusOr<Cursor> DecodeCursor(absl::string_view token,
                                    std::uint64_t expected_fingerprint);

// Order-insensitive within repeated fields (they are sets), stable across
// processes and machines (FNV-1a, not absl::Hash, which is seeded).
std::uint64_t Fingerprint(const EventFilter& filter, OrderBy order);
// The filter and order, plus the listing's view and corroboration minimums.
std::uint64_t Fingerprint(const ListEventsQuery& query);
std::uint64_t Fingerprint(const QuoteQuery& query);

}  // namespace newsevents::query::store

#endif  // NEWSEVENTS_QUERY_STORE_PAGE_TOKEN_H_
