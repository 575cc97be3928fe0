#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ingest/document/document.h"
#include "timing.h"

namespace newsevents::ingest {
namespace {

using std::chrono::steady_clock;

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string text) { return !RepairUtf8(text).has_value(); }

struct ContentTypeCase {
  const char* content_type;
  const char* raw;
  const char* body;
};

class ContentTypeTest : public testing::TestWithParam<ContentTypeCase> {};

TEST_P(ContentTypeTest, SelectsTheReader) {
  absl::StatusOr<Document> doc =
      ReadDocument(GetParam().raw, GetParam().content_type);
  ASSERT_TRUE(doc.ok()) << GetParam().content_type << ": " << doc.status();
  EXPECT_EQ(doc->body, GetParam().body) << GetParam().content_type;
}

INSTANTIATE_TEST_SUITE_P(
    Types, ContentTypeTest,
    testing::Values(
        ContentTypeCase{"text/plain", "<p>x</p>", "<p>x</p>"},
        ContentTypeCase{"TEXT/PLAIN", "a", "a"},
        ContentTypeCase{"text/plain; charset=utf-8", "a", "a"},
        ContentTypeCase{" text/plain ;charset=\"UTF-8\"", "a", "a"},
        ContentTypeCase{"text/markdown", "a", "a"},
        ContentTypeCase{"text/html", "<p>x</p>", "x"},
        ContentTypeCase{"Text/HTML; Charset=ISO-8859-1", "<p>x</p>", "x"},
        ContentTypeCase{"application/xhtml+xml", "<p>x</p>", "x"},
        ContentTypeCase{"application/json", "{\"text\": \"x\"}", "x"},
        ContentTypeCase{"APPLICATION/JSON;charset=utf-8", "{\"text\": \"x\"}",
                        "x"}));

struct ErrorCase {
  const char* name;
  std::string raw;
  std::string content_type;
  std::size_t max_bytes;
  std::string message;
};

class ReadErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ReadErrorTest, IsInvalidArgument) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<Document> doc =
      ReadDocument(c.raw, c.content_type, {.max_bytes = c.max_bytes});
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(doc.status().message()), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ReadErrorTest,
    testing::Values(
        ErrorCase{"UnknownType", "x", "application/pdf", 100,
                  "unknown content_type 'application/pdf'; expected "
                  "text/plain, text/html or application/json"},
        ErrorCase{"EmptyType", "x", "", 100,
                  "unknown content_type ''; expected text/plain, text/html or "
                  "application/json"},
        ErrorCase{"TooLarge", std::string(101, 'a'), "text/plain", 100,
                  "article is 101 bytes, over the limit of 100 bytes"},
        ErrorCase{"SizeCheckedBeforeType", std::string(101, 'a'), "bogus", 100,
                  "article is 101 bytes, over the limit of 100 bytes"},
        ErrorCase{"Empty", "", "text/plain", 100,
                  "article is empty after reading"},
        ErrorCase{"OnlyWhiteSpace", " \r\n\t\xC2\xA0\n", "text/plain", 100,
                  "article is empty after reading"},
        ErrorCase{"OnlyControls", std::string("\0\x01\x7f", 3), "text/plain",
                  100, "article is empty after reading"},
        ErrorCase{"EmptyHtml", "<html></html>", "text/html", 100,
                  "article is empty after reading"}),
    [](const testing::TestParamInfo<ErrorCase>& info) {
      return std::string(info.param.name);
    });

TEST(ReadDocumentTest, ExactlyAtTheLimitIsAccepted) {
  absl::StatusOr<Document> doc =
      ReadDocument(std::string(100, 'a'), "text/plain", {.max_bytes = 100});
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, std::string(100, 'a'));
}

TEST(ReadDocumentTest, DefaultLimitIsOneMebibyte) {
  absl::StatusOr<Document> doc =
      ReadDocument(std::string((1 << 20) + 1, 'a'), "text/plain");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(std::string(doc.status().message()),
            "article is 1048577 bytes, over the limit of 1048576 bytes");
}

struct CleanCase {
  const char* name;
  std::string raw;
  std::string body;
  std::vector<std::string> warnings;
};

class CleanTextTest : public testing::TestWithParam<CleanCase> {};

