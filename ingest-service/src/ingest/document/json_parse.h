// RapidJSON parsing behind one function. Internal to the document library.
#ifndef NEWSEVENTS_INGEST_DOCUMENT_JSON_PARSE_H_
#define NEWSEVENTS_INGEST_DOCUMENT_JSON_PARSE_H_

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace newsevents::ingest::document_internal {

// Parses `text` into `json` without recursion (deeply nested input cannot
// exhaust the call stack). On error, json.HasParseError() is true.
//
// This is the only place that instantiates RapidJSON's parser: its stack
// (rapidjson 1.1.0, internal/stack.h) adds an offset to a null pointer
// before its first allocation, which UBSan reports, so CMakeLists.txt turns
// that one check off for this file in sanitizer builds.
void ParseJsonText(absl::string_view text, rapidjson::Document& json);

}  // namespace newsevents::ingest::document_internal

#endif  // NEWSEVENTS_INGEST_DOCUMENT_JSON_PARSE_H_
