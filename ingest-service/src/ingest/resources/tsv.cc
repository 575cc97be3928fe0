#include "ingest/resources/tsv.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace newsevents::ingest {

absl::StatusOr<TsvTable> TsvTable::Parse(
    std::string text, std::string name,
    const std::vector<std::string>& required) {
  TsvTable t;
  t.text_ = std::move(text);
  t.name_ = std::move(name);
  const absl::string_view all(t.text_);
  std::size_t line_no = 0;
  bool have_columns = false;
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t nl = all.find('\n', pos);
    if (nl == absl::string_view::npos) nl = all.size();
    absl::string_view line = all.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StartsWith(line, "#columns:")) {
      line.remove_prefix(9);
      line = absl::StripLeadingAsciiWhitespace(line);
      t.columns_.clear();
      for (absl::string_view c : absl::StrSplit(line, '\t')) {
        t.columns_.emplace_back(absl::StripAsciiWhitespace(c));
      }
      have_columns = true;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (!have_columns) {
      return absl::InvalidArgumentError(absl::StrCat(
          t.name_, " line ", line_no, ": row before the #columns: line"));
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() < t.columns_.size()) {
      // Trailing empty fields may be trimmed by editors; required ones not.
      std::size_t needed = 0;
      for (const std::string& r : required) {
        const int c = t.Column(r);
        if (c >= 0) needed = std::max<std::size_t>(needed, c + 1);
      }
      if (fields.size() < needed) {
        return absl::InvalidArgumentError(absl::StrCat(
            t.name_, " line ", line_no, ": ", fields.size(),
            " fields, expected ", t.columns_.size()));
      }
    }
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(line_no);
  }
  if (!have_columns) {
    return absl::InvalidArgumentError(
        absl::StrCat(t.name_, ": missing #columns: line"));
  }
  for (const std::string& r : required) {
    if (t.Column(r) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(t.name_, ": missing column \"", r, "\""));
    }
  }
  return t;
}

absl::StatusOr<TsvTable> TsvTable::Read(
    const std::string& path, const std::vector<std::string>& required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string name = path;
  const std::size_t slash = name.rfind('/');
  if (slash != std::string::npos) {
    const std::size_t prev = slash > 0 ? name.rfind('/', slash - 1) : std::string::npos;
    name = name.substr(prev == std::string::npos ? 0 : prev + 1);
  }
  return Parse(ss.str(), std::move(name), required);
}

int TsvTable::Column(absl::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::string_view TsvTable::Get(std::size_t row, int col) const {
  if (col < 0) return {};
  const auto& r = rows_[row];
  if (static_cast<std::size_t>(col) >= r.size()) return {};
  return absl::StripAsciiWhitespace(r[static_cast<std::size_t>(col)]);
}

std::vector<absl::string_view> SplitList(absl::string_view field) {
  std::vector<absl::string_view> out;
  for (absl::string_view item : absl::StrSplit(field, '|')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace newsevents::ingest
