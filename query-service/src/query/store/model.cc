#include "query/store/model.h"

#include <array>

namespace newsevents::query::store {

absl::string_view EventTypeName(EventType type) {
  static constexpr std::array<absl::string_view, kMaxEventType + 1> kNames = {
      "UNSPECIFIED", "AGREE",   "CONSULT",   "SUPPORT",  "CONCEDE", "COOPERATE",
      "AID",         "RETREAT", "REQUEST",   "ACCUSE",   "REJECT",  "THREATEN",
      "PROTEST",     "SANCTION", "MOBILIZE", "COERCE",   "ASSAULT", "OUTCOME"};
  const auto i = static_cast<std::size_t>(type);
  return i < kNames.size() ? kNames[i] : absl::string_view();
}

absl::string_view ModalityName(Modality modality) {
  static constexpr std::array<absl::string_view, kMaxModality + 1> kNames = {
      "unspecified", "asserted", "reported", "alleged",     "estimated",
      "denied",      "negated",  "future",   "hypothetical"};
  const auto i = static_cast<std::size_t>(modality);
  return i < kNames.size() ? kNames[i] : absl::string_view();
}

}  // namespace newsevents::query::store
