#include "query/store/identity_index.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>


namespace newsevents::query::store::internal {

std::uint32_t IdentityIndex::GroupOfKey(std::uint64_t key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return kNone;
  std::uint32_t g = it->second;
  while (groups_[g].forward != kNone) g = groups_[g].forward;
  return g;
}

std::uint32_t IdentityIndex::Resolve(absl::string_view event_id) const {
  const std::optional<std::uint64_t> key = identity::EventKeyOfId(event_id);
  return key.has_value() ? GroupOfKey(*key) : kNone;
}

void IdentityIndex::Add(std::uint32_t idx, const identity::AddResult& result,
                        std::uint32_t figure_kinds) {
  const std::uint64_t key = identity::EventKeyOfId(result.event_id).value_or(0);
  change_.push_back(static_cast<std::uint8_t>(result.change));
  // The groups the new mention joins: the survivor's (if it kept its id)
  // and each retired one's.
  std::vector<std::uint32_t> joined;
  if (std::uint32_t g = GroupOfKey(key); g != kNone) joined.push_back(g);
  std::vector<std::uint64_t> retired;
  for (const std::string& id : result.retired_ids) {
    const std::uint64_t k = identity::EventKeyOfId(id).value_or(0);
    retired.push_back(k);
    if (std::uint32_t g = GroupOfKey(k); g != kNone) joined.push_back(g);
  }
  std::sort(joined.begin(), joined.end());
  joined.erase(std::unique(joined.begin(), joined.end()), joined.end());
  if (!retired.empty()) retired_.emplace(idx, std::move(retired));

  if (joined.empty()) {  // a new event
    const auto g = static_cast<std::uint32_t>(groups_.size());
    GroupRec& rec = groups_.emplace_back();
    rec.key = key;
    rec.first = rec.last = idx;
    rec.figure_kinds = figure_kinds;
    ++live_;
    group_of_.push_back(g);
    first_.push_back(kFirst);
    by_key_[key] = g;
    return;
  }
  // The largest group survives, so that a member is re-pointed at most
  // O(log n) times over all merges.
  std::uint32_t survivor = joined[0];
  for (std::uint32_t g : joined) {
    if (SizeOf(groups_[g]) > SizeOf(groups_[survivor])) survivor = g;
  }
  GroupRec& s = groups_[survivor];
  if (s.members_at == kNone) {
    s.members_at = static_cast<std::uint32_t>(member_lists_.size());
    member_lists_.emplace_back(1, s.first);
  }
  IndexList& members = member_lists_[s.members_at];
  for (std::uint32_t g : joined) {
    if (g == survivor) continue;
    GroupRec& other = groups_[g];
    IndexList moved;
    if (other.members_at == kNone) {
      moved.push_back(other.first);
    } else {
      moved = std::move(member_lists_[other.members_at]);
      member_lists_[other.members_at] = IndexList();  // frees its room
      other.members_at = kNone;
    }
    for (std::uint32_t m : moved) group_of_.at(m) = survivor;
    IndexList merged;
    merged.reserve(members.size() + moved.size());
    std::merge(members.begin(), members.end(), moved.begin(), moved.end(),
               std::back_inserter(merged));
    members = std::move(merged);
    // Of two events' first mentions, the later is no longer first.
    first_.at(std::max(s.first, other.first)) = 0;
    s.first = std::min(s.first, other.first);
    s.last = std::max(s.last, other.last);
    s.figure_kinds |= other.figure_kinds;
    other.forward = survivor;
    --live_;
  }
  members.push_back(idx);  // the largest index so far
  s.last = idx;
  s.figure_kinds |= figure_kinds;
  s.key = key;
  by_key_[key] = survivor;
  group_of_.push_back(survivor);
  first_.push_back(0);
  first_.at(s.first) = kFirst | kShared;
}

void IdentityIndex::SetCorroboration(absl::string_view event_id,
                                     const identity::Corroboration& c) {
  const std::uint32_t g = Resolve(event_id);
  if (g == kNone) return;
  GroupRec& rec = groups_[g];
  rec.articles = static_cast<std::int32_t>(c.articles);
  rec.outlets = static_cast<std::int32_t>(c.outlets);
  rec.independent_outlets = static_cast<std::int32_t>(c.independent_outlets);
}

identity::Change IdentityIndex::ChangeAt(std::uint32_t idx) const {
  return static_cast<identity::Change>(change_[idx]);
}

std::vector<std::string> IdentityIndex::RetiredAt(std::uint32_t idx) const {
  std::vector<std::string> out;
  auto it = retired_.find(idx);
  if (it == retired_.end()) return out;
  for (std::uint64_t k : it->second) out.push_back(identity::EventIdOfKey(k));
  return out;
}

std::size_t IdentityIndex::MemoryBytes() const {
  std::size_t bytes = group_of_.bytes() + change_.bytes() + first_.bytes() +
                      groups_.capacity() * sizeof(GroupRec) +
                      by_key_.capacity() * (sizeof(std::uint64_t) + sizeof(std::uint32_t) + 1) +
                      retired_.capacity() * (sizeof(std::uint32_t) + sizeof(std::vector<std::uint64_t>) + 1);
  for (const IndexList& m : member_lists_) {
    bytes += sizeof(IndexList) + m.capacity() * sizeof(std::uint32_t);
  }
  for (const auto& [idx, keys] : retired_) bytes += keys.capacity() * sizeof(std::uint64_t);
  return bytes;
}

}  // namespace newsevents::query::store::internal
