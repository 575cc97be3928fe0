// A small RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes
// and line breaks. Enough for the evaluation data; not a general parser.
#ifndef NEWSEVENTS_TOOLS_EVAL_CSV_H_
#define NEWSEVENTS_TOOLS_EVAL_CSV_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsevents::tools {

// Splits `text` into rows of fields.
std::vector<std::vector<std::string>> ParseCsv(absl::string_view text);

}  // namespace newsevents::tools

#endif  // NEWSEVENTS_TOOLS_EVAL_CSV_H_