TEST_P(CleanTextTest, Normalises) {
  absl::StatusOr<Document> doc = ReadDocument(GetParam().raw, "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, GetParam().body);
  EXPECT_EQ(doc->warnings, GetParam().warnings);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CleanTextTest,
    testing::Values(
        CleanCase{"CrLf", "one.\r\ntwo.\rthree.\n", "one.\n\ntwo.\n\nthree.", {}},
        CleanCase{"Nul", std::string("a\0b.", 4), "ab.", {}},
        CleanCase{"Controls", "a\x01\x1b\x7f" "b\xC2\x85" "c.", "abc.", {}},
        CleanCase{"TabsAndNbsp", "a\t\tb\xC2\xA0\xC2\xA0" "c\xE2\x80\xAF" "d.",
                  "a b c d.", {}},
        CleanCase{"TrailingSpaces", "a.   \nb. \t\n", "a.\n\nb.", {}},
        CleanCase{"InvisibleCharacters",
                  "\xEF\xBB\xBF" "co\xC2\xAD" "op\xE2\x80\x8B" "erate.",
                  "cooperate.", {}},
        CleanCase{"LineSeparator", "a.\xE2\x80\xA8" "b.", "a.\n\nb.", {}},
        CleanCase{"InvalidUtf8", "ab\xFF" "c\xC3(d.",
                  "ab\xEF\xBF\xBD" "c\xEF\xBF\xBD(d.",
                  {"invalid utf-8 repaired at byte 2"}},
        CleanCase{"TruncatedSequenceAtEnd", "abc.\xE2\x82",
                  "abc.\xEF\xBF\xBD", {"invalid utf-8 repaired at byte 4"}}),
    [](const testing::TestParamInfo<CleanCase>& info) {
      return std::string(info.param.name);
    });

struct Utf8Case {
  const char* name;
  std::string input;
  std::string output;
  std::optional<std::size_t> first;
};

class RepairUtf8Test : public testing::TestWithParam<Utf8Case> {};

TEST_P(RepairUtf8Test, Repairs) {
  std::string text = GetParam().input;
  EXPECT_EQ(RepairUtf8(text), GetParam().first);
  EXPECT_EQ(text, GetParam().output);
}

const std::string kFffd = "\xEF\xBF\xBD";

INSTANTIATE_TEST_SUITE_P(
    Sequences, RepairUtf8Test,
    testing::Values(
        Utf8Case{"Empty", "", "", std::nullopt},
        Utf8Case{"Ascii", "abc", "abc", std::nullopt},
        Utf8Case{"ValidMix", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
                 "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", std::nullopt},
        Utf8Case{"LoneContinuation", "a\x80" "b", "a" + kFffd + "b", 1},
        Utf8Case{"Overlong2", "\xC0\xAF", kFffd + kFffd, 0},
        Utf8Case{"Overlong3", "\xE0\x80\xAF", kFffd + kFffd + kFffd, 0},
        Utf8Case{"Surrogate", "\xED\xA0\x80", kFffd + kFffd + kFffd, 0},
        Utf8Case{"AboveMax", "\xF4\x90\x80\x80",
                 kFffd + kFffd + kFffd + kFffd, 0},
        Utf8Case{"F5", "\xF5", kFffd, 0},
        Utf8Case{"TruncatedIsOneReplacement", "\xF0\x9F\x98" "a",
                 kFffd + "a", 0},
        Utf8Case{"TruncatedAtEnd", "a\xE2\x82", "a" + kFffd, 1},
        Utf8Case{"SecondErrorOffsetIsFirst", "ok\xFFok\xFE",
                 "ok" + kFffd + "ok" + kFffd, 2}),
    [](const testing::TestParamInfo<Utf8Case>& info) {
      return std::string(info.param.name);
    });

TEST(FromFieldsTest, NormalisesTitleAndBody) {
  absl::StatusOr<Document> doc = FromFields(
      "  A \t Title\n", "First line\r\nSecond\xC2\xA0line\r\n\r\n\r\n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "A Title");
  EXPECT_EQ(doc->body, "First line\n\nSecond line");
  EXPECT_TRUE(doc->sections.empty());
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_EQ(doc->language, "en");
}

TEST(FromFieldsTest, FindsNothingElse) {
  absl::StatusOr<Document> doc =
      FromFields("", "Title Line\n2024-12-27\nAuthor: Jia\nIntroduction\nText.");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "");
  EXPECT_TRUE(doc->authors.empty());
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_EQ(doc->body,
            "Title Line\n\n2024-12-27\n\nAuthor: Jia\n\nIntroduction\n\nText.");
}

TEST(FromFieldsTest, RepairsAndWarns) {
  absl::StatusOr<Document> doc = FromFields("T\xFF", "ab\xC3");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "T" + kFffd);
  EXPECT_EQ(doc->body, "ab" + kFffd);
  EXPECT_EQ(doc->warnings,
            (std::vector<std::string>{"invalid utf-8 in title repaired at byte 1",
                                      "invalid utf-8 repaired at byte 2"}));
}

