#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"
#include "tests/ingest/document/test_util.h"
#include "ingest/document/readers.h"

namespace newsevents::ingest {
namespace {

using doc_test::Headings;
using doc_test::ReadTestFile;
using doc_test::Utc;

// The body text from each section offset up to the next paragraph break.
std::vector<std::string> SectionStarts(const Document& doc) {
  std::vector<std::string> out;
  for (const Section& s : doc.sections) {
    const std::size_t end = doc.body.find("\n\n", s.offset);
    out.push_back(doc.body.substr(s.offset, end == std::string::npos
                                                 ? std::string::npos
                                                 : end - s.offset));
  }
  return out;
}

TEST(PlainReaderTest, KurskArticle) {
  const std::string raw = ReadTestFile("kursk-article.txt");
  ASSERT_FALSE(raw.empty()) << "missing tests/testdata/kursk-article.txt";
  absl::StatusOr<Document> doc = ReadDocument(raw, "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();

  EXPECT_EQ(doc->title,
            "North Korean Soldier Captured by Ukraine Dies Amidst Allegations "
            "of Russia Concealing Military Losses");
  ASSERT_TRUE(doc->published.has_value());
  EXPECT_EQ(Utc(*doc->published), "2024-12-27T00:00:00Z");
  EXPECT_FALSE(doc->published_has_time);
  EXPECT_EQ(doc->authors, std::vector<std::string>{"Jia"});
  EXPECT_EQ(doc->language, "en");
  EXPECT_TRUE(doc->warnings.empty());
  EXPECT_EQ(Headings(*doc),
            (std::vector<std::string>{
                "Introduction", "Capture Details", "Accusations Against Russia",
                "Concerns Over North Korean Troops", "Deployment and Casualties",
                "Human Cost", "Conclusion"}));

  // The body is exactly the paragraph lines (every second line after the
  // header), joined by blank lines.
  std::vector<std::string> lines = absl::StrSplit(raw, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_EQ(lines.size(), 17u);
  std::vector<std::string> paragraphs;
  for (std::size_t k = 4; k < lines.size(); k += 2) {
    paragraphs.push_back(lines[k]);
  }
  ASSERT_EQ(paragraphs.size(), 7u);
  EXPECT_EQ(doc->body, absl::StrJoin(paragraphs, "\n\n"));
  EXPECT_EQ(doc->body.rfind("In a startling development", 0), 0u);
  EXPECT_EQ(doc->body.find("Capture Details"), std::string::npos);
  EXPECT_EQ(doc->body.find("Human Cost"), std::string::npos);

  // Each section offset is where its paragraph starts.
  const std::vector<std::string> starts = SectionStarts(*doc);
  ASSERT_EQ(starts.size(), 7u);
  EXPECT_EQ(doc->sections[0].offset, 0u);
  for (std::size_t k = 0; k < starts.size(); ++k) {
    EXPECT_EQ(starts[k], paragraphs[k]) << doc->sections[k].heading;
  }
}

TEST(PlainReaderTest, KurskArticleWithCrlfAndBlankLinesReadsTheSame) {
  const std::string raw = ReadTestFile("kursk-article.txt");
  std::string crlf;
  for (char c : raw) {
    if (c == '\n') {
      crlf += "\r\n\r\n";  // blank line between every line
    } else {
      crlf += c;
    }
  }
  absl::StatusOr<Document> lf = ReadDocument(raw, "text/plain");
  absl::StatusOr<Document> dos = ReadDocument(crlf, "text/plain");
  ASSERT_TRUE(lf.ok() && dos.ok());
  EXPECT_EQ(dos->title, lf->title);
  EXPECT_EQ(dos->body, lf->body);
  EXPECT_EQ(dos->authors, lf->authors);
  EXPECT_EQ(dos->published, lf->published);
  ASSERT_EQ(dos->sections.size(), lf->sections.size());
  for (std::size_t k = 0; k < lf->sections.size(); ++k) {
    EXPECT_EQ(dos->sections[k].heading, lf->sections[k].heading);
    EXPECT_EQ(dos->sections[k].offset, lf->sections[k].offset);
  }
}

struct LayoutCase {
  const char* name;
  const char* input;
  const char* title;
  const char* published;  // UTC, or "" for none
  std::vector<std::string> authors;
  const char* body;
  std::vector<std::string> headings;
};

class PlainLayoutTest : public testing::TestWithParam<LayoutCase> {};

TEST_P(PlainLayoutTest, Reads) {
  const LayoutCase& c = GetParam();
  absl::StatusOr<Document> doc = ReadDocument(c.input, "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, c.title);
  EXPECT_EQ(doc->published.has_value() ? Utc(*doc->published) : "",
            c.published);
  EXPECT_EQ(doc->authors, c.authors);
  EXPECT_EQ(doc->body, c.body);
  EXPECT_EQ(Headings(*doc), c.headings);
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, PlainLayoutTest,
    testing::Values(
        LayoutCase{"ParagraphsOnly",
                   "The minister resigned on Monday.\nHer deputy takes over.\n",
                   "", "", {},
                   "The minister resigned on Monday.\n\nHer deputy takes over.",
                   {}},
        LayoutCase{"ShortHeadlineWithoutHeader",
                   "Minister Resigns\nThe minister resigned on Monday.\n",
                   "Minister Resigns", "", {},
                   "The minister resigned on Monday.", {}},
        LayoutCase{"SingleLineIsBody", "Minister Resigns", "", "", {},
                   "Minister Resigns", {}},
        LayoutCase{"LongFirstSentenceIsNoTitle",
                   "The minister resigned on Monday after a week of protests "
                   "in the capital.\nHer deputy takes over.\n",
                   "", "", {},
                   "The minister resigned on Monday after a week of protests "
                   "in the capital.\n\nHer deputy takes over.",
                   {}},
        LayoutCase{"TitleEndingInPeriodBeforeDateLine",
                   "Talks stall with U.S.\nDec 1, 2024\nNo deal was made.\n",
                   "Talks stall with U.S.", "2024-12-01T00:00:00Z", {},
                   "No deal was made.", {}},
        LayoutCase{"ByLineAndPublishedPrefix",
                   "Floods Hit Valencia\nBy Ana Ruiz and Tom Lee\n"
                   "Published: 2024-10-30T08:15:00Z\n\n"
                   "Heavy rain flooded the city.\n",
                   "Floods Hit Valencia", "2024-10-30T08:15:00Z",
                   {"Ana Ruiz", "Tom Lee"}, "Heavy rain flooded the city.", {}},
        LayoutCase{"AuthorsList",
                   "Title Here\nAuthors: A. Smith, B. Jones and C. Wu\n"
                   "Text follows here.\n",
                   "Title Here", "", {"A. Smith", "B. Jones", "C. Wu"},
                   "Text follows here.", {}},
        LayoutCase{"ByInBodyIsNotAnAuthor",
                   "Title Here\nBy the end of the year, prices rose.\n",
                   "Title Here", "", {}, "By the end of the year, prices rose.",
                   {}},
        LayoutCase{"DateInSentenceIsNotADateLine",
                   "Title Here\nOn December 27, 2024 the soldier died.\n",
                   "Title Here", "", {},
                   "On December 27, 2024 the soldier died.", {}},
        LayoutCase{"BlankLineParagraphsJoinWrappedLines",
                   "Storm Warning\n\nThe storm reached the coast\nlate on "
                   "Sunday night.\n\nOfficials ordered evacuations.\n",
                   "Storm Warning", "", {},
                   "The storm reached the coast late on Sunday night.\n\n"
                   "Officials ordered evacuations.",
                   {}},
        LayoutCase{"HeadingAboveItsParagraphInBlankLineMode",
                   "Storm Warning\n\nFirst paragraph here.\n\nWhat Comes Next\n"
                   "More rain is due\non Tuesday.\n",
                   "Storm Warning", "", {},
                   "First paragraph here.\n\nMore rain is due on Tuesday.",
                   {"What Comes Next"}},
        LayoutCase{"TrailingHeadingLikeLinesStayText",
                   "Storm Warning\nThe storm hit.\nReuters\n", "Storm Warning",
                   "", {}, "The storm hit.\n\nReuters", {}},
        LayoutCase{"SentenceCaseLineIsNoHeading",
                   "Storm Warning\nThe storm hit.\nwhat happened next\n"
                   "Rain fell.\n",
                   "Storm Warning", "", {},
                   "The storm hit.\n\nwhat happened next\n\nRain fell.", {}},
        LayoutCase{"QuestionIsNoHeading",
                   "Storm Warning\nThe storm hit.\nWhat Next?\nRain fell.\n",
                   "Storm Warning", "", {},
                   "The storm hit.\n\nWhat Next?\n\nRain fell.", {}},
        LayoutCase{"QuotedLineIsNoHeading",
                   "Storm Warning\nThe storm hit.\n\"Stay Inside\"\nRain fell.\n",
                   "Storm Warning", "", {},
                   "The storm hit.\n\n\"Stay Inside\"\n\nRain fell.", {}},
        LayoutCase{"Markdown",
                   "# Storm Warning\n\n## What Happened\n\nThe storm hit "
                   "the\ncoast.\n\n## Next\nRain is due.\n",
                   "Storm Warning", "", {},
                   "The storm hit the coast.\n\nRain is due.",
                   {"What Happened", "Next"}},
        LayoutCase{"EmptyMarkdownHeadingIsText",
                   "Storm Warning\nThe storm hit.\n# #\n##\nRain fell.\n",
                   "Storm Warning", "", {},
                   "The storm hit.\n\n# #\n\n##\n\nRain fell.", {}},
        LayoutCase{"WhiteSpaceIsCollapsed",
                   "  Storm   Warning  \n\t The\tstorm \xC2\xA0 hit.   \n",
                   "Storm Warning", "", {}, "The storm hit.", {}}),
    [](const testing::TestParamInfo<LayoutCase>& info) {
      return std::string(info.param.name);
    });

TEST(PlainReaderTest, SectionOffsetsPointAtParagraphs) {
  absl::StatusOr<Document> doc = ReadDocument(
      "Title Line\n2024-01-02\nOne Heading\nFirst para.\nSecond para.\n"
      "Two Heading\nThird para.\n",
      "text/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, "First para.\n\nSecond para.\n\nThird para.");
  ASSERT_EQ(doc->sections.size(), 2u);
  EXPECT_EQ(doc->sections[0].heading, "One Heading");
  EXPECT_EQ(doc->sections[0].offset, 0u);
  EXPECT_EQ(doc->sections[1].heading, "Two Heading");
  EXPECT_EQ(doc->sections[1].offset, 27u);
  EXPECT_EQ(doc->body.substr(27), "Third para.");
}

TEST(PlainReaderTest, MarkdownContentTypeIsPlainText) {
  absl::StatusOr<Document> doc =
      ReadDocument("# Title\n\nBody text.", "text/markdown; charset=UTF-8");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "Title");
  EXPECT_EQ(doc->body, "Body text.");
}

struct HeadingCase {
  const char* line;
  bool heading;
};

class HeadingLineTest : public testing::TestWithParam<HeadingCase> {};

TEST_P(HeadingLineTest, Classifies) {
  EXPECT_EQ(document_internal::IsHeadingLine(GetParam().line),
            GetParam().heading)
      << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, HeadingLineTest,
    testing::Values(HeadingCase{"Introduction", true},
                    HeadingCase{"Capture Details", true},
                    HeadingCase{"Deployment and Casualties", true},
                    HeadingCase{"Concerns Over North Korean Troops", true},
                    HeadingCase{"CAPTURE DETAILS", true},
                    HeadingCase{"2024 Timeline", true},
                    HeadingCase{"\xC3\x9C" "ber Uns", true},  // Über Uns
                    HeadingCase{"Russia's Losses", true},
                    HeadingCase{"Background:", true},
                    HeadingCase{"", false},
                    HeadingCase{"introduction", false},
                    HeadingCase{"The end.", false},
                    HeadingCase{"What Next?", false},
                    HeadingCase{"Stop Now!", false},
                    HeadingCase{"Yes, And", true},
                    HeadingCase{"One, Two,", false},
                    HeadingCase{"\xE2\x80\x9CQuoted Words\xE2\x80\x9D", false},
                    HeadingCase{"What happened next", false},
                    HeadingCase{"One Two Three Four Five Six Seven Eight",
                                true},
                    HeadingCase{"One Two Three Four Five Six Seven Eight Nine",
                                false},
                    HeadingCase{"2024", false}));

}  // namespace
}  // namespace newsevents::ingest
