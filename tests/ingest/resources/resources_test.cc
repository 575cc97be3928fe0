#include "ingest/resources/resources.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ingest/resources/phrase_index.h"
#include "ingest/resources/text.h"
#include "ingest/resources/tsv.h"

namespace newsevents::ingest {
namespace {

const std::string kData = NEWSEVENTS_TEST_DATA_DIR;
const std::string kFixture = std::string(NEWSEVENTS_TESTDATA_DIR) + "/resources";

std::vector<std::string> Lower(absl::string_view text) {
  std::vector<Token> t;
  Tokenize(text, 0, &t);
  std::vector<std::string> out;
  for (const Token& x : t) out.push_back(x.lower);
  return out;
}

TEST(TokenizeTest, SplitsWordsNumbersAndPossessives) {
  EXPECT_EQ(Lower("Russia’s Kursk region"),
            (std::vector<std::string>{"russia", "'s", "kursk", "region"}));
  EXPECT_EQ(Lower("the troops' base"), (std::vector<std::string>{"the", "troops", "'", "base"}));
  EXPECT_EQ(Lower("11,000 soldiers, 1.5 million"),
            (std::vector<std::string>{"11,000", "soldiers", ",", "1.5", "million"}));
  EXPECT_EQ(Lower("U.S. officials"), (std::vector<std::string>{"u.s.", "officials"}));
  EXPECT_EQ(Lower("best-trained don't"), (std::vector<std::string>{"best-trained", "don't"}));
  EXPECT_EQ(Lower("\u201CHi,\u201D he said."),
            (std::vector<std::string>{"\u201C", "hi", ",", "\u201D", "he", "said", "."}));
  EXPECT_EQ(Lower("Zürich ÖSTERREICH"), (std::vector<std::string>{"zürich", "österreich"}));
}

TEST(TokenizeTest, OffsetsAndCase) {
  std::vector<Token> t;
  Tokenize("In Kyiv, NATO met.", 100, &t);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[1].start, 103u);
  EXPECT_EQ(t[1].end, 107u);
  EXPECT_TRUE(t[1].cap);
  EXPECT_FALSE(t[1].allcaps);
  EXPECT_TRUE(t[3].allcaps);
  EXPECT_EQ(t[4].type, TokenType::kWord);
  EXPECT_EQ(t[5].type, TokenType::kPunct);
}

TEST(TokenizeTest, InvalidUtf8AndLongInputs) {
  std::vector<Token> t;
  Tokenize(std::string("a\xff\xfe b"), 0, &t);
  EXPECT_GE(t.size(), 2u);
  t.clear();
  Tokenize(std::string(1 << 20, 'x'), 0, &t);
  EXPECT_EQ(t.size(), 1u);
}

TEST(PhraseIndexTest, LongestMatchOverTokens) {
  PhraseIndex idx;
  idx.Add(PhraseHashes("North Korea"), 1);
  idx.Add(PhraseHashes("North"), 2);
  idx.Add(PhraseHashes("North Korean soldiers"), 3);
  std::vector<Token> t;
  Tokenize("North Korean soldiers fled", 0, &t);
  std::vector<std::pair<std::size_t, std::uint32_t>> seen;
  idx.ForEachMatch(t.size(), [&](std::size_t k) { return t[k].hash; },
                   [&](std::size_t len, const std::vector<std::uint32_t>& v) {
                     seen.emplace_back(len, v.front());
                   });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::pair<std::size_t, std::uint32_t>{1, 2}));
  EXPECT_EQ(seen[1], (std::pair<std::size_t, std::uint32_t>{3, 3}));
}

TEST(TsvTest, ParsesHeaderRowsAndLists) {
  auto t = TsvTable::Parse("# comment\n#columns:\ta\tb\nx\ty|z| w \n\n# more\n1\t2\n", "t.tsv",
                           {"a"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->rows(), 2u);
  EXPECT_EQ(t->Get(0, t->Column("a")), "x");
  EXPECT_EQ(SplitList(t->Get(0, t->Column("b"))),
            (std::vector<absl::string_view>{"y", "z", "w"}));
  EXPECT_EQ(t->Line(1), 6u);
}

TEST(TsvTest, ErrorsNameFileAndLine) {
  auto t = TsvTable::Parse("x\ty\n", "bad.tsv", {"a"});
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(absl::StrContains(t.status().message(), "bad.tsv line 1"));
  auto u = TsvTable::Parse("#columns:a\tb\n", "u.tsv", {"c"});
  EXPECT_TRUE(absl::StrContains(u.status().message(), "missing column \"c\""));
  auto r = TsvTable::Read("/nonexistent/x.tsv", {});
  EXPECT_TRUE(absl::IsNotFound(r.status()));
}

TEST(ResourcesTest, LoadsFixture) {
  auto r = Resources::Load(kFixture, kData + "/lexicon");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)->CountryByIso3("UKR"), nullptr);
  EXPECT_NE((*r)->Admin1ById("iso:RU-KRS"), nullptr);
  EXPECT_GT((*r)->triggers().entries.size(), 100u);
  EXPECT_TRUE((*r)->Abbreviation("gen").has_value());
  EXPECT_TRUE((*r)->IsCommonWord("republic"));
}

TEST(ResourcesTest, MissingDirectoryIsNotFound) {
  auto r = Resources::Load("/nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsNotFound(r.status()));
  EXPECT_TRUE(absl::StrContains(r.status().message(), "countries.tsv"));
}

// The full data files load in under a second.
TEST(ResourcesTest, LoadsTheDataFiles) {
  auto r = Resources::Load(kData);
  ASSERT_TRUE(r.ok()) << r.status();
  std::printf("data files: %zu countries, %zu admin1, %zu places, %zu actors, %zu names; "
              "%.3f s, ~%.1f MB\n",
              (*r)->countries().size(), (*r)->admin1s().size(), (*r)->places().size(),
              (*r)->actors().size(), (*r)->names().entries.size(), (*r)->load_seconds(),
              (*r)->MemoryBytes() / 1e6);
  // Load time is measured by extract_bench, not asserted here.
  EXPECT_GT((*r)->countries().size(), 200u);
  EXPECT_GT((*r)->admin1s().size(), 4000u);
  EXPECT_GT((*r)->places().size(), 30000u);
  EXPECT_GT((*r)->actors().size(), 500u);
}

}  // namespace
}  // namespace newsevents::ingest
