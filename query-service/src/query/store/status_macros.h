// Small local stand-ins for status macros that this Abseil release lacks.
// Kept in one place so they can be swapped for Abseil's once it has them.
#ifndef NEWSEVENTS_QUERY_STORE_STATUS_MACROS_H_
#define NEWSEVENTS_QUERY_STORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define QUERY_RETURN_IF_ERROR(expr)                      \
  do {                                                   \
    const ::absl::Status query_status_tmp_ = (expr);     \
    if (!query_status_tmp_.ok()) return query_status_tmp_; \
  } while (false)

#define QUERY_STATUS_CONCAT_INNER_(a, b) a##b
#define QUERY_STATUS_CONCAT_(a, b) QUERY_STATUS_CONCAT_INNER_(a, b)

// `lhs` = the value of `expr` (an absl::StatusOr<T>), or returns its status.
// `lhs` may declare a variable: QUERY_ASSIGN_OR_RETURN(auto x, F());
#define QUERY_ASSIGN_OR_RETURN(lhs, expr)                                   \
  QUERY_ASSIGN_OR_RETURN_IMPL_(QUERY_STATUS_CONCAT_(query_statusor_, __LINE__), \
                               lhs, expr)
#define QUERY_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // NEWSEVENTS_QUERY_STORE_STATUS_MACROS_H_
