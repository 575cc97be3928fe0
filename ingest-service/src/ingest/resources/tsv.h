// Reader for the data files' TSV layout: UTF-8, '#' comment lines first, then
// a "#columns:" line naming the tab-separated columns, then one row per line.
// List fields separate their items with '|'.
//
// Pure; a TsvTable owns its text and is immutable after parsing.
#ifndef NEWSEVENTS_INGEST_RESOURCES_TSV_H_
#define NEWSEVENTS_INGEST_RESOURCES_TSV_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsevents::ingest {

class TsvTable {
 public:
  // Parses `text`; `name` is used in error messages ("countries.tsv line 7").
  // INVALID_ARGUMENT when the "#columns:" line is missing, a required column
  // is absent or a row has fewer fields than the header names.
  static absl::StatusOr<TsvTable> Parse(std::string text, std::string name,
                                        const std::vector<std::string>& required);
  // Reads and parses a file; NOT_FOUND names the path.
  static absl::StatusOr<TsvTable> Read(const std::string& path,
                                       const std::vector<std::string>& required);

  std::size_t rows() const { return rows_.size(); }
  // Index of a column, or -1.
  int Column(absl::string_view name) const;
  // Field `col` of row `row`; empty when the row is short or col is -1.
  absl::string_view Get(std::size_t row, int col) const;
  // 1-based line number of a row in the file, for error messages.
  std::size_t Line(std::size_t row) const { return lines_[row]; }
  const std::string& name() const { return name_; }

 private:
  std::string text_;
  std::string name_;
  std::vector<std::string> columns_;
  std::vector<std::vector<absl::string_view>> rows_;
  std::vector<std::size_t> lines_;
};

// Splits a list field on '|', trimming blanks and dropping empty items.
std::vector<absl::string_view> SplitList(absl::string_view field);

}  // namespace newsevents::ingest

#endif  // NEWSEVENTS_INGEST_RESOURCES_TSV_H_
