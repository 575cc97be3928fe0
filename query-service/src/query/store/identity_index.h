// The store's record of cross-article identity: which event (one real-world
// happening) each stored mention belongs to, each event's members and
// corroboration, the ids retired by merges, and what each mention changed.
//
// The grouping itself is decided by identity::EventGrouper (see
// query/identity/grouping.h); this index mirrors its answers with integer
// ids so that readers never touch the grouper: EventStore runs the grouper
// under its write lock only, then applies the results here under its data
// lock. Part of the store: not synchronized (EventStore's mu_ guards it).
#ifndef NEWSEVENTS_QUERY_STORE_IDENTITY_INDEX_H_
#define NEWSEVENTS_QUERY_STORE_IDENTITY_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "query/identity/grouping.h"
#include "query/store/model.h"
#include "query/store/store_internal.h"

namespace newsevents::query::store::internal {

// One event. Its id is identity::EventIdOfKey(key).
struct GroupRec {
  std::uint64_t key = 0;
  std::uint32_t first = kNone;     // the smallest member index (earliest stored)
  std::uint32_t last = kNone;      // the largest member index
  std::uint32_t forward = kNone;   // the group that absorbed this one; kNone = live
  std::int32_t articles = 1;
  std::int32_t outlets = 0;
  std::int32_t independent_outlets = 0;
  // Bit k: some member has a figure of kind k.
  std::uint32_t figure_kinds = 0;
  // Where IdentityIndex keeps every member, ascending; kNone for an event
  // of one mention (`first`), which most events are (a list of their own
  // would cost 24 bytes each, and a pointer to one 8 here).
  std::uint32_t members_at = kNone;
};
static_assert(sizeof(GroupRec) == 40);

class IdentityIndex {
 public:
  // Records the grouping of the mention stored at `idx`, which must be the
  // next index (one call per stored event, in order); bit k of
  // `figure_kinds` says it has a figure of kind k.
  void Add(std::uint32_t idx, const identity::AddResult& result, std::uint32_t figure_kinds);
  // Sets the corroboration of the live event `event_id` (after Add).
  void SetCorroboration(absl::string_view event_id, const identity::Corroboration& c);

  std::size_t size() const { return group_of_.size(); }  // mentions recorded
  std::uint32_t GroupOf(std::uint32_t idx) const { return group_of_[idx]; }
  // Whether mention idx is its event's first stored one (a dense column, so
  // that a scan tells the usual one-mention event apart cheaply).
  bool IsFirstOfGroup(std::uint32_t idx) const { return (first_[idx] & kFirst) != 0; }
  // Whether mention idx is an event of its own (no other mention).
  bool IsAlone(std::uint32_t idx) const { return first_[idx] == kFirst; }
  const GroupRec& group(std::uint32_t g) const { return groups_[g]; }
  // Every member of `g`, ascending; empty for an event of one mention.
  const IndexList& Members(const GroupRec& g) const {
    return g.members_at == kNone ? no_members_ : member_lists_[g.members_at];
  }
  std::size_t SizeOf(const GroupRec& g) const {
    return g.members_at == kNone ? 1 : member_lists_[g.members_at].size();
  }
  // Groups ever made (live or absorbed): GroupOf answers below this.
  std::size_t group_count() const { return groups_.size(); }
  std::size_t live_groups() const { return live_; }
  // The live group of an event id, current or retired by a merge or rename;
  // kNone when the id was never an event's.
  std::uint32_t Resolve(absl::string_view event_id) const;
  // What storing mention `idx` did, and the ids it retired.
  identity::Change ChangeAt(std::uint32_t idx) const;
  std::vector<std::string> RetiredAt(std::uint32_t idx) const;

  std::size_t MemoryBytes() const;

 private:
  std::uint32_t GroupOfKey(std::uint64_t key) const;

  Column<std::uint32_t> group_of_;
  Column<std::uint8_t> change_;
  static constexpr std::uint8_t kFirst = 1;   // the event's first mention
  static constexpr std::uint8_t kShared = 2;  // ... of an event of several
  Column<std::uint8_t> first_;
  std::vector<GroupRec> groups_;
  // The member lists of events of several mentions (GroupRec::members_at);
  // a list emptied by a merge keeps its slot.
  std::deque<IndexList> member_lists_;
  IndexList no_members_;
  std::size_t live_ = 0;
  // Every event key ever issued -> the group it named (follow `forward`).
  absl::flat_hash_map<std::uint64_t, std::uint32_t> by_key_;
  // Mention index -> keys its storing retired (merges and renames only).
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint64_t>> retired_;
};

}  // namespace newsevents::query::store::internal

#endif  // NEWSEVENTS_QUERY_STORE_IDENTITY_INDEX_H_
