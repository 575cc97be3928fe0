#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ingest/document/document.h"
#include "tests/ingest/document/test_util.h"
#include "timing.h"
#include "ingest/document/readers.h"

namespace newsevents::ingest {
namespace {

constexpr char kHtml[] = "text/html";

using doc_test::Headings;
using doc_test::ReadTestFile;
using doc_test::Utc;

TEST(HtmlReaderTest, NewsArticleFixture) {
  const std::string html = ReadTestFile("documents/news-article.html");
  ASSERT_FALSE(html.empty());
  absl::StatusOr<Document> doc = ReadDocument(html, "text/html; charset=utf-8");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "Harbour Bridge Reopens After Repairs");
  EXPECT_EQ(doc->outlet, "The Daily Planet");
  ASSERT_TRUE(doc->published.has_value());
  EXPECT_EQ(Utc(*doc->published), "2024-03-05T08:30:00Z");
  EXPECT_TRUE(doc->published_has_time);
  EXPECT_EQ(doc->authors,
            (std::vector<std::string>{"Lois Lane", "Jimmy Olsen"}));
  EXPECT_EQ(doc->url, "https://planet.example/news/bridge");
  EXPECT_EQ(doc->language, "en");
  EXPECT_EQ(doc->body,
            "The harbour bridge reopened on Tuesday after six months of "
            "repairs, the city\xE2\x80\x99s transport office said.\n\n"
            "Traffic was light in the morning & heavier by noon.\n\n"
            "Engineers replaced the deck and strengthened the main cables.\n\n"
            "New lanes for cyclists\n\n"
            "Wider footpaths\n\n"
            "\xE2\x80\x9CIt was worth the wait,\xE2\x80\x9D one commuter said.");
  EXPECT_EQ(Headings(*doc),
            (std::vector<std::string>{"What Changed", "Reaction"}));
  ASSERT_EQ(doc->sections.size(), 2u);
  EXPECT_EQ(doc->body.substr(doc->sections[0].offset, 9), "Engineers");
  EXPECT_EQ(doc->body.substr(doc->sections[1].offset, 7),
            "\xE2\x80\x9CIt w");
  EXPECT_TRUE(doc->warnings.empty());
  // Boilerplate is gone.
  for (const char* dropped :
       {"cookies", "Home", "Share this", "bridge at dawn", "Advertisement",
        "Another bridge", "newsletter", "JavaScript", "Search",
        "First comment", "Subscribe", "Copyright", "not text", "color",
        "By Lois", "Related"}) {
    EXPECT_EQ(doc->body.find(dropped), std::string::npos) << dropped;
  }
}

TEST(HtmlReaderTest, JsonLdFixture) {
  const std::string html = ReadTestFile("documents/jsonld-article.html");
  ASSERT_FALSE(html.empty());
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "Wildfire Contained Near Town");
  ASSERT_TRUE(doc->published.has_value());
  EXPECT_EQ(Utc(*doc->published), "2024-08-14T23:45:00Z");
  EXPECT_EQ(doc->authors,
            (std::vector<std::string>{"Maria Gomez", "Sam Park"}));
  EXPECT_EQ(doc->outlet, "Valley News");
  EXPECT_EQ(doc->url, "https://valley.example/wildfire");
  EXPECT_EQ(doc->language, "en");
  EXPECT_EQ(doc->body,
            "Firefighters contained the wildfire on Wednesday evening.\n\n"
            "No homes were lost, officials said.");
  EXPECT_TRUE(doc->sections.empty());
}

TEST(HtmlReaderTest, PageWithoutParagraphsFallsBackToBlocks) {
  const std::string html = ReadTestFile("documents/no-paragraphs.html");
  ASSERT_FALSE(html.empty());
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, "Council Votes on Budget");
  EXPECT_EQ(doc->body,
            "Council Votes on Budget\n\n"
            "The council approved the budget on Monday. Spending on roads "
            "rises by ten percent.\n\n"
            "Schools receive more money.");
  EXPECT_FALSE(doc->published.has_value());
}

struct HtmlCase {
  const char* name;
  const char* html;
  const char* title;
  const char* published;  // UTC or ""
  std::vector<std::string> authors;
  const char* body;
};

class HtmlCaseTest : public testing::TestWithParam<HtmlCase> {};

TEST_P(HtmlCaseTest, Reads) {
  const HtmlCase& c = GetParam();
  absl::StatusOr<Document> doc = ReadDocument(c.html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->title, c.title);
  EXPECT_EQ(doc->published.has_value() ? Utc(*doc->published) : "",
            c.published);
  EXPECT_EQ(doc->authors, c.authors);
  EXPECT_EQ(doc->body, c.body);
}

