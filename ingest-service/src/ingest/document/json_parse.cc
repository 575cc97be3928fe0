#include "ingest/document/json_parse.h"

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace newsevents::ingest::document_internal {

void ParseJsonText(absl::string_view text, rapidjson::Document& json) {
  json.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
}

}  // namespace newsevents::ingest::document_internal