TEST(FromFieldsTest, Errors) {
  absl::StatusOr<Document> doc = FromFields("title", " \n ");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(doc.status().message()),
            "article is empty after reading");

  doc = FromFields("12345", std::string(96, 'a'), {.max_bytes = 100});
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(doc.status().message()),
            "article is 101 bytes, over the limit of 100 bytes");
}

// Pathological input: every stage must stay linear.

TEST(PathologicalTest, HundredThousandOneWordLines) {
  std::string raw;
  for (int k = 0; k < 100'000; ++k) raw += (k % 2 == 0 ? "Word\n" : "word\n");
  const auto start = steady_clock::now();
  absl::StatusOr<Document> doc = ReadDocument(raw, "text/plain");
  const auto elapsed = steady_clock::now() - start;
  ASSERT_TRUE(doc.ok()) << doc.status();
  // "Word" lines are headings of the "word" paragraph below them, except
  // the first line, which is the title.
  EXPECT_EQ(doc->title, "Word");
  EXPECT_EQ(doc->sections.size(), 49'999u);
  EXPECT_EQ(doc->body.size(), 50'000u * 4 + 49'999u * 2);
  EXPECT_LT(elapsed, TimeBound(3));

  std::string capitalised;
  for (int k = 0; k < 100'000; ++k) capitalised += "Word\n";
  doc = ReadDocument(capitalised, "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  // Heading-like lines with no paragraph after them are text.
  EXPECT_TRUE(doc->sections.empty());
  EXPECT_EQ(doc->body.size(), 99'999u * 4 + 99'998u * 2);
}

TEST(PathologicalTest, OneMillionCharacterLine) {
  std::string line;
  while (line.size() < 1'000'000) line += "abcdefghi ";
  for (const char* type : {"text/plain", "text/html"}) {
    const auto start = steady_clock::now();
    absl::StatusOr<Document> doc = ReadDocument(line, type);
    const auto elapsed = steady_clock::now() - start;
    ASSERT_TRUE(doc.ok()) << type << ": " << doc.status();
    EXPECT_EQ(doc->title, "") << type;
    EXPECT_EQ(doc->body.size(), 999'999u) << type;
    EXPECT_LT(elapsed, TimeBound(3)) << type;
  }
  std::string word(1'000'000, 'x');
  absl::StatusOr<Document> doc = ReadDocument(word, "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body.size(), 1'000'000u);
}

TEST(PathologicalTest, BinaryGarbageNeverCrashes) {
  std::mt19937 rng(42);
  for (int round = 0; round < 30; ++round) {
    std::string raw(20'000 + round * 1000, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    for (const char* type : {"text/plain", "text/html", "application/json"}) {
      absl::StatusOr<Document> doc = ReadDocument(raw, type);
      if (!doc.ok()) {
        EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
        continue;
      }
      EXPECT_FALSE(doc->body.empty());
      EXPECT_TRUE(IsValidUtf8(doc->body)) << type;
      EXPECT_TRUE(IsValidUtf8(doc->title)) << type;
      EXPECT_EQ(doc->warnings.front().rfind("invalid utf-8 repaired at byte", 0),
                0u);
    }
  }
}

TEST(PathologicalTest, ManySmallParagraphsAndHeadingsInHtml) {
  std::string html;
  for (int k = 0; k < 30'000; ++k) {
    html += absl::StrCat("<h2>H", k, "</h2><p>p", k, "</p>");
  }
  absl::StatusOr<Document> doc = ReadDocument(html, "text/html");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->sections.size(), 30'000u);
  EXPECT_EQ(doc->sections.back().heading, "H29999");
  EXPECT_EQ(doc->body.substr(doc->sections.back().offset), "p29999");
}

}  // namespace
}  // namespace newsevents::ingest