INSTANTIATE_TEST_SUITE_P(
    Sources, HtmlCaseTest,
    testing::Values(
        HtmlCase{"H1BeatsTitleTag",
                 "<title>Tab Title</title><h1>Real <i>Headline</i></h1><p>x</p>",
                 "Real Headline", "", {}, "x"},
        HtmlCase{"TitleTagLast", "<title> Tab\nTitle </title><p>x</p>",
                 "Tab Title", "", {}, "x"},
        HtmlCase{"H1InArticleBeatsLogo",
                 "<h1>Site</h1><article><h1>Story</h1><p>x</p></article>",
                 "Story", "", {}, "x"},
        HtmlCase{"MetaNameDate",
                 "<meta name=\"date\" content=\"2024-05-01\"><p>x</p>", "",
                 "2024-05-01T00:00:00Z", {}, "x"},
        HtmlCase{"ArticlePublishedTimeBeatsMetaDate",
                 "<meta name=\"date\" content=\"2024-05-01\">"
                 "<meta property=\"article:published_time\" "
                 "content=\"2024-06-01T12:00:00Z\"><p>x</p>",
                 "", "2024-06-01T12:00:00Z", {}, "x"},
        HtmlCase{"TimeElement",
                 "<article><time datetime=\"2024-07-01T10:00:00+02:00\">July 1"
                 "</time><p>x</p></article>",
                 "", "2024-07-01T08:00:00Z", {}, "x"},
        HtmlCase{"MarkedTimeBeatsJsonLd",
                 "<script type=\"application/ld+json\">{\"@type\": "
                 "\"NewsArticle\", \"datePublished\": \"2024-01-01\"}</script>"
                 "<time datetime=\"2024-02-02\" itemprop=\"datePublished\">"
                 "</time><p>x</p>",
                 "", "2024-02-02T00:00:00Z", {}, "x"},
        HtmlCase{"JsonLdBeatsPlainTime",
                 "<script type=\"application/ld+json\">[{\"@type\": "
                 "\"NewsArticle\", \"datePublished\": \"2024-01-01\"}]</script>"
                 "<time datetime=\"2024-02-02\"></time><p>x</p>",
                 "", "2024-01-01T00:00:00Z", {}, "x"},
        HtmlCase{"TimeInNavIsIgnored",
                 "<nav><time datetime=\"2030-01-01\">today</time></nav><p>x</p>",
                 "", "", {}, "x"},
        HtmlCase{"RelAuthor",
                 "<p>By <a rel=\"author\" href=\"/a\">Ann Bee</a> and "
                 "<a rel=\"author noopener\" href=\"/b\">Cy Dee</a></p>",
                 "", "", {"Ann Bee", "Cy Dee"}, "By Ann Bee and Cy Dee"},
        HtmlCase{"MetaAuthorBeatsJsonLd",
                 "<meta name=\"author\" content=\"By Ann Bee\">"
                 "<script type=\"application/ld+json\">{\"@type\": \"Article\","
                 " \"author\": \"Cy Dee\"}</script><p>x</p>",
                 "", "", {"Ann Bee"}, "x"},
        HtmlCase{"ProfileUrlIsNoAuthor",
                 "<meta property=\"article:author\" "
                 "content=\"https://facebook.example/x\"><p>x</p>",
                 "", "", {}, "x"},
        HtmlCase{"EntitiesAndWhiteSpace",
                 "<p>  caf&eacute;&nbsp;&nbsp;&#8212; &lt;tag&gt;\n\t"
                 "&amp;&#x1F600; </p>",
                 "", "", {},
                 "caf\xC3\xA9 \xE2\x80\x94 <tag> &\xF0\x9F\x98\x80"},
        HtmlCase{"InlineElementsDoNotSplitWords",
                 "<p>un<b>believ</b>able <a href=x>news</a>.</p>", "", "", {},
                 "unbelievable news."},
        HtmlCase{"DivInsideParagraphSeparatesWords",
                 "<li>one<div>two</div></li><p>three</p>", "", "", {},
                 "three"},
        HtmlCase{"ListItemsInArticle",
                 "<article><p>Intro.</p><ol><li>One</li><li><p>Two</p></li>"
                 "</ol></article>",
                 "", "", {}, "Intro.\n\nOne\n\nTwo"},
        HtmlCase{"ListsOutsideArticleAreNotParagraphs",
                 "<ul><li>Menu</li></ul><p>Text.</p>", "", "", {}, "Text."},
        HtmlCase{"LargestArticleWins",
                 "<article><p>Teaser.</p></article><article><p>The real story "
                 "is longer.</p></article>",
                 "", "", {}, "The real story is longer."},
        HtmlCase{"InnerCandidateWithMostTextWins",
                 "<main><p>Hi</p><div itemprop=\"articleBody\"><p>The long "
                 "story text is here.</p></div></main>",
                 "", "", {}, "The long story text is here."},
        HtmlCase{"HiddenElementsAreDropped",
                 "<p hidden>Hidden.</p><p aria-hidden=\"true\">Aria.</p>"
                 "<div style=\"x\" class=\"sr-only\"><p>Screen reader.</p></div>"
                 "<p>Shown.</p>",
                 "", "", {}, "Shown."},
        HtmlCase{"CamelCaseBoilerplateClass",
                 "<div class=\"relatedStories\"><p>Other.</p></div>"
                 "<div class=\"commentary-text\"><p>Opinion.</p></div>",
                 "", "", {}, "Opinion."},
        HtmlCase{"DoubleBreakSplitsParagraph",
                 "<p>One<br>line<br/><br>Two</p>", "", "", {},
                 "One line\n\nTwo"},
        HtmlCase{"MalformedJsonLdIsIgnored",
                 "<script type=\"application/ld+json\">{oops</script><p>x</p>",
                 "", "", {}, "x"},
        HtmlCase{"UnclosedTags", "<p>One<p>Two<div>Three", "", "", {},
                 "One\n\nTwo"},
        HtmlCase{"XhtmlSelfClosingDivs",
                 "<div/><div/><p>Text.</p>", "", "", {}, "Text."}),
    [](const testing::TestParamInfo<HtmlCase>& info) {
      return std::string(info.param.name);
    });

