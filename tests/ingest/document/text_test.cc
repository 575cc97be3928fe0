#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/string_view.h"
#include "ingest/document/text.h"

namespace newsevents::ingest::document_internal {
namespace {

struct CollapseCase {
  std::string input;
  std::string output;
};

class CollapseWhitespaceTest : public testing::TestWithParam<CollapseCase> {};

TEST_P(CollapseWhitespaceTest, Collapses) {
  EXPECT_EQ(CollapseWhitespace(GetParam().input), GetParam().output);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CollapseWhitespaceTest,
    testing::Values(CollapseCase{"", ""}, CollapseCase{"   ", ""},
                    CollapseCase{" a  b ", "a b"},
                    CollapseCase{"a\r\n\tb\n", "a b"},
                    CollapseCase{"a\xC2\xA0\xE2\x80\x83" "b", "a b"},
                    CollapseCase{"a\xE3\x80\x80" "b", "a b"},
                    CollapseCase{std::string("a\0b", 3), "ab"},
                    CollapseCase{"a\xC2\x9F" "b", "ab"},
                    CollapseCase{"\xE2\x80\x8E" "a\xE2\x81\xA0" "b", "ab"},
                    CollapseCase{"caf\xC3\xA9", "caf\xC3\xA9"}));

TEST(InlineTextTest, SpacesAcrossPieces) {
  std::string out = "prefix:";
  InlineText text(&out);
  text.Append("  one ");
  text.Append(" two");
  text.Append("three");
  text.Space();
  text.Space();
  text.Append("\n");
  text.Append("four  ");
  EXPECT_EQ(out, "prefix:one twothree four");
  EXPECT_EQ(text.size(), 17u);
}

TEST(NormalizeLinesTest, KeepsLinesAndBlankLines) {
  EXPECT_EQ(NormalizeLines(" a  b \r\n\r\n\tc\rd\n"), "a b\n\nc\nd\n");
}

TEST(AppendParagraphsTest, LineModeAndBlankLineMode) {
  std::string body;
  AppendParagraphs(SplitLines("a\nb\n\n"), body);
  EXPECT_EQ(body, "a\n\nb");
  body.clear();
  AppendParagraphs(SplitLines("a\nb\n\nc\n"), body);
  EXPECT_EQ(body, "a b\n\nc");
}

struct AuthorCase {
  const char* byline;
  std::vector<std::string> names;
};

class SplitAuthorsTest : public testing::TestWithParam<AuthorCase> {};

TEST_P(SplitAuthorsTest, Splits) {
  EXPECT_EQ(SplitAuthors(GetParam().byline), GetParam().names)
      << GetParam().byline;
}

INSTANTIATE_TEST_SUITE_P(
    Bylines, SplitAuthorsTest,
    testing::Values(
        AuthorCase{"Jia", {"Jia"}}, AuthorCase{"", {}},
        AuthorCase{"By Jane Doe", {"Jane Doe"}},
        AuthorCase{"BY JANE DOE", {"JANE DOE"}},
        AuthorCase{"By", {"By"}},
        AuthorCase{"A, B and C", {"A", "B", "C"}},
        AuthorCase{"Ann Bee & Cy Dee", {"Ann Bee", "Cy Dee"}},
        AuthorCase{"Ann Bee; Cy Dee", {"Ann Bee", "Cy Dee"}},
        AuthorCase{"Ann Bee,Cy Dee", {"Ann Bee", "Cy Dee"}},
        AuthorCase{"A. Smith, B. Jones and C. Wu",
                   {"A. Smith", "B. Jones", "C. Wu"}},
        AuthorCase{"Ann Bee | Reuters", {"Ann Bee", "Reuters"}},
        AuthorCase{"  Ann   Bee , , and ", {"Ann Bee"}},
        AuthorCase{"Sandy Anderson", {"Sandy Anderson"}}));

struct LanguageCase {
  const char* tag;
  const char* language;
};

class NormalizeLanguageTest : public testing::TestWithParam<LanguageCase> {};

TEST_P(NormalizeLanguageTest, PrimarySubtag) {
  EXPECT_EQ(NormalizeLanguage(GetParam().tag), GetParam().language);
}

INSTANTIATE_TEST_SUITE_P(
    Tags, NormalizeLanguageTest,
    testing::Values(LanguageCase{"en", "en"}, LanguageCase{"EN-gb", "en"},
                    LanguageCase{"en_US", "en"}, LanguageCase{" de ", "de"},
                    LanguageCase{"haw", "haw"}, LanguageCase{"", ""},
                    LanguageCase{"e", ""}, LanguageCase{"english", ""},
                    LanguageCase{"e1", ""}));

TEST(ExcerptTest, CutsAtCharacterBoundaryAndRepairs) {
  EXPECT_EQ(Excerpt("short", 10), "short");
  EXPECT_EQ(Excerpt("abc\xC3\xA9xyz", 4), "abc...");
  EXPECT_EQ(Excerpt("a\xFF" "b", 10), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(Excerpt(" a \n b ", 10), "a b");
}

}  // namespace
}  // namespace newsevents::ingest::document_internal