TEST(HtmlReaderTest, WarnsAboutUnparseableDates) {
  absl::StatusOr<Document> doc = ReadDocument(
      "<meta property=\"article:published_time\" content=\"soon\">"
      "<script type=\"application/ld+json\">{oops</script><p>x</p>",
      kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->published.has_value());
  EXPECT_EQ(doc->warnings,
            (std::vector<std::string>{
                "ignored malformed json-ld at byte 1",
                "ignored unrecognised date 'soon' in meta "
                "article:published_time"}));
}

TEST(HtmlReaderTest, NoTextIsAnError) {
  absl::StatusOr<Document> doc = ReadDocument(
      "<html><head><title>Only a title</title></head><body><nav>Menu</nav>"
      "<script>x()</script></body></html>",
      kHtml);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(), "article is empty after reading");
}

TEST(HtmlReaderTest, DeepNestingIsRejectedBeforeParsing) {
  std::string html;
  for (int k = 0; k < 100'000; ++k) html += "<div>";
  html += "text";
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(), "html nesting deeper than 512");
  EXPECT_LT(elapsed, TimeBound(3));
}

TEST(HtmlReaderTest, NestingJustUnderTheLimitIsRead) {
  std::string html;
  for (int k = 0; k < 500; ++k) html += "<div>";
  html += "<p>deep text</p>";
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, "deep text");
}

TEST(HtmlReaderTest, ManyClosedOrImpliedElementsAreShallow) {
  std::string html;
  for (int k = 0; k < 20'000; ++k) {
    html += "<div><span>a</span></div><p>p<li>item<br><img src=x>";
    html += "<table><tr><td>c<td>d<tr><td>e</table>";
  }
  html += "<p>end";
  EXPECT_TRUE(
      document_internal::CheckHtmlNesting(html, document_internal::kMaxHtmlDepth)
          .ok());
}

struct NestingCase {
  const char* name;
  std::string html;
  bool ok;
};

class HtmlNestingTest : public testing::TestWithParam<NestingCase> {};

TEST_P(HtmlNestingTest, Estimates) {
  EXPECT_EQ(document_internal::CheckHtmlNesting(GetParam().html, 100).ok(),
            GetParam().ok);
}

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  for (int k = 0; k < times; ++k) out += piece;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, HtmlNestingTest,
    testing::Values(
        NestingCase{"NestedDivs", Repeat("<div>", 99), false},
        NestingCase{"ClosedDivs", Repeat("<div></div>", 1000), true},
        NestingCase{"UpperCaseEndTags", Repeat("<DIV></div>", 1000), true},
        NestingCase{"VoidElements", Repeat("<br><img><input><hr>", 1000), true},
        NestingCase{"UnclosedParagraphs", Repeat("<p>x", 1000), true},
        NestingCase{"UnclosedListItems", Repeat("<li>x", 1000), true},
        NestingCase{"NestedSpans", Repeat("<span>", 200), false},
        NestingCase{"SelfClosingDivsNest", Repeat("<div/>", 200), false},
        NestingCase{"SvgSelfClosing",
                    "<svg>" + Repeat("<path d=\"M0 0\"/>", 1000) + "</svg>",
                    true},
        NestingCase{"TagsInComments", "<!--" + Repeat("<div>", 1000) + "-->",
                    true},
        NestingCase{"TagsInScript",
                    "<script>" + Repeat("<div>", 1000) + "</script>", true},
        NestingCase{"TagsInAttributes",
                    "<a title=\"" + Repeat("<div>", 1000) + "\">x</a>", true},
        NestingCase{"NestedTables", Repeat("<table><tr><td>", 40), false},
        NestingCase{"NestedLists", Repeat("<ul><li>", 60), false},
        NestingCase{"SiblingTables", Repeat("<table><tr><td>a</table>", 60),
                    true},
        NestingCase{"UnterminatedComment", "<!--" + Repeat("<div>", 500),
                    true},
        // The adoption agency keeps blocks open: each of these nests.
        NestingCase{"SecondLinkKeepsDivOpen", Repeat("<a><div>", 200), false},
        NestingCase{"MisnestedBoldKeepsDivOpen", Repeat("<b><div></b>", 200),
                    false},
        NestingCase{"SpanEndTagIgnoredOverDiv",
                    Repeat("<span><div></span>", 200), false},
        NestingCase{"NestedFormsAreIgnored", Repeat("<form><div>", 60) +
                                                 Repeat("</div></form>", 60),
                    true},
        NestingCase{"FormInsideFormIsIgnored", Repeat("<form><div><form>", 80),
                    true},
        NestingCase{"FormattingReopenedAfterSecondNobr",
                    Repeat("<i id=1><i id=2><nobr>", 100), false},
        NestingCase{"TablePartsOutsideTablesAreIgnored",
                    Repeat("<th><div><caption>", 200), false},
        NestingCase{"UnclosedBoldInClosedLinks",
                    Repeat("<a href=x><b>x</a>", 200), false},
        // ... while these close what they should.
        NestingCase{"ClosedLinks", Repeat("<a><span>x</a>", 1000), true},
        NestingCase{"MisnestedInline", Repeat("<b><i>x</b></i>", 1000), true},
        NestingCase{"DivEndTagClosesList", Repeat("<div><ul><li>x</div>", 1000),
                    true}),
    [](const testing::TestParamInfo<NestingCase>& info) {
      return std::string(info.param.name);
    });

TEST(HtmlReaderTest, ManyAttributesAreRejected) {
  std::string html = "<div";
  for (int k = 0; k < 600; ++k) html += absl::StrCat(" a", k, "=\"v\"");
  html += ">text</div>";
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(), "html tag with more than 512 attributes");

  html = "<p";
  for (int k = 0; k < 500; ++k) html += absl::StrCat(" a", k);
  html += ">text</p>";
  doc = ReadDocument(html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, "text");
}

TEST(HtmlReaderTest, ManyElementsMisplacedInATableAreRejected) {
  std::string html = "<table>";
  for (int k = 0; k < 6000; ++k) html += absl::StrCat("<b id=", k, ">x</b>");
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(),
            "html table with more than 5000 misplaced elements");

  html = "<table>";
  for (int k = 0; k < 6000; ++k) html += "<tr><td><b>x</b></td></tr>";
  html += "</table>";
  doc = ReadDocument(html, kHtml);
  ASSERT_TRUE(doc.ok()) << doc.status();
}

TEST(HtmlReaderTest, MisnestedFormattingStaysWithinBudget) {
  // Each <b> left open inside a closed <div> is reopened by every later
  // one: gumbo's tree grows quadratically. The memory budget stops it.
  std::string html;
  for (int k = 0; k < 20'000; ++k) {
    html += absl::StrCat("<div><b id=", k, "></div>");
  }
  html += "text";
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message().substr(0, 16), "html too complex");
  EXPECT_LT(elapsed, TimeBound(10));
}

TEST(HtmlReaderTest, LargePageIsReadInTime) {
  std::string html = "<html><body><article>";
  while (html.size() < 900'000) {
    html +=
        "<p>Some <b>text</b> here, with <a href=\"/x/y\">a link</a> and more "
        "words in the paragraph.</p>\n<h2>Heading</h2>\n";
  }
  html += "<p>Last.</p></article></body></html>";
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Document> doc = ReadDocument(html, kHtml);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_GT(doc->sections.size(), 5000u);
  EXPECT_EQ(doc->body.substr(doc->body.size() - 5), "Last.");
  EXPECT_LT(elapsed, TimeBound(5));
}

}  // namespace
}  // namespace newsevents::ingest
